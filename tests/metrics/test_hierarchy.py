"""The walk down the hierarchy (descendants_in) names exactly the units whose ancestors include the unit,
as the pairs of ancestor_pairs_of define them — on random parent maps with gaps, roots and cycles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard.metrics import hierarchy

codes = st.sampled_from([f"u{i}" for i in range(12)])
parents = st.dictionaries(codes, st.one_of(st.none(), st.just(""), codes, st.just("gone")), max_size=12)


@given(parents, codes)
def test_the_walk_down_equals_the_ancestor_pairs(parent, code):
    want = {u for u, a in hierarchy.ancestor_pairs_of(parent) if a == code}
    assert hierarchy.descendants_in(parent, hierarchy.children_of(parent), code) == want


def test_a_small_tree():
    parent = {"p": None, "d": "p", "c1": "d", "c2": "d", "x": "elsewhere"}
    children = hierarchy.children_of(parent)
    assert hierarchy.descendants_in(parent, children, "d") == {"d", "c1", "c2"}
    assert hierarchy.descendants_in(parent, children, "p") == {"p", "d", "c1", "c2"}
    assert hierarchy.descendants_in(parent, children, "elsewhere") == set()  # not a unit of the map
