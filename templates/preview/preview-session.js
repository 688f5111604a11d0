/* One SCO at a time in the preview's frame (window.PreviewSession): a fresh runtime API for each launch
   (scorm-again's Scorm12API / Scorm2004API where the server has it, otherwise the recording API), seeded with
   what an LMS hands a SCO back, behind a recording proxy that logs every call whatever the SCO's own code does,
   and keeps the SCO's record when it commits, finishes or is closed.

   launch(app, sco), close(app, then), persist(app, finished); app is the preview's state (preview.js). */
(function () {
  "use strict";

  var Record = window.PreviewRecord, Log = window.PreviewLog, Progress = window.PreviewProgress;
  var LEARNER = { id: "preview-learner", name: "Learner, Preview" };

  var METHODS = {
    "1.2": { init: "LMSInitialize", finish: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
      error: "LMSGetLastError", string: "LMSGetErrorString", diag: "LMSGetDiagnostic" },
    "2004": { init: "Initialize", finish: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit",
      error: "GetLastError", string: "GetErrorString", diag: "GetDiagnostic" }
  };

  function makeApi(app, sco) {
    var v12 = app.v12(), data = Record.seed(app.records[sco.id] || {}, sco, v12, LEARNER), api;
    if (app.config.runtime.name === "scorm-again" && window.Scorm12API && window.Scorm2004API) {
      var settings = { autocommit: false, logLevel: 5, mastery_override: true };
      api = v12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
      api.loadFromFlattenedJSON(data, "");
    } else {
      api = v12 ? new window.RecordingScorm12API(data) : new window.RecordingScorm2004API(data);
    }
    return api;
  }

  /* SCORM 2004, an outline the manifest sequences (flow only, retry until done): what an LMS that sequences
     answers for adl.nav.request_valid.* (scorm-again without an activity tree answers "unknown"). */
  function navValid(app, element) {
    if (!app.state || !app.state.outline || !app.state.outline.sequenced || !app.session) { return null; }
    var i = app.scos.indexOf(app.byId[app.session.sco.id]);
    if (element === "adl.nav.request_valid.previous") { return i > 0 ? "true" : "false"; }
    if (element === "adl.nav.request_valid.continue") {
      var next = app.scos[i + 1];
      return next && !Progress.lockReason(app, next) ? "true" : "false";
    }
    if (/^adl\.nav\.request_valid\.(choice|jump)\./.test(element)) { return "false"; } // flow only
    return null;
  }

  function persist(app, finished) {
    var session = app.session;
    if (!session || session.finished) { return; }
    var sco = session.sco;
    app.records[sco.id] = Record.keep(Record.snapshot(session.api), app.records[sco.id] || {}, sco, finished, app.v12());
    if (finished) { session.finished = true; }
    app.saveRecords();
    app.renderOutline();
  }

  /* Redraws after calls, at most one per 30 ms: the record table, and the outline from the record so far. */
  function later(app, name, fn) {
    if (app.timers[name]) { return; }
    app.timers[name] = window.setTimeout(function () { app.timers[name] = null; fn(); }, 30);
  }

  function showRecord(app) { Log.record(app.session ? Record.snapshot(app.session.api) : {}); }

  function showProgress(app) {
    var session = app.session;
    if (session && !session.finished) {
      var sco = session.sco;
      app.records[sco.id] = Record.keep(Record.snapshot(session.api), app.records[sco.id] || {}, sco, false, app.v12());
    }
    app.renderOutline();
  }

  /* The object the SCO finds: every call goes to the runtime and into the log. */
  function recording(app, api, v) {
    var m = METHODS[v], proxy = {};
    Object.keys(m).forEach(function (role) {
      var name = m[role];
      proxy[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        var result, nav = v === "2004" && role === "get" ? navValid(app, String(args[0])) : null;
        if (nav !== null) { // the preview is the sequencer here
          Log.call(name, args, nav, "0", "", null);
          return nav;
        }
        try { result = api[name].apply(api, args); } catch (e) { result = ""; }
        var code = "0", text = "";
        if (role !== "error" && role !== "string" && role !== "diag") {
          try { code = String(api[m.error]()); } catch (e) { code = "101"; }
          if (code !== "0") { try { text = String(api[m.string](code)); } catch (e) { text = ""; } }
        }
        var strict = null;
        if (role === "set" && code === "0") {
          var type = Record.snapshot(api)[String(args[0]).replace(/^(cmi\.interactions\.\d+\.).*$/, "$1type")];
          strict = window.ScormRules.check(v, String(args[0]), String(args[1]), type);
        }
        Log.call(name, args, result, code, text, strict);
        if (role === "commit") { persist(app, false); }
        if (role === "finish" && String(result) === "true") { persist(app, true); }
        if (role === "set") {
          later(app, "record", function () { showRecord(app); });
          if (code === "0") { later(app, "outline", function () { showProgress(app); }); }
        }
        return result;
      };
    });
    return proxy;
  }

  function launch(app, sco) {
    close(app, function () {
      app.current = sco;
      var api = makeApi(app, sco), v = app.v12() ? "1.2" : "2004";
      app.session = { api: api, sco: sco, finished: false };
      window.API = null;
      window.API_1484_11 = null;
      if (v === "1.2") { window.API = recording(app, api, v); } else { window.API_1484_11 = recording(app, api, v); }
      Log.line("launch", sco.title + " \u2014 " + sco.href);
      app.frame.setAttribute("src", "/course/" + app.view.format + "/" + app.view.mode + "/" + sco.href);
      app.renderOutline();
      showRecord(app);
    });
  }

  function persistOnClose(app) {
    if (app.session && !app.session.finished) { persist(app, false); app.session.finished = true; }
    app.session = null;
  }

  /* Unload the SCO (it finishes itself on pagehide), keep what it recorded, then go on. */
  function close(app, then) {
    var frame = app.frame, src = frame.getAttribute("src");
    if (!src || src === "about:blank") { persistOnClose(app); then(); return; }
    var done = false;
    function go() {
      if (done) { return; }
      done = true;
      frame.removeEventListener("load", go);
      persistOnClose(app);
      then();
    }
    frame.addEventListener("load", go);
    frame.setAttribute("src", "about:blank");
    window.setTimeout(go, 3000); // a frame that never reports its load must not stall the preview
  }

  window.PreviewSession = { launch: launch, close: close, persistOnClose: persistOnClose };
})();
