"""A tiny LMS for the SCORM browser tests: packages served over http://127.0.0.1, scorm-again as the API.

The host page (`/_lms/host.html`) creates `window.API` (Scorm12API) or `window.API_1484_11`
(Scorm2004API) from scorm-again, optionally seeded with what an LMS would hand back on a later
launch, logs every SetValue, and frames the SCO from the same origin, as an LMS does. For 2004 it can answer
`adl.nav.request_valid.*` as an LMS that sequences does (scorm-again without an activity tree says "unknown").
"""

from __future__ import annotations

import functools
import io
import shutil
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCORM_AGAIN = {"1.2": NODE / "scorm-again/dist/scorm12.js", "2004": NODE / "scorm-again/dist/scorm2004.js"}
AXE = NODE / "axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm12.js"></script><script src="scorm2004.js"></script>
<script>
window.calls = [];
window.openSco = function (version, src, seed, navValid) {
  var api;
  if (version === "1.2") {
    api = window.API = new Scorm12API({autocommit: false, logLevel: 5});
    if (seed) { api.loadFromFlattenedJSON(seed, ""); }
    api.on("LMSSetValue.cmi.*", function (key, value) { window.calls.push([key, String(value)]); });
  } else {
    api = window.API_1484_11 = new Scorm2004API({autocommit: false, logLevel: 5});
    if (seed) { api.loadFromFlattenedJSON(seed, ""); }
    api.on("SetValue.cmi.*", function (key, value) { window.calls.push([key, String(value)]); });
    if (navValid) { // answer adl.nav.request_valid.* as an LMS that sequences would
      var getValue = api.GetValue;
      api.GetValue = function (key) {
        return /^adl\\.nav\\.request_valid\\./.test(key) ? navValid : getValue.apply(api, arguments);
      };
    }
  }
  var frame = document.createElement("iframe");
  frame.name = "sco";
  frame.title = "SCO";
  frame.style.width = "100%";
  frame.style.height = "95vh";
  frame.src = src;
  document.body.appendChild(frame);
};
window.closeSco = function () {
  var frame = document.querySelector("iframe[name=sco]");
  if (frame) { frame.remove(); }
};
window.lmsData = function () {
  var api = window.API || window.API_1484_11;
  return JSON.parse(JSON.stringify(api.cmi));
};
window.terminated = function () {
  var api = window.API || window.API_1484_11;
  return api.isTerminated();
};
</script></head><body></body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class Site:
    """A web root served from a thread: `publish(name, zip bytes)` extracts a package under /name/."""

    def __init__(self, root: Path):
        self.root = root
        lms = root / "_lms"
        lms.mkdir(parents=True, exist_ok=True)
        for path in (*SCORM_AGAIN.values(), AXE):
            shutil.copy(path, lms / path.name)
        (lms / "host.html").write_text(HOST, encoding="utf-8")
        handler = functools.partial(_Quiet, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.published: set[str] = set()

    def publish(self, name: str, data: bytes) -> str:
        if name not in self.published:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                zf.extractall(self.root / name)
            self.published.add(name)
        return f"{self.base}/{name}/"

    @property
    def host(self) -> str:
        return f"{self.base}/_lms/host.html"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def missing_browser_parts() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (Debian package chromium; scripts/install-test-deps installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python playwright is not installed (pip install -e '.[test]')"
    for path in (*SCORM_AGAIN.values(), AXE):
        if not path.exists():
            return f"{path.relative_to(ROOT)} is missing: run `npm ci` in the checkout"
    return None
