/* What the preview, as an LMS, keeps of each SCO's sessions and hands back on its next launch
   (window.PreviewRecord). A record is {element: value} for the elements an LMS keeps, plus total (seconds),
   resume (the last session exited "suspend") and fresh (2004: the last attempt ended, the next starts afresh).

   keep(flat, old, sco, finished, v12): the record after a session whose runtime holds flat ({element: value});
   seed(record, sco, v12, learner): what the next launch's runtime starts with; snapshot(api): a runtime's
   elements as {element: value}; load(key) / save(key, records): every SCO's record in this browser. */
(function () {
  "use strict";

  var KEPT_12 = ["cmi.core.lesson_status", "cmi.core.score.raw", "cmi.core.score.min", "cmi.core.score.max",
    "cmi.core.lesson_location", "cmi.suspend_data"];
  var KEPT_2004 = ["cmi.completion_status", "cmi.success_status", "cmi.score.scaled", "cmi.score.raw",
    "cmi.score.min", "cmi.score.max", "cmi.progress_measure", "cmi.location", "cmi.suspend_data"];

  function flatten(obj, prefix, out) {
    Object.keys(obj || {}).forEach(function (k) {
      var v = obj[k], key = prefix ? prefix + "." + k : k;
      if (v !== null && typeof v === "object") { flatten(v, key, out); } else if (v !== undefined && v !== null && v !== "") {
        out[key] = String(v);
      }
    });
    return out;
  }

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

  function keep(flat, old, sco, finished, v12) {
    var r = {};
    (v12 ? KEPT_12 : KEPT_2004).forEach(function (n) { if (flat[n] !== undefined && flat[n] !== "") { r[n] = flat[n]; } });
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

  function seed(r, sco, v12, learner) {
    var out = {}, launched = Object.keys(r).length > 0;
    var entry = !launched ? "ab-initio" : r.resume ? "resume" : "";
    if (v12) {
      out["cmi.core.student_id"] = learner.id;
      out["cmi.core.student_name"] = learner.name;
      out["cmi.core.credit"] = "credit";
      out["cmi.core.lesson_mode"] = "normal";
      out["cmi.core.entry"] = entry;
      if (sco.mastery) { out["cmi.student_data.mastery_score"] = sco.mastery; }
      out["cmi.core.total_time"] = timespan12(Number(r.total || 0));
    } else {
      out["cmi.learner_id"] = learner.id;
      out["cmi.learner_name"] = learner.name;
      out["cmi.credit"] = "credit";
      out["cmi.mode"] = "normal";
      out["cmi.entry"] = entry;
    }
    if (r.fresh) { return out; } // 2004: the last attempt ended (exit "normal"): a new one starts afresh
    Object.keys(r).forEach(function (k) { if (k.indexOf("cmi.") === 0) { out[k] = r[k]; } });
    return out;
  }

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }

  function save(key, records) {
    try { window.localStorage.setItem(key, JSON.stringify(records)); } catch (e) { /* private mode */ }
  }

  window.PreviewRecord = { keep: keep, seed: seed, snapshot: snapshot, load: load, save: save };
})();
