"""Trend figures: monthly rates with counts beneath, units compared, published indices by year."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import fmt
from dashboard.charts import palette, theme
from dashboard.i18n import published_term, t
from dashboard.metrics.trends import Event

#: Colour-blind-safe qualitative palette (Okabe–Ito), one colour per line.
PALETTE = palette.LINES
BAR_COLOURS = palette.BARS
#: how a published figure's quality is drawn: marker symbol (open = not verified)
QUALITY_SYMBOL = {"verified": "circle", "derived": "circle-open", "uncertain": "diamond-open", "demo": "x"}
#: the chosen period's shading; the right margin holds the target labels ("Mục tiêu 95 %" at 14 px)
SHADE = palette.SHADE
TARGET_MARGIN = 100


def month_x(df: pd.DataFrame) -> list[date]:
    """The x position of a named month (its nominal first day: Tháng 1/2025 → 01/01/2025)."""
    return [date(int(y), int(m), 1) for y, m in zip(df["year"], df["month"])]


def _month_labels(df: pd.DataFrame, lang: str) -> list[str]:
    return [fmt.month(y, m, lang) for y, m in zip(df["year"], df["month"])]


def _events(fig: go.Figure, events: list[Event], names: dict[str, str], lang: str, cutoff: int) -> None:
    """A dashed line where a merger changes what the series covers, with who joined whom."""
    from dashboard.metrics import periods

    by_day: dict[tuple[date, str], list[Event]] = {}
    for e in events:  # a reform retires many units on one day into one successor: one line, one note
        by_day.setdefault((e.effective, e.successor), []).append(e)
    for (day, successor), group in sorted(by_day.items()):
        p = periods.containing(day, "month", cutoff)
        x = date(p.year, p.number, 1) - timedelta(days=15)  # between the last month before and the first after
        fig.add_vline(x=x, line_dash="dot", line_color=palette.MUTED, line_width=1.5)
        retired = sorted(names.get(e.retired, e.retired) for e in group)
        fig.add_annotation(
            x=x,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            xanchor="left",
            showarrow=False,
            font=dict(size=12),
            text=t(
                "merger_note" if len(retired) == 1 else "merger_note_many",
                lang,
                date=fmt.day(day, lang),
                retired=retired[0],
                count=fmt.number(len(retired), lang),
                successor=names.get(successor, successor),
            ),
        )


def _shade(fig: go.Figure, span: tuple[date, date], cutoff: int, lang: str) -> None:
    """Shade the months of the chosen period (from the month holding its start to the one holding its end),
    named in the legend: a label on the chart would sit on the data or on the bars."""
    from dashboard.metrics import periods

    first, last = (periods.containing(d, "month", cutoff) for d in span)
    x0 = date(first.year, first.number, 1) - timedelta(days=15)
    x1 = date(last.year, last.number, 1) + timedelta(days=15)
    fig.add_vrect(x0=x0, x1=x1, fillcolor=SHADE, opacity=0.35, line_width=0, layer="below")
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t("chosen_period", lang),
            hoverinfo="skip",
            marker=dict(symbol="square", size=14, color=SHADE, opacity=0.6),
        )
    )


def _target(fig: go.Figure, value: float, colour: str, lang: str, yref: str = "y", **where) -> None:
    """A dashed target line, its label in the right margin beside it (never on the data)."""
    fig.add_hline(y=value, line_dash="dash", line_color=colour, **where)
    fig.add_annotation(
        x=1.0,
        xref="paper",
        xanchor="left",
        xshift=6,
        y=value,
        yref=yref,
        showarrow=False,
        text=t("chart_target", lang, value=fmt.percent(value, lang, 0)),
        font=dict(color=colour),
    )


def _layout(fig: go.Figure, lang: str, height: int) -> None:
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=TARGET_MARGIN, t=50, b=10),
        separators=fmt.plotly_separators(lang),
        template=theme.SCREEN,
        hovermode="x unified",
        legend=dict(orientation="h", yanchor="bottom", y=1.06, xanchor="left", x=0),
    )
    fig.update_xaxes(tickformat="%m/%Y", dtick="M3")


def rates_with_counts(
    df: pd.DataFrame,
    rates: list[str],
    targets: dict[str, float],
    lang: str,
    *,
    bars: tuple[str, ...] = ("received", "overdue"),
    events: list[Event] = (),
    names: dict[str, str] | None = None,
    cutoff: int = 1,
    height: int = 520,
    highlight: tuple[date, date] | None = None,
) -> go.Figure:
    """Monthly rates (lines, with target lines) over monthly counts (bars) on a shared time axis.

    df: the rows of metrics.trends.series (year, month, the rates, the counts); NaN = no data (a gap)."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    x = month_x(df)
    labels = _month_labels(df, lang)
    for i, r in enumerate(rates):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=df[r],
                name=t(r, lang),
                mode="lines+markers",
                line=dict(color=PALETTE[i], width=3),
                marker=dict(size=7),
                customdata=[[lab, fmt.percent(v, lang)] for lab, v in zip(labels, df[r])],
                hovertemplate="%{customdata[1]}<extra>" + t(r, lang) + "</extra>",
                connectgaps=False,
            ),
            row=1,
            col=1,
        )
    for i, r in enumerate(rates):
        if r in targets and (i == 0 or targets[r] != targets[rates[0]]):
            _target(fig, targets[r], PALETTE[i], lang, row=1, col=1)
    for b in bars:
        fig.add_trace(
            go.Bar(
                x=x,
                y=df[b],
                name=t(b, lang),
                marker_color=BAR_COLOURS.get(b, palette.MUTED),
                customdata=[fmt.number(v, lang) for v in df[b]],
                hovertemplate="%{customdata}<extra>" + t(b, lang) + "</extra>",
            ),
            row=2,
            col=1,
        )
    fig.update_yaxes(ticksuffix=" %", row=1, col=1)
    fig.update_layout(barmode="group")
    if highlight is not None:
        _shade(fig, highlight, cutoff, lang)
    _layout(fig, lang, height)
    _events(fig, list(events), names or {}, lang, cutoff)
    return fig


def compare(
    lines: dict[str, pd.DataFrame],
    rate: str,
    target: float | None,
    lang: str,
    *,
    events: list[Event] = (),
    names: dict[str, str] | None = None,
    cutoff: int = 1,
    height: int = 440,
) -> go.Figure:
    """One line per unit (name → its series rows) for one rate, with the target line."""
    fig = go.Figure()
    for i, (name, df) in enumerate(lines.items()):
        fig.add_trace(
            go.Scatter(
                x=month_x(df),
                y=df[rate],
                name=name,
                mode="lines+markers",
                line=dict(color=PALETTE[i % len(PALETTE)], width=3),
                marker=dict(size=7),
                customdata=[fmt.percent(v, lang) for v in df[rate]],
                hovertemplate="%{customdata}<extra>" + name + "</extra>",
            )
        )
    if target is not None:
        _target(fig, target, palette.LINE, lang)
    fig.update_yaxes(ticksuffix=" %", title=t(rate, lang))
    _layout(fig, lang, height)
    _events(fig, list(events), names or {}, lang, cutoff)
    return fig


def published(rows: pd.DataFrame, home: str, lang: str, height: int = 420) -> go.Figure:
    """A published index by year: one line per area (home province thick, national average dashed),
    the rank written at each point of the home province; open markers for derived or uncertain
    figures; the source in the hover.

    rows: published_index rows of one index (index itself, no components), columns year, area_code,
    area_name, score, rank, rank_of, quality, source_url."""
    fig = go.Figure()
    areas = list(dict.fromkeys([home, "VN", *sorted(set(rows["area_code"]) - {home, "VN"})]))
    for i, code in enumerate(a for a in areas if a in set(rows["area_code"])):
        d = rows[rows["area_code"] == code].sort_values("year")
        name = t("national_average_line", lang) if code == "VN" else str(d["area_name"].iloc[0])
        is_home = code == home
        ranks = [f"{int(r)}/{int(o)}" if pd.notna(r) and pd.notna(o) else "" for r, o in zip(d["rank"], d["rank_of"])]
        fig.add_trace(
            go.Scatter(
                x=d["year"],
                y=d["score"],
                name=name,
                mode="lines+markers+text" if is_home else "lines+markers",
                text=ranks if is_home else None,
                textposition="top center",
                textfont=dict(size=14),
                line=dict(
                    color=palette.MUTED if code == "VN" else PALETTE[i % len(PALETTE)],
                    width=5 if is_home else 2,
                    dash="dash" if code == "VN" else "solid",
                ),
                marker=dict(
                    size=13 if is_home else 9,
                    symbol=[QUALITY_SYMBOL.get(q, "circle") for q in d["quality"]],
                    line=dict(width=2),
                ),
                customdata=[
                    [fmt.number(s, lang, 2), rk or "—", t(f"quality_{q}", lang), u]
                    for s, rk, q, u in zip(d["score"], ranks, d["quality"], d["source_url"])
                ],
                hovertemplate=(
                    f"<b>{name}</b> %{{x}}: %{{customdata[0]}} · {t('col_rank', lang)} %{{customdata[1]}}"
                    "<br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>"
                ),
            )
        )
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(title=t("published_score", lang))
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        separators=fmt.plotly_separators(lang),
        template=theme.SCREEN,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    return fig


def components(rows: pd.DataFrame, lang: str, height: int = 420) -> go.Figure:
    """PAR Index component fields of one province, one bar group per year, rank written on each bar;
    hatched bars are figures marked uncertain."""
    fig = go.Figure()
    for i, (year, d) in enumerate(rows.sort_values(["year"]).groupby("year", sort=True)):
        fig.add_trace(
            go.Bar(
                y=[published_term(c, lang) for c in d["component"]],
                x=d["score"],
                orientation="h",
                name=str(year),
                marker_color=PALETTE[i % len(PALETTE)],
                marker_pattern_shape=["/" if q != "verified" else "" for q in d["quality"]],
                text=[
                    f"{fmt.number(s, lang, 2)} ({t('col_rank', lang).lower()} {int(r)}/{int(o)})"
                    if pd.notna(r)
                    else fmt.number(s, lang, 2)
                    for s, r, o in zip(d["score"], d["rank"], d["rank_of"])
                ],
                textposition="outside",
                cliponaxis=False,
                customdata=[[t(f"quality_{q}", lang), u] for q, u in zip(d["quality"], d["source_url"])],
                hovertemplate="%{y} · " + str(year) + ": %{x}<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        height=height,
        margin=dict(l=10, r=120, t=40, b=10),
        separators=fmt.plotly_separators(lang),
        template=theme.SCREEN,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t("published_points", lang))
    return fig
