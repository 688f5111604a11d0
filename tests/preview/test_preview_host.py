"""The preview answers only requests addressed to itself (finding 6 of issue 20: DNS rebinding).

A web page the author has open can point its own name at 127.0.0.1; the browser then sends that name in the
`Host:` header. The preview must refuse such requests, or the page could read the unpublished course and its
answers. Requests are written by hand on a raw socket, so the `Host:` header is exactly the one under test."""

from __future__ import annotations

import shutil
import socket

import pytest
from conftest import SAMPLE


@pytest.fixture
def preview(tmp_path):
    from exporter.preview import Preview

    folder = tmp_path / "course"
    shutil.copytree(SAMPLE, folder)
    served = Preview(folder, say=lambda text: None, watch=False)
    served.start()
    yield served
    served.stop()


def raw_get(port: int, path: str, host: str | None) -> tuple[int, str]:
    """Send one GET with exactly this Host header (none when None); the status code and the body."""
    lines = [f"GET {path} HTTP/1.1"] + ([f"Host: {host}"] if host is not None else []) + ["Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall("\r\n".join(lines).encode("latin-1"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body.decode("utf-8", "replace")


PATHS = ["/", "/_preview/state?format=scorm12&mode=pages", "/course/scorm12/pages/imsmanifest.xml",
         "/_preview/preview.js", "/_preview/events"]


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}",
                                  "127.0.0.1:{other}", "localhost:{other}", "127.0.0.1", "[::1]:{port}",
                                  "127.0.0.1:{port}@evil.example", "", None])
def test_requests_for_another_host_are_refused(preview, host):
    port = preview.server.server_address[1]
    header = None if host is None else host.format(port=port, other=port + 1)
    for path in PATHS:
        status, body = raw_get(port, path, header)
        assert status in (400, 421), (header, path, status)
        assert "127.0.0.1" in body and "Host" in body, body  # a short explanation, no course content
        assert "imsmanifest" not in body and "<title>" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}"])
def test_requests_for_the_preview_itself_are_answered(preview, host):
    port = preview.server.server_address[1]
    for path in PATHS[:4]:
        status, body = raw_get(port, path, host.format(port=port))
        assert status == 200, (host, path, body[:200])
    status, body = raw_get(port, "/course/scorm12/pages/imsmanifest.xml", f"127.0.0.1:{port}")
    assert "<manifest" in body
