/* The preview page: a small LMS around the course's own package. This script holds the preview's state
   (one object, app, that the other scripts are handed), follows the server's builds, switches format and mode,
   and offers the author's shortcuts (mark a SCO or page done, start afresh). The jobs live beside it:
   preview-ui.js (configuration, words, elements), preview-record.js (what an LMS keeps of a SCO),
   preview-progress.js (statuses and locks), preview-outline.js, preview-log.js, preview-session.js (one SCO in
   the frame with its runtime API), recording-api.js (the runtime where scorm-again is not installed). */
(function () {
  "use strict";

  var Ui = window.PreviewUi, Record = window.PreviewRecord, Progress = window.PreviewProgress;
  var Outline = window.PreviewOutline, Log = window.PreviewLog, Session = window.PreviewSession;
  var $ = Ui.$, say = Ui.say, el = Ui.el, config = Ui.config;

  var query = new URLSearchParams(window.location.search);

  var app = {
    config: config,
    view: {
      format: config.formats.indexOf(query.get("format")) >= 0 ? query.get("format") : config.defaults.format,
      mode: config.modes.indexOf(query.get("mode")) >= 0 ? query.get("mode") : config.defaults.mode
    },
    state: null, // the server's state for this format and mode
    scos: [], // flat list of the outline's SCOs
    byId: {},
    current: null, // the SCO in the frame
    session: null, // {api, sco, finished}
    records: {}, // per SCO, what the LMS keeps (preview-record.js)
    showLastGood: false,
    frame: $("#sco"),
    timers: {},
    v12: function () { return app.view.format === "scorm12"; },
    storeKey: function () {
      return "exporter-preview:" + (app.state && app.state.course ? app.state.course.identifier : "") + ":" +
        app.view.format + ":" + app.view.mode;
    },
    saveRecords: function () { Record.save(app.storeKey(), app.records); },
    renderOutline: function () { Outline.render(app, actions); }
  };

  function note(text) {
    var n = $("#note");
    n.textContent = text;
    n.hidden = !text;
  }

  function launch(sco) { Session.launch(app, sco); }

  function relaunch() {
    var sco = app.current && app.byId[app.current.id] ? app.byId[app.current.id] : app.scos[0];
    if (sco) { launch(sco); }
  }

  /* ---------- jumping ahead, starting afresh ---------- */

  /* Close the SCO, change its record as the author asked (what), keep it, say so and launch it again. */
  function mark(title, what) {
    Session.close(app, function () {
      what();
      app.saveRecords();
      Log.line("mark", say("mark_done") + ": " + title);
      relaunch();
    });
  }

  function markDone(sco) {
    mark(sco.title, function () {
      var r = app.records[sco.id] || {};
      if (app.v12()) {
        r["cmi.core.lesson_status"] = sco.scored ? "passed" : "completed";
        if (sco.scored) { r["cmi.core.score.raw"] = "100"; r["cmi.core.score.min"] = "0"; r["cmi.core.score.max"] = "100"; }
      } else {
        r["cmi.completion_status"] = "completed";
        r["cmi.success_status"] = "passed";
        if (sco.scored) { r["cmi.score.scaled"] = "1"; r["cmi.score.raw"] = "100"; r["cmi.score.min"] = "0"; r["cmi.score.max"] = "100"; }
      }
      r.fresh = false;
      r.resume = true;
      app.records[sco.id] = r;
    });
  }

  /* course mode: one page of the shell's record done (its quiz passed) */
  function markPageDone(i) {
    var p = app.state.pages[i];
    mark(p.title, function () {
      var sco = app.scos[0], saved = Progress.shellState(app);
      var s = String(saved.s || "").split("");
      while (s.length < app.state.pages.length) { s.push("0"); }
      s[i] = "1";
      saved.s = s.join("");
      if (p.quiz) { saved.q[String(i)] = [p.quiz, 2, 1, "", ""]; }
      var r = app.records[sco.id] || {};
      r["cmi.suspend_data"] = JSON.stringify(saved);
      r.resume = true;
      app.records[sco.id] = r;
    });
  }

  function openInShell(href) {
    if (!app.current || !app.scos.length) { launch(app.scos[0]); return; }
    try {
      var inner = app.frame.contentWindow.document.querySelector("iframe[name=content]");
      if (inner) { inner.setAttribute("src", href); }
    } catch (e) { /* the shell is still loading */ }
  }

  var actions = { launch: launch, markDone: markDone, markPageDone: markPageDone, openInShell: openInShell, note: note };

  function reset() {
    Session.close(app, function () {
      app.records = {};
      app.saveRecords();
      try {
        Object.keys(window.localStorage).forEach(function (k) {
          if (k.indexOf("exporter-progress:") === 0) { window.localStorage.removeItem(k); } // the pages' own order record
        });
      } catch (e) { /* storage blocked */ }
      app.current = null;
      Log.line("mark", say("reset_done"));
      note(say("reset_done"));
      app.renderOutline();
      if (app.scos.length) { launch(app.scos[0]); }
    });
  }

  /* ---------- builds ---------- */

  function showErrors(errors) {
    var box = $("#errors"), list = box.querySelector("ul");
    list.textContent = "";
    errors.forEach(function (e) { list.appendChild(el("li", {}, e.text)); });
    box.hidden = errors.length === 0;
    document.body.classList.toggle("broken", errors.length > 0 && !app.showLastGood);
  }

  function showWarnings(warnings) {
    var box = $("#warnings"), list = box.querySelector("ul");
    list.textContent = "";
    warnings.forEach(function (w) { list.appendChild(el("li", { className: w.level }, w.text)); });
    box.hidden = warnings.length === 0;
    box.querySelector(".count").textContent = String(warnings.length);
  }

  function applyState(s) {
    var old = app.state;
    var first = !old || !old.course || !s.course || old.course.identifier !== s.course.identifier;
    app.state = s;
    app.scos = [];
    app.byId = {};
    (s.outline ? s.outline.groups : []).forEach(function (g) {
      g.scos.forEach(function (sco) { app.scos.push(sco); app.byId[sco.id] = sco; });
    });
    if (app.current && app.byId[app.current.id]) { app.current = app.byId[app.current.id]; }
    $(".course-title").textContent = s.course ? s.course.title : "";
    document.title = (s.course ? s.course.title + " \u2013 " : "") + say("app_title");
    showErrors(s.errors);
    showWarnings(s.warnings);
    if (first) { app.records = Record.load(app.storeKey()); }
    app.renderOutline();
    $("#build-status").textContent = say("rebuilt", { n: s.generation });
    $("#build-status").setAttribute("data-generation", String(s.generation));
  }

  function fetchState() {
    return fetch("/_preview/state?format=" + app.view.format + "&mode=" + app.view.mode, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { applyState(s); return s; });
  }

  function touches(changed) {
    var current = app.current;
    if (!current || !changed || !changed.length) { return false; }
    if (app.view.mode === "course") { return true; }
    return changed.some(function (name) { return name === current.href || (name !== "imsmanifest.xml" && !/\.html$/.test(name)); });
  }

  function onBuild(event) {
    if (!event.ok) {
      app.showLastGood = false;
      showErrors(event.errors);
      $("#build-status").setAttribute("data-generation", String(event.generation));
      return;
    }
    var changed = (event.changed || {})[app.view.format + "/" + app.view.mode];
    fetchState().then(function () {
      if (!app.current && app.scos.length) { launch(app.scos[0]); return; }
      if (app.current && !app.byId[app.current.id]) { launch(app.scos[0]); return; }
      if (touches(changed)) { relaunch(); }
    });
  }

  function listen() {
    var source = new EventSource("/_preview/events");
    source.addEventListener("build", function (e) { onBuild(JSON.parse(e.data)); });
    source.addEventListener("hello", function (e) {
      var generation = JSON.parse(e.data).generation;
      $("#disconnected").hidden = true;
      if (app.state && generation !== app.state.generation) { onBuild({ ok: true, generation: generation, changed: {} }); }
    });
    source.onerror = function () { $("#disconnected").hidden = false; };
  }

  /* ---------- start ---------- */

  function switchView(format, mode) {
    Session.close(app, function () {
      app.view = { format: format, mode: mode };
      var url = new URL(window.location.href);
      url.searchParams.set("format", format);
      url.searchParams.set("mode", mode);
      window.history.replaceState(null, "", url.toString());
      app.current = null;
      app.state = null;
      Log.line("mark", format + " / " + mode);
      fetchState().then(function () { if (app.scos.length) { launch(app.scos[0]); } });
    });
  }

  function start() {
    $("#format").value = app.view.format;
    $("#mode").value = app.view.mode;
    $("#format").addEventListener("change", function () { switchView($("#format").value, app.view.mode); });
    $("#mode").addEventListener("change", function () { switchView(app.view.format, $("#mode").value); });
    $("#reset").addEventListener("click", reset);
    $("#log-clear").addEventListener("click", function () { $("#log").textContent = ""; });
    $("#show-last-good").addEventListener("click", function () {
      app.showLastGood = true;
      document.body.classList.remove("broken");
    });
    var rt = config.runtime;
    $("#runtime").textContent = rt.name === "scorm-again" ? say("runtime_scorm_again", { version: rt.version }) : say("runtime_builtin");
    $("#runtime").setAttribute("data-runtime", rt.name);
    window.addEventListener("pagehide", function () { Session.persistOnClose(app); });
    fetchState().then(function () {
      listen();
      if (app.scos.length) { launch(app.scos[0]); }
    });
  }

  window.ExporterPreview = {
    records: function () { return app.records; },
    current: function () { return app.current ? app.current.id : null; },
    snapshot: function () { return app.session ? Record.snapshot(app.session.api) : {}; }
  };

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
