/* Where a quiz's attempt is kept and its results go (window.QuizHosts): one host per way a page runs.
   Every host has load() (the saved record or null), done() (the LMS says this page's quiz is done: passed, or
   submitted), progress(record) (keep the attempt so far) and scored(record, results, outcome) (keep and report
   a scored attempt; results as QuizWidget.results gives them, outcome {outcome: "passed" | "failed" |
   "submitted", right, total} counting the graded items). */
(function () {
  "use strict";

  var Record = window.QuizRecord;

  /* No LMS (opened from disk or a plain web server): everything works, nothing is kept. */
  function LocalHost() { this.record = null; }
  LocalHost.prototype = {
    load: function () { return this.record; },
    done: function () { return false; },
    progress: function (record) { this.record = record; },
    scored: function (record) { this.record = record; }
  };

  /* Pages mode: this page is the SCO and reports to the LMS itself (link: lms.js). lms is what the LMS
     handed back (link.state()); its status follows an outcome reached now. onDone runs once the page is done
     (passed, or submitted: every graded answer right and an essay for a person to grade). */
  function LmsHost(link, lms, onDone) {
    this.link = link;
    this.lms = lms;
    this.onDone = onDone;
    this.record = Record.readPageData(lms.suspend);
  }
  LmsHost.prototype = {
    load: function () { return this.record; },
    done: function () { return this.lms.status === "passed" || this.lms.status === "completed"; },
    progress: function (record) {
      this.record = record;
      this.link.suspend(Record.pageData(record));
    },
    scored: function (record, results, o) {
      var link = this.link;
      this.progress(record);
      results.forEach(function (r) { link.interaction(r); });
      if (o.outcome === "submitted") {
        // complete, but no pass claimed and no score sent (an LMS's mastery score would make it a pass)
        link.report({ completion: "completed", success: "unknown", score: null });
      } else {
        // complete only when passed: Moodle reads a 2004 SCO's status from its completion alone
        var passed = o.outcome === "passed";
        link.report({ completion: passed ? "completed" : "incomplete", success: o.outcome, score: o.total ? o.right / o.total : 0 });
      }
      link.commit();
      if (o.outcome !== "failed") { this.lms.status = o.outcome === "passed" ? "passed" : "completed"; this.onDone(); }
    }
  };

  /* Course mode: the shell around the page (index.html, course.js) keeps every page's record and reports. */
  function ShellHost(shell, pageId) { this.shell = shell; this.page = pageId; }
  ShellHost.prototype = {
    load: function () { return this.shell.record(this.page); },
    done: function () { return this.shell.done(this.page); },
    progress: function (record) { this.shell.progress(this.page, record); },
    scored: function (record, results, outcome) { this.shell.scored(this.page, record, results, outcome); }
  };

  window.QuizHosts = { LocalHost: LocalHost, LmsHost: LmsHost, ShellHost: ShellHost };
})();
