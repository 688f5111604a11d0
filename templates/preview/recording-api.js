/* The preview's own SCORM runtime, used where scorm-again is not installed: the SCORM 1.2 API
   ("API": LMSInitialize ... LMSGetDiagnostic) and the SCORM 2004 4th Edition API ("API_1484_11":
   Initialize ... GetDiagnostic) over an in-memory record. It follows each version's data model: element
   names, read-only and write-only elements, vocabularies, data types, array order and size limits, with the
   standard error codes. It keeps what an LMS would and exposes it as a flat {element: value} map.

   window.ScormRules.check(version, element, value) is the same check as a second opinion, used on
   whatever runtime is in use (scorm-again accepts values that Moodle refuses, such as a 1.2
   suspend_data longer than 4096 characters). */
(function () {
  "use strict";

  /* ---------- data types ---------- */

  var DECIMAL = /^-?\d+(\.\d+)?$/;
  var REAL = /^-?(\d+(\.\d*)?|\.\d+)$/;
  var TIMESPAN_12 = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var TIME_12 = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/;
  var IDENTIFIER_12 = /^[\u0021-\u007E]{0,255}$/;
  var DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/;
  var TIMESTAMP = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,2})?)?)?(Z|[+-]\d{2}(:\d{2})?)?)?)?)?$/;
  var URI = /^\S{1,4000}$/;

  function vocab(words) { return function (v) { return words.indexOf(v) >= 0; }; }
  function pattern(re) { return function (v) { return re.test(v); }; }
  function maxLength(n) { return function (v) { return v.length <= n; }; }
  function decimal12(v) { return v === "" || DECIMAL.test(v); }
  function score12(v) { return v === "" || (DECIMAL.test(v) && Number(v) >= 0 && Number(v) <= 100); }
  function real(lo, hi) {
    return function (v) {
      if (!REAL.test(v)) { return "type"; }
      var n = Number(v);
      return (lo === null || n >= lo) && (hi === null || n <= hi) ? true : "range";
    };
  }

  var STATUS_12 = ["passed", "completed", "failed", "incomplete", "browsed"];
  var RESULT_12 = ["correct", "wrong", "unanticipated", "neutral"];
  var TYPES_12 = ["true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric"];
  var TYPES_2004 = ["true-false", "choice", "fill-in", "long-fill-in", "likert", "matching", "performance",
    "sequencing", "numeric", "other"];

  /* ---------- the data models: [pattern, access, check, default] ---------- */
  // access: "r" read-only, "w" write-only, "rw"; n stands for an array index

  var MODEL_12 = [
    ["cmi.core._children", "r", null, "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time"],
    ["cmi.core.student_id", "r", null, ""],
    ["cmi.core.student_name", "r", null, ""],
    ["cmi.core.lesson_location", "rw", maxLength(255), ""],
    ["cmi.core.credit", "r", null, "credit"],
    ["cmi.core.lesson_status", "rw", vocab(STATUS_12), "not attempted"],
    ["cmi.core.entry", "r", null, "ab-initio"],
    ["cmi.core.score._children", "r", null, "raw,min,max"],
    ["cmi.core.score.raw", "rw", score12, ""],
    ["cmi.core.score.min", "rw", score12, ""],
    ["cmi.core.score.max", "rw", score12, ""],
    ["cmi.core.total_time", "r", null, "0000:00:00.00"],
    ["cmi.core.lesson_mode", "r", null, "normal"],
    ["cmi.core.exit", "w", vocab(["time-out", "suspend", "logout", ""]), ""],
    ["cmi.core.session_time", "w", pattern(TIMESPAN_12), ""],
    ["cmi.suspend_data", "rw", maxLength(4096), ""],
    ["cmi.launch_data", "r", null, ""],
    ["cmi.comments", "rw", maxLength(4096), ""],
    ["cmi.comments_from_lms", "r", null, ""],
    ["cmi.objectives._children", "r", null, "id,score,status"],
    ["cmi.objectives._count", "r", null, null],
    ["cmi.objectives.n.id", "rw", pattern(IDENTIFIER_12), ""],
    ["cmi.objectives.n.score._children", "r", null, "raw,min,max"],
    ["cmi.objectives.n.score.raw", "rw", score12, ""],
    ["cmi.objectives.n.score.min", "rw", score12, ""],
    ["cmi.objectives.n.score.max", "rw", score12, ""],
    ["cmi.objectives.n.status", "rw", vocab(STATUS_12.concat(["not attempted"])), ""],
    ["cmi.student_data._children", "r", null, "mastery_score,max_time_allowed,time_limit_action"],
    ["cmi.student_data.mastery_score", "r", null, ""],
    ["cmi.student_data.max_time_allowed", "r", null, ""],
    ["cmi.student_data.time_limit_action", "r", null, ""],
    ["cmi.student_preference._children", "r", null, "audio,language,speed,text"],
    ["cmi.student_preference.audio", "rw", function (v) { return /^-?\d+$/.test(v) && +v >= -1 && +v <= 100; }, "0"],
    ["cmi.student_preference.language", "rw", maxLength(255), ""],
    ["cmi.student_preference.speed", "rw", function (v) { return /^-?\d+$/.test(v) && +v >= -100 && +v <= 100; }, "0"],
    ["cmi.student_preference.text", "rw", vocab(["-1", "0", "1"]), "0"],
    ["cmi.interactions._children", "r", null, "id,objectives,time,type,correct_responses,weighting,student_response,result,latency"],
    ["cmi.interactions._count", "r", null, null],
    ["cmi.interactions.n.id", "w", pattern(IDENTIFIER_12), null],
    ["cmi.interactions.n.objectives._count", "r", null, null],
    ["cmi.interactions.n.objectives.n.id", "w", pattern(IDENTIFIER_12), null],
    ["cmi.interactions.n.time", "w", pattern(TIME_12), null],
    ["cmi.interactions.n.type", "w", vocab(TYPES_12), null],
    ["cmi.interactions.n.correct_responses._count", "r", null, null],
    ["cmi.interactions.n.correct_responses.n.pattern", "w", "feedback", null],
    ["cmi.interactions.n.weighting", "w", decimal12, null],
    ["cmi.interactions.n.student_response", "w", "feedback", null],
    ["cmi.interactions.n.result", "w", function (v) { return RESULT_12.indexOf(v) >= 0 || DECIMAL.test(v); }, null],
    ["cmi.interactions.n.latency", "w", pattern(TIMESPAN_12), null]
  ];

  var MODEL_2004 = [
    ["cmi._version", "r", null, "1.0"],
    ["cmi.comments_from_learner._children", "r", null, "comment,location,timestamp"],
    ["cmi.comments_from_learner._count", "r", null, null],
    ["cmi.comments_from_learner.n.comment", "rw", maxLength(4000), null],
    ["cmi.comments_from_learner.n.location", "rw", maxLength(250), null],
    ["cmi.comments_from_learner.n.timestamp", "rw", pattern(TIMESTAMP), null],
    ["cmi.comments_from_lms._children", "r", null, "comment,location,timestamp"],
    ["cmi.comments_from_lms._count", "r", null, null],
    ["cmi.completion_status", "rw", vocab(["completed", "incomplete", "not attempted", "unknown"]), "unknown"],
    ["cmi.completion_threshold", "r", null, null],
    ["cmi.credit", "r", null, "credit"],
    ["cmi.entry", "r", null, "ab-initio"],
    ["cmi.exit", "w", vocab(["time-out", "suspend", "logout", "normal", ""]), null],
    ["cmi.launch_data", "r", null, null],
    ["cmi.learner_id", "r", null, ""],
    ["cmi.learner_name", "r", null, ""],
    ["cmi.learner_preference._children", "r", null, "audio_level,language,delivery_speed,audio_captioning"],
    ["cmi.learner_preference.audio_level", "rw", real(0, null), "1"],
    ["cmi.learner_preference.language", "rw", maxLength(250), ""],
    ["cmi.learner_preference.delivery_speed", "rw", real(0, null), "1"],
    ["cmi.learner_preference.audio_captioning", "rw", vocab(["-1", "0", "1"]), "0"],
    ["cmi.location", "rw", maxLength(1000), null],
    ["cmi.max_time_allowed", "r", null, null],
    ["cmi.mode", "r", null, "normal"],
    ["cmi.objectives._children", "r", null, "id,score,success_status,completion_status,progress_measure,description"],
    ["cmi.objectives._count", "r", null, null],
    ["cmi.objectives.n.id", "rw", pattern(URI), null],
    ["cmi.objectives.n.score._children", "r", null, "scaled,raw,min,max"],
    ["cmi.objectives.n.score.scaled", "rw", real(-1, 1), null],
    ["cmi.objectives.n.score.raw", "rw", real(null, null), null],
    ["cmi.objectives.n.score.min", "rw", real(null, null), null],
    ["cmi.objectives.n.score.max", "rw", real(null, null), null],
    ["cmi.objectives.n.success_status", "rw", vocab(["passed", "failed", "unknown"]), "unknown"],
    ["cmi.objectives.n.completion_status", "rw", vocab(["completed", "incomplete", "not attempted", "unknown"]), "unknown"],
    ["cmi.objectives.n.progress_measure", "rw", real(0, 1), null],
    ["cmi.objectives.n.description", "rw", maxLength(250), null],
    ["cmi.progress_measure", "rw", real(0, 1), null],
    ["cmi.scaled_passing_score", "r", null, null],
    ["cmi.score._children", "r", null, "scaled,raw,min,max"],
    ["cmi.score.scaled", "rw", real(-1, 1), null],
    ["cmi.score.raw", "rw", real(null, null), null],
    ["cmi.score.min", "rw", real(null, null), null],
    ["cmi.score.max", "rw", real(null, null), null],
    ["cmi.session_time", "w", pattern(DURATION), null],
    ["cmi.success_status", "rw", vocab(["passed", "failed", "unknown"]), "unknown"],
    ["cmi.suspend_data", "rw", maxLength(64000), null],
    ["cmi.time_limit_action", "r", null, "continue,no message"],
    ["cmi.total_time", "r", null, "PT0H0M0S"],
    ["cmi.interactions._children", "r", null, "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description"],
    ["cmi.interactions._count", "r", null, null],
    ["cmi.interactions.n.id", "rw", pattern(URI), null],
    ["cmi.interactions.n.type", "rw", vocab(TYPES_2004), null],
    ["cmi.interactions.n.objectives._count", "r", null, null],
    ["cmi.interactions.n.objectives.n.id", "rw", pattern(URI), null],
    ["cmi.interactions.n.timestamp", "rw", pattern(TIMESTAMP), null],
    ["cmi.interactions.n.correct_responses._count", "r", null, null],
    ["cmi.interactions.n.correct_responses.n.pattern", "rw", "response", null],
    ["cmi.interactions.n.weighting", "rw", real(null, null), null],
    ["cmi.interactions.n.learner_response", "rw", "response", null],
    ["cmi.interactions.n.result", "rw", function (v) { return ["correct", "incorrect", "unanticipated", "neutral"].indexOf(v) >= 0 || REAL.test(v); }, null],
    ["cmi.interactions.n.latency", "rw", pattern(DURATION), null],
    ["cmi.interactions.n.description", "rw", maxLength(250), null],
    ["adl.nav.request", "rw", function (v) {
      return /^(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_)$/.test(v) ||
        /^\{target=[^}]+\}(choice|jump)$/.test(v);
    }, "_none_"]
  ];

  var ERRORS_12 = {
    "0": "No error", "101": "General exception", "201": "Invalid argument error",
    "202": "Element cannot have children", "203": "Element not an array - cannot have count",
    "301": "Not initialized", "401": "Not implemented error", "402": "Invalid set value, element is a keyword",
    "403": "Element is read only", "404": "Element is write only", "405": "Incorrect data type"
  };
  var ERRORS_2004 = {
    "0": "No Error", "101": "General Exception", "102": "General Initialization Failure",
    "103": "Already Initialized", "104": "Content Instance Terminated", "111": "General Termination Failure",
    "112": "Termination Before Initialization", "113": "Termination After Termination",
    "122": "Retrieve Data Before Initialization", "123": "Retrieve Data After Termination",
    "132": "Store Data Before Initialization", "133": "Store Data After Termination",
    "142": "Commit Before Initialization", "143": "Commit After Termination", "201": "General Argument Error",
    "301": "General Get Failure", "351": "General Set Failure", "391": "General Commit Failure",
    "401": "Undefined Data Model Element", "402": "Unimplemented Data Model Element",
    "403": "Data Model Element Value Not Initialized", "404": "Data Model Element Is Read Only",
    "405": "Data Model Element Is Write Only", "406": "Data Model Element Type Mismatch",
    "407": "Data Model Element Value Out Of Range", "408": "Data Model Dependency Not Established"
  };

  function compile(model) {
    return model.map(function (row) {
      var re = new RegExp("^" + row[0].replace(/\./g, "\\.").replace(/\\\.n\\\./g, "\\.(\\d+)\\.") + "$");
      return { name: row[0], re: re, access: row[1], check: row[2], def: row[3] };
    });
  }
  var COMPILED = { "1.2": compile(MODEL_12), "2004": compile(MODEL_2004) };

  function lookup(version, element) {
    var rows = COMPILED[version];
    for (var i = 0; i < rows.length; i++) {
      var m = rows[i].re.exec(element);
      if (m) { return { row: rows[i], indices: m.slice(1).map(Number) }; }
    }
    return null;
  }

  /* Feedback/response patterns depend on the interaction's type, held to what Moodle stores: 1.2's single
     characters for choices and matching and one number; 2004's identifiers (Moodle: [\w.]{1,250}), numbers
     with at most 5 integer digits (a numeric pattern is a range, either end open), fill-in blanks of 250. */
  var ID_2004 = "[\\w.]{1,250}", NUM = "-?\\d{1,5}(\\.\\d+)?";
  var RESPONSES = {
    "1.2": {
      "true-false": /^[01tf]$/, choice: /^[0-9a-z](,[0-9a-z])*$/, matching: /^[0-9a-z]\.[0-9a-z](,[0-9a-z]\.[0-9a-z])*$/,
      numeric: /^-?\d+(\.\d+)?$/
    },
    "2004": {
      "true-false": /^(true|false)$/,
      choice: new RegExp("^" + ID_2004 + "(\\[,\\]" + ID_2004 + ")*$"),
      matching: new RegExp("^" + ID_2004 + "\\[\\.\\]" + ID_2004 + "(\\[,\\]" + ID_2004 + "\\[\\.\\]" + ID_2004 + ")*$"),
      numeric: new RegExp("^(" + NUM + "|(" + NUM + ")?\\[:\\](" + NUM + ")?)$")
    }
  };

  function responseOk(version, type, value) {
    var re = (RESPONSES[version] || {})[type];
    if (re) { return re.test(value); }
    if (version === "2004" && type === "fill-in") { return value.replace(/^\{[^}]*\}/, "").length <= 250; }
    return value.length <= (version === "1.2" ? 255 : 4000);
  }

  /* The value check alone: null when fine, else {code, why}. `type` is the interaction's type, if known. */
  function checkValue(version, element, value, type) {
    var found = lookup(version, element);
    if (!found) { return null; }
    var check = found.row.check, v = String(value), ok;
    if (check === "feedback" || check === "response") { ok = responseOk(version, type, v); } else { ok = check ? check(v) : true; }
    if (ok === true) { return null; }
    var range = ok === "range";
    var code = version === "1.2" ? "405" : range ? "407" : "406";
    var why;
    if (/suspend_data$/.test(element)) {
      why = v.length + " characters; SCORM " + version + " allows " + (version === "1.2" ? 4096 : 64000);
    } else if (/lesson_location$|\.location$|description$|comments$/.test(element)) {
      why = v.length + " characters is more than this element holds";
    } else {
      why = JSON.stringify(v) + " is not a valid value for " + element;
    }
    return { code: code, why: why };
  }

  window.ScormRules = {
    check: function (version, element, value, type) { return checkValue(version, element, value, type); },
    errors: function (version) { return version === "1.2" ? ERRORS_12 : ERRORS_2004; }
  };

  /* ---------- the API object ---------- */

  function Recording(version, seed) {
    this.version = version;
    this.values = {};
    this.state = "new"; // new, running, done
    this.lastError = "0";
    this.diagnostic = "";
    var self = this;
    Object.keys(seed || {}).forEach(function (k) { self.values[k] = String(seed[k]); });
  }

  Recording.prototype = {
    fail: function (code, diagnostic) {
      this.lastError = code;
      this.diagnostic = diagnostic || "";
      return "false";
    },
    ok: function (value) { this.lastError = "0"; this.diagnostic = ""; return value; },

    count: function (prefix) {
      var n = 0;
      while (Object.prototype.hasOwnProperty.call(this.values, prefix + n + ".__")) { n++; }
      return n;
    },

    initialize: function (arg) {
      if (arg !== "") { return this.fail("201", "the argument must be the empty string"); }
      if (this.state === "running") { return this.fail(this.version === "1.2" ? "101" : "103", "already initialized"); }
      if (this.state === "done") { return this.fail(this.version === "1.2" ? "101" : "104", "already terminated"); }
      this.state = "running";
      return this.ok("true");
    },

    /* Terminate and Commit: their argument must be "", and the session running (2004's code tells whether it
       has not started, before, or has ended, after); the error's answer, or null when the call may go on. */
    refused: function (arg, before, after) {
      if (arg !== "") { return this.fail("201", "the argument must be the empty string"); }
      if (this.state !== "running") {
        return this.fail(this.version === "1.2" ? "301" : this.state === "new" ? before : after, "not running");
      }
      return null;
    },

    terminate: function (arg) {
      var refused = this.refused(arg, "112", "113");
      if (refused !== null) { return refused; }
      this.state = "done";
      return this.ok("true");
    },

    commit: function (arg) { var refused = this.refused(arg, "142", "143"); return refused !== null ? refused : this.ok("true"); },

    getValue: function (element) {
      var v12 = this.version === "1.2";
      element = String(element);
      if (this.state !== "running") {
        this.fail(v12 ? "301" : this.state === "new" ? "122" : "123", "not running");
        return "";
      }
      if (element === "") { this.fail(v12 ? "201" : "301", "no element named"); return ""; }
      var found = lookup(this.version, element);
      if (!found) {
        var keyword = /\._(children|count|version)$/.test(element);
        this.fail(v12 ? (keyword ? "202" : "201") : (keyword ? "301" : "401"), element + " is not in the data model");
        return "";
      }
      if (found.row.access === "w") { this.fail(v12 ? "404" : "405", element + " is write-only"); return ""; }
      if (/\._count$/.test(element)) {
        return this.ok(String(this.count(element.replace(/_count$/, ""))));
      }
      if (Object.prototype.hasOwnProperty.call(this.values, element)) { return this.ok(this.values[element]); }
      if (found.row.def !== null && found.row.def !== undefined) { return this.ok(found.row.def); }
      if (v12) { return this.ok(""); }
      this.fail("403", element + " has no value yet");
      return "";
    },

    setValue: function (element, value) {
      var v12 = this.version === "1.2";
      element = String(element);
      value = value === undefined || value === null ? "" : String(value);
      if (this.state !== "running") {
        return this.fail(v12 ? "301" : this.state === "new" ? "132" : "133", "not running");
      }
      var found = lookup(this.version, element);
      if (!found) {
        var keyword = /\._(children|count|version)$/.test(element);
        return this.fail(v12 ? (keyword ? "402" : "201") : (keyword ? "404" : "401"), element + " is not in the data model");
      }
      if (found.row.access === "r") {
        return this.fail(v12 ? (/\._(children|count)$/.test(element) ? "402" : "403") : "404", element + " is read-only");
      }
      if (v12 && element === "cmi.core.lesson_status" && value === "not attempted") {
        return this.fail("405", "a SCO cannot set lesson_status to \"not attempted\"");
      }
      // arrays: a new index is the next one; and in 2004 an interaction's id must come first
      var arrays = this.arrays(element);
      for (var i = 0; i < arrays.length; i++) {
        var a = arrays[i], n = this.count(a.prefix);
        if (a.index > n) { return this.fail(v12 ? "201" : "351", "index " + a.index + " skips " + n + ": arrays fill in order"); }
        if (!v12 && a.index === n && /(^cmi\.interactions\.|^cmi\.objectives\.|\.objectives\.)$/.test(a.prefix) &&
            element !== a.prefix + a.index + ".id") {
          return this.fail("408", "set " + a.prefix + a.index + ".id first");
        }
      }
      var type = null;
      var inter = /^cmi\.interactions\.(\d+)\./.exec(element);
      if (inter) { type = this.values["cmi.interactions." + inter[1] + ".type"] || null; }
      var bad = checkValue(this.version, element, value, type);
      if (bad) { return this.fail(bad.code, bad.why); }
      for (var j = 0; j < arrays.length; j++) { this.values[arrays[j].prefix + arrays[j].index + ".__"] = "1"; }
      this.values[element] = value;
      return this.ok("true");
    },

    /* the arrays an element sits in, outermost first: [{prefix: "cmi.interactions.", index: 0}, ...] */
    arrays: function (element) {
      var out = [], re = /\.(\d+)\./g, m;
      while ((m = re.exec(element)) !== null) {
        out.push({ prefix: element.slice(0, m.index + 1), index: Number(m[1]) });
        re.lastIndex = m.index + 1;
      }
      return out;
    },

    getLastError: function () { return this.lastError; },
    getErrorString: function (code) { return window.ScormRules.errors(this.version)[String(code)] || ""; },
    getDiagnostic: function (code) {
      return code && String(code) !== this.lastError ? this.getErrorString(code) : this.diagnostic;
    },

    /* everything recorded, as {element: value} */
    snapshot: function () {
      var out = {}, values = this.values;
      Object.keys(values).forEach(function (k) { if (!/\.__$/.test(k)) { out[k] = values[k]; } });
      return out;
    },
    isTerminated: function () { return this.state === "done"; }
  };

  /* The API object a SCO finds, in each version's names: each call goes to the Recording's role of that rank. */
  var ROLES = ["initialize", "terminate", "getValue", "setValue", "commit", "getLastError", "getErrorString",
    "getDiagnostic"];
  var SESSION_CALLS = ["initialize", "terminate", "commit"]; // their one argument is "" (an empty string)
  var NAMES = {
    "1.2": ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError",
      "LMSGetErrorString", "LMSGetDiagnostic"],
    "2004": ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString",
      "GetDiagnostic"]
  };

  function api(version) {
    function Api(seed) { this.r = new Recording(version, seed); this.runtime = "builtin"; }
    NAMES[version].forEach(function (name, i) {
      var role = ROLES[i];
      Api.prototype[name] = SESSION_CALLS.indexOf(role) >= 0 ?
        function (a) { return this.r[role](a === undefined ? "" : String(a)); } :
        function (a, b) { return this.r[role](a, b); };
    });
    Api.prototype.snapshot = function () { return this.r.snapshot(); };
    Api.prototype.isTerminated = function () { return this.r.isTerminated(); };
    return Api;
  }

  var Scorm12 = api("1.2"), Scorm2004 = api("2004");

  window.RecordingScorm12API = Scorm12;
  window.RecordingScorm2004API = Scorm2004;
})();
