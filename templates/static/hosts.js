/* Where a quiz's attempt is kept and its results go (window.QuizHosts): one host per way a page runs.
   Every host has load() (the saved record or null), passed() (the LMS says this page is passed),
   progress(record) (keep the attempt so far) and scored(record, results, right, total) (keep and report a
   scored attempt; results as QuizWidget.results gives them). */
(function () {
  "use strict";

  var Record = window.QuizRecord;

  /* No LMS (opened from disk or a plain web server): everything works, nothing is kept. */
  function LocalHost() { this.record = null; }
  LocalHost.prototype = {
    load: function () { return this.record; },
    passed: function () { return false; },
    progress: function (record) { this.record = record; },
    scored: function (record) { this.record = record; }
  };

  /* Pages mode: this page is the SCO and reports to the LMS itself (link: lms.js). lms is what the LMS
     handed back (link.state()); its status follows a pass made now. onPassed runs once the page is passed. */
  function LmsHost(link, lms, onPassed) {
    this.link = link;
    this.lms = lms;
    this.onPassed = onPassed;
    this.record = Record.readPageData(lms.suspend);
  }
  LmsHost.prototype = {
    load: function () { return this.record; },
    passed: function () { return this.lms.status === "passed"; },
    progress: function (record) {
      this.record = record;
      this.link.suspend(Record.pageData(record));
    },
    scored: function (record, results, right, total) {
      var link = this.link;
      this.progress(record);
      results.forEach(function (r) { link.interaction(r); });
      var passed = right === total;
      // complete only when passed: Moodle reads a 2004 SCO's status from its completion alone
      link.report({ completion: passed ? "completed" : "incomplete", success: passed ? "passed" : "failed",
        score: right / total });
      link.commit();
      if (passed) { this.lms.status = "passed"; this.onPassed(); }
    }
  };

  /* Course mode: the shell around the page (index.html, course.js) keeps every page's record and reports. */
  function ShellHost(shell, pageId) { this.shell = shell; this.page = pageId; }
  ShellHost.prototype = {
    load: function () { return this.shell.record(this.page); },
    passed: function () { return this.shell.passed(this.page); },
    progress: function (record) { this.shell.progress(this.page, record); },
    scored: function (record, results, right, total) { this.shell.scored(this.page, record, results, right, total); }
  };

  window.QuizHosts = { LocalHost: LocalHost, LmsHost: LmsHost, ShellHost: ShellHost };
})();
