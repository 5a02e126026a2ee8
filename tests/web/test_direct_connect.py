"""DirectConnect: the page Streamlit serves carries the server's address; nothing else is touched."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.web import DirectConnect, boot_script

INDEX = (
    b"<!DOCTYPE html><html><head><title>Streamlit</title><script>window.prerenderReady = false</script>"
    b'<script type="module" src="./static/js/index.js"></script></head><body></body></html>'
)


def inner(body: bytes = INDEX, content_type: bytes = b"text/html; charset=utf-8", chunks: int = 1):
    """A stand-in for Streamlit: answers every request with `body`, recording the request scopes."""
    seen = []

    async def app(scope, receive, send):
        seen.append(scope)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
            }
        )
        step = -(-len(body) // chunks)
        for i in range(chunks):
            await send(
                {"type": "http.response.body", "body": body[i * step : (i + 1) * step], "more_body": i < chunks - 1}
            )

    return app, seen


def call(app, path: str, method: str = "GET", headers=((b"accept-encoding", b"gzip, br"),)):
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "headers": list(headers)}
    # in a thread of its own: the browser tests leave an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return dict(start["headers"]), body


@pytest.mark.parametrize("chunks", [1, 3])
def test_the_page_gets_the_script_before_its_first_script(chunks):
    app, seen = inner(chunks=chunks)
    headers, body = call(DirectConnect(app), "/overdue")
    boot = boot_script("overdue")
    assert body == INDEX.replace(b"<script>", boot + b"<script>", 1)
    assert body.index(boot) < body.index(b"window.prerenderReady")
    assert int(headers[b"content-length"]) == len(body)
    assert b'var t="overdue"' in boot and b"BACKEND_BASE_URL" in boot and b"HOST_CONFIG" in boot
    # asked uncompressed, so the HTML can be edited
    assert not [k for k, _ in seen[0]["headers"] if k == b"accept-encoding"]


def test_root_and_base_url_path():
    app, _ = inner()
    assert boot_script("") in call(DirectConnect(app), "/")[1]
    assert boot_script("map") in call(DirectConnect(app, base_url_path="/dash/"), "/dash/map")[1]
    assert boot_script("") in call(DirectConnect(app, base_url_path="dash"), "/dash")[1]


@pytest.mark.parametrize(
    "path",
    [
        "/static/js/index.js",
        "/_stcore/health",
        "/_stcore/host-config",
        "/favicon.png",
        "/media/abc.png",
        "/component/x/index.html",
        "/overdue/_stcore/health",
    ],
)
def test_assets_and_api_pass_through(path):
    app, seen = inner()
    headers, body = call(DirectConnect(app), path)
    assert body == INDEX
    assert (b"accept-encoding", b"gzip, br") in seen[0]["headers"]


def test_other_methods_and_other_content_untouched():
    app, _ = inner()
    assert call(DirectConnect(app), "/overdue", method="HEAD")[1] == INDEX
    app, _ = inner(b'{"a": "<script>"}', b"application/json")
    assert call(DirectConnect(app), "/overdue")[1] == b'{"a": "<script>"}'
    app, _ = inner(b"<html>no script here</html>")
    headers, body = call(DirectConnect(app), "/overdue")
    assert body == b"<html>no script here</html>" and int(headers[b"content-length"]) == len(body)


def test_a_path_cannot_break_out_of_the_script():
    boot = boot_script("x</script><script>alert(1)</script>")
    assert boot.count(b"</script>") == 1 and boot.endswith(b"</script>")
    assert b"\\u003c/script>" in boot
