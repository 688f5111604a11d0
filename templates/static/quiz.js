/* A course page inside a SCORM package: its quiz (a fresh random draw per attempt, scoring,
   explanations, retry), its link to the LMS (pages mode), or to the course shell around it
   (course mode), and the order of pages, which the page keeps itself: an LMS may play a page opened
   by its address whatever the order (Moodle's player does, in SCORM 1.2 and 2004 alike).

   A quiz attempt is saved as a record in the format of record.js (window.QuizRecord), which the
   course shell reads and writes too. */
(function () {
  "use strict";

  var Record = window.QuizRecord;
  var ANSWERING = Record.ANSWERING, FAILED = Record.FAILED, PASSED = Record.PASSED;

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  /* What the page says to learners, in the course's language: the page embeds it (<script id="strings">),
     counts already written out (S.hintLeft[n] is the hint with n statements left). */
  var S = readJson("strings") || {};

  /* A message with its {name} placeholders filled, as HTML (values escaped). */
  function fillHtml(message, values) {
    return escapeHtml(message || "").replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? escapeHtml(values[name]) : all;
    });
  }

  function sentence(strong, rest) {
    return "<p><strong>" + escapeHtml(strong) + "</strong>" + (rest ? " " + escapeHtml(rest) : "") + "</p>";
  }

  function plainText(html) {
    var div = document.createElement("div");
    div.innerHTML = html;
    return (div.textContent || "").replace(/\s+/g, " ").trim();
  }

  function show(el, on) { if (el) { el.hidden = !on; } }

  /* ---------- the draw ---------- */

  function shuffled(n) {
    var a = [];
    for (var i = 0; i < n; i++) { a.push(i); }
    for (var j = n - 1; j > 0; j--) {
      var k = Math.floor(Math.random() * (j + 1));
      var t = a[j]; a[j] = a[k]; a[k] = t;
    }
    return a;
  }

  function sameSet(a, b) {
    return !!b && a.length === b.length && a.slice().sort().join() === b.slice().sort().join();
  }

  /* draw of the bank, never the same set as last time when the bank allows another one */
  function drawItems(quiz, previous) {
    var pick;
    for (var tries = 0; tries < 50; tries++) {
      pick = shuffled(quiz.items.length).slice(0, quiz.draw);
      if (quiz.draw >= quiz.items.length || !sameSet(pick, previous)) { break; }
    }
    return pick;
  }

  /* ---------- the quiz on the page ---------- */

  function Quiz(section, quiz, host) {
    this.section = section;
    this.quiz = quiz;
    this.host = host;
    this.form = section.querySelector(".quiz-form");
    this.list = section.querySelector(".quiz-items");
    this.button = section.querySelector("button.score");
    this.hint = section.querySelector("#score-hint");
    this.result = section.querySelector(".result");
    this.retryBox = section.querySelector(".retry-actions");
    this.status = section.querySelector(".sr-status");
    var self = this;
    this.form.addEventListener("submit", function (ev) { ev.preventDefault(); self.score(); });
    this.form.addEventListener("change", function (ev) { self.answered(ev.target); });
    section.querySelector("button.retry").addEventListener("click", function () { self.retry(); });
  }

  Quiz.prototype = {
    start: function () {
      var saved = Record.forQuiz(this.host.load(), this.quiz);
      if (this.host.passed() && (!saved || saved.status !== PASSED)) {
        this.form.hidden = true; // passed before, but the details are gone (another device, older version)
        this.say("passed", sentence(S.passed, S.passedBefore));
        return;
      }
      this.state = saved || { status: ANSWERING, attempts: 0, drawn: drawItems(this.quiz, null), answers: null };
      if (!this.state.answers) { this.state.answers = this.state.drawn.map(function () { return null; }); }
      this.render();
      if (this.state.status !== ANSWERING) { this.mark(false); } else if (!saved) { this.save(); }
    },

    save: function () { this.host.progress(Record.encode(this.quiz.fp, this.state)); },

    render: function () {
      var quiz = this.quiz, state = this.state, list = this.list;
      list.textContent = "";
      state.drawn.forEach(function (index, k) {
        var item = quiz.items[index];
        var fs = document.createElement("fieldset");
        fs.className = "item";
        fs.id = "item-" + item.id;
        var legend = document.createElement("legend");
        legend.innerHTML = '<span class="num">' + escapeHtml((S.numbers || [])[k] || "") + "</span> " + item.s;
        fs.appendChild(legend);
        var choices = document.createElement("div");
        choices.className = "choices";
        [true, false].forEach(function (value) {
          var label = document.createElement("label");
          var input = document.createElement("input");
          input.type = "radio";
          input.name = "answer-" + k;
          input.value = value ? "t" : "f";
          input.checked = state.answers[k] === value;
          label.appendChild(input);
          var text = document.createElement("span");
          text.textContent = quiz.labels[value ? 0 : 1];
          label.appendChild(text);
          choices.appendChild(label);
        });
        fs.appendChild(choices);
        var feedback = document.createElement("div");
        feedback.className = "feedback";
        feedback.hidden = true;
        fs.appendChild(feedback);
        list.appendChild(fs);
      });
      fixLinks(list);
      this.form.hidden = false;
      show(this.result, false);
      show(this.retryBox, false);
      this.ready();
    },

    answered: function (input) {
      if (!input || input.type !== "radio" || this.state.status !== ANSWERING) { return; }
      var k = Number(input.name.split("-")[1]);
      this.state.answers[k] = input.value === "t";
      this.ready();
      this.save();
    },

    ready: function () {
      var all = this.state.answers.every(function (a) { return a !== null; });
      var open = this.state.status === ANSWERING;
      this.button.disabled = !(all && open);
      show(this.button.parentNode, open);
      var left = this.state.answers.filter(function (a) { return a === null; }).length;
      this.hint.textContent = all ? S.hintReady : S.hintLeft[left];
    },

    score: function () {
      if (this.state.status !== ANSWERING || !this.state.answers.every(function (a) { return a !== null; })) { return; }
      var quiz = this.quiz, state = this.state;
      var results = state.drawn.map(function (index, k) {
        var item = quiz.items[index];
        return { id: item.id, response: state.answers[k], answer: item.a, text: plainText(item.s) };
      });
      var right = results.filter(function (r) { return r.response === r.answer; }).length;
      state.attempts += 1;
      state.status = right === results.length ? PASSED : FAILED;
      this.host.scored(Record.encode(quiz.fp, state), results, right, results.length);
      this.mark(true);
    },

    mark: function (focus) {
      var quiz = this.quiz, state = this.state;
      var fieldsets = this.list.querySelectorAll("fieldset.item");
      var right = 0;
      state.drawn.forEach(function (index, k) {
        var item = quiz.items[index], fs = fieldsets[k];
        var ok = state.answers[k] === item.a;
        if (ok) { right++; }
        fs.classList.add(ok ? "right" : "wrong");
        Array.prototype.forEach.call(fs.querySelectorAll("input"), function (i) { i.disabled = true; });
        var fb = fs.querySelector(".feedback");
        var labels = { given: quiz.labels[state.answers[k] ? 0 : 1], due: quiz.labels[item.a ? 0 : 1] };
        var verdict = ok ? '<span aria-hidden="true">\u2713 </span>' + fillHtml(S.right, labels) :
          '<span aria-hidden="true">\u2717 </span>' + fillHtml(S.wrong, labels);
        Array.prototype.forEach.call(fs.querySelectorAll("label"), function (l) {
          l.classList.toggle("chosen", l.querySelector("input").checked);
        });
        fb.innerHTML = '<p class="verdict">' + verdict + "</p>" + (item.e ? '<p class="explanation">' + item.e + "</p>" : "");
        fb.hidden = false;
      });
      fixLinks(this.list);
      this.ready();
      if (state.status === PASSED) {
        this.say("passed", sentence(S.passed, S.passedAll));
      } else {
        this.say("failed", sentence(S.failed[right], S.failedAdvice));
        show(this.retryBox, true);
      }
      if (focus) { this.result.focus(); }
    },

    say: function (kind, html) {
      this.result.className = "result " + kind;
      this.result.innerHTML = html;
      this.result.hidden = false;
    },

    retry: function () {
      var previous = this.state.drawn;
      this.state = { status: ANSWERING, attempts: this.state.attempts, drawn: drawItems(this.quiz, previous), answers: null };
      this.state.answers = this.state.drawn.map(function () { return null; });
      this.render();
      this.save();
      this.status.textContent = S.redrawn;
      var first = this.list.querySelector("input");
      if (first) { first.focus(); }
    }
  };

  function escapeHtml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  /* ---------- hosts: where the quiz's record and results go ---------- */

  /* No LMS (opened from disk or a plain web server): everything works, nothing is kept. */
  function LocalHost() { this.record = null; }
  LocalHost.prototype = {
    load: function () { return this.record; },
    passed: function () { return false; },
    progress: function (record) { this.record = record; },
    scored: function (record) { this.record = record; }
  };

  /* Pages mode: this page is the SCO and reports to the LMS itself. */
  function LmsHost(link, config, lmsState) {
    this.link = link;
    this.config = config;
    this.lms = lmsState;
    this.record = Record.readPageData(lmsState.suspend);
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
      results.forEach(function (r) { link.interaction(r.id, r.response, r.answer, r.text); });
      var passed = right === total;
      link.report({ completion: "completed", success: passed ? "passed" : "failed", score: right / total });
      link.commit();
      if (passed) { this.lms.status = "passed"; markDone(this.config, this.lms.learner); }
    }
  };

  /* Course mode: the shell around the page (index.html) keeps every page's record and reports. */
  function ShellHost(shell, pageId) { this.shell = shell; this.page = pageId; }
  ShellHost.prototype = {
    load: function () { return this.shell.record(this.page); },
    passed: function () { return this.shell.passed(this.page); },
    progress: function (record) { this.shell.progress(this.page, record); },
    scored: function (record, results, right, total) { this.shell.scored(this.page, record, results, right, total); }
  };

  /* ---------- order of pages (pages mode) ----------
     Moodle opens any page by its address (it uses 1.2 prerequisites only to decide which outline
     entries are links, and does not sequence 2004), so a page opens only when the page before it is
     done: as the LMS says where it can (an LMS that sequences 2004), otherwise as this browser remembers. */

  function storeKey(config, learner) { return "exporter-progress:" + config.course + ":" + (learner || ""); }

  function doneLocally(config, learner) {
    try { return JSON.parse(window.localStorage.getItem(storeKey(config, learner)) || "[]"); } catch (e) { return []; }
  }

  function markDone(config, learner) {
    try {
      var done = doneLocally(config, learner);
      if (done.indexOf(config.page) < 0) {
        done.push(config.page);
        window.localStorage.setItem(storeKey(config, learner), JSON.stringify(done));
      }
    } catch (e) { /* storage blocked: the LMS's own sequencing is all there is */ }
  }

  function orderAllows(config, link, lms) {
    if (!config.previous) { return true; }
    // worked on before, so it was open then ("incomplete" alone is also what a closed page leaves behind)
    if (lms.status !== "unknown" && lms.status !== "incomplete") { return true; }
    if (lms.suspend) { return true; } // it saved its quiz: it was open then
    if (link.deliveredInSequence()) { return true; } // an LMS that sequences opened it only in order
    return doneLocally(config, lms.learner).indexOf(config.previous) >= 0;
  }

  function lock(config) {
    var note = document.querySelector(".locked-note");
    note.querySelector(".locked-previous").textContent = config.previousTitle || S.lockedFallback;
    note.hidden = false;
    show(document.querySelector(".page-content"), false);
  }

  /* ---------- links ---------- */

  /* The package marks links to other pages of the course: data-page-link="<that page's href>". */
  function isCoursePage(a) { return a.hasAttribute("data-page-link"); }

  var linkRules = { mode: "pages", withLms: false };

  /* External links open a new window; in pages mode inside an LMS, another page of the course
     (another SCO) opens beside the course as a reference copy that reports nothing. */
  function fixLinks(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("a[href]"), function (a) {
      if (!a.closest(".page-content") || a.getAttribute("data-fixed")) { return; }
      a.setAttribute("data-fixed", "1");
      var href = a.getAttribute("href");
      if (/^https?:|^\/\//i.test(href)) {
        a.target = "_blank"; // never navigate the LMS frame away
        a.rel = "noopener noreferrer";
      } else if (isCoursePage(a) && linkRules.mode === "pages" && linkRules.withLms) {
        var parts = href.split("#");
        a.href = parts[0] + (parts[0].indexOf("?") < 0 ? "?" : "&") + "ref=1" + (parts[1] ? "#" + parts[1] : "");
        a.target = "_blank";
      }
    });
  }

  /* ---------- the page ---------- */

  function courseShell() {
    try {
      return window.parent !== window && window.parent.ExporterCourse ? window.parent.ExporterCourse : null;
    } catch (e) { return null; }
  }

  function startQuiz(host) {
    var data = readJson("quiz-data"), section = document.getElementById("quiz");
    if (!data || !section) { return null; }
    var quiz = new Quiz(section, data, host);
    quiz.start();
    return quiz;
  }

  function noteWithoutLms(text) {
    var note = document.querySelector(".lms-note");
    if (text) { note.textContent = text; }
    note.hidden = false;
  }

  /* An LMS is there but did not start a session: say so, and keep the quiz closed (nothing it
     scored would count). The pager stays hidden: the LMS's own navigation moves between pages. */
  function platformFailed() {
    show(document.querySelector(".lms-failed-note"), true);
    show(document.getElementById("quiz"), false);
  }

  function main() {
    var config = readJson("page-config") || {};
    var reference = /[?&]ref=1\b/.test(window.location.search);
    if (config.mode === "course") {
      var shell = courseShell();
      linkRules = { mode: "course", withLms: !!shell };
      fixLinks();
      if (shell) {
        if (!shell.opened(config.page, window)) { return; } // not open yet: the shell shows another page
        if (shell.failed) { platformFailed(); return; }
        startQuiz(new ShellHost(shell, config.page));
        return;
      }
      noteWithoutLms();
      startQuiz(new LocalHost());
      return;
    }
    var link = reference ? null : window.ScormLink.connect(config.scorm);
    linkRules = { mode: "pages", withLms: !!link };
    fixLinks();
    if (!link) {
      show(document.querySelector(".pager"), true);
      noteWithoutLms(reference ? S.referenceCopy : null);
      startQuiz(new LocalHost());
      return;
    }
    if (link.status !== "open") { platformFailed(); return; }
    var lms = link.state();
    var locked = !orderAllows(config, link, lms);
    // done: viewed (a page without a quiz) or passed; lms.status follows a pass made now (LmsHost.scored)
    window.ScormLink.finishOnExit(function () { link.finish(!locked && (!config.quiz || lms.status === "passed")); });
    if (locked) {
      lock(config);
      link.holdOpen();
      link.commit();
      return;
    }
    if (config.quiz) {
      if (lms.status === "unknown") { link.report({ completion: "incomplete", success: null, score: null }); }
      if (lms.status === "passed") { markDone(config, lms.learner); }
      startQuiz(new LmsHost(link, config, lms));
    } else {
      link.viewed();
      markDone(config, lms.learner);
    }
    link.commit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", main);
  } else {
    main();
  }
})();
