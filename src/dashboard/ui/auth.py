"""Who is looking: one `current_user()` seam over the three ways to sign in (password from the users
file, OIDC through st.login, a trusted reverse-proxy header), and the sign-in form."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time

import streamlit as st

from dashboard import auth, config
from dashboard.auth import AuthConfig, User
from dashboard.i18n import t

# Signs the session's sign-in record: a session-state entry that was not written by a successful
# sign-in in this server process is ignored. Sessions do not outlive the process anyway.
_SECRET = secrets.token_bytes(32)
_KEY = "_auth"
#: failed password sign-ins of this server process, per username and per client address
THROTTLE = auth.Throttle()
log = logging.getLogger("dashboard.auth")


def _sign(username: str, issued: int) -> str:
    return hmac.new(_SECRET, f"{username}\n{issued}".encode(), hashlib.sha256).hexdigest()


def _client() -> str:
    """The visitor's address as the server saw it (behind a proxy: the proxy's, so the per-user count is the
    one that holds)."""
    try:
        ip = st.context.ip_address
    except Exception:  # no request context
        ip = None
    return ip if isinstance(ip, str) and ip else "local"


def settings() -> AuthConfig:
    """The users file, read on every run (a removed user or a changed unit takes effect at once)."""
    return auth.load(config.users_file())


def current_user(cfg: AuthConfig) -> User | None:
    """The signed-in user, the open-access user (no users file), or None (not signed in)."""
    if cfg.open:
        return auth.OPEN
    user = None
    if cfg.mode == "header":
        user = cfg.by_identity(st.context.headers.get(cfg.header))
    elif cfg.mode == "oidc":
        if getattr(st.user, "is_logged_in", False):
            user = cfg.by_identity(st.user.get("email"))
    else:
        record = st.session_state.get(_KEY)
        if (
            isinstance(record, tuple)
            and len(record) == 3
            and isinstance(record[1], int)
            and hmac.compare_digest(str(record[2]), _sign(str(record[0]), record[1]))
        ):
            if time.time() - record[1] <= config.session_hours() * 3600:
                user = cfg.users.get(record[0])
            else:  # the sign-in has lived its configured lifetime: sign in again
                st.session_state.pop(_KEY, None)
                st.session_state["_signin_expired"] = True
    if user is None and cfg.anonymous:
        return auth.ANONYMOUS
    return user


def sign_in(cfg: AuthConfig, username: str, password: str) -> bool | float:
    """Check a password and remember the user in this session: True, False, or (throttled: the password
    was not even checked) the seconds to wait."""
    name = username.strip()
    keys = (("user", name.lower()), ("client", _client()))
    now = time.monotonic()
    wait = THROTTLE.wait(keys, now)
    if wait > 0:
        log.warning("sign-in as %r from %s refused: throttled for %.0f s more", name[:64], keys[1][1], wait)
        return wait
    user = cfg.users.get(name)
    if not auth.verify_password(user, password):
        n = THROTTLE.failed(keys, now)
        log.warning("failed sign-in as %r from %s (%d in a row)", name[:64], keys[1][1], n)
        return False
    THROTTLE.succeeded(keys)
    issued = int(time.time())
    st.session_state[_KEY] = (user.username, issued, _sign(user.username, issued))
    return True


def sign_out() -> None:
    st.session_state.pop(_KEY, None)
    st.session_state["_signed_out"] = True
    for key in ("unit", "scope", "_url_written"):  # the next user starts on her own unit
        st.session_state.pop(key, None)


def identify(lang: str) -> tuple[AuthConfig, User | None]:
    """The users file and the user of this run (None: not signed in). A users file that cannot be
    read stops the run with its error: access fails closed."""
    try:
        cfg = settings()
    except auth.UsersFileError as e:
        st.error(t("auth_bad_file", lang, error=str(e)))
        st.stop()
    return cfg, current_user(cfg)


def sign_in_screen(cfg: AuthConfig, lang: str) -> None:
    """The screen of a visitor who is not signed in: a password form, the OIDC button, or (behind a
    proxy that did not name her) the reason she cannot get in."""
    st.title(t("app_title", lang))
    if cfg.mode == "header":
        st.error(t("auth_header_missing", lang, header=cfg.header))
    elif cfg.mode == "oidc":
        if getattr(st.user, "is_logged_in", False):
            st.error(t("auth_unknown_account", lang, email=st.user.get("email") or "—"))
            if st.button(t("auth_sign_out", lang)):
                st.logout()
        elif st.button(t("auth_oidc_sign_in", lang), type="primary"):
            st.login()
    else:
        with st.form("sign_in"):
            st.subheader(t("auth_sign_in", lang))
            st.text_input(t("auth_username", lang), key="_signin_user")
            st.text_input(t("auth_password", lang), type="password", key="_signin_pw")
            # a callback: it runs once, before the script, however the run is then repeated
            st.form_submit_button(t("auth_sign_in", lang), type="primary", on_click=_submit, args=(cfg,))
        failed = st.session_state.pop("_signin_failed", None)
        if isinstance(failed, float):
            st.error(t("auth_throttled", lang, seconds=max(1, round(failed))))
        elif failed:
            st.error(t("auth_failed", lang))
        if st.session_state.pop("_signin_expired", False):
            st.info(t("auth_expired", lang, hours=config.session_hours()))


def _submit(cfg: AuthConfig) -> None:
    ok = sign_in(cfg, st.session_state.get("_signin_user", ""), st.session_state.get("_signin_pw", ""))
    st.session_state["_signin_pw"] = ""  # the password does not stay in the session
    st.session_state["_signin_failed"] = ok if isinstance(ok, float) else not ok


def sidebar_status(cfg: AuthConfig, user: User, unit_name: str | None, lang: str, notes: tuple[str, ...] = ()) -> None:
    """Who is signed in and what they may see, with a sign-out button; or that access is open. `notes`
    (lines to show above it) share its caption: one element to draw instead of several."""
    if user.open_access:
        status = t("auth_open", lang)
    elif not user.username:
        status = t("auth_anonymous", lang)
    else:
        scope = (
            t("auth_scope_all", lang) if user.root is None else t("auth_scope_unit", lang, unit=unit_name or user.unit)
        )
        status = t("auth_signed_in", lang, name=user.name, role=t(f"role_{user.role}", lang), scope=scope)
    st.caption("\n\n".join([*notes, status]))
    if user.open_access or not user.username:
        return
    if cfg.mode != "header":
        st.button(t("auth_sign_out", lang), key="_sign_out", on_click=sign_out)
        if st.session_state.pop("_signed_out", False) and cfg.mode == "oidc":
            st.logout()
