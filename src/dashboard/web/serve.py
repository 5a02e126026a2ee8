"""The dashboard's server: app.py behind `DirectConnect`, warmed up before it takes requests.
Run: streamlit run src/dashboard/web/serve.py (what `make start` does; `streamlit run app.py` serves
the same app, only without the middleware and the warm-up)."""

import asyncio
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from dashboard.config import ROOT
from dashboard.web import DirectConnect


@asynccontextmanager
async def lifespan(_app):
    from dashboard.ui import data
    from dashboard.web import warm

    # in a worker thread: the event loop stays free while pandas, DuckDB and the rest load
    await asyncio.to_thread(warm.warm_up, ROOT, data.db_url())
    yield


app = st.App(
    ROOT / "app.py",
    lifespan=lifespan,
    middleware=[Middleware(DirectConnect, base_url_path=st.get_option("server.baseUrlPath") or "")],
)
