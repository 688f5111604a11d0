/* The saved form of quiz attempts, read and written by the page's quiz (widget.js, through its host) and
   the course shell (course.js) alike: window.QuizRecord.

   A quiz record is a short array, kept compact because SCORM 1.2's suspend_data holds 4096 characters
   for a whole course in course mode:
     [fingerprint, status, attempts, "drawn item indices, comma-separated", answers(, orders)]
   status 0 = answering, 1 = failed, 2 = passed, 3 = submitted (every graded answer right, and an essay drawn,
   which a person grades: the quiz is done without claiming a pass).
   answers, where every answer is a choice index 0 or 1 or none (every true/false quiz, as every record before
   the other kinds): a string, one character per drawn item, t for the first choice (a true/false item's
   "true"), f for the second, "-" for none. Otherwise an array, one entry per drawn item: null (none), a choice
   index, an array of choice indices (several choices), a string (a typed answer), or an array of option
   indices or null per left item (matching). orders, only where choices are shuffled: per drawn item the order
   its choices (or options) were shown in, as indices, or null. In the state the widget keeps, answers are
   those values, and orders the array (or null).
   A summary record keeps only that a quiz was done: [fingerprint, 2 or 3, attempts, "", ""].

   suspend_data, version 1 (the only one so far):
     pages mode (one SCO per page):   {"v":1,"q":<record>}
     course mode (the course's SCO):  {"v":1,"s":"0110...","q":{"<page index>":<record>}}
   with s one character per page (1 = seen). Anything else (another version, text that is not
   JSON, a record of the wrong shape) reads as nothing saved: the learner starts that quiz afresh. */
(function () {
  "use strict";

  var ANSWERING = 0, FAILED = 1, PASSED = 2, SUBMITTED = 3, VERSION = 1;

  function isIndex(x) { return typeof x === "number" && x >= 0 && Math.floor(x) === x; }

  function isAnswer(a) {
    if (a === null || isIndex(a) || typeof a === "string") { return true; }
    return Array.isArray(a) && a.every(function (x) { return x === null || isIndex(x); });
  }

  function encode(fp, state) {
    var plain = !state.orders && state.answers.every(function (a) { return a === null || a === 0 || a === 1; });
    var answers = plain ? state.answers.map(function (a) { return a === null ? "-" : (a === 0 ? "t" : "f"); }).join("") :
      state.answers;
    var raw = [fp, state.status, state.attempts, state.drawn.join(","), answers];
    if (state.orders) { raw.push(state.orders); }
    return raw;
  }

  /* The record's parts, or null when it is not a record. */
  function read(raw) {
    if (!Array.isArray(raw) || (raw.length !== 5 && raw.length !== 6) || typeof raw[0] !== "string") { return null; }
    var status = Number(raw[1]), attempts = Number(raw[2]);
    if ([ANSWERING, FAILED, PASSED, SUBMITTED].indexOf(status) < 0 || !(attempts >= 0) || Math.floor(attempts) !== attempts) {
      return null;
    }
    var drawn = String(raw[3]) === "" ? [] : String(raw[3]).split(",").map(Number);
    var answers;
    if (Array.isArray(raw[4])) {
      if (!raw[4].every(isAnswer)) { return null; }
      answers = raw[4];
    } else {
      answers = String(raw[4]).split("").map(function (c) { return c === "-" ? null : c === "t" ? 0 : 1; });
    }
    var orders = raw.length === 6 ? raw[5] : null;
    if (orders !== null && !(Array.isArray(orders) && orders.every(function (o) {
      return o === null || (Array.isArray(o) && o.every(isIndex));
    }))) { return null; }
    return { fp: raw[0], status: status, attempts: attempts, drawn: drawn, answers: answers, orders: orders };
  }

  /* The attempt a record holds for this quiz (its bank and draw), or null. */
  function forQuiz(raw, quiz) {
    var r = read(raw);
    if (!r || r.fp !== quiz.fp) { return null; }
    var n = quiz.items.length;
    var ok = r.drawn.length === quiz.draw && r.answers.length === r.drawn.length &&
      (!r.orders || r.orders.length === r.drawn.length) &&
      r.drawn.every(function (i) { return i >= 0 && i < n && Math.floor(i) === i; });
    return ok ? { status: r.status, attempts: r.attempts, drawn: r.drawn, answers: r.answers, orders: r.orders } : null;
  }

  function belongs(raw, fp) { var r = read(raw); return !!r && r.fp === fp; }

  function passed(raw, fp) { var r = read(raw); return !!r && r.fp === fp && r.status === PASSED; }

  /* Done: passed, or submitted with every graded answer right (the order of pages lets the learner on). */
  function done(raw, fp) { var r = read(raw); return !!r && r.fp === fp && (r.status === PASSED || r.status === SUBMITTED); }

  /* What is kept of a record when space runs short: that it was done, or nothing. */
  function summary(raw) {
    var r = read(raw);
    return r && (r.status === PASSED || r.status === SUBMITTED) ? [r.fp, r.status, r.attempts, "", ""] : null;
  }

  function parse(text) {
    var saved;
    try { saved = JSON.parse(text || "null"); } catch (e) { return null; }
    return saved && typeof saved === "object" && saved.v === VERSION ? saved : null;
  }

  /* pages mode */
  function pageData(raw) { return JSON.stringify({ v: VERSION, q: raw }); }

  function readPageData(text) {
    var saved = parse(text);
    return saved && read(saved.q) ? saved.q : null;
  }

  /* course mode: seen is an array of booleans, records an object {page index: record} */
  function courseData(seen, records) {
    return JSON.stringify({ v: VERSION, s: seen.map(function (x) { return x ? "1" : "0"; }).join(""), q: records });
  }

  function readCourseData(text, pages) {
    var saved = parse(text), seen = [], records = {};
    for (var i = 0; i < pages; i++) { seen.push(false); }
    if (!saved) { return { seen: seen, records: records }; }
    String(saved.s || "").split("").forEach(function (c, k) { if (k < pages) { seen[k] = c === "1"; } });
    var q = saved.q && typeof saved.q === "object" ? saved.q : {};
    Object.keys(q).forEach(function (k) {
      var at = Number(k);
      if (at >= 0 && at < pages && Math.floor(at) === at && read(q[k])) { records[at] = q[k]; }
    });
    return { seen: seen, records: records };
  }

  window.QuizRecord = {
    ANSWERING: ANSWERING, FAILED: FAILED, PASSED: PASSED, SUBMITTED: SUBMITTED,
    encode: encode, read: read, forQuiz: forQuiz, belongs: belongs, passed: passed, done: done, summary: summary,
    pageData: pageData, readPageData: readPageData, courseData: courseData, readCourseData: readCourseData
  };
})();
