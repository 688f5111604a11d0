/* The link to the LMS: finds its SCORM API (1.2 "API" or 2004 "API_1484_11") by walking
   window.parent up to the top, then window.opener, and speaks each version's exact vocabulary.
   window.ScormLink.connect(version) returns a Link, or null when no LMS is there. */
(function () {
  "use strict";

  var LIMIT_12 = 4096; // cmi.suspend_data in SCORM 1.2 (Moodle refuses more)
  var LIMIT_2004 = 64000;

  function lookIn(win, name) {
    for (var hops = 0; win && hops < 16; hops++) {
      try {
        if (win[name]) { return win[name]; }
      } catch (e) {
        return null; // another origin: stop there
      }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function findApi(name) {
    var api = lookIn(window, name);
    if (!api) {
      try {
        var top = window.top;
        if (top && top.opener) { api = lookIn(top.opener, name); }
        if (!api && window.opener) { api = lookIn(window.opener, name); }
      } catch (e) { api = null; }
    }
    return api;
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) { s = "0" + s; }
    return s;
  }

  /* CMITimespan (1.2): HHHH:MM:SS.SS, hours two to four digits. */
  function timespan12(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.min(9999, Math.floor(cs / 360000));
    var m = Math.floor(cs / 6000) % 60;
    var s = Math.floor(cs / 100) % 60;
    return pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(cs % 100, 2);
  }

  /* ISO 8601 duration (2004): PT#H#M#S. */
  function duration2004(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (h || m ? m + "M" : "") + s.toFixed(2).replace(/\.?0+$/, "") + "S";
  }

  function clock12(d) { // CMITime: HH:MM:SS
    return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2);
  }

  function stamp2004(d) { // time (second,10,0): YYYY-MM-DDThh:mm:ss
    return d.getFullYear() + "-" + pad(d.getMonth() + 1, 2) + "-" + pad(d.getDate(), 2) + "T" + clock12(d);
  }

  function Link(version, api) {
    this.v12 = version === "1.2";
    this.api = api;
    this.started = Date.now();
    this.open = false;
  }

  Link.prototype = {
    call: function (m12, m2004, args) {
      var fn = this.api[this.v12 ? m12 : m2004];
      try { return String(fn.apply(this.api, args)); } catch (e) { return ""; }
    },
    get: function (key) { return this.call("LMSGetValue", "GetValue", [key]); },
    set: function (key, value) { return this.call("LMSSetValue", "SetValue", [key, String(value)]) === "true"; },
    commit: function () { return this.open && this.call("LMSCommit", "Commit", [""]) === "true"; },
    start: function () {
      this.open = this.call("LMSInitialize", "Initialize", [""]) === "true";
      return this.open;
    },

    /* What the LMS knows about this SCO: status is passed, failed, completed, incomplete or unknown. */
    state: function () {
      var status, suspend, location, learner;
      if (this.v12) {
        status = this.get("cmi.core.lesson_status");
        suspend = this.get("cmi.suspend_data");
        location = this.get("cmi.core.lesson_location");
        learner = this.get("cmi.core.student_id");
      } else {
        var success = this.get("cmi.success_status"), completion = this.get("cmi.completion_status");
        status = success === "passed" || success === "failed" ? success : completion;
        suspend = this.get("cmi.suspend_data");
        location = this.get("cmi.location");
        learner = this.get("cmi.learner_id");
      }
      if (["passed", "failed", "completed", "incomplete"].indexOf(status) < 0) { status = "unknown"; }
      return { status: status, suspend: suspend, location: location, learner: learner };
    },

    /* Whether an LMS that sequences (SCORM 2004) delivered this SCO after another one: it answers whether its
       Previous request is valid ("true"); an LMS that does not sequence (Moodle) answers "unknown". */
    deliveredInSequence: function () {
      return !this.v12 && this.get("adl.nav.request_valid.previous") === "true";
    },

    /* report({completion: "completed"|"incomplete", success: "passed"|"failed"|null,
               score: 0..1 or null, progress: 0..1 or null}) */
    report: function (r) {
      if (this.v12) {
        if (r.score !== null && r.score !== undefined) {
          this.set("cmi.core.score.min", "0");
          this.set("cmi.core.score.max", "100");
          this.set("cmi.core.score.raw", String(Math.round(r.score * 100)));
        }
        this.set("cmi.core.lesson_status", r.success || r.completion);
        return;
      }
      if (r.score !== null && r.score !== undefined) {
        this.set("cmi.score.min", "0");
        this.set("cmi.score.max", "100");
        this.set("cmi.score.raw", String(Math.round(r.score * 100)));
        this.set("cmi.score.scaled", String(Math.round(r.score * 10000) / 10000));
      }
      if (r.progress !== null && r.progress !== undefined) {
        this.set("cmi.progress_measure", String(Math.round(r.progress * 10000) / 10000));
      }
      this.set("cmi.completion_status", r.completion);
      if (r.success) { this.set("cmi.success_status", r.success); }
    },

    /* One answered true/false item. response and answer are booleans (true = the first label). */
    interaction: function (id, response, answer, description) {
      var n = parseInt(this.get("cmi.interactions._count"), 10) || 0;
      var p = "cmi.interactions." + n + ".";
      var now = new Date();
      var right = response === answer;
      this.set(p + "id", id);
      this.set(p + "type", "true-false");
      if (this.v12) {
        this.set(p + "correct_responses.0.pattern", answer ? "t" : "f");
        this.set(p + "student_response", response ? "t" : "f");
        this.set(p + "result", right ? "correct" : "wrong");
        this.set(p + "weighting", "1");
        this.set(p + "time", clock12(now));
      } else {
        if (description) { this.set(p + "description", description.slice(0, 250)); }
        this.set(p + "correct_responses.0.pattern", answer ? "true" : "false");
        this.set(p + "learner_response", response ? "true" : "false");
        this.set(p + "result", right ? "correct" : "incorrect");
        this.set(p + "weighting", "1");
        this.set(p + "timestamp", stamp2004(now));
      }
    },

    suspendLimit: function () { return this.v12 ? LIMIT_12 : LIMIT_2004; },

    suspend: function (text) {
      if (text.length > this.suspendLimit()) { return false; }
      return this.set("cmi.suspend_data", text);
    },

    location: function (where) { this.set(this.v12 ? "cmi.core.lesson_location" : "cmi.location", where); },

    /* Session time, exit, commit, finish. The exit is "suspend" (the next launch resumes this attempt), except
       for a SCORM 2004 page not done yet (done false): "normal", so that an LMS that sequences applies the
       page's "retry until done" rule, which SCORM skips for a suspended activity. */
    finish: function (done) {
      if (!this.open) { return; }
      var spent = Date.now() - this.started;
      if (this.v12) {
        this.set("cmi.core.session_time", timespan12(spent));
        this.set("cmi.core.exit", "suspend");
      } else {
        this.set("cmi.session_time", duration2004(spent));
        this.set("cmi.exit", done === false ? "normal" : "suspend");
      }
      this.commit();
      this.call("LMSFinish", "Terminate", [""]);
      this.open = false;
    }
  };

  function connect(version) {
    var api = findApi(version === "1.2" ? "API" : "API_1484_11");
    if (!api) { return null; }
    var link = new Link(version, api);
    return link.start() ? link : null;
  }

  /* Finish once when the page goes away (pagehide covers the back-forward cache; unload the rest). */
  function finishOnExit(fn) {
    var done = false;
    function once() { if (!done) { done = true; fn(); } }
    window.addEventListener("pagehide", once);
    window.addEventListener("beforeunload", once);
    window.addEventListener("unload", once);
  }

  window.ScormLink = {
    connect: connect, finishOnExit: finishOnExit,
    timespan12: timespan12, duration2004: duration2004
  };
})();
