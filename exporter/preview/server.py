"""`exporter preview`: the course as a learner meets it in an LMS, served on 127.0.0.1.

Routes (all GET):
  /                               the preview page (templates/preview/index.html)
  /_preview/<file>                its script, stylesheet and the recording SCORM API
  /_preview/runtime/<scorm12|scorm2004>.js   scorm-again's runtime, where it is installed
  /_preview/state?format=F&mode=M the outline, errors and warnings of the last build (JSON)
  /_preview/events                server-sent events: one `build` event per rebuild
  /course/<format>/<mode>/<path>  a file of the package, built in memory by the format's writer; the course
                                  files it carries are streamed from disk

Only requests addressed to the server itself are answered (Host: 127.0.0.1:PORT or localhost:PORT), so a web
page that rebinds its own name to 127.0.0.1 reads nothing. A connection idle for IDLE_TIMEOUT seconds is closed.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from exporter.build.staging import os_reason
from exporter.errors import UsageError
from exporter.preview.runtime import Runtime
from exporter.preview.session import FORMATS, MODES, OnDisk, PackageFailed, Session
from exporter.preview.words import WORDS
from exporter.render import render_template, static_file
from exporter.writers.scorm.common import json_block

# the page's scripts in the order they run: the course pages' reader of embedded data and {name} filler
# (templates/static/), then the preview's own (templates/preview/), one job each
SCRIPTS = ("pagedata.js", "preview-ui.js", "preview-record.js", "preview-progress.js", "preview-outline.js",
           "preview-log.js", "preview-session.js", "preview.js")
ASSETS = {name: (f"{'static' if name == 'pagedata.js' else 'preview'}/{name}", "text/javascript")
          for name in (*SCRIPTS, "recording-api.js")}  # what /_preview/<name> serves
ASSETS["preview.css"] = ("preview/preview.css", "text/css")
KEEPALIVE = 15.0  # seconds between SSE comments on a quiet connection
IDLE_TIMEOUT = 60.0  # seconds a connection may wait for its next request (or stall a download) before it is closed
CHUNK = 1 << 20  # a course file is sent this much at a time
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".xml": "application/xml", ".svg": "image/svg+xml",
         ".json": "application/json"}


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never keeps the process alive
    allow_reuse_address = True

    def __init__(self, session: Session, runtime: Runtime, port: int = 0, fmt: str = "scorm12",
                 mode: str = "pages", idle_timeout: float = IDLE_TIMEOUT):
        try:
            super().__init__(("127.0.0.1", port), Handler)
        except OSError as exc:
            raise UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc} "
                             "(choose another --port, or leave it out for a free one)") from None
        port = self.server_address[1]
        # the Host headers a browser sends for this server (port 80 may be left out)
        self.hosts = (f"127.0.0.1:{port}", f"localhost:{port}") + (("127.0.0.1", "localhost") if port == 80 else ())
        self.idle_timeout = idle_timeout
        self.session = session
        self.runtime = runtime
        self.defaults = {"format": fmt, "mode": mode}
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def start(self) -> None:
        """Serve from a daemon thread (tests, and `exporter preview` with its watcher in front)."""
        self.thread = threading.Thread(target=self.serve_forever, name="exporter-preview", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.session.close()  # ends the event streams
        self.shutdown()
        self.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # the socket's timeout: an idle connection is closed
        super().setup()

    def log_message(self, *args) -> None:  # the terminal shows builds, not requests
        pass

    def do_GET(self) -> None:
        if not self._addressed_to_us():
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            if path == "/":
                return self._index()
            if path == "/_preview/state":
                return self._state(query)
            if path == "/_preview/events":
                return self._events()
            if path.startswith("/_preview/runtime/"):
                return self._runtime(path.removeprefix("/_preview/runtime/"))
            if path.startswith("/_preview/"):
                return self._asset(path.removeprefix("/_preview/"))
            if path.startswith("/course/"):
                return self._course_file(path.removeprefix("/course/"))
            if path == "/favicon.ico":
                return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8")
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the browser went away, or stopped reading
        except Exception as exc:  # noqa: BLE001 - a bug: one line in the terminal and an answer, no traceback
            self.close_connection = True
            print(f"exporter preview: {self.path}: {type(exc).__name__}: {exc} (a bug in exporter: please report it)",
                  file=sys.stderr, flush=True)
            with contextlib.suppress(OSError):
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}".encode("utf-8", "replace"),
                           "text/plain; charset=utf-8")

    def _addressed_to_us(self) -> bool:
        """Answer only requests whose Host is this server's own address (127.0.0.1:PORT or localhost:PORT): a web
        page that points its own name at 127.0.0.1 (DNS rebinding) sends its name, and must not read the course."""
        host = self.headers.get("Host")
        if host is not None and host.strip().lower() in self.server.hosts:
            return True
        why = (f"This is exporter's course preview: it answers only requests for {self.server.hosts[0]} or "
               f"{self.server.hosts[1]}, and this one was for Host: {host or '(none)'}. Open {self.server.url}")
        self.close_connection = True
        self._send(HTTPStatus.MISDIRECTED_REQUEST if host else HTTPStatus.BAD_REQUEST, why.encode("utf-8", "replace"),
                   "text/plain; charset=utf-8")
        return False

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # every reload shows the newest build
        self.end_headers()
        self.wfile.write(body)

    def _choice(self, query: dict) -> tuple[str, str]:
        fmt = query.get("format", self.server.defaults["format"])
        mode = query.get("mode", self.server.defaults["mode"])
        return (fmt if fmt in FORMATS else "scorm12"), (mode if mode in MODES else "pages")

    def _index(self) -> None:
        srv = self.server
        config = {"defaults": srv.defaults, "formats": list(FORMATS), "modes": list(MODES),
                  "runtime": srv.runtime.describe(), "words": WORDS}
        html = render_template("preview/index.html", words=WORDS, config=json_block(config),
                               formats=FORMATS, modes=MODES, defaults=srv.defaults, runtime=srv.runtime.name,
                               scripts=SCRIPTS)
        self._send(HTTPStatus.OK, html.encode("utf-8"), TYPES[".html"])

    def _asset(self, name: str) -> None:
        if name not in ASSETS:
            return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8")
        path, ctype = ASSETS[name]
        self._send(HTTPStatus.OK, static_file(path), ctype + "; charset=utf-8")

    def _runtime(self, name: str) -> None:
        script = self.server.runtime.script(name.removesuffix(".js"))
        if script is None:
            return self._send(HTTPStatus.NOT_FOUND, b"no such runtime", "text/plain; charset=utf-8")
        self._send(HTTPStatus.OK, script, TYPES[".js"])

    def _state(self, query: dict) -> None:
        state = self.server.session.state(*self._choice(query))
        body = json.dumps(state, ensure_ascii=False).encode("utf-8")
        self._send(HTTPStatus.OK, body, "application/json; charset=utf-8")

    def _course_file(self, rest: str) -> None:
        fmt, _, rest = rest.partition("/")
        mode, _, name = rest.partition("/")
        if fmt not in FORMATS or mode not in MODES:
            return self._send(HTTPStatus.NOT_FOUND, b"no such package", "text/plain; charset=utf-8")
        name = name or "index.html"
        try:
            files = self.server.session.package(fmt, mode)
        except PackageFailed as exc:
            return self._error_page(HTTPStatus.INTERNAL_SERVER_ERROR, name,
                                    [WORDS["package_failed"], *map(str, exc.diagnostics)])
        if files is None or name not in files:
            return self._send(HTTPStatus.NOT_FOUND, f"{name} is not in the package".encode(),
                              "text/plain; charset=utf-8")
        suffix = Path(name).suffix.lower()
        ctype = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        data = files[name]
        if isinstance(data, OnDisk):
            return self._send_file(name, data, ctype)
        self._send(HTTPStatus.OK, data, ctype)

    def _send_file(self, name: str, data: OnDisk, ctype: str) -> None:
        """A course file streamed from disk, a chunk at a time (never read whole)."""
        try:
            fh = open(data.path, "rb")  # noqa: SIM115 - closed below, once its errors are told apart from the socket's
        except FileNotFoundError:
            return self._error_page(HTTPStatus.NOT_FOUND, name, [WORDS["file_gone"].format(path=data.path)])
        except OSError as exc:
            return self._error_page(HTTPStatus.INTERNAL_SERVER_ERROR, name,
                                    [WORDS["file_unreadable"].format(path=data.path, reason=os_reason(exc))])
        with fh:
            size = os.fstat(fh.fileno()).st_size
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(size))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            left = size
            while left > 0:
                chunk = fh.read(min(CHUNK, left))
                if not chunk:  # the file shrank while it was sent: the browser sees a short answer
                    self.close_connection = True
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

    def _error_page(self, status: int, name: str, lines: list[str]) -> None:
        html = render_template("preview/error.html", title=WORDS["error_page"].format(name=name), lines=lines)
        self._send(status, html.encode("utf-8", "replace"), TYPES[".html"])

    def _events(self) -> None:
        """Server-sent events: `build` with the newest generation at once, then one per rebuild."""
        session = self.server.session
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = session.generation
        self._event("hello", {"generation": seen})
        while not session.closed:
            event = session.wait(seen, KEEPALIVE)
            if event is None:
                if session.closed:
                    break
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                continue
            seen = event["generation"]
            self._event("build", event)

    def _event(self, name: str, data: dict) -> None:
        payload = json.dumps(data, ensure_ascii=False)
        self.wfile.write(f"event: {name}\ndata: {payload}\n\n".encode())
        self.wfile.flush()
