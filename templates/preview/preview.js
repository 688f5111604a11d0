/* The preview page: a small LMS around the course's own package.

   - It launches one SCO at a time in its frame, with a fresh runtime API for each launch (scorm-again's
     Scorm12API / Scorm2004API where the server has it, otherwise the recording API), seeded with what an
     LMS hands a SCO back: the learner, entry, status, score, location, suspend data.
   - The API the SCO finds (window.API / window.API_1484_11) is a recording proxy around that object, so
     every call the SCO makes is logged with its result and error, whatever the SCO's own code does.
   - It keeps the learner's record per SCO (in this browser's localStorage) and locks the outline as the
     manifest says (1.2 prerequisites, 2004 preconditions on the previous page's objective).
   - It listens to the server's build events and reloads the open SCO when a save changed it. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("preview-config").textContent);
  var W = config.words;
  var LOG_LIMIT = 2000; // entries kept in the log (older ones are dropped)
  var LEARNER = { id: "preview-learner", name: "Learner, Preview" };

  function say(key, vars) {
    return String(W[key] || key).replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? vars[k] : m; });
  }

  function $(sel) { return document.querySelector(sel); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  var query = new URLSearchParams(window.location.search);
  var view = {
    format: config.formats.indexOf(query.get("format")) >= 0 ? query.get("format") : config.defaults.format,
    mode: config.modes.indexOf(query.get("mode")) >= 0 ? query.get("mode") : config.defaults.mode
  };
  var state = null; // the server's state for this format and mode
  var scos = []; // flat list of the outline's SCOs
  var byId = {};
  var current = null; // the SCO in the frame
  var session = null; // {api, version, sco, finished}
  var records = {};
  var showLastGood = false;
  var frame = $("#sco");

  function version() { return view.format === "scorm12" ? "1.2" : "2004"; }

  /* ---------- the learner's record ---------- */

  function storeKey() {
    return "exporter-preview:" + (state && state.course ? state.course.identifier : "") + ":" + view.format + ":" + view.mode;
  }

  function loadRecords() {
    try { records = JSON.parse(window.localStorage.getItem(storeKey()) || "{}") || {}; } catch (e) { records = {}; }
  }

  function saveRecords() {
    try { window.localStorage.setItem(storeKey(), JSON.stringify(records)); } catch (e) { /* private mode */ }
  }

  function flatten(obj, prefix, out) {
    Object.keys(obj || {}).forEach(function (k) {
      var v = obj[k], key = prefix ? prefix + "." + k : k;
      if (v !== null && typeof v === "object") { flatten(v, key, out); } else if (v !== undefined && v !== null && v !== "") {
        out[key] = String(v);
      }
    });
    return out;
  }

  /* everything the runtime holds for this session, as {element: value} */
  function snapshot(api) {
    if (!api) { return {}; }
    if (typeof api.snapshot === "function") { return api.snapshot(); }
    try { return flatten(JSON.parse(JSON.stringify(api.cmi)), "cmi", {}); } catch (e) { return {}; }
  }

  function seconds12(t) {
    var m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(t || "");
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
  }

  function seconds2004(t) {
    var m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(t || "");
    if (!m) { return 0; }
    return ((Number(m[3] || 0) * 24 + Number(m[4] || 0)) * 60 + Number(m[5] || 0)) * 60 + Number(m[6] || 0);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function timespan12(s) {
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s - h * 3600 - m * 60;
    return pad(h) + ":" + pad(m) + ":" + (sec < 10 ? "0" : "") + sec.toFixed(2);
  }

  /* What the LMS keeps of a session and hands back on the next launch. */
  function keep(flat, old, sco, finished) {
    var r = {}, v12 = version() === "1.2";
    var names = v12 ?
      ["cmi.core.lesson_status", "cmi.core.score.raw", "cmi.core.score.min", "cmi.core.score.max",
        "cmi.core.lesson_location", "cmi.suspend_data"] :
      ["cmi.completion_status", "cmi.success_status", "cmi.score.scaled", "cmi.score.raw", "cmi.score.min",
        "cmi.score.max", "cmi.progress_measure", "cmi.location", "cmi.suspend_data"];
    names.forEach(function (n) { if (flat[n] !== undefined && flat[n] !== "") { r[n] = flat[n]; } });
    if (v12) {
      var status = r["cmi.core.lesson_status"];
      if (status === "not attempted") { r["cmi.core.lesson_status"] = "incomplete"; }
      // mastery score overrides status (Moodle's recommended setting for these packages)
      if (sco && sco.mastery && r["cmi.core.score.raw"] !== undefined && ["completed", "passed", "failed"].indexOf(status) >= 0) {
        r["cmi.core.lesson_status"] = Number(r["cmi.core.score.raw"]) >= Number(sco.mastery) ? "passed" : "failed";
      }
    }
    var total = Number(old.total || 0);
    if (finished) { total += v12 ? seconds12(flat["cmi.core.session_time"]) : seconds2004(flat["cmi.session_time"]); }
    r.total = total;
    var exit = v12 ? flat["cmi.core.exit"] : flat["cmi.exit"];
    r.resume = finished ? exit === "suspend" : !!old.resume;
    r.fresh = !v12 && (finished ? exit !== "suspend" : !!old.fresh);
    return r;
  }

  function persist(finished) {
    if (!session || session.finished) { return; }
    var sco = session.sco;
    var old = records[sco.id] || {};
    records[sco.id] = keep(snapshot(session.api), old, sco, finished);
    if (finished) { session.finished = true; }
    saveRecords();
    renderOutline();
  }

  /* ---------- progress and locks ---------- */

  function satisfied(sco) {
    var r = records[sco.id] || {};
    if (version() === "1.2") { return ["passed", "completed"].indexOf(r["cmi.core.lesson_status"]) >= 0; }
    if (sco.measure !== null && sco.measure !== undefined) {
      return r["cmi.score.scaled"] !== undefined && Number(r["cmi.score.scaled"]) >= sco.measure;
    }
    return r["cmi.success_status"] === "passed";
  }

  function statusOf(sco) {
    var r = records[sco.id] || {};
    if (version() === "1.2") { return r["cmi.core.lesson_status"] || "not attempted"; }
    if (r["cmi.success_status"] === "passed" || r["cmi.success_status"] === "failed") { return r["cmi.success_status"]; }
    var c = r["cmi.completion_status"];
    return c && c !== "unknown" ? c : "not attempted";
  }

  function lockReason(sco) {
    if (!sco.requires || !byId[sco.requires]) { return null; }
    var before = byId[sco.requires];
    if (satisfied(before)) { return null; }
    if (version() === "1.2") { return say("locked_12", { title: before.title }); }
    if (before.measure !== null && before.measure !== undefined) {
      return say("locked_2004_measure", { title: before.title, n: Math.round(before.measure * 100) });
    }
    return say("locked_2004", { title: before.title });
  }

  /* course mode: the shell's own record in suspend_data */
  function shellState() {
    var sco = scos[0], r = sco ? records[sco.id] || {} : {};
    var saved = null;
    try { saved = JSON.parse(r["cmi.suspend_data"] || "null"); } catch (e) { saved = null; }
    if (!saved || saved.v !== 1) { saved = { v: 1, s: "", q: {} }; }
    saved.q = saved.q || {};
    return saved;
  }

  function pageDone(saved, i) {
    var p = state.pages[i];
    if (p.quiz) {
      var q = saved.q[String(i)];
      return !!(q && q[0] === p.quiz && q[1] === 2);
    }
    return String(saved.s || "").charAt(i) === "1";
  }

  /* ---------- the outline ---------- */

  function stateWord(status) {
    return say("state_" + status.replace(/ /g, "_"));
  }

  function renderOutline() {
    var root = $("#outline");
    root.textContent = "";
    if (!state || !state.outline) { root.appendChild(el("p", { className: "note" }, say("no_build"))); return; }
    state.outline.groups.forEach(function (group) {
      var box = el("div", { className: "group" });
      if (group.title) { box.appendChild(el("h3", {}, group.title)); }
      var list = el("ol", {});
      group.scos.forEach(function (sco) { list.appendChild(scoEntry(sco)); });
      box.appendChild(list);
      root.appendChild(box);
    });
  }

  function scoEntry(sco) {
    var li = el("li", { "data-sco": sco.id });
    var locked = lockReason(sco);
    var status = statusOf(sco);
    li.className = [locked ? "locked" : "", current && current.id === sco.id ? "current" : "", "status-" + status.replace(/ /g, "-")].join(" ");
    var open = el("button", { type: "button", className: "open" }, view.mode === "course" ? say("whole_course") : sco.title);
    if (current && current.id === sco.id) { open.setAttribute("aria-current", "page"); }
    open.addEventListener("click", function () {
      if (lockReason(sco)) { note(lockReason(sco)); return; }
      launch(sco);
    });
    li.appendChild(open);
    li.appendChild(el("span", { className: "state" }, stateWord(status)));
    if (locked) { li.appendChild(el("p", { className: "why" }, locked)); }
    if (view.mode === "pages") {
      var mark = el("button", { type: "button", className: "mark", title: say("mark_done_title") }, say("mark_done"));
      mark.addEventListener("click", function () { markDone(sco); });
      li.appendChild(mark);
    } else if (state.pages) {
      li.appendChild(pageList());
    }
    return li;
  }

  function pageList() {
    var saved = shellState(), list = el("ol", { className: "pages" }), frontier = state.pages.length - 1;
    for (var i = 0; i < state.pages.length; i++) { if (!pageDone(saved, i)) { frontier = i; break; } }
    state.pages.forEach(function (p, i) {
      var done = pageDone(saved, i), locked = i > frontier;
      var li = el("li", { "data-page": p.id, className: (locked ? "locked " : "") + (done ? "done" : "") });
      var open = el("button", { type: "button", className: "open" }, p.title);
      open.addEventListener("click", function () { openInShell(p.href); });
      li.appendChild(open);
      li.appendChild(el("span", { className: "state" }, done ? (p.quiz ? say("state_passed") : say("state_done")) : locked ? "" : say("state_open")));
      if (locked) { li.appendChild(el("p", { className: "why" }, say("locked_course", { title: state.pages[frontier].title }))); }
      var mark = el("button", { type: "button", className: "mark", title: say("mark_done_title") }, say("mark_done"));
      mark.addEventListener("click", function () { markPageDone(i); });
      li.appendChild(mark);
      list.appendChild(li);
    });
    return list;
  }

  function openInShell(href) {
    if (!current || !scos.length) { launch(scos[0]); return; }
    try {
      var inner = frame.contentWindow.document.querySelector("iframe[name=content]");
      if (inner) { inner.setAttribute("src", href); }
    } catch (e) { /* the shell is still loading */ }
  }

  function note(text) {
    var n = $("#note");
    n.textContent = text;
    n.hidden = !text;
  }

  /* ---------- jumping ahead, starting afresh ---------- */

  function markDone(sco) {
    closeSco(function () {
      var r = records[sco.id] || {};
      if (version() === "1.2") {
        r["cmi.core.lesson_status"] = sco.scored ? "passed" : "completed";
        if (sco.scored) { r["cmi.core.score.raw"] = "100"; r["cmi.core.score.min"] = "0"; r["cmi.core.score.max"] = "100"; }
      } else {
        r["cmi.completion_status"] = "completed";
        r["cmi.success_status"] = "passed";
        if (sco.scored) { r["cmi.score.scaled"] = "1"; r["cmi.score.raw"] = "100"; r["cmi.score.min"] = "0"; r["cmi.score.max"] = "100"; }
      }
      r.fresh = false;
      r.resume = true;
      records[sco.id] = r;
      saveRecords();
      logLine("mark", say("mark_done") + ": " + sco.title);
      relaunch();
    });
  }

  function markPageDone(i) {
    closeSco(function () {
      var sco = scos[0], saved = shellState(), p = state.pages[i];
      var s = String(saved.s || "").split("");
      while (s.length < state.pages.length) { s.push("0"); }
      s[i] = "1";
      saved.s = s.join("");
      if (p.quiz) { saved.q[String(i)] = [p.quiz, 2, 1, "", ""]; }
      var r = records[sco.id] || {};
      r["cmi.suspend_data"] = JSON.stringify(saved);
      r.resume = true;
      records[sco.id] = r;
      saveRecords();
      logLine("mark", say("mark_done") + ": " + p.title);
      relaunch();
    });
  }

  function reset() {
    closeSco(function () {
      records = {};
      saveRecords();
      try {
        Object.keys(window.localStorage).forEach(function (k) {
          if (k.indexOf("exporter-progress:") === 0) { window.localStorage.removeItem(k); } // the pages' own order record
        });
      } catch (e) { /* storage blocked */ }
      current = null;
      logLine("mark", say("reset_done"));
      note(say("reset_done"));
      renderOutline();
      if (scos.length) { launch(scos[0]); }
    });
  }

  /* ---------- launching a SCO ---------- */

  function seed(sco) {
    var r = records[sco.id] || {}, out = {};
    var launched = Object.keys(r).length > 0;
    if (version() === "1.2") {
      out["cmi.core.student_id"] = LEARNER.id;
      out["cmi.core.student_name"] = LEARNER.name;
      out["cmi.core.credit"] = "credit";
      out["cmi.core.lesson_mode"] = "normal";
      out["cmi.core.entry"] = !launched ? "ab-initio" : r.resume ? "resume" : "";
      if (sco.mastery) { out["cmi.student_data.mastery_score"] = sco.mastery; }
      out["cmi.core.total_time"] = timespan12(Number(r.total || 0));
    } else {
      out["cmi.learner_id"] = LEARNER.id;
      out["cmi.learner_name"] = LEARNER.name;
      out["cmi.credit"] = "credit";
      out["cmi.mode"] = "normal";
      out["cmi.entry"] = !launched ? "ab-initio" : r.resume ? "resume" : "";
    }
    if (r.fresh) { return out; } // 2004: the last attempt ended (exit "normal"): a new one starts afresh
    Object.keys(r).forEach(function (k) { if (k.indexOf("cmi.") === 0) { out[k] = r[k]; } });
    return out;
  }

  function makeApi(sco) {
    var data = seed(sco), api;
    if (config.runtime.name === "scorm-again" && window.Scorm12API && window.Scorm2004API) {
      var settings = { autocommit: false, logLevel: 5, mastery_override: true };
      api = version() === "1.2" ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
      api.loadFromFlattenedJSON(data, "");
    } else {
      api = version() === "1.2" ? new window.RecordingScorm12API(data) : new window.RecordingScorm2004API(data);
    }
    return api;
  }

  var METHODS = {
    "1.2": { init: "LMSInitialize", finish: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
      error: "LMSGetLastError", string: "LMSGetErrorString", diag: "LMSGetDiagnostic" },
    "2004": { init: "Initialize", finish: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit",
      error: "GetLastError", string: "GetErrorString", diag: "GetDiagnostic" }
  };

  /* SCORM 2004, an outline the manifest sequences (flow only, retry until done): what an LMS that sequences
     answers for adl.nav.request_valid.* (scorm-again without an activity tree answers "unknown"). */
  function navValid(element) {
    if (!state || !state.outline || !state.outline.sequenced || !session) { return null; }
    var i = scos.indexOf(byId[session.sco.id]);
    if (element === "adl.nav.request_valid.previous") { return i > 0 ? "true" : "false"; }
    if (element === "adl.nav.request_valid.continue") {
      var next = scos[i + 1];
      return next && !lockReason(next) ? "true" : "false";
    }
    if (/^adl\.nav\.request_valid\.(choice|jump)\./.test(element)) { return "false"; } // flow only
    return null;
  }

  /* The object the SCO finds: every call goes to the runtime and into the log. */
  function recording(api, v) {
    var m = METHODS[v], proxy = {};
    Object.keys(m).forEach(function (role) {
      var name = m[role];
      proxy[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        var result, nav = v === "2004" && role === "get" ? navValid(String(args[0])) : null;
        if (nav !== null) { // the preview is the sequencer here
          logCall(name, args, nav, "0", "", null);
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
          var type = snapshot(api)[String(args[0]).replace(/^(cmi\.interactions\.\d+\.).*$/, "$1type")];
          strict = window.ScormRules.check(v, String(args[0]), String(args[1]), type);
        }
        logCall(name, args, result, code, text, strict);
        if (role === "commit") { persist(false); }
        if (role === "finish" && String(result) === "true") { persist(true); }
        if (role === "set") { scheduleRecord(); if (code === "0") { scheduleOutline(); } }
        return result;
      };
    });
    return proxy;
  }

  function launch(sco) {
    closeSco(function () {
      current = sco;
      var api = makeApi(sco), v = version();
      session = { api: api, sco: sco, finished: false };
      window.API = null;
      window.API_1484_11 = null;
      if (v === "1.2") { window.API = recording(api, v); } else { window.API_1484_11 = recording(api, v); }
      logLine("launch", sco.title + " \u2014 " + sco.href);
      frame.setAttribute("src", "/course/" + view.format + "/" + view.mode + "/" + sco.href);
      renderOutline();
      renderRecord();
    });
  }

  function relaunch() {
    var sco = current && byId[current.id] ? byId[current.id] : scos[0];
    if (sco) { launch(sco); }
  }

  /* Unload the SCO (it finishes itself on pagehide), keep what it recorded, then go on. */
  function closeSco(then) {
    var src = frame.getAttribute("src");
    if (!src || src === "about:blank") { persistOnClose(); then(); return; }
    var done = false;
    function go() {
      if (done) { return; }
      done = true;
      frame.removeEventListener("load", go);
      persistOnClose();
      then();
    }
    frame.addEventListener("load", go);
    frame.setAttribute("src", "about:blank");
    window.setTimeout(go, 3000); // a frame that never reports its load must not stall the preview
  }

  function persistOnClose() {
    if (session && !session.finished) { persist(false); session.finished = true; }
    session = null;
  }

  /* ---------- the log and the record ---------- */

  function quote(v) { return JSON.stringify(String(v)); }

  function logCall(name, args, result, code, text, strict) {
    var li = el("li", { className: "call" + (code !== "0" ? " error" : "") + (strict ? " strict" : "") });
    li.appendChild(el("code", {}, name + "(" + args.map(quote).join(", ") + ")"));
    li.appendChild(el("span", { className: "result" }, " \u2192 " + quote(result)));
    if (code !== "0") { li.appendChild(el("span", { className: "err" }, " " + say("error_code", { code: code, name: text }))); }
    if (strict) { li.appendChild(el("span", { className: "err" }, " " + say("strict", { why: strict.why }))); }
    append(li);
  }

  function logLine(kind, text) { append(el("li", { className: "event " + kind }, text)); }

  function append(li) {
    var log = $("#log");
    var stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.appendChild(li);
    while (log.childElementCount > LOG_LIMIT) { log.removeChild(log.firstElementChild); }
    if (stick) { log.scrollTop = log.scrollHeight; }
  }

  var recordTimer = null, outlineTimer = null;
  function scheduleRecord() {
    if (recordTimer === null) { recordTimer = window.setTimeout(function () { recordTimer = null; renderRecord(); }, 30); }
  }
  function scheduleOutline() {
    if (outlineTimer === null) {
      outlineTimer = window.setTimeout(function () {
        outlineTimer = null;
        if (session && !session.finished) {
          var sco = session.sco;
          records[sco.id] = keep(snapshot(session.api), records[sco.id] || {}, sco, false);
        }
        renderOutline();
      }, 30);
    }
  }

  function renderRecord() {
    var table = $("#record tbody");
    table.textContent = "";
    var flat = session ? snapshot(session.api) : {};
    var keys = Object.keys(flat).sort();
    $("#record-empty").hidden = keys.length > 0;
    keys.forEach(function (k) {
      var tr = el("tr", {});
      tr.appendChild(el("th", { scope: "row" }, k));
      tr.appendChild(el("td", {}, flat[k]));
      table.appendChild(tr);
    });
  }

  /* ---------- builds ---------- */

  function showErrors(errors) {
    var box = $("#errors"), list = box.querySelector("ul");
    list.textContent = "";
    errors.forEach(function (e) { list.appendChild(el("li", {}, e.text)); });
    box.hidden = errors.length === 0;
    document.body.classList.toggle("broken", errors.length > 0 && !showLastGood);
  }

  function showWarnings(warnings) {
    var box = $("#warnings"), list = box.querySelector("ul");
    list.textContent = "";
    warnings.forEach(function (w) { list.appendChild(el("li", { className: w.level }, w.text)); });
    box.hidden = warnings.length === 0;
    box.querySelector(".count").textContent = String(warnings.length);
  }

  function applyState(s) {
    var first = !state || !state.course || !s.course || state.course.identifier !== s.course.identifier;
    state = s;
    scos = [];
    byId = {};
    (s.outline ? s.outline.groups : []).forEach(function (g) { g.scos.forEach(function (sco) { scos.push(sco); byId[sco.id] = sco; }); });
    if (current && byId[current.id]) { current = byId[current.id]; }
    $(".course-title").textContent = s.course ? s.course.title : "";
    document.title = (s.course ? s.course.title + " \u2013 " : "") + say("app_title");
    showErrors(s.errors);
    showWarnings(s.warnings);
    if (first) { loadRecords(); }
    renderOutline();
    $("#build-status").textContent = say("rebuilt", { n: s.generation });
    $("#build-status").setAttribute("data-generation", String(s.generation));
  }

  function fetchState() {
    return fetch("/_preview/state?format=" + view.format + "&mode=" + view.mode, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { applyState(s); return s; });
  }

  function touches(changed) {
    if (!current || !changed || !changed.length) { return false; }
    if (view.mode === "course") { return true; }
    return changed.some(function (name) { return name === current.href || (name !== "imsmanifest.xml" && !/\.html$/.test(name)); });
  }

  function onBuild(event) {
    if (!event.ok) {
      showLastGood = false;
      showErrors(event.errors);
      $("#build-status").setAttribute("data-generation", String(event.generation));
      return;
    }
    var changed = (event.changed || {})[view.format + "/" + view.mode];
    fetchState().then(function () {
      if (!current && scos.length) { launch(scos[0]); return; }
      if (current && !byId[current.id]) { launch(scos[0]); return; }
      if (touches(changed)) { relaunch(); }
    });
  }

  function listen() {
    var source = new EventSource("/_preview/events");
    source.addEventListener("build", function (e) { onBuild(JSON.parse(e.data)); });
    source.addEventListener("hello", function (e) {
      var generation = JSON.parse(e.data).generation;
      $("#disconnected").hidden = true;
      if (state && generation !== state.generation) { onBuild({ ok: true, generation: generation, changed: {} }); }
    });
    source.onerror = function () { $("#disconnected").hidden = false; };
  }

  /* ---------- start ---------- */

  function switchView(format, mode) {
    closeSco(function () {
      view = { format: format, mode: mode };
      var url = new URL(window.location.href);
      url.searchParams.set("format", format);
      url.searchParams.set("mode", mode);
      window.history.replaceState(null, "", url.toString());
      current = null;
      state = null;
      logLine("mark", format + " / " + mode);
      fetchState().then(function () { if (scos.length) { launch(scos[0]); } });
    });
  }

  function start() {
    $("#format").value = view.format;
    $("#mode").value = view.mode;
    $("#format").addEventListener("change", function () { switchView($("#format").value, view.mode); });
    $("#mode").addEventListener("change", function () { switchView(view.format, $("#mode").value); });
    $("#reset").addEventListener("click", reset);
    $("#log-clear").addEventListener("click", function () { $("#log").textContent = ""; });
    $("#show-last-good").addEventListener("click", function () {
      showLastGood = true;
      document.body.classList.remove("broken");
    });
    var rt = config.runtime;
    $("#runtime").textContent = rt.name === "scorm-again" ? say("runtime_scorm_again", { version: rt.version }) : say("runtime_builtin");
    $("#runtime").setAttribute("data-runtime", rt.name);
    window.addEventListener("pagehide", function () { persistOnClose(); });
    fetchState().then(function () {
      listen();
      if (scos.length) { launch(scos[0]); }
    });
  }

  window.ExporterPreview = {
    records: function () { return records; },
    current: function () { return current ? current.id : null; },
    snapshot: function () { return session ? snapshot(session.api) : {}; }
  };

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
