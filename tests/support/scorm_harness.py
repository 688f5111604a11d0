"""A tiny LMS for the SCORM browser tests: packages served over http://127.0.0.1, scorm-again as the API.

The host page (`/_lms/host.html`) creates `window.API` (Scorm12API) or `window.API_1484_11`
(Scorm2004API) from scorm-again, optionally seeded with what an LMS would hand back on a later
launch, logs every SetValue, and frames the SCO from the same origin, as an LMS does. For 2004 it can answer
`adl.nav.request_valid.*` as an LMS that sequences does (scorm-again without an activity tree says "unknown").
The SCO sees scorm-again through a wrapper that records every call (`apiCalls`) and, on request, fails as
real LMSs do: an Initialize that throws (Moodle's player opened out of its context) or answers "false",
a SetValue or Commit that answers "false" with an error code.
"""

from __future__ import annotations

import functools
import io
import shutil
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
window.calls = [];     // every SetValue the LMS accepted: [element, value]
window.apiCalls = [];  // every call the SCO made to the API: [method, args..., result]
var METHODS = {
  "1.2": {name: "API", start: "LMSInitialize", set: "LMSSetValue", commit: "LMSCommit",
          calls: ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError",
                  "LMSGetErrorString", "LMSGetDiagnostic"],
          errors: ["LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"]},
  "2004": {name: "API_1484_11", start: "Initialize", set: "SetValue", commit: "Commit",
           calls: ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString",
                   "GetDiagnostic"], errors: ["GetLastError", "GetErrorString", "GetDiagnostic"]}
};
/* The API the SCO sees: scorm-again behind a wrapper that records every call and can misbehave as
   LMSs do. faults: {start: "throw" | "false", startCode: the error code of that "false" (102 by default;
   104 is Moodle's 2004 player asked to start a second SCO in one load), set: {element: error code},
   commit: error code}. */
function wrap(real, m, faults) {
  var api = {}, injected = null;
  m.calls.forEach(function (name) {
    api[name] = function () {
      var args = Array.prototype.slice.call(arguments), result;
      if (m.errors.indexOf(name) >= 0 && injected) {
        result = name === m.errors[0] ? injected : "injected fault " + injected;
      } else {
        injected = null;
        if (name === m.start && faults.start === "throw") {
          window.apiCalls.push([name].concat(args, ["(threw)"]));
          throw new TypeError("Cannot read properties of undefined (reading 'scoid')");
        }
        if (name === m.start && faults.start === "false") {
          injected = faults.startCode || "102";
          result = "false";
        } else if (name === m.set && faults.set && faults.set[args[0]]) {
          injected = faults.set[args[0]];
          result = "false";
        } else if (name === m.commit && faults.commit) {
          injected = faults.commit;
          result = "false";
        } else {
          result = real[name].apply(real, args);
        }
      }
      window.apiCalls.push([name].concat(args, [String(result)]));
      return result;
    };
  });
  return api;
}
window.openSco = function (version, src, seed, navValid, faults) {
  var real;
  if (version === "1.2") {
    real = new Scorm12API({autocommit: false, logLevel: 5});
    if (seed) { real.loadFromFlattenedJSON(seed, ""); }
    real.on("LMSSetValue.cmi.*", function (key, value) { window.calls.push([key, String(value)]); });
  } else {
    real = new Scorm2004API({autocommit: false, logLevel: 5});
    if (seed) { real.loadFromFlattenedJSON(seed, ""); }
    real.on("SetValue.cmi.*", function (key, value) { window.calls.push([key, String(value)]); });
    if (navValid) { // answer adl.nav.request_valid.* as an LMS that sequences would
      var getValue = real.GetValue;
      real.GetValue = function (key) {
        return /^adl\\.nav\\.request_valid\\./.test(key) ? navValid : getValue.apply(real, arguments);
      };
    }
  }
  window.realApi = real;
  window[METHODS[version].name] = wrap(real, METHODS[version], faults || {});
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
  return JSON.parse(JSON.stringify(window.realApi.cmi));
};
window.terminated = function () {
  return window.realApi.isTerminated();
};
window.callsTo = function (method) {
  return window.apiCalls.filter(function (c) { return c[0] === method; }).length;
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
