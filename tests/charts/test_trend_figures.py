"""Trend figure builders: lines with targets over count bars, merger annotations, published points
marked by quality with their source in the hover."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.charts import trends as charts
from dashboard.metrics.trends import Event


def rows():
    return pd.DataFrame(
        {
            "year": [2024, 2024, 2025],
            "month": [11, 12, 1],
            "on_time_rate": [96.0, float("nan"), 93.5],
            "on_time_rate_finished": [98.0, 97.0, 96.0],
            "received": [100, 0, 120],
            "overdue": [4, 0, 8],
        }
    )


def test_rates_over_counts_with_target_gaps_and_a_merger_line():
    fig = charts.rates_with_counts(
        rows(),
        ["on_time_rate", "on_time_rate_finished"],
        {"on_time_rate": 95.0},
        "vi",
        events=[Event(date(2025, 1, 1), "519", "509")],
        names={"519": "Huyện Nông Sơn", "509": "Huyện Quế Sơn"},
        cutoff=15,
        highlight=(date(2024, 12, 15), date(2025, 1, 14)),
    )
    lines = [t for t in fig.data if t.type == "scatter" and t.x[0] is not None]
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in lines] == ["Tỷ lệ đúng hạn (chính thức)", "Tỷ lệ đúng hạn trên hồ sơ đã giải quyết"]
    assert [t.name for t in bars] == ["Tiếp nhận trong kỳ", "Hồ sơ quá hạn"]
    assert list(lines[0].x) == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]
    assert pd.isna(lines[0].y[1]) and lines[0].connectgaps is False  # no data is a gap, not 0 %
    assert lines[0].customdata[1][1] == "không có dữ liệu"
    texts = [a.text for a in fig.layout.annotations]
    assert "01/01/2025: Huyện Nông Sơn → Huyện Quế Sơn" in texts
    # the target's label stands in the right margin (paper x = 1), beside its line, never over the data
    target = next(a for a in fig.layout.annotations if a.text == "Mục tiêu 95 %")
    assert (target.xref, target.x, target.xanchor, target.y) == ("paper", 1.0, "left", 95.0)
    # the chosen period is named in the legend, not written on the chart (once per subplot, over the bars)
    assert "Kỳ đang chọn" not in texts and "Kỳ đang chọn" in [t.name for t in fig.data]
    assert any(
        s.type == "line" and s.x0 == date(2024, 12, 17) for s in fig.layout.shapes
    )  # between 12/2024 and 01/2025


def test_compare_draws_one_line_per_unit():
    fig = charts.compare({"A": rows(), "B": rows()}, "on_time_rate", 95.0, "en")
    assert [t.name for t in fig.data] == ["A", "B"]
    assert fig.layout.yaxis.title.text == "On-time rate (official)"


def test_published_points_carry_quality_rank_and_source():
    pub = pd.DataFrame(
        {
            "year": [2022, 2023, 2022, 2023],
            "area_code": ["49", "49", "VN", "VN"],
            "area_name": ["Quảng Nam", "Quảng Nam", "Bình quân cả nước", "Bình quân cả nước"],
            "score": [74.56, 78.44, 80.08, 82.66],
            "rank": [61, 59, None, None],
            "rank_of": [63, 63, None, None],
            "quality": ["derived", "verified", "verified", "verified"],
            "source_url": [
                "https://a.example/2022",
                "https://b.example/2023",
                "https://c.example",
                "https://c.example",
            ],
        }
    )
    fig = charts.published(pub, "49", "vi")
    home, avg = fig.data
    assert home.name == "Quảng Nam" and avg.name == "Bình quân cả nước"
    assert list(home.marker.symbol) == ["circle-open", "circle"]  # derived is drawn open
    assert list(home.text) == ["61/63", "59/63"]
    assert home.customdata[0][2] == "suy ra"  # quality in words
    assert home.customdata[0][3] == "https://a.example/2022"
    assert avg.line.dash == "dash"


def test_score_by_month_colours_bands_and_names_months_without_data():
    from dashboard.charts.scorecard import BAND_766_COLOURS, NO_DATA_COLOUR, score_by_month
    from dashboard.metrics.scorecard import score_columns

    df = score_columns(
        pd.DataFrame(
            {
                "year": [2025, 2025],
                "month": [1, 2],
                "on_time_rate": [95.0, float("nan")],
                "online_rate": [60.0, float("nan")],
                "online_payment_rate": [50.0, float("nan")],
                "digitised_rate": [80.0, float("nan")],
                "satisfaction_rate": [90.0, float("nan")],
            }
        )
    )
    bar = score_by_month(df, "vi").data[0]
    assert list(bar.marker.color) == [BAND_766_COLOURS["good"], NO_DATA_COLOUR]  # 19+12+5+2+6 = 44/50 = 88: Tốt
    assert bar.text[0] == "88,0<br>Tốt" and bar.text[1] == "không có dữ liệu"
    assert list(bar.textposition) == ["inside", "outside"]  # a value inside its bar, "no data" above the axis


def test_score_by_month_band_lines_run_under_the_bars_and_months_read_in_english():
    from dashboard.charts.scorecard import score_by_month
    from dashboard.metrics.scorecard import score_columns

    df = score_columns(
        pd.DataFrame(
            {
                "year": [2024],
                "month": [7],
                "on_time_rate": [95.0],
                "online_rate": [60.0],
                "online_payment_rate": [50.0],
                "digitised_rate": [80.0],
                "satisfaction_rate": [90.0],
            }
        )
    )
    fig = score_by_month(df, "en")
    assert fig.layout.shapes and all(s.layer == "below" for s in fig.layout.shapes)
    assert list(fig.data[0].x) == ["Jul 2024"]


def test_a_reform_that_retires_many_units_into_one_is_one_line_and_one_note():
    """On 01/07/2025 a province and its districts went into the city: one dashed line and one readable
    note naming how many, not a pile of overlapping labels."""
    events = [Event(date(2025, 7, 1), code, "48") for code in ("49", "502", "503")]
    events.append(Event(date(2025, 1, 1), "519", "509"))
    fig = charts.rates_with_counts(
        rows(),
        ["on_time_rate"],
        {},
        "en",
        events=events,
        names={"48": "Thành phố Đà Nẵng", "519": "Huyện Nông Sơn", "509": "Huyện Quế Sơn"},
        cutoff=15,
    )
    texts = [a.text for a in fig.layout.annotations]
    assert "1 Jul 2025: 3 units → Thành phố Đà Nẵng" in texts
    assert sum("→" in t for t in texts) == 2
    assert len({s.x0 for s in fig.layout.shapes if s.line.dash == "dot"}) == 2  # one place per reform (both subplots)
