"""The pages' cached data access: what keys its caches, and the process it runs in."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date, timedelta

import pytest
import streamlit as st

from dashboard.metrics.periods import Period
from dashboard.ui import data
from dashboard.warehouse.overdue import ListQuery


def _counting():
    calls = []

    @st.cache_data(hash_funcs=data.HASH_FUNCS, show_spinner=False)
    def fn(src, period, q):
        calls.append((src, period, q))
        return len(calls)

    return fn, calls


SRC = data.Source("duckdb:///w.duckdb", "v1", None)
P = Period(date(2025, 1, 15), date(2025, 4, 14), "quarter", 2025, 1, 15)
Q = ListQuery(P, "509", True, date(2025, 4, 20), 3, ("F1",), ())


def _variants(obj):
    """`obj` with each of its fields changed in turn (the values no other field of the test has)."""
    other = {
        str: "other",
        int: 99,
        tuple: ("X9",),
        type(None): "R1",
        Period: dataclasses.replace(P, cutoff=1),
    }
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, date):
            new = value + timedelta(days=1)
        else:
            new = (not value) if isinstance(value, bool) else other[type(value)]
        yield f.name, dataclasses.replace(obj, **{f.name: new})


@pytest.mark.parametrize("which", ["src", "period", "q"])
def test_every_field_of_an_argument_keys_the_cache(which):
    # a hash function that left a field out would hand one viewer's or one period's result to another
    st.cache_data.clear()  # the function's cache outlives a parameter's run (Streamlit keys it by its source)
    fn, calls = _counting()
    args = {"src": SRC, "period": P, "q": Q}
    fn(**args)
    fn(**args)
    assert len(calls) == 1
    for name, changed in _variants(args[which]):
        before = len(calls)
        fn(**{**args, which: changed})
        assert len(calls) == before + 1, f"{which}.{name} does not key the cache"


def test_a_date_keys_by_its_value():
    st.cache_data.clear()
    calls = []

    @st.cache_data(hash_funcs=data.HASH_FUNCS, show_spinner=False)
    def fn(day):
        calls.append(day)
        return day

    fn(date(2025, 3, 14))
    fn(date(2025, 3, 14))
    fn(date(2025, 3, 15))
    assert calls == [date(2025, 3, 14), date(2025, 3, 15)]


def test_the_libraries_modules_are_frozen_out_of_full_collections():
    # a fresh interpreter: what Streamlit and its company leave alive must be in the frozen generation once
    # dashboard.ui is imported, or every full collection walks them again (tens of ms a page)
    code = (
        "import gc, streamlit, sqlalchemy, plotly.graph_objects, duckdb; gc.collect(); n = len(gc.get_objects());"
        "import dashboard.ui; print(n, gc.get_freeze_count(), len(gc.get_objects()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    libraries, frozen, left = map(int, out)
    assert frozen >= libraries
    assert left < libraries / 10
