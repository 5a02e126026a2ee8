"""Trình chiếu: slides for a committee's projector (map, worst units, trends, overdue summary) that
advance by themselves; opened as /present or with ?present=1 on any page."""

from dashboard.ui import filters, present

present.show(filters.current())
