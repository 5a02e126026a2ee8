"""Cached figure builders: plotly builds figures slowly (make_subplots, shapes), and a page rerun for an
unrelated widget should not pay that again. Keys are the inputs, so nothing is shared across units."""

from __future__ import annotations

import streamlit as st

from dashboard.charts import trends as charts


@st.cache_data(ttl=3600, show_spinner=False, max_entries=100)
def rates_with_counts(df, rates, targets, lang, **kw):
    return charts.rates_with_counts(df, list(rates), dict(targets), lang, **kw)


@st.cache_data(ttl=3600, show_spinner=False, max_entries=100)
def compare(lines, rate, target, lang, **kw):
    return charts.compare(dict(lines), rate, target, lang, **kw)


@st.cache_data(ttl=3600, show_spinner=False, max_entries=50)
def published(rows, home, lang):
    return charts.published(rows, home, lang)


@st.cache_data(ttl=3600, show_spinner=False, max_entries=10)
def components(rows, lang):
    return charts.components(rows, lang)
