/* The link to the LMS: window.LmsLink. One entry per standard in STANDARDS below, each with the way it
   connects; the SCORM ones ("1.2", "2004") share one Link that speaks to the LMS's JavaScript API through
   the entry's facts (the API's name and calls, element names, statuses, interaction vocabulary, time
   formats, the suspend_data limit), so the pages and the course shell never ask which standard they run
   in. A standard that reaches its LMS another way (cmi5, over HTTP) is one more entry whose connect returns
   an object with the Link's methods.

   window.LmsLink.connect(standard) finds the LMS's API (walking window.parent up to the top,
   then window.opener) and starts a session. It returns null when there is no LMS, or a Link whose
   `status` is "open", or "failed" when an API is there but did not start (it threw, or answered
   "false"). Every call to the LMS is kept in window.LmsLink.log, one entry per call:
   {method, args, result, code, text, ok}; code and text are the LMS's last error after the call
   (GetLastError / GetErrorString), "exception" with its message when the call threw, "limit" when
   the Link refused to send a value the standard does not allow. Problems are console.warn'ed too. */
(function () {
  "use strict";

  /* ---------- time formats ---------- */

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

  function clock12(d) { // CMITime (1.2): HH:MM:SS
    return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2);
  }

  function stamp2004(d) { // time (second,10,0) (2004): YYYY-MM-DDThh:mm:ss
    return d.getFullYear() + "-" + pad(d.getMonth() + 1, 2) + "-" + pad(d.getDate(), 2) + "T" + clock12(d);
  }

  function fraction(x) { return String(Math.round(x * 10000) / 10000); }

  /* ---------- interactions: an answered item in each standard's terms ----------
     x (widget.js results): {type, response, right} with true-false: choice indexes; choice: arrays of choice
     indexes; fill-in: the text, and the accepted answers; numeric: the number as a plain decimal, and
     {low, high, value}; matching: [left, option] index pairs; essay: the text. Each writer gives the type the
     standard has, the correct_responses patterns it allows and the response. */

  var CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"; // 1.2: a choice or a matching target is one character
  var LEFT = "123456789abcdefghijklmnopqrstuvwxyz";

  function interaction12(x) {
    var letter = function (i) { return CHARS.charAt(i); };
    switch (x.type) {
      case "true-false": return { type: "true-false", patterns: [["t", "f"][x.right]], response: ["t", "f"][x.response] };
      case "choice": return { type: "choice", patterns: [x.right.map(letter).join(",")], response: x.response.map(letter).join(",") };
      case "fill-in": return { type: "fill-in", patterns: x.right.map(function (t) { return t.slice(0, 255); }),
        response: x.response.slice(0, 255) };
      case "numeric": return { type: "numeric", patterns: [x.right.value], response: x.response }; // 1.2 holds one value
      case "matching": return { type: "matching",
        patterns: [x.right.map(function (p) { return LEFT.charAt(p[0]) + "." + letter(p[1]); }).join(",")],
        response: x.response.map(function (p) { return LEFT.charAt(p[0]) + "." + letter(p[1]); }).join(",") };
      default: return { type: "fill-in", patterns: [], response: String(x.response).slice(0, 255) }; // essay: no long-fill-in
    }
  }

  function interaction2004(x) {
    var choice = function (i) { return "c" + (i + 1); };
    var pair = function (p) { return "p" + (p[0] + 1) + "[.]o" + (p[1] + 1); };
    switch (x.type) {
      case "true-false": return { type: "true-false", patterns: [["true", "false"][x.right]],
        response: ["true", "false"][x.response] };
      case "choice": return { type: "choice", patterns: [x.right.map(choice).join("[,]")], response: x.response.map(choice).join("[,]") };
      case "fill-in": return { type: "fill-in", patterns: x.right.map(function (t) { return "{case_matters=false}" + t.slice(0, 250); }),
        response: x.response.slice(0, 250) };
      case "numeric": return { type: "numeric", patterns: [x.right.low + "[:]" + x.right.high], response: x.response };
      case "matching": return { type: "matching", patterns: [x.right.map(pair).join("[,]")], response: x.response.map(pair).join("[,]") };
      default: return { type: "long-fill-in", patterns: [], response: String(x.response).slice(0, 4000) };
    }
  }

  /* ---------- the standards ---------- */

  var STATUSES = ["passed", "failed", "completed", "incomplete"]; // what state() reports; anything else is "unknown"

  var STANDARDS = {
    "1.2": {
      name: "SCORM 1.2", connect: connectScorm, api: "API",
      calls: { start: "LMSInitialize", finish: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue",
        commit: "LMSCommit", lastError: "LMSGetLastError", errorText: "LMSGetErrorString" },
      suspendLimit: 4096, // CMIString4096: Moodle refuses more
      unsetCodes: [], // what a read of an element never set answers besides "0"
      endedCodes: [], // what a start refused because this API's session has ended answers
      el: {
        suspend: "cmi.suspend_data", location: "cmi.core.lesson_location", learner: "cmi.core.student_id",
        sessionTime: "cmi.core.session_time", exit: "cmi.core.exit", score: "cmi.core.score.",
        scaled: null, progress: null, interactions: "cmi.interactions.", previousValid: null
      },
      exitUnfinished: function () { return "suspend"; }, // no sequencing: an unfinished page resumes as it was
      sessionTime: timespan12,
      interaction: { response: "student_response", time: "time", clock: clock12, description: null,
        results: ["correct", "wrong", "neutral"], write: interaction12 },
      status: function (get) { return get("cmi.core.lesson_status"); },
      writeStatus: function (set, completion, success) {
        set("cmi.core.lesson_status", success && success !== "unknown" ? success : completion);
      },
      /* The LMS sets "completed" at LMSFinish on a SCO that set no status (SCORM 1.2 RTE 3.4.4; Moodle
         does): a page that stays closed must say it is not done. */
      holdOpen: function (set) { set("cmi.core.lesson_status", "incomplete"); },
      viewedSuccess: null // a page without a quiz is "completed"
    },
    "2004": {
      name: "SCORM 2004", connect: connectScorm, api: "API_1484_11",
      calls: { start: "Initialize", finish: "Terminate", get: "GetValue", set: "SetValue",
        commit: "Commit", lastError: "GetLastError", errorText: "GetErrorString" },
      suspendLimit: 64000,
      unsetCodes: ["403"], // "Data Model Element Value Not Initialized"
      /* "Content Instance Terminated": Moodle 5.1's player serves one SCO per load (its API never starts
         again once a SCO terminated), so every page opened after the first one in a visit gets this */
      endedCodes: ["104"],
      el: {
        suspend: "cmi.suspend_data", location: "cmi.location", learner: "cmi.learner_id",
        sessionTime: "cmi.session_time", exit: "cmi.exit", score: "cmi.score.",
        scaled: "cmi.score.scaled", progress: "cmi.progress_measure", interactions: "cmi.interactions.",
        previousValid: "adl.nav.request_valid.previous"
      },
      /* An LMS that sequences (it answers adl.nav.request_valid.*) applies the page's "retry until done" rule
         only to an attempt that ended ("normal"; SCORM applies no post-condition rule to a suspended one); one
         that does not (Moodle) hands a SCO its data back only after "suspend" */
      exitUnfinished: function (sequenced) { return sequenced ? "normal" : "suspend"; },
      sessionTime: duration2004,
      interaction: { response: "learner_response", time: "timestamp", clock: stamp2004, description: "description",
        results: ["correct", "incorrect", "neutral"], write: interaction2004 },
      status: function (get) {
        var success = get("cmi.success_status");
        return success === "passed" || success === "failed" ? success : get("cmi.completion_status");
      },
      writeStatus: function (set, completion, success) {
        set("cmi.completion_status", completion);
        if (success) { set("cmi.success_status", success); }
      },
      holdOpen: function () { /* an untouched SCO stays "not attempted" */ },
      viewedSuccess: "passed" // sequencing reads a page's objective from its success status
    }
  };

  /* ---------- the call log ---------- */

  var log = [];
  var SHOWN = 200; // long values (suspend_data) are logged by their start and length

  function shown(args) {
    return Array.prototype.map.call(args, function (a) {
      var s = String(a);
      return s.length > SHOWN ? s.slice(0, SHOWN) + "\u2026 (" + s.length + " characters)" : s;
    });
  }

  function record(entry) {
    log.push(entry);
    if (!entry.ok && window.console && window.console.warn) {
      window.console.warn("SCORM: " + entry.method + "(" + entry.args.join(", ") + ") -> " + entry.result +
        " [" + entry.code + "] " + entry.text);
    }
    return entry;
  }

  /* ---------- the API ---------- */

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

  /* ---------- the Link ---------- */

  function Link(std, api) {
    this.std = std;
    this.api = api;
    this.started = Date.now();
    this.status = "new"; // "open", "failed" (did not start), "finished"
  }

  Link.prototype = {
    /* One call to the LMS, logged with the LMS's last error. A read of an element never set is no
       problem (2004 answers it with an error code by design). */
    call: function (kind, args) {
      var method = this.std.calls[kind];
      var entry = { method: method, args: shown(args), result: "", code: "0", text: "", ok: true };
      try {
        entry.result = String(this.api[method].apply(this.api, args));
      } catch (e) {
        entry.result = "";
        entry.code = "exception";
        entry.text = String(e && e.message ? e.message : e);
      }
      if (entry.code === "0") {
        try {
          entry.code = String(this.api[this.std.calls.lastError]());
          if (entry.code !== "0" && entry.code !== "") {
            entry.text = String(this.api[this.std.calls.errorText](entry.code));
          }
        } catch (e) { entry.code = "0"; }
        if (entry.code === "") { entry.code = "0"; }
      }
      entry.ok = kind === "get" ? entry.code === "0" || this.std.unsetCodes.indexOf(entry.code) >= 0 :
        entry.code === "0" && entry.result === "true";
      record(entry);
      this.last = entry;
      return entry.result;
    },
    get: function (key) { return this.call("get", [key]); },
    set: function (key, value) { return this.call("set", [key, String(value)]) === "true"; },
    commit: function () { return this.status === "open" && this.call("commit", [""]) === "true"; },
    start: function () {
      this.status = this.call("start", [""]) === "true" ? "open" : "failed";
      // failed because this API has served its SCO already: a page opened after another one in one visit
      this.ended = this.status === "failed" && this.std.endedCodes.indexOf(this.last.code) >= 0;
      return this.status === "open";
    },
    setter: function () { var self = this; return function (k, v) { return self.set(k, v); }; },
    getter: function () { var self = this; return function (k) { return self.get(k); }; },

    /* What the LMS knows about this SCO: status is passed, failed, completed, incomplete or unknown. */
    state: function () {
      var el = this.std.el;
      var status = this.std.status(this.getter());
      if (STATUSES.indexOf(status) < 0) { status = "unknown"; }
      return { status: status, suspend: this.get(el.suspend), location: this.get(el.location),
        learner: this.get(el.learner) };
    },

    /* Whether an LMS that sequences delivered this SCO after another one: it answers whether its Previous
       request is valid ("true"); an LMS that does not sequence (Moodle) answers "unknown", and a standard
       without navigation requests (1.2) has nothing to ask. */
    deliveredInSequence: function () {
      var el = this.std.el.previousValid;
      return !!el && this.get(el) === "true";
    },

    /* Whether the LMS sequences at all: it answers a navigation request's validity ("true" or "false"). */
    sequenced: function () {
      var el = this.std.el.previousValid;
      if (!el) { return false; }
      var answer = this.get(el);
      return answer === "true" || answer === "false";
    },

    /* Says now that the attempt is suspended, and commits: the next launch resumes it even when the save made
       while leaving never reaches the LMS (a browser refuses a large last request while the page unloads). */
    suspendNow: function () {
      this.set(this.std.el.exit, "suspend");
      this.commit();
    },

    /* report({completion: "completed"|"incomplete", success: "passed"|"failed"|null,
               score: 0..1 or null, progress: 0..1 or null}) */
    report: function (r) {
      var el = this.std.el;
      if (r.score !== null && r.score !== undefined) {
        this.set(el.score + "min", "0");
        this.set(el.score + "max", "100");
        this.set(el.score + "raw", String(Math.round(r.score * 100)));
        if (el.scaled) { this.set(el.scaled, fraction(r.score)); }
      }
      if (el.progress && r.progress !== null && r.progress !== undefined) {
        this.set(el.progress, fraction(r.progress));
      }
      this.std.writeStatus(this.setter(), r.completion, r.success);
    },

    /* A page without a quiz has been read. */
    viewed: function () { this.report({ completion: "completed", success: this.std.viewedSuccess, score: null }); },

    /* A page that stays closed (opened out of order): the LMS must not count it done. */
    holdOpen: function () { this.std.holdOpen(this.setter()); },

    /* One answered item: {id, type, response, right, correct, text} (widget.js results; correct null for an
       essay, which a person grades: recorded neutral, weighing nothing). The description (2004) only where
       text is given. */
    interaction: function (x) {
      var v = this.std.interaction, prefix = this.std.el.interactions, self = this;
      var n = parseInt(this.get(prefix + "_count"), 10) || 0;
      var p = prefix + n + ".", w = v.write(x);
      this.set(p + "id", x.id);
      this.set(p + "type", w.type);
      if (v.description && x.text) { this.set(p + v.description, x.text.slice(0, 250)); }
      w.patterns.forEach(function (pattern, i) { self.set(p + "correct_responses." + i + ".pattern", pattern); });
      this.set(p + v.response, w.response);
      this.set(p + "result", v.results[x.correct === null ? 2 : x.correct ? 0 : 1]);
      this.set(p + "weighting", x.correct === null ? "0" : "1");
      this.set(p + v.time, v.clock(new Date()));
    },

    suspendLimit: function () { return this.std.suspendLimit; },

    /* Saves text as suspend_data; over the standard's limit nothing is sent and the log says so. */
    suspend: function (text) {
      var limit = this.std.suspendLimit;
      if (text.length > limit) {
        record({ method: this.std.calls.set, args: shown([this.std.el.suspend, text]), result: "not sent",
          code: "limit", ok: false,
          text: this.std.el.suspend + " is " + text.length + " characters; " + this.std.name + " allows " + limit });
        return false;
      }
      return this.set(this.std.el.suspend, text);
    },

    location: function (where) { this.set(this.std.el.location, where); },

    /* Session time, exit, commit, finish. The exit is "suspend" (the next launch resumes this attempt), except
       for a page not done yet (done false) where the standard says otherwise (2004 in an LMS that sequences:
       "normal", so that it applies the page's "retry until done" rule). */
    finish: function (done) {
      if (this.status !== "open") { return; }
      this.set(this.std.el.sessionTime, this.std.sessionTime(Date.now() - this.started));
      this.set(this.std.el.exit, done === false ? this.std.exitUnfinished(this.sequenced()) : "suspend");
      this.commit();
      this.call("finish", [""]);
      this.status = "finished";
    }
  };

  function connect(standard) {
    var std = Object.prototype.hasOwnProperty.call(STANDARDS, standard) ? STANDARDS[standard] : null;
    if (!std) {
      record({ method: "connect", args: [String(standard)], result: "", code: "standard",
        text: "no such standard in this runtime", ok: false });
      return null;
    }
    return std.connect(std);
  }

  /* A SCORM standard: its API in a window above this one (or its opener), a session started on it. */
  function connectScorm(std) {
    var api = findApi(std.api);
    if (!api) {
      record({ method: "connect", args: [std.api], result: "not found", code: "0", text: "", ok: true });
      return null;
    }
    var link = new Link(std, api);
    link.start();
    return link;
  }

  /* Finish once when the page goes away. pagehide fires on every exit, into the back-forward cache
     too; a page brought back from that cache has finished its session, so it loads afresh. */
  function finishOnExit(fn) {
    var done = false;
    window.addEventListener("pagehide", function () {
      if (!done) { done = true; fn(); }
    });
    window.addEventListener("pageshow", function (ev) {
      if (ev.persisted && done) { window.location.reload(); }
    });
  }

  function problems() { return log.filter(function (e) { return !e.ok; }); }

  window.LmsLink = {
    connect: connect, finishOnExit: finishOnExit, log: log, problems: problems, standards: STANDARDS,
    timespan12: timespan12, duration2004: duration2004
  };
})();
