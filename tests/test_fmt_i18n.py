from datetime import date

from dashboard import fmt
from dashboard.i18n import LANGS, STRINGS, t


def test_vi_vn_numbers_dates_and_no_data():
    assert fmt.number(1234.5, "vi", 1) == "1.234,5"
    assert fmt.number(1234567, "vi") == "1.234.567"
    assert fmt.percent(95.0, "vi") == "95,00 %"
    assert fmt.percent(None, "vi") == "không có dữ liệu"
    assert fmt.percent(float("nan"), "en") == "no data"
    assert fmt.number(1234.5, "en", 1) == "1,234.5"
    assert fmt.day(date(2025, 3, 14), "vi") == "14/03/2025"
    assert fmt.day(date(2025, 3, 4), "en") == "4 Mar 2025"


def test_a_change_carries_its_sign_both_ways():
    assert fmt.signed(0.67, "vi") == "+0,67"
    assert fmt.signed(-6.9, "vi") == "-6,90"
    assert fmt.signed(1234.5, "en", 1) == "+1,234.5"
    assert fmt.signed(0.0, "vi") == fmt.signed(-0.001, "vi") == fmt.signed(0.004, "vi") == "0,00"  # no sign on nought
    assert fmt.signed(float("nan"), "vi") == "không có dữ liệu"


def test_every_string_exists_in_both_languages():
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGS), key
        assert all(v.strip() for v in texts.values()), key
    assert t("label_quarter", "vi", n=1, y=2025) == "Quý 1/2025"
