"""Cached figure builders: plotly builds figures slowly (make_subplots, shapes), and a page rerun for an
unrelated widget should not pay that again. Keys are the inputs, so nothing is shared across units."""

from __future__ import annotations

import streamlit as st

from dashboard.charts import maps
from dashboard.charts import trends as charts
from dashboard.geo import layers


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


@st.cache_data(ttl=3600, show_spinner=False, max_entries=64)
def choropleth(layer_version, codes, frame, **kw):
    """maps.choropleth on the layer of `layer_version` (geo.layers.version), on the units in `codes` only
    when given: a new visitor's map page is drawn without building its SVG again (≈ 30 ms of 94 communes)."""
    gj = layers.assembled(layer_version)
    return maps.choropleth(maps.subset(gj, codes) if codes is not None else gj, frame, **kw)
