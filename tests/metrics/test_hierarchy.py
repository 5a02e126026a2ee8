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


# unit_sums: attribute_retired then territory_totals (or a reindex), the pandas reference, on random units,
# crosswalks (chains, cycles, successors that are not valid) and counts of codes valid, retired or unknown
unit_codes = [f"u{i}" for i in range(8)]
forest = st.dictionaries(
    st.sampled_from(unit_codes), st.one_of(st.none(), st.sampled_from([*unit_codes, "gone"])), min_size=1
)
crosswalks = st.dictionaries(st.sampled_from([f"r{i}" for i in range(4)]), st.sampled_from([*unit_codes, "r0", "r1"]))
own_counts = st.dictionaries(
    st.sampled_from([*unit_codes, "r0", "r1", "r2", "r3", "x"]),
    st.tuples(st.integers(0, 50), st.integers(0, 50)),
)


@given(forest, crosswalks, own_counts, st.booleans())
def test_unit_sums_are_the_retired_attributed_then_summed_over_the_territory(parent, successors, own, territory):
    import numpy as np
    import pandas as pd

    units = pd.DataFrame({"code": list(parent), "parent_code": list(parent.values())})
    columns = ("a", "b")
    counts = pd.DataFrame([(c, *v) for c, v in own.items()], columns=["unit_code", *columns]).astype(
        {"a": "int64", "b": "int64"}
    )
    got = hierarchy.unit_sums(counts, units, successors, territory=territory, columns=columns)
    attributed = hierarchy.attribute_retired(counts, set(units["code"]), successors, columns=columns)
    if territory:
        want = territory_totals(attributed, units, columns=columns)
    else:
        want = attributed.set_index("unit_code")[list(columns)].reindex(units["code"], fill_value=0)
    assert got.dtype == np.int64 and got.tolist() == want.to_numpy().tolist()


def territory_totals(counts, units, columns):
    """The territory sums as first written in pandas (the reference unit_sums is held to): each unit's counts
    with those of all its descendants, one row per unit of `units`, indexed by code."""
    import pandas as pd

    parent = dict(zip(units["code"], units["parent_code"]))
    link = pd.DataFrame(hierarchy.ancestor_pairs(units), columns=["unit_code", "ancestor"])
    if not len(counts):
        return pd.DataFrame(0, index=pd.Index(list(parent), name="code"), columns=list(columns))
    own = counts.set_index("unit_code")[list(columns)]
    merged = link.merge(own, left_on="unit_code", right_index=True, how="inner")
    summed = merged.groupby("ancestor")[list(columns)].sum().reindex(list(parent), fill_value=0)
    summed.index.name = "code"
    return summed.astype("int64")
