"""Sign-in and a department head's scope on every page: she lands on her unit, and neither a tampered
URL nor tampered session state shows another unit's figures (AppTest, both backends)."""

from __future__ import annotations

import html
import json

import pandas as pd
import pytest
from helpers import PAGES, ROOT, page_tables
from streamlit.testing.v1 import AppTest

from dashboard import auth, config
from dashboard.warehouse import queries, scope
from dashboard.warehouse.engine import make_engine

PASSWORDS = {"lan": "Quế Sơn 2025!", "boss": "lãnh đạo tỉnh"}


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.toml"
    auth.save_user(
        path,
        auth.User(
            "lan", "Nguyễn Thị Lan", "department_head", "509", password_hash=auth.hash_password(PASSWORDS["lan"])
        ),
    )
    auth.save_user(
        path, auth.User("boss", "Trần Văn Bình", "leader", password_hash=auth.hash_password(PASSWORDS["boss"]))
    )
    return path


@pytest.fixture
def signed_env(duck_env, users_file, geo_dir, monkeypatch):
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(users_file))
    return duck_env


@pytest.fixture(scope="module")
def outside_names(duck_env):
    """Names of the districts other than Quế Sơn (and Nông Sơn, merged into it), and every unit code
    outside Quế Sơn's subtree."""
    with make_engine(config.db_url(), read_only=True).connect() as conn:
        units = queries.all_units(conn)
        inside = scope.codes(conn, "509")
    districts = units[(units["kind"] == "district") & ~units["code"].isin(inside)]
    return set(districts["name"]), set(units["code"]) - inside, inside


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    if not at.text_input:
        at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    return at


def visible_text(at: AppTest) -> str:
    """Everything the page shows as text: headings, markdown, captions, metrics, tables, widget
    options and the data inside charts."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    frames = [pd.DataFrame(t.value.data if hasattr(t.value, "data") else t.value) for t in [*at.table, *at.dataframe]]
    for frame in frames + page_tables(at):
        parts += [str(c) for c in frame.columns] + [str(x) for x in frame.to_numpy().ravel()]
    for w in [*at.selectbox, *at.multiselect, *at.radio]:
        parts += [str(o) for o in w.options]
    for kind in (
        "selectbox",
        "multiselect",
        "radio",
        "number_input",
        "date_input",
        "text_input",
        "button",
        "toggle",
        "checkbox",
        "segmented_control",
        "download_button",
    ):
        for w in at.get(kind):  # labels, placeholders and help of every widget
            parts += [str(getattr(w.proto, a, "") or "") for a in ("label", "placeholder", "help")]
    for chart in at.get("plotly_chart"):
        parts.append(json.dumps(json.loads(chart.proto.spec), ensure_ascii=False))
    for svg in at.get("bidi_component"):  # the SVG maps: names, values and hover text in the markup
        parts.append(html.unescape(json.loads(svg.proto.json)["html"]))
    return "\n".join(parts)


def test_without_signing_in_nothing_is_shown(signed_env):
    at = app()
    at.run()
    assert not at.exception
    assert not at.metric and not at.table and not at.dataframe and not at.get("plotly_chart") and not page_tables(at)
    assert not at.get("bidi_component")
    assert [b.label for b in at.button] == ["Đăng nhập"]
    for page in ("pages/overdue.py", "pages/map.py"):
        at.switch_page(page)
        at.run()
        assert not at.metric and not page_tables(at) and not at.get("plotly_chart") and not at.get("bidi_component")


def test_a_wrong_password_or_a_forged_session_does_not_sign_in(signed_env):
    at = sign_in(app(), "lan", "wrong")
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in [e.value for e in at.error]
    assert not at.metric
    at = app()
    at.session_state["_auth"] = ("boss", 2**31, "0" * 64)  # a leader's name without the server's signature
    at.run()
    assert not at.metric and [b.label for b in at.button] == ["Đăng nhập"]


def test_repeated_failures_are_throttled_and_logged_then_a_wait_lets_her_in(signed_env, caplog, monkeypatch):
    from dashboard.ui import auth as ui_auth

    monkeypatch.setattr(ui_auth, "THROTTLE", auth.Throttle(base=600.0))  # no run outlasts the first wait

    for _ in range(5):
        at = sign_in(app(), "lan", "wrong")
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in [e.value for e in at.error]
    at = sign_in(app(), "lan", "wrong")  # the sixth: counted, and from now on she must wait
    with caplog.at_level("WARNING", logger="dashboard.auth"):
        at = sign_in(app(), "lan", PASSWORDS["lan"])  # even the right password is not checked yet
    assert any("thử lại sau" in e.value for e in at.error) and not at.metric
    assert any("throttled" in r.getMessage() for r in caplog.records)
    at = sign_in(app(), "boss", PASSWORDS["boss"])  # the lock is on her name and on this client...
    assert any("thử lại sau" in e.value for e in at.error)
    ui_auth.THROTTLE.reset()  # ... until the wait is over
    at = sign_in(app(), "lan", PASSWORDS["lan"])
    assert not at.exception and at.selectbox(key="unit").value == "509"


def test_a_sign_in_lasts_its_configured_lifetime(signed_env, monkeypatch):
    at = sign_in(app(), "boss", PASSWORDS["boss"])
    at.switch_page("pages/overview.py").run()
    assert at.metric
    monkeypatch.setenv("DASHBOARD_SESSION_HOURS", "0.0001")  # 0.36 s: already over when the next run starts
    record = at.session_state["_auth"]
    at.session_state["_auth"] = record  # the same signed record, now older than the lifetime
    import time

    monkeypatch.setattr(time, "time", lambda: record[1] + 1.0)
    at.run()
    assert not at.metric and [b.label for b in at.button] == ["Đăng nhập"]
    assert any("đăng nhập lại" in i.value for i in at.info)


def test_a_leader_sees_the_province(signed_env):
    at = sign_in(app(), "boss", PASSWORDS["boss"])
    assert not at.exception
    assert at.selectbox(key="unit").value == "48"
    assert "Thành phố Đà Nẵng" in visible_text(at)
    assert any("Trần Văn Bình" in c.value for c in at.caption)


def test_the_department_head_lands_on_her_unit(signed_env, outside_names):
    at = sign_in(app(), "lan", PASSWORDS["lan"])
    assert not at.exception, [e.value for e in at.exception]
    unit = at.selectbox(key="unit")
    assert unit.value == "509"
    assert set(unit.options) <= {"Huyện Quế Sơn", *[o for o in unit.options if o.startswith(("Xã", "Thị trấn"))]}
    assert any("Nguyễn Thị Lan" in c.value and "Huyện Quế Sơn" in c.value for c in at.caption)
    assert [x.value for x in at.title] == ["Bản đồ"]  # the landing page, on her unit
    at.switch_page("pages/overview.py").run()
    assert at.markdown[0].value.startswith("#### Huyện Quế Sơn")


# the import page is not registered for a department head at all (tests/app/test_import_page.py)
@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/import.py"])
def test_tampered_url_and_session_show_nothing_outside_her_subtree(signed_env, outside_names, page):
    names, codes, inside = outside_names

    def check(at: AppTest) -> None:
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="unit").value == "509"
        text = visible_text(at)
        leaked = sorted(n for n in names if n in text)
        assert not leaked, f"{page} shows {leaked}"

    # She opens a link naming the province (or Tam Kỳ) with session state naming Tam Kỳ, then signs in.
    # (Session state is set before any widget holds those keys: AppTest cannot even send a value
    # that is not among a drawn widget's options, and neither can a browser.)
    for tampered in ({"unit": "49", "scope": "territory"}, {"unit": "502", "district": "502", "list": "open_overdue"}):
        at = app()
        for k, v in tampered.items():
            at.query_params[k] = v
        at.session_state["unit"] = "502"
        at.session_state["district"] = "502"
        at.session_state["tr_units"] = ["502", "49", "509"]
        at.run()
        at.switch_page(page)
        sign_in(at, "lan", PASSWORDS["lan"])
        check(at)
        # signed in, she edits the URL again
        at.query_params["unit"] = "502" if tampered["unit"] == "49" else "49"
        at.query_params["district"] = "502"
        at.run()
        check(at)


def test_the_open_demo_says_it_is_open(duck_env):
    at = app()
    at.run()
    assert any("Chế độ mở" in c.value for c in at.caption)
