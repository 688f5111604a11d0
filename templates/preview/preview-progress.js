/* Progress and locks as the package's manifest and records say (window.PreviewProgress). The preview locks the
   outline as an LMS reads the manifest (1.2 prerequisites, 2004 preconditions on the previous page's objective)
   and, in course mode, the pages as the shell's own record (its suspend_data) says.

   Every function takes app, the preview's state (preview.js): app.records, app.byId, app.state, app.v12(). */
(function () {
  "use strict";

  var say = window.PreviewUi.say;

  function satisfied(app, sco) {
    var r = app.records[sco.id] || {};
    if (app.v12()) { return ["passed", "completed"].indexOf(r["cmi.core.lesson_status"]) >= 0; }
    if (sco.measure !== null && sco.measure !== undefined) {
      return r["cmi.score.scaled"] !== undefined && Number(r["cmi.score.scaled"]) >= sco.measure;
    }
    return r["cmi.success_status"] === "passed";
  }

  function statusOf(app, sco) {
    var r = app.records[sco.id] || {};
    if (app.v12()) { return r["cmi.core.lesson_status"] || "not attempted"; }
    if (r["cmi.success_status"] === "passed" || r["cmi.success_status"] === "failed") { return r["cmi.success_status"]; }
    var c = r["cmi.completion_status"];
    return c && c !== "unknown" ? c : "not attempted";
  }

  function lockReason(app, sco) {
    if (!sco.requires || !app.byId[sco.requires]) { return null; }
    var before = app.byId[sco.requires];
    if (satisfied(app, before)) { return null; }
    if (app.v12()) { return say("locked_12", { title: before.title }); }
    if (before.measure !== null && before.measure !== undefined) {
      return say("locked_2004_measure", { title: before.title, n: Math.round(before.measure * 100) });
    }
    return say("locked_2004", { title: before.title });
  }

  /* course mode: the shell's own record in suspend_data (record.js's format) */
  function shellState(app) {
    var sco = app.scos[0], r = sco ? app.records[sco.id] || {} : {};
    var saved = null;
    try { saved = JSON.parse(r["cmi.suspend_data"] || "null"); } catch (e) { saved = null; }
    if (!saved || saved.v !== 1) { saved = { v: 1, s: "", q: {} }; }
    saved.q = saved.q || {};
    return saved;
  }

  function pageDone(app, saved, i) {
    var p = app.state.pages[i];
    if (p.quiz) {
      var q = saved.q[String(i)];
      return !!(q && q[0] === p.quiz && (q[1] === 2 || q[1] === 3)); // passed, or submitted (record.js)
    }
    return String(saved.s || "").charAt(i) === "1";
  }

  window.PreviewProgress = { satisfied: satisfied, statusOf: statusOf, lockReason: lockReason,
    shellState: shellState, pageDone: pageDone };
})();
