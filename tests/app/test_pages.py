"""AppTest smoke test of every page, on a small demo warehouse (no browser)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from helpers import DEMO_QUARTER, DEMO_QUARTER_VI, PAGES, ROOT, page_cards, page_tables
from streamlit.testing.v1 import AppTest

from dashboard import config

HOME = "48"  # the province the demo territory's unit list opens on (Thành phố Đà Nẵng)


def maps(at: AppTest) -> list[dict]:
    """The data of every SVG map mounted on the page (markup, clickable)."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name.endswith("svg_map")]


def run_app(page: str | None = "pages/overview.py", **query) -> AppTest:
    """The app run once on `page` (None: the landing page) with `query` in its URL."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_pages_are_registered():
    assert PAGES == [
        "pages/import.py",
        "pages/map.py",
        "pages/overdue.py",
        "pages/overview.py",
        "pages/present.py",
        "pages/rankings.py",
        "pages/report.py",
        "pages/scorecard.py",
        "pages/trends.py",
    ]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(demo_env, geo_dir, page):
    at = run_app()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the projector's slide title is a large heading of its own, not st.title
    assert at.title or any(m.value.startswith("# ") for m in at.markdown)


def test_the_landing_page_is_the_map_of_the_latest_complete_quarter(demo_env, geo_dir):
    at = run_app(page=None)
    assert at.title[0].value.startswith("Bản đồ")
    assert at.query_params["period"] in (DEMO_QUARTER, [DEMO_QUARTER])  # the latest complete quarter
    assert at.query_params["unit"] in ("48", ["48"])  # today's city


def test_overview_figures_equal_the_report(demo_env):
    from dashboard.cli import report_frame
    from dashboard.metrics import periods
    from dashboard.warehouse.engine import make_engine

    at = run_app(period="2025-Q1", unit="49", scope="territory")
    values = {m.label: m.value for m in at.metric}
    # same configuration as the app's engine: DuckDB refuses mixed read-only/read-write handles in one process
    with make_engine(config.db_url(), read_only=True).connect() as conn:
        rows = report_frame(conn, periods.parse("2025-Q1", 15), "province", True)
        row = rows.set_index("unit_code").loc["49"]
    want = f"{row['on_time_rate']:.2f}".replace(".", ",") + " %"
    assert values["Tỷ lệ đúng hạn (chính thức)"] == want
    assert values["Hồ sơ quá hạn"] == f"{row['overdue']:,}".replace(",", ".")
    assert at.query_params["period"] == ["2025-Q1"] or at.query_params["period"] == "2025-Q1"


def test_filters_follow_the_url_and_language_toggle(demo_env):
    at = run_app(period="2024-11", unit="503", scope="own", lang="en")
    assert at.title[0].value == "Overview"
    assert any("Thành phố Hội An" in m.value and "Nov 2024" in m.value for m in at.markdown)
    at.radio(key="lang").set_value("vi").run()
    assert at.title[0].value == "Tổng quan"


def test_bad_url_values_fall_back_to_defaults(demo_env):
    at = run_app(period="'; DROP TABLE dossier; --", unit="nope", scope="x")
    assert any(f"Thành phố Đà Nẵng · {DEMO_QUARTER_VI}" in m.value for m in at.markdown)


def test_an_office_ranks_its_subordinate_units(demo_env):
    at = run_app(period="2025-Q1", unit="VPDKDD", scope="territory")
    assert [h.value for h in at.main.subheader] == ["Cảnh báo sớm", "Xếp hạng đơn vị trực thuộc"]
    assert page_tables(at)[-1].shape[0] == 18  # its branches (one per district, Nông Sơn still in Q1/2025)


def test_map_page_drills_from_district_to_commune_and_links_the_overdue_list(demo_env, geo_dir):
    at = run_app(period="2025-Q1")
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert len(maps(at)) == 1  # the district map (the provinces view is drawn on demand)
    # both provinces' districts: Quảng Nam's 17 and old Đà Nẵng's 8 (with Hoàng Sa) of 01/01/2025
    assert maps(at)[0]["html"].count('<path d="') == 17 + 8 and maps(at)[0]["clickable"]
    assert "Xếp hạng cấp huyện (toàn địa bàn)" in [h.value for h in at.main.subheader]
    at.selectbox(key="district").set_value("503").run()
    assert "Xếp hạng cấp xã" in [h.value for h in at.main.subheader]
    assert 'data-code="20398"' in maps(at)[0]["html"] and 'data-code="502"' not in maps(at)[0]["html"]
    assert at.query_params["district"] in (["503"], "503")
    at.selectbox(key="commune").set_value("20398").run()  # Phường Minh An
    link = at.get("page_link")[0].proto
    assert link.page.endswith("overdue.py") or link.page.endswith("overdue")
    assert "period=2025-Q1" in link.query_string and "scope=own" in link.query_string
    assert "unit=20398" in link.query_string


def test_map_page_without_boundaries_says_what_is_missing(demo_env, tmp_path, monkeypatch):
    import shutil

    shutil.copy(ROOT / "geo" / "manifest.json", tmp_path)
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(tmp_path))
    at = run_app(period="2025-Q1")
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert any("geo install" in w.value for w in at.warning)
    assert "Xếp hạng cấp huyện (toàn địa bàn)" in [h.value for h in at.main.subheader]  # the numbers still show


def test_overdue_page_from_a_deep_link_lists_what_spec_counts(demo_env):
    from dashboard.cli import report_frame
    from dashboard.metrics import periods
    from dashboard.warehouse.engine import make_engine

    at = run_app(period="2025-Q1", unit="CN_503", scope="own")
    at.switch_page("pages/overdue.py").run()
    assert not at.exception
    assert any("Chi nhánh VPĐKĐĐ Hội An · Quý 1/2025" in m.value for m in at.markdown)
    with make_engine(config.db_url(), read_only=True).connect() as conn:
        row = report_frame(conn, periods.parse("2025-Q1", 15), "department", False).set_index("unit_code").loc["CN_503"]
    summary = page_cards(at)
    assert summary["Hồ sơ quá hạn"] == str(row["finished_late"] + row["open_overdue"])
    assert summary["Giải quyết quá hạn trong kỳ"] == str(row["finished_late"])
    assert summary["Quá hạn chưa có phiếu xin lỗi"] == str(row["overdue_without_apology"])
    table = page_tables(at)[-1]  # the list, below the three summary tables
    assert len(table) == min(50, row["finished_late"]) and (table["Số ngày quá hạn"].astype(int) >= 1).all()
    at.segmented_control(key="ov_list").set_value("open_overdue").run()
    if row["open_overdue"]:
        assert len(page_tables(at)[-1]) == min(50, row["open_overdue"])
    else:
        assert any("Không có hồ sơ nào" in i.value for i in at.info)
    assert at.query_params["list"] in (["open_overdue"], "open_overdue")


def test_overdue_page_filters_and_pages(demo_env):
    at = run_app(period="2024", unit="49", scope="territory")
    at.switch_page("pages/overdue.py").run()
    assert not at.exception
    late = page_tables(at)[-1]
    assert len(late) == 50  # one page of the province's list
    at.number_input(key="ov_page").set_value(2).run()
    second = page_tables(at)[-1]
    assert len(second) == 50 and not set(second["Mã hồ sơ"]) & set(late["Mã hồ sơ"])
    days = lambda t: t["Số ngày quá hạn"].str.replace(".", "", regex=False).astype(int)  # noqa: E731 (vi: 1.234)
    assert days(second).max() <= days(late).min()  # most overdue first
    assert at.selectbox(key="ov_order").value == "days_overdue:desc"
    at.selectbox(key="ov_order").set_value("days_overdue:asc").run()
    least = page_tables(at)[-1]
    assert days(least).is_monotonic_increasing and days(least).max() <= days(late).min()
    assert at.number_input(key="ov_page").value == 1  # a new order starts at page 1
    assert "Số ngày quá hạn (tăng dần)" in at.selectbox(key="ov_order").format_func("days_overdue:asc")
    at.multiselect(key="ov_fields").set_value(["DD"]).run()
    land = page_tables(at)[-1]
    assert set(land["Lĩnh vực"]) == {"Đất đai"} and at.number_input(key="ov_page").value == 1
    assert at.query_params["field"] in (["DD"], "DD")


def test_a_link_filter_the_lists_do_not_hold_is_dropped_and_said(demo_env):
    at = run_app(period="2024", unit="49", scope="territory", field="ZZ,DD", proc="MH.9999")
    at.switch_page("pages/overdue.py").run()
    assert not at.exception
    assert at.multiselect(key="ov_fields").value == ["DD"] and at.multiselect(key="ov_procs").value == []
    notes = [i.value for i in at.info]
    field_note = next(n for n in notes if "lĩnh vực ZZ" in n)
    assert "bỏ khỏi bộ lọc" in field_note and "mọi lĩnh vực" not in field_note  # DD still filters
    assert any("thủ tục MH.9999" in n and "đang hiện mọi thủ tục" in n for n in notes)  # nothing kept
    assert not any("DD" in n for n in notes)
    assert set(page_tables(at)[-1]["Lĩnh vực"]) == {"Đất đai"}


def test_provinces_view_shows_published_figures_with_sources(demo_env, geo_dir):
    at = run_app(view="provinces")
    at.switch_page("pages/map.py").run()
    assert not at.exception and len(maps(at)) == 1
    assert 'class="outline"' in maps(at)[0]["html"]  # the home province
    assert at.radio(key="pub_index").value == "PAR" and at.selectbox(key="pub_year").value == 2023
    table = at.dataframe[0].value
    qn = table[table["Tỉnh, thành"] == "Quảng Nam"].iloc[0]
    assert qn["Điểm"] == "84,60" and qn["Hạng"] == "56/63" and qn["Nguồn"].startswith("https://")


def _table(at, index=0) -> pd.DataFrame:
    return page_tables(at)[index]


def test_scorecard_page_shows_the_estimate_of_the_unit(demo_env):
    from dashboard.metrics import periods, scorecard
    from dashboard.warehouse import queries
    from dashboard.warehouse.engine import make_engine

    at = run_app(period="2025-Q1", unit="503", scope="territory")
    at.switch_page("pages/scorecard.py").run()
    assert not at.exception
    with make_engine(config.db_url(), read_only=True).connect() as conn:
        row = (
            queries.kpi_table(conn, periods.parse("2025-Q1", 15), level="district", territory=True)
            .set_index("code")
            .loc["503"]
        )
    card = scorecard.scorecard(row.to_dict())
    est = f"{card.estimate:.2f}".replace(".", ",")
    values = {m.label: m.value for m in at.metric}
    assert values["Điểm ước tính từ dữ liệu hồ sơ"] == f"{est} / 50 điểm"
    table = _table(at)
    total = table[table["Nhóm chỉ số"] == "Tổng"].iloc[0]
    assert total["Điểm ước tính"] == f"{est} / 50"
    publicity = table[table["Nhóm chỉ số"] == "Công khai, minh bạch"].iloc[0]
    assert publicity["Điểm ước tính"] == "—" and publicity["Ghi chú"] == "Không tính được từ dữ liệu hồ sơ"
    assert values["Điểm chính thức (đã nhập)"] == "chưa nhập"


def test_rankings_page_ranks_districts_with_movement_and_links(demo_env):
    at = run_app(period="2025-Q1", unit="49")
    at.switch_page("pages/rankings.py").run()
    assert not at.exception
    grid = at.dataframe[0].value
    # Quảng Nam's 18 (Nông Sơn still counts in Q1/2025, 15/12/2024–14/03/2025) and old Đà Nẵng's 8
    assert len(grid) == 18 + 8
    ranks = [int(r) for r in grid["Hạng"] if r != "–"]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert all(v.startswith(("↑", "↓", "=", "–")) for v in grid["Thay đổi"])
    assert all("period=2025-Q1" in u and "/overdue?unit=" in u for u in grid["Danh sách quá hạn"])
    assert all("district=" in u for u in grid["Bản đồ"])
    at.segmented_control(key="rk_group").set_value("commune").run()
    at.selectbox(key="rk_district").set_value("503").run()
    assert len(at.dataframe[0].value) == 13  # Hội An's communes
    at.selectbox(key="rk_measure").set_value("overdue").run()
    grid = at.dataframe[0].value
    values = [int(v.replace(".", "")) for v in grid["Hồ sơ quá hạn"]]
    assert values == sorted(values)  # fewest overdue first
    assert at.query_params["measure"] in (["overdue"], "overdue")


def test_trends_page_continues_a_merged_district_and_shows_sources(demo_env):
    at = run_app(period="2024-Q4", unit="519", scope="territory")
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    assert any("Huyện Nông Sơn hết hiệu lực từ 01/01/2025" in i.value and "Huyện Quế Sơn" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) >= 5  # on time, digital, compare, SIPAS, PAR (+ PAR components)
    sources = at.dataframe[-1].value
    assert sources["Nguồn"].str.startswith("http").all()
    assert {"đã kiểm chứng", "suy ra"} <= set(sources["Mức tin cậy"])


def test_trends_compare_drops_units_outside_the_window(demo_env):
    at = run_app(period="2024-Q4", unit="519", scope="territory")
    at.switch_page("pages/trends.py").run()
    assert at.multiselect(key="tr_units").value == ["519"]
    at.session_state["tr_units"] = ["519", "NO_SUCH_UNIT"]  # e.g. kept from a longer span
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="tr_units").value == ["519"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_page_names_units_in_full(demo_env, lang):
    import json

    at = run_app(lang=lang, period="2025-Q2")
    at.switch_page("pages/report.py")
    at.run()
    grid = at.dataframe[0]
    names = list(grid.value.data.iloc[:, 1]) if hasattr(grid.value, "data") else list(grid.value.iloc[:, 1])
    assert "Tỉnh Quảng Nam" not in names  # no row of zeros for the province under I.
    config = json.loads(grid.proto.columns)
    unit_col = next(v for v in config.values() if v.get("pinned") and v.get("label"))
    units = [str(n) for n in names if str(n)[:1] not in "IV" or "." not in str(n)[:4]]
    # the longest unit name at ~6.3 px a character (14 px Source Sans; 6.0 measured in Chromium) fits
    assert unit_col["width"] >= 6.3 * max(len(n) for n in units), max(units, key=len)


def test_trends_page_names_the_chosen_provinces_without_a_published_figure(demo_env):
    from dashboard.warehouse.units import published_frame

    at = run_app(period="2025-Q2")
    at.switch_page("pages/trends.py").run()
    pub = published_frame()
    chosen = set(at.multiselect(key="tr_peers").value) | {HOME}
    names = dict(zip(pub["area_code"], pub["area_name"]))
    for index in ("SIPAS", "PAR"):
        have = set(pub.loc[(pub["index_name"] == index) & pub["component"].isna() & pub["score"].notna(), "area_code"])
        absent = sorted(names[c] for c in chosen - have)
        notes = [c.value for c in at.caption if c.value.startswith(f"Không có số liệu {index}")]
        if absent:
            assert len(notes) == 1 and all(n in notes[0] for n in absent), (index, absent, notes)
        else:
            assert not notes
    assert any(c.value.startswith("Không có số liệu") for c in at.caption)  # the default peers lack one


@pytest.mark.parametrize("unit, like_for_like", [("48", True), ("20341", False)])
def test_the_city_trend_runs_like_for_like_from_2022_and_a_commune_offers_it(demo_env, unit, like_for_like):
    """Today's city runs from its first month as the sum of the two provinces that formed it (its own code
    named only old Đà Nẵng before 07/2025); a new commune's series offers its old units as a toggle."""
    from dashboard.metrics import periods
    from dashboard.warehouse import queries
    from dashboard.warehouse.engine import make_engine

    at = run_app(period=DEMO_QUARTER, unit=unit, scope="territory")
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    assert at.toggle(key="tr_merged").value is like_for_like
    if not like_for_like:
        return
    at.segmented_control(key="tr_span").set_value(0).run()  # every month, from 01/2022
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    received = next(t for t in spec["data"] if t.get("type") == "bar" and t["name"] == "Tiếp nhận trong kỳ")
    y = received["y"]
    if isinstance(y, dict):  # plotly's typed array
        import base64

        import numpy as np

        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    by_month = dict(zip((x[:7] for x in received["x"]), y))
    assert min(by_month) == "2022-01"
    with make_engine(config.db_url(), read_only=True).connect() as conn:
        before = queries.kpi_table(conn, periods.parse("2024-05", 15), level="province", territory=True)
    assert set(before["code"]) == {"48", "49"}
    assert by_month["2024-05"] == before["received"].sum()  # both old provinces, not old Đà Nẵng alone


def test_the_early_warning_shows_each_change_with_its_sign(duck_env):
    """A rise reads +0,67 beside a fall of -6,90 (a bare 0,67 reads as a level); the change is this period's
    rate less the previous one, as the two columns beside it show them."""
    seen = []
    for period in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"):
        at = run_app(period=period, unit="48", scope="territory")
        table = next(d.value for d in at.dataframe if "Thay đổi (điểm)" in d.value.columns)
        for now, before, change in table[["Tỷ lệ đúng hạn (chính thức)", "Kỳ trước", "Thay đổi (điểm)"]].itertuples(
            index=False
        ):
            if not change:
                continue
            assert re.fullmatch(r"[+-]\d{1,3},\d{2}|0,00", change), change
            diff = float(now.removesuffix(" %").replace(",", ".")) - float(before.removesuffix(" %").replace(",", "."))
            assert abs(float(change.replace(",", ".")) - diff) <= 0.011, (change, now, before)
            seen.append(change[0])
    assert "+" in seen and "-" in seen  # both ways, so the test reads a rise
