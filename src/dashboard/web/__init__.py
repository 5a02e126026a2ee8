"""Serving the dashboard: one ASGI middleware in front of Streamlit (no Streamlit calls here).

A deep link such as /overdue?unit=49 makes Streamlit's frontend look for its server at
/overdue/_stcore/health first, wait for that to fail, then try / (streamlit#7074), and only then open
the websocket. `DirectConnect` writes the server's address into the page instead, through the
frontend's own host settings (window.__streamlit: BACKEND_BASE_URL and HOST_CONFIG, the pair with
which a host lets the app connect before its health check). The server knows the part of the path
after its base (the page name), so the browser strips exactly that; behind a proxy that adds a prefix
the result is still right. If the path does not end as the server saw it, nothing is set and Streamlit
looks for itself as before.
"""

from __future__ import annotations

import json
from pathlib import Path

#: the file to `streamlit run`: app.py behind DirectConnect
SERVE = Path(__file__).with_name("serve.py")

# paths Streamlit serves itself (assets, API, websocket): passed through untouched
_OWN = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/")

BOOT = (
    "<script>(function(){{var t={tail},p=location.pathname.replace(/\\/+$/,'');"
    "if(t&&p.slice(-t.length-1)!=='/'+t)return;if(t)p=p.slice(0,-t.length-1);"
    "window.__streamlit={{BACKEND_BASE_URL:location.origin+p+'/',"
    "HOST_CONFIG:{{allowedOrigins:[location.origin],useExternalAuthToken:false}}}}}})()</script>"
)


def boot_script(tail: str) -> bytes:
    """The inline script for a page whose path after the server's base is `tail` ('' at the root)."""
    return BOOT.format(tail=json.dumps(tail).replace("<", "\\u003c")).encode()


def _is_page(path: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "." not in last and not any(p in path for p in _OWN)


class DirectConnect:
    """ASGI middleware: puts `boot_script` into every HTML page Streamlit serves (its index.html)."""

    def __init__(self, app, base_url_path: str = "") -> None:
        self.app = app
        self.base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not _is_page(scope["path"]):
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        path = raw.decode("latin-1").split("?", 1)[0]
        if self.base and path.startswith(self.base):
            path = path[len(self.base) :]
        tail = path.strip("/")
        # the page uncompressed (about 6 KB), so the script can go in before its first <script>
        scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"])
        start: dict | None = None
        chunks: list[bytes] = []

        async def wrapped(message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                    start = message  # held back until the body is complete
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                at = body.find(b"<script")
                if at >= 0:
                    body = body[:at] + boot_script(tail) + body[at:]
                kept = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                await send(dict(start, headers=[*kept, (b"content-length", str(len(body)).encode())]))
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, wrapped)
