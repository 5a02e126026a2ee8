"""The dashboard's server: app.py behind `DirectConnect`. Run: streamlit run src/dashboard/web/serve.py
(what `make start` does; `streamlit run app.py` serves the same app, only without the middleware)."""
import streamlit as st
from starlette.middleware import Middleware

from dashboard.config import ROOT
from dashboard.web import DirectConnect

app = st.App(ROOT / "app.py",
             middleware=[Middleware(DirectConnect, base_url_path=st.get_option("server.baseUrlPath") or "")])
