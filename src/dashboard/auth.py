"""Users, roles and password hashes (no Streamlit here; ui/auth.py asks it who is signed in).

The users file is TOML ($DASHBOARD_USERS_FILE, default data/users.toml):

    [auth]
    mode = "password"          # or "oidc" (st.login) or "header" (a trusted reverse proxy)
    header = "X-Forwarded-User" # mode = "header": the request header naming the user
    anonymous = false          # true: visitors who are not signed in see everything, as leaders

    [users.lan]
    name = "Nguyễn Thị Lan"
    role = "department_head"   # or "leader", or "admin" (sees everything; may import, as leaders may)
    unit = "509"               # the unit she heads: her scope is it and everything under it
    email = "lan@quangnam.gov.vn"  # matched against the OIDC identity (mode = "oidc")
    password_hash = "$argon2id$..."  # python -m dashboard users add lan ...

No users file: the dashboard runs open (everyone sees everything) and says so.
"""

from __future__ import annotations

import stat
import threading
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import tomli_w
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("leader", "admin", "department_head")
#: roles that see every unit (and may import data)
SEES_ALL = ("leader", "admin")
MODES = ("password", "oidc", "header")
_hasher = PasswordHasher()  # argon2id, the library's defaults (RFC 9106 low-memory profile)


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    unit: str | None = None
    email: str | None = None
    password_hash: str | None = None
    open_access: bool = False  # no users file: everyone is let in as a leader

    @property
    def root(self) -> str | None:
        """The scope root bound into every query: None (everything) for leaders."""
        return None if self.role in SEES_ALL else self.unit


#: who a visitor is when no users file is configured
OPEN = User(username="", name="", role="leader", open_access=True)
#: a visitor not signed in where the users file allows anonymous access
ANONYMOUS = User(username="", name="", role="leader")


@dataclass(frozen=True)
class AuthConfig:
    path: Path | None
    mode: str = "password"
    header: str = "X-Forwarded-User"
    anonymous: bool = False
    users: dict[str, User] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.path is None

    def by_identity(self, identity: str | None) -> User | None:
        """The user a sign-in identity names: a username, or (OIDC) an e-mail address, matched without case."""
        if not identity:
            return None
        key = identity.strip().lower()
        for u in self.users.values():
            if u.username.lower() == key or (u.email and u.email.lower() == key):
                return u
        return None


def may_import(user: User) -> bool:
    """Who may load data from the browser: leaders and administrators (and everyone on an open demo)."""
    return user.open_access or user.role in SEES_ALL


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a password cannot be empty")
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """True when `password` is the user's. An unknown user still costs one hash, so timing does not
    tell which usernames exist."""
    encoded = user.password_hash if user and user.password_hash else _dummy()
    try:
        ok = _hasher.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and user is not None and bool(user.password_hash)


@cache
def _dummy() -> str:
    return _hasher.hash("not a password of anyone")


def load(path: Path | None) -> AuthConfig:
    """Read and check the users file; no file → open access."""
    if path is None or not path.exists():
        return AuthConfig(path=None)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UsersFileError(f"{path}: not valid TOML ({e})") from e
    auth = raw.get("auth", {})
    mode = auth.get("mode", "password")
    if mode not in MODES:
        raise UsersFileError(f"{path}: [auth] mode = {mode!r}; choose one of {', '.join(MODES)}")
    anonymous = auth.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise UsersFileError(f"{path}: [auth] anonymous must be true or false")
    users = {}
    for username, rec in (raw.get("users") or {}).items():
        where = f"{path}: [users.{username}]"
        if not isinstance(rec, dict):
            raise UsersFileError(f"{where} must be a table")
        role = rec.get("role")
        if role not in ROLES:
            raise UsersFileError(f"{where} role = {role!r}; choose one of {', '.join(ROLES)}")
        unit = rec.get("unit")
        if role == "department_head" and not unit:
            raise UsersFileError(f"{where} unit is missing: a department head is scoped to a unit code")
        pw = rec.get("password_hash")
        if pw is not None and not str(pw).startswith("$argon2"):
            raise UsersFileError(
                f"{where} password_hash is not an argon2 hash (set it with `python -m dashboard users add`)"
            )
        if mode == "password" and not pw:
            raise UsersFileError(f'{where} password_hash is missing (mode = "password")')
        users[username] = User(
            username=username,
            name=str(rec.get("name") or username),
            role=role,
            unit=str(unit) if unit else None,
            email=rec.get("email"),
            password_hash=pw,
        )
    return AuthConfig(
        path=path, mode=mode, header=str(auth.get("header", "X-Forwarded-User")), anonymous=anonymous, users=users
    )


def save_user(path: Path, user: User) -> None:
    """Add or replace one user in the users file (created when missing), keeping the rest."""
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {"auth": {"mode": "password"}}
    rec = {"name": user.name, "role": user.role}
    for key in ("unit", "email", "password_hash"):
        if getattr(user, key):
            rec[key] = getattr(user, key)
    raw.setdefault("users", {})[user.username] = rec
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    path.chmod(0o600)  # password hashes: for the dashboard's own account only


def permission_problem(path: Path) -> str | None:
    """Why the users file's permissions are unsafe (readable or writable by every account), or None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        return (
            f"{path}: readable or writable by every account on this machine (mode {stat.filemode(mode)}): "
            f"it holds password hashes; run `chmod 600 {path}`"
        )
    return None


class Throttle:
    """Failed sign-ins, counted per key (a username, a client address): after `free` failures in a row each
    further attempt on that key waits twice as long as the last, from `base` seconds up to `cap`. A success
    clears the keys. Shared by every session of the server process (a module-level instance in ui/auth)."""

    def __init__(self, free: int = 5, base: float = 1.0, cap: float = 900.0, size: int = 10_000):
        self.free, self.base, self.cap, self.size = free, base, cap, size
        self._fails: dict[tuple[str, str], tuple[int, float]] = {}  # key -> (failures in a row, locked until)
        self._lock = threading.Lock()

    def wait(self, keys, now: float) -> float:
        """Seconds before any of `keys` may try again (0: now)."""
        with self._lock:
            return max([0.0, *(self._fails.get(k, (0, 0.0))[1] - now for k in keys)])

    def failed(self, keys, now: float) -> int:
        """Count a failure on every key; returns the largest run of failures among them."""
        with self._lock:
            if len(self._fails) >= self.size:  # forget keys that are no longer locked (bounded memory)
                self._fails = {k: v for k, v in self._fails.items() if v[1] > now}
            worst = 0
            for k in keys:
                n = self._fails.get(k, (0, 0.0))[0] + 1
                delay = min(self.cap, self.base * 2 ** (n - self.free - 1)) if n > self.free else 0.0
                self._fails[k] = (n, now + delay)
                worst = max(worst, n)
            return worst

    def reset(self) -> None:
        with self._lock:
            self._fails.clear()

    def succeeded(self, keys) -> None:
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)
