"""The projector's slide arithmetic: stepping wraps round, the timer advances only when a slide has
had its time, and a manual step restarts the clock (ui/present.py)."""

from __future__ import annotations

from dashboard.ui.present import SLIDES, due, step


def test_stepping_wraps_round_both_ways():
    n = len(SLIDES)
    assert [step(i, n, 1) for i in range(n)] == [1, 2, 3, 0]
    assert [step(i, n, -1) for i in range(n)] == [3, 0, 1, 2]
    assert step(0, 3, 1) == 1 and step(2, 3, 1) == 0  # a deck without the map slide
    assert step(5, 0, 1) == 0  # no slides at all


def test_a_slide_advances_after_its_time_and_not_before():
    assert not due(last=100.0, now=100.0, every=20)  # the page just drew it
    assert not due(last=100.0, now=110.0, every=20)  # a click 10 s in reruns the fragment: no skip
    assert due(last=100.0, now=119.6, every=20)  # the timer may fire a little early
    assert due(last=100.0, now=140.0, every=20)
