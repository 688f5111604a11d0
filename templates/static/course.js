/* Course mode: the whole course is one SCO. This shell (index.html) holds the table of contents,
   shows one page at a time in its frame, opens pages in order (a quiz must be passed before the
   pages after it), bookmarks the current page and reports one result: the share of quizzes passed.

   Its suspend_data and the pages' quiz records are in the format of record.js (window.QuizRecord). */
(function () {
  "use strict";

  var Record = window.QuizRecord, fill = window.PageData.fill;

  var config = window.PageData.json("course-config");
  /* What the shell says to learners, in the course's language, counts written out (S.pagesDone[n]). */
  var S = window.PageData.json("strings") || {};
  var pages = config.pages;
  var byId = {}, byHref = {};
  pages.forEach(function (p, i) { byId[p.id] = i; byHref[p.href.toLowerCase()] = i; });
  var quizzes = pages.filter(function (p) { return p.quiz; }).length;

  var frame = document.querySelector("iframe[name=content]");
  var note = document.querySelector(".shell-note");
  var seen = pages.map(function () { return false; });
  var records = {}; // page index -> quiz record
  var current = 0;
  var redirected = -1; // the page shown instead of a locked one: its note stays while it opens
  var link = null;

  /* ---------- state ---------- */

  function passedAt(i) { return !!pages[i].quiz && Record.passed(records[i], pages[i].quiz); }

  /* a quiz page is done once passed, or submitted (every graded answer right, an essay for a person to grade) */
  function doneAt(i) { return pages[i].quiz ? Record.done(records[i], pages[i].quiz) : seen[i]; }

  function frontier() { // the first page not done yet: it and every page before it are open
    for (var i = 0; i < pages.length; i++) { if (!doneAt(i)) { return i; } }
    return pages.length - 1;
  }

  function allowed(i) { return i <= frontier(); }

  function encodeState(compact) {
    var q = {};
    Object.keys(records).forEach(function (k) {
      // when space runs short, passed quizzes keep only that they passed; other pages' attempts start afresh
      var r = !compact || Number(k) === current ? records[k] : Record.summary(records[k]);
      if (r) { q[k] = r; }
    });
    return Record.courseData(seen, q);
  }

  function restore(text) {
    var saved = Record.readCourseData(text, pages.length);
    seen = saved.seen;
    Object.keys(saved.records).forEach(function (k) {
      if (pages[k].quiz && Record.belongs(saved.records[k], pages[k].quiz)) { records[k] = saved.records[k]; }
    });
  }

  /* The whole state as suspend_data: in full when it fits, else compacted (over the limit even then,
     the link refuses it and logs why). */
  function suspend() {
    var text = encodeState(false);
    link.suspend(text.length > link.suspendLimit() ? encodeState(true) : text);
  }

  function save() {
    if (!link) { return; }
    suspend();
    link.location(pages[current].href);
    var done = pages.filter(function (p, i) { return doneAt(i); }).length;
    var passed = pages.filter(function (p, i) { return p.quiz && passedAt(i); }).length;
    var complete = done === pages.length;
    link.report({
      completion: complete ? "completed" : "incomplete",
      success: complete ? (passed === quizzes ? "passed" : "unknown") : null, // no pass claimed over an essay
      score: quizzes ? passed / quizzes : null,
      progress: done / pages.length
    });
    link.commit();
  }

  /* ---------- the table of contents ---------- */

  function render() {
    var open = frontier();
    Array.prototype.forEach.call(document.querySelectorAll(".outline li[data-page]"), function (li) {
      var i = byId[li.getAttribute("data-page")];
      var a = li.querySelector("a"), state = li.querySelector(".state");
      if (!a.getAttribute("data-href")) { a.setAttribute("data-href", a.getAttribute("href")); }
      var locked = i > open;
      li.className = (i === current ? "current " : "") + (locked ? "locked" : doneAt(i) ? "done" : "");
      if (locked) { a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); } else {
        a.setAttribute("href", a.getAttribute("data-href"));
        a.removeAttribute("aria-disabled");
      }
      if (i === current) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
      state.textContent = locked ? " " + S.locked : doneAt(i) ? " " + (pages[i].quiz ? S.passed : S.done) : "";
    });
    var done = pages.filter(function (p, i) { return doneAt(i); }).length;
    var passed = pages.filter(function (p, i) { return p.quiz && passedAt(i); }).length;
    document.querySelector(".progress").textContent = quizzes ?
      fill(S.progress, { pages: S.pagesDone[done], quizzes: S.quizzesPassed[passed] }) : S.pagesDone[done];
  }

  /* The page's own Next link follows the same order. */
  function decorate(win) {
    try {
      var next = win.document.querySelector(".pager a[rel=next]");
      if (!next) { return; }
      if (!next.getAttribute("data-href")) { next.setAttribute("data-href", next.getAttribute("href")); }
      var i = byHref[next.getAttribute("data-href").toLowerCase()];
      if (i !== undefined && !allowed(i)) {
        next.removeAttribute("href");
        next.setAttribute("aria-disabled", "true");
        next.title = S.nextLocked;
      } else {
        next.setAttribute("href", next.getAttribute("data-href"));
        next.removeAttribute("aria-disabled");
        next.removeAttribute("title");
      }
    } catch (e) { /* not our page */ }
  }

  function go(i) {
    frame.setAttribute("src", pages[i].href);
  }

  /* ---------- what the pages call (window.ExporterCourse) ---------- */

  window.ExporterCourse = {
    failed: false, // an LMS is there but did not start a session
    opened: function (pageId, win) {
      var i = byId[pageId];
      if (i === undefined) { return false; }
      if (!allowed(i)) {
        var open = frontier();
        note.textContent = fill(pages[open].quiz ? S.opensAfterQuiz : S.opensAfterPage,
          { page: pages[i].title, previous: pages[open].title });
        redirected = open;
        go(open);
        return false;
      }
      if (i !== redirected) { note.textContent = ""; }
      redirected = -1;
      current = i;
      seen[i] = true;
      save();
      render();
      decorate(win);
      return true;
    },
    record: function (pageId) { return records[byId[pageId]] || null; },
    done: function (pageId) { return doneAt(byId[pageId]); },
    progress: function (pageId, record) {
      records[byId[pageId]] = record;
      if (link) { suspend(); }
    },
    scored: function (pageId, record, results) {
      var i = byId[pageId];
      records[i] = record;
      // without their descriptions: an LMS may send every interaction of the course on every save (Moodle's
      // 2004 player does), and the description is most of each
      if (link) {
        results.forEach(function (r) {
          link.interaction({ id: r.id, type: r.type, response: r.response, right: r.right, correct: r.correct });
        });
      }
      save();
      render();
      decorate(frame.contentWindow);
    }
  };

  /* ---------- start ---------- */

  /* This browser's memory that the learner's record is in the LMS: an LMS hands a SCO no record at all after
     an exit that never arrived (Moodle 2004: only after "suspend"), and a fresh state saved then would replace
     the real one. */
  function savedKey(learner) { return "exporter-progress:" + config.course + ":" + (learner || "") + ":saved"; }

  function remember(learner) {
    try { window.localStorage.setItem(savedKey(learner), "1"); } catch (e) { /* storage blocked */ }
  }

  function savedBefore(learner) {
    try { return window.localStorage.getItem(savedKey(learner)) === "1"; } catch (e) { return false; }
  }

  function say(text) {
    var box = document.querySelector(".lms-failed-note");
    if (text) { box.querySelector("p").textContent = text; }
    box.hidden = false;
  }

  /* The table of contents sits above the page (a phone): it folds away once a page is chosen. */
  function stacked() {
    return window.getComputedStyle(document.querySelector(".shell")).flexDirection === "column";
  }

  function start() {
    link = window.LmsLink.connect(config.scorm);
    var target = 0;
    if (link && link.status !== "open") {
      // an LMS is there but did not start: say so; pages keep their quizzes closed (see page.js)
      window.ExporterCourse.failed = true;
      say(null);
      link = null;
    } else if (link) {
      var session = link;
      session.suspendNow(); // the bookmark never depends on the save made while leaving
      var lms = session.state();
      if (!lms.suspend && savedBefore(lms.learner)) {
        say(S.withheld); // nothing is written over the record the LMS kept: this visit records nothing
        link = null;
        window.LmsLink.finishOnExit(function () { session.finish(); });
      } else {
        restore(lms.suspend);
        var at = byHref[(lms.location || "").toLowerCase()];
        target = at !== undefined && allowed(at) ? at : frontier();
        if (lms.status === "unknown") { save(); }
        remember(lms.learner);
        window.LmsLink.finishOnExit(function () { save(); session.finish(); });
      }
    } else {
      document.querySelector(".lms-note").hidden = false;
    }
    current = target;
    render();
    go(target);
    var toc = document.querySelector(".toc-panel");
    if (stacked()) { toc.open = false; }
    document.querySelector(".outline").addEventListener("click", function (ev) {
      var a = ev.target.closest ? ev.target.closest("a") : null;
      if (a && !a.getAttribute("href")) { ev.preventDefault(); }
      if (a && a.getAttribute("href") && stacked()) { toc.open = false; }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
