/* A course page starting up: it finds where it runs (alone, in the course-mode shell, or as a SCO with its
   own link to the LMS), keeps the order of pages, fixes its links and starts its quiz with the host that
   fits. The jobs themselves live in pagedata.js, lms.js, record.js, draw.js, widget.js, hosts.js, order.js
   and links.js; an LMS may play a page opened by its address whatever the order (Moodle's player does, in
   SCORM 1.2 and 2004 alike), so the page keeps the order itself. */
(function () {
  "use strict";

  var Data = window.PageData, Hosts = window.QuizHosts, Order = window.PageOrder, Links = window.PageLinks;
  var S = Data.json("strings") || {};

  function show(el, on) { if (el) { el.hidden = !on; } }

  function courseShell() {
    try {
      return window.parent !== window && window.parent.ExporterCourse ? window.parent.ExporterCourse : null;
    } catch (e) { return null; }
  }

  function startQuiz(host) {
    var data = Data.json("quiz-data"), section = document.getElementById("quiz");
    if (!data || !section) { return null; }
    var quiz = new window.QuizWidget(section, data, host, S);
    quiz.start();
    return quiz;
  }

  function noteWithoutLms(text) {
    var note = document.querySelector(".lms-note");
    if (text) { note.textContent = text; }
    note.hidden = false;
  }

  /* An LMS is there but did not start a session: say so, and keep the quiz closed (nothing it
     scored would count). The pager stays hidden: the LMS's own navigation moves between pages. A platform
     that served another page in this visit already (Moodle's 2004 player) gets the words for what works there. */
  function platformFailed(link) {
    var note = document.querySelector(".lms-failed-note");
    if (link && link.ended && S.oneVisit && note) { note.querySelector("p").textContent = S.oneVisit; }
    show(note, true);
    show(document.getElementById("quiz"), false);
  }

  function inShell(config) {
    var shell = courseShell();
    Links.use({ mode: "course", withLms: !!shell });
    Links.fix();
    if (shell) {
      if (!shell.opened(config.page, window)) { return; } // not open yet: the shell shows another page
      if (shell.failed) { platformFailed(); return; }
      startQuiz(new Hosts.ShellHost(shell, config.page));
      return;
    }
    noteWithoutLms();
    startQuiz(new Hosts.LocalHost());
  }

  function asSco(config) {
    var reference = /[?&]ref=1\b/.test(window.location.search);
    var link = reference ? null : window.LmsLink.connect(config.scorm);
    Links.use({ mode: "pages", withLms: !!link });
    Links.fix();
    if (!link) {
      show(document.querySelector(".pager"), true);
      noteWithoutLms(reference ? S.referenceCopy : null);
      startQuiz(new Hosts.LocalHost());
      return;
    }
    if (link.status !== "open") { platformFailed(link); return; }
    var lms = link.state();
    var locked = !Order.allows(config, link, lms);
    // done: viewed (a page without a quiz) or its quiz done; lms.status follows an outcome reached now (LmsHost.scored)
    // a quiz page is done once passed, or submitted (completed without a pass: an essay for a person to grade)
    var quizDone = function () { return lms.status === "passed" || lms.status === "completed"; };
    window.LmsLink.finishOnExit(function () { link.finish(!locked && (!config.quiz || quizDone())); });
    if (locked) {
      Order.lock(config, S);
      link.holdOpen();
      link.commit();
      return;
    }
    var done = function () { Order.markDone(config, lms.learner); };
    if (config.quiz) {
      if (lms.status === "unknown") { link.report({ completion: "incomplete", success: null, score: null }); }
      if (quizDone()) { done(); }
      startQuiz(new Hosts.LmsHost(link, lms, done));
    } else {
      link.viewed();
      done();
    }
    link.commit();
  }

  function main() {
    var config = Data.json("page-config") || {};
    if (config.mode === "course") { inShell(config); } else { asSco(config); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", main);
  } else {
    main();
  }
})();
