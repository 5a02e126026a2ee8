"""Static tables drawn as HTML (ui/components.table): every text escaped, number columns right-aligned
header and cells, per-cell styles, and the same cells back through the tests' own table reader."""

from __future__ import annotations

import pandas as pd
from helpers import html_tables

from dashboard.ui import components


def drawn(monkeypatch, df, **kw) -> str:
    out = []
    monkeypatch.setattr(components.st, "html", out.append)
    components.table(df, **kw)
    assert len(out) == 1
    return out[0]


def test_cells_are_escaped_and_read_back(monkeypatch):
    df = pd.DataFrame({"Đơn vị": ['<script>alert("x")</script>', "Xã A & B"], "Quá hạn": ["1.234", None]})
    markup = drawn(monkeypatch, df)
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "Xã A &amp; B" in markup
    back = html_tables(markup)[0]
    assert list(back.columns) == ["Đơn vị", "Quá hạn"]
    assert back.values.tolist() == [['<script>alert("x")</script>', "1.234"], ["Xã A & B", ""]]


def test_number_columns_are_right_aligned_text_columns_not(monkeypatch):
    df = pd.DataFrame(
        {
            "Hạng": ["1", "2"],
            "Đơn vị": ["Huyện Quế Sơn", "12 Tháng 3"],
            "Tỷ lệ": ["95,00 %", "không có dữ liệu"],
            "Biến động": ["↑ 3", "="],
            "Tổng": ["1.234.567", "0"],
            "Mã": ["MH.0001", "—"],
        }
    )
    markup = drawn(monkeypatch, df)
    heads = pd.Series(markup.split("<th")[1:])
    right = [h.split(">", 2)[1].split("<")[0] for h in heads if h.startswith(' class="num"')]
    assert right == ["Hạng", "Tỷ lệ", "Biến động", "Tổng"]  # 'no data' does not make a rate column text
    assert markup.count('<td class="num"') == 8


def test_styles_per_cell_and_repeated_column_names(monkeypatch):
    df = pd.DataFrame([["a", "b"], ["c", "d"]], columns=["X", "X"])
    markup = drawn(monkeypatch, pd.DataFrame({"Tỷ lệ": ["97 %", "80 %"]}), styles={"Tỷ lệ": ["color: #1b7837", ""]})
    assert '<td class="num" style="color: #1b7837">97 %</td>' in markup and '<td class="num">80 %</td>' in markup
    assert html_tables(drawn(monkeypatch, df))[0].values.tolist() == [["a", "b"], ["c", "d"]]


def test_caption_goes_under_the_table_escaped(monkeypatch):
    markup = drawn(monkeypatch, pd.DataFrame({"A": ["1"]}), caption="Trang 1/2 · <b>")
    assert "<caption>Trang 1/2 · &lt;b&gt;</caption>" in markup
    assert "caption-side: bottom" in markup and html_tables(markup)[0].values.tolist() == [["1"]]


def test_cards_one_block_escaped_and_read_back(monkeypatch):
    from helpers import _CardParser

    out = []
    monkeypatch.setattr(components.st, "html", out.append)
    components.cards(
        [
            components.Card("Hồ sơ quá hạn", "10.190", help='Tổng "quá hạn" <x>'),
            components.Card("Chưa xin lỗi <i>", "4.150", note="40,7 % & hơn"),
        ]
    )
    assert len(out) == 1
    markup = out[0]
    assert markup.count('class="bdtc-card"') == 2
    assert 'title="Tổng &quot;quá hạn&quot; &lt;x&gt;"' in markup and "<i>" not in markup
    assert '<div class="note">40,7 % &amp; hơn</div>' in markup
    p = _CardParser()
    p.feed(markup)
    assert p.cards == {"Hồ sơ quá hạn": "10.190", "Chưa xin lỗi <i>": "4.150"}


def test_panels_side_by_side_with_their_tables(monkeypatch):
    out = []
    monkeypatch.setattr(components.st, "html", out.append)
    a, b = (components.table_html(pd.DataFrame({"X": [v]})) for v in ("1", "2"))
    components.panels([("Theo lĩnh vực", a), ("Theo <đơn vị>", b)], widths=[3, 4], note="Không theo bộ lọc")
    markup = out[0]
    assert len(out) == 1 and "grid-template-columns: 3fr 4fr" in markup
    assert "<h5>Theo &lt;đơn vị&gt;</h5>" in markup and '<p class="bdtc-note">Không theo bộ lọc</p>' in markup
    assert [t.values.tolist() for t in html_tables(markup)] == [[["1"]], [["2"]]]


def test_grid_height_fits_the_rows_or_scrolls():
    from dashboard.ui.components import grid_height

    assert grid_height(5, 720) == "content" and grid_height(19, 720) == "content"
    assert grid_height(20, 720) == 720 and grid_height(233, 420) == 420


def test_nowrap_columns_stay_on_one_line():
    from dashboard.ui.components import table_html

    df = pd.DataFrame(
        {
            "Mã hồ sơ": ["H49.CN_507-250122-00056858"],
            "Tên thủ tục": ["Đăng ký biến động quyền sử dụng đất"],
            "Số ngày": ["41"],
        }
    )
    html = table_html(df, nowrap=("Mã hồ sơ",))
    assert '<td class="nw">H49.CN_507-250122-00056858</td>' in html
    assert "<td>Đăng ký biến động" in html and '<td class="num">41</td>' in html
