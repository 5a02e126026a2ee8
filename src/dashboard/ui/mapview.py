"""The map page's pieces: values, ranks and the counts behind each rate per unit, and the SVG map
mounted as a Streamlit component (hover tooltip; a click on a unit reaches Python)."""

from __future__ import annotations

from collections.abc import Callable
from string import Template

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.charts import palette
from dashboard.charts.maps import MapFigure
from dashboard.i18n import t
from dashboard.metrics.kpi import RATE_DEFS
from dashboard.ui.components import ranked

#: metric picker order: the official on-time rate first (SPEC §4)
METRICS = (
    "on_time_rate",
    "online_rate",
    "online_payment_rate",
    "digitised_rate",
    "satisfaction_rate",
    "overdue",
    "overdue_without_apology",
    "received",
)

_CSS = Template("""
:host { display: block; }
.root { position: relative; font-family: inherit; color: $ink; }
svg { display: block; width: 100%; height: auto; max-height: var(--max-height, 78vh); }
path[data-code] { stroke: $edge; stroke-width: var(--line); vector-effect: non-scaling-stroke; stroke-linejoin: round; }
path.click { cursor: pointer; }
path[data-code]:focus { outline: none; }
path.hl { fill: none; stroke: $focus; stroke-width: 3px; vector-effect: non-scaling-stroke; pointer-events: none; }
path.outline { fill: none; stroke: $home; stroke-width: 3.5px; vector-effect: non-scaling-stroke; pointer-events: none; }
.labels text { font-size: var(--label); font-weight: 700; fill: $ink; text-anchor: middle; paint-order: stroke;
  stroke: $white; stroke-width: 3.5px; stroke-linejoin: round; pointer-events: none; }
.leaders line { stroke: $leader; stroke-width: 1.2px; vector-effect: non-scaling-stroke; }
.leaders circle { fill: $leader; }
.legend { display: flex; flex-wrap: wrap; gap: .35em 1.1em; align-items: center; margin: 0 0 .4em 0;
  font-size: var(--legend-size, 15px); }
.legend i { display: inline-block; width: 1.1em; height: 1.1em; margin-right: .35em; vertical-align: -0.15em;
  border: 1px solid $key_edge; }
.tip { position: absolute; display: none; pointer-events: none; background: $white; border: 1px solid $tip_edge;
  border-radius: 4px; padding: 6px 9px; font-size: 14px; line-height: 1.35; white-space: nowrap;
  box-shadow: 0 2px 6px rgba(0,0,0,.2); z-index: 2; }
""").substitute(
    ink=palette.INK,
    edge=palette.OUTLINE,
    focus=palette.BLACK,
    home=palette.HOME,
    white=palette.WHITE,
    leader=palette.LEADER,
    key_edge=palette.KEY_EDGE,
    tip_edge=palette.TIP_EDGE,
)

# Mounting replaces the markup only when it changed; hover and click are wired on every render.
_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".root");
  if (!root) {
    root = document.createElement("div");
    root.className = "root";
    parentElement.appendChild(root);
  }
  if (root._html !== data.html) {
    root.innerHTML = data.html;
    root._html = data.html;
  }
  root.style.setProperty("--legend-size", data.legend_size + "px");
  root.style.setProperty("--max-height", data.max_height);
  const tip = root.querySelector(".tip");
  const hl = root.querySelector("path.hl");
  const hide = () => { tip.style.display = "none"; if (hl) hl.setAttribute("d", ""); };
  const show = (el, x, y) => {
    if (hl) hl.setAttribute("d", el.getAttribute("d"));
    tip.replaceChildren();
    el.dataset.tip.split("\\n").forEach((line, i) => {
      const row = document.createElement("div");
      if (!i) row.style.fontWeight = "700";
      row.textContent = line;
      tip.appendChild(row);
    });
    tip.style.display = "block";
    const box = root.getBoundingClientRect();
    const left = Math.min(x - box.left + 14, box.width - tip.offsetWidth - 4);
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = (y - box.top + 14) + "px";
  };
  root.querySelectorAll("path[data-code]").forEach((p) => {
    p.onmousemove = (e) => show(p, e.clientX, e.clientY);
    p.onmouseleave = hide;
    p.onfocus = () => { const r = p.getBoundingClientRect(); show(p, r.left + r.width / 2, r.top + r.height / 2); };
    p.onblur = hide;
    if (data.clickable) {
      p.onclick = () => setTriggerValue("clicked", p.dataset.code);
      p.onkeydown = (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); setTriggerValue("clicked", p.dataset.code); } };
    }
  });
}
"""

_svg_map = st.components.v2.component("ban_do_the_che.svg_map", css=_CSS, js=_JS)


def draw(
    fig: MapFigure,
    key: str,
    on_click: Callable[[str], None] | None = None,
    *,
    legend_size: int = 15,
    max_height: str = "78vh",
) -> None:
    """Mount a map; `on_click(code)` runs (as a callback, before the rerun) when a unit is clicked."""

    def clicked() -> None:
        code = getattr(st.session_state.get(key), "clicked", None)
        if code and on_click is not None:
            on_click(code)

    _svg_map(
        key=key,
        data={
            "html": fig.html,
            "clickable": fig.clickable and on_click is not None,
            "legend_size": legend_size,
            "max_height": max_height,
        },
        on_clicked_change=clicked,
        width="stretch",
    )


def map_frame(table: pd.DataFrame, metric: str, lang: str) -> pd.DataFrame:
    """code, name, value, rank and hover text (rank among peers and the counts behind the value)."""
    r = ranked(table, metric)
    n = len(r)
    hover = []
    for _, row in r.iterrows():
        rank = "" if pd.isna(row["rank"]) else t("hover_rank", lang, rank=int(row["rank"]), n=n)
        if metric in RATE_DEFS:
            num, den = RATE_DEFS[metric]
            behind = t(
                "hover_counts",
                lang,
                num=fmt.number(sum(row[c] for c in num), lang),
                den=fmt.number(sum(row[c] for c in den), lang),
            )
        else:
            behind = t(
                "hover_overdue",
                lang,
                late=fmt.number(row["finished_late"], lang),
                open=fmt.number(row["open_overdue"], lang),
            )
        hover.append("\n".join(x for x in (rank, behind) if x))
    return pd.DataFrame({"code": r["code"], "name": r["name"], "value": r[metric], "rank": r["rank"], "hover": hover})
