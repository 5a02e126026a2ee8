"""Users file, roles and password hashing (dashboard.auth) and the `users` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import auth

ROOT = Path(__file__).resolve().parents[1]


def test_passwords_are_salted_argon2id_hashes_that_verify():
    h1, h2 = auth.hash_password("mật khẩu 1"), auth.hash_password("mật khẩu 1")
    assert h1.startswith("$argon2id$") and h1 != h2  # salted
    assert "mật khẩu" not in h1
    user = auth.User("lan", "Lan", "department_head", "509", password_hash=h1)
    assert auth.verify_password(user, "mật khẩu 1")
    assert not auth.verify_password(user, "mật khẩu 2")
    assert not auth.verify_password(user, "")
    assert not auth.verify_password(None, "mật khẩu 1")  # unknown user
    assert not auth.verify_password(auth.User("x", "x", "leader"), "anything")  # no hash: cannot sign in
    with pytest.raises(ValueError):
        auth.hash_password("")


def test_no_file_means_open_access(tmp_path):
    cfg = auth.load(tmp_path / "absent.toml")
    assert cfg.open and cfg.users == {}
    assert auth.OPEN.root is None and auth.OPEN.open_access


def test_roles_and_scope_roots(tmp_path):
    path = tmp_path / "users.toml"
    auth.save_user(
        path,
        auth.User("lan", "Nguyễn Thị Lan", "department_head", "509", "Lan@QuangNam.gov.vn", auth.hash_password("a")),
    )
    auth.save_user(path, auth.User("boss", "Trần Văn B", "leader", "49", None, auth.hash_password("b")))
    cfg = auth.load(path)
    assert not cfg.open and cfg.mode == "password" and not cfg.anonymous
    assert cfg.users["lan"].root == "509" and cfg.users["lan"].name == "Nguyễn Thị Lan"
    assert cfg.users["boss"].root is None  # leaders see everything, whatever unit is written
    assert cfg.by_identity("lan@quangnam.gov.vn") == cfg.users["lan"]  # OIDC e-mail, any case
    assert cfg.by_identity("BOSS") == cfg.users["boss"]
    assert cfg.by_identity("") is None and cfg.by_identity("eve") is None
    # replacing one user keeps the other
    auth.save_user(path, auth.User("lan", "Lan", "department_head", "502", None, auth.hash_password("c")))
    again = auth.load(path)
    assert again.users["lan"].unit == "502" and "boss" in again.users


@pytest.mark.parametrize(
    "text, field",
    [
        ('[users.a]\nrole = "superuser"\npassword_hash = "$argon2id$x"\n', "role"),
        ('[users.a]\nrole = "department_head"\npassword_hash = "$argon2id$x"\n', "unit"),
        ('[users.a]\nrole = "leader"\npassword_hash = "plain-text"\n', "password_hash"),
        ('[users.a]\nrole = "leader"\n', "password_hash"),
        ('[auth]\nmode = "ldap"\n', "mode"),
        ('[auth]\nanonymous = "yes"\n', "anonymous"),
        ("[users.a\n", "TOML"),
    ],
)
def test_a_bad_users_file_is_refused_naming_file_and_field(tmp_path, text, field):
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(auth.UsersFileError) as e:
        auth.load(path)
    assert str(path) in str(e.value) and field in str(e.value)


def test_oidc_and_header_modes_need_no_password(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(
        '[auth]\nmode = "header"\nheader = "X-Remote-User"\n[users.lan]\nrole = "department_head"\nunit = "509"\n',
        encoding="utf-8",
    )
    cfg = auth.load(path)
    assert cfg.mode == "header" and cfg.header == "X-Remote-User" and cfg.users["lan"].password_hash is None


def test_users_command_writes_a_file_the_dashboard_loads(tmp_path):
    path = tmp_path / "users.toml"

    def run(*args, stdin="pw-lan\n"):
        return subprocess.run(
            [sys.executable, "-m", "dashboard", "users", *args, "--file", str(path)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )

    ok = run("add", "lan", "--role", "department_head", "--unit", "509", "--name", "Nguyễn Thị Lan", "--password-stdin")
    assert ok.returncode == 0, ok.stderr
    user = auth.load(path).users["lan"]
    assert user.unit == "509" and auth.verify_password(user, "pw-lan")
    assert "pw-lan" not in path.read_text(encoding="utf-8")
    bad = run("add", "eve", "--role", "department_head", "--unit", "99999", "--password-stdin")
    assert bad.returncode == 2 and "99999" in bad.stderr
    listed = run("list", stdin="")
    assert "lan\tdepartment_head\t509" in listed.stdout and "eve" not in listed.stdout


def test_the_example_users_file_loads_and_its_placeholders_let_nobody_in():
    cfg = auth.load(ROOT / "docs" / "users.example.toml")
    assert cfg.mode == "password" and cfg.users["lan"].root == "509" and cfg.users["chu_tich"].root is None
    assert not any(auth.verify_password(u, "") or auth.verify_password(u, "password") for u in cfg.users.values())


def test_sign_ins_are_throttled_per_key_with_doubling_delays():
    th = auth.Throttle(free=5, base=1.0, cap=8.0)
    lan, client = ("user", "lan"), ("client", "10.0.0.9")
    now = 1000.0
    for i in range(5):  # five mistakes are free
        assert th.wait((lan, client), now) == 0
        assert th.failed((lan, client), now) == i + 1
    assert th.wait((lan, client), now) == 0
    delays = []
    for _ in range(6):
        th.failed((lan, client), now)
        delays.append(th.wait((lan, client), now))
        now += delays[-1]  # the attempt is made once the wait is over
    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]  # doubling, up to the cap
    # another user from another client is not held back; the same user from another client is
    assert th.wait((("user", "boss"), ("client", "10.0.0.7")), now - 1) == 0
    assert th.wait((lan, ("client", "10.0.0.7")), now - 1) == 1.0
    th.succeeded((lan, client))
    assert th.wait((lan, client), now - 1) == 0


def test_the_throttle_forgets_unlocked_keys_when_full():
    th = auth.Throttle(free=0, base=1.0, size=3)
    for i in range(3):
        th.failed([("client", str(i))], 0.0)  # each locked until 1.0
    th.failed([("client", "new")], 5.0)  # full: the three unlocked keys are forgotten
    assert len(th._fails) == 1


def test_users_file_is_private_and_a_world_readable_one_is_reported(tmp_path):
    path = tmp_path / "users.toml"
    auth.save_user(path, auth.User("lan", "Lan", "leader", password_hash=auth.hash_password("x")))
    assert path.stat().st_mode & 0o077 == 0
    assert auth.permission_problem(path) is None
    path.chmod(0o644)
    problem = auth.permission_problem(path)
    assert problem and str(path) in problem and "chmod 600" in problem
