/* The quiz on a page (window.QuizWidget): it shows the drawn items, each as its kind shows it (kinds.js), lets
   the learner answer, scores, shows verdicts, feedback and explanations, and offers a retry with a fresh draw.

   new QuizWidget(section, quiz, host, S).start(): section is the page's <section id="quiz">, quiz its
   embedded data (quiz-data), S the page's words (strings: counts already written out, S.hintLeft[n] being the
   hint with n items left), host where the attempt is kept and reported (hosts.js). The attempt's state is
   {status, attempts, drawn: item indices, answers: per drawn item its answer as its kind holds it (a true/false
   item: the index of the choice taken) or null, orders: per drawn item the order its choices are shown in, where
   the quiz shuffles them}, saved through the host in the format of record.js. */
(function () {
  "use strict";

  var Record = window.QuizRecord, Draw = window.QuizDraw, Data = window.PageData, Links = window.PageLinks;
  var Kinds = window.QuizKinds;
  var ANSWERING = Record.ANSWERING, FAILED = Record.FAILED, PASSED = Record.PASSED, SUBMITTED = Record.SUBMITTED;
  var esc = Data.escapeHtml;

  function sentence(strong, rest) {
    return "<p><strong>" + esc(strong) + "</strong>" + (rest ? " " + esc(rest) : "") + "</p>";
  }

  function show(el, on) { if (el) { el.hidden = !on; } }

  function QuizWidget(section, quiz, host, S) {
    this.section = section;
    this.quiz = quiz;
    this.host = host;
    this.S = S;
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
    this.form.addEventListener("input", function (ev) {
      if (ev.target.tagName !== "SELECT" && ev.target.type !== "radio" && ev.target.type !== "checkbox") { self.answered(ev.target); }
    });
    section.querySelector("button.retry").addEventListener("click", function () { self.retry(); });
  }

  QuizWidget.prototype = {
    start: function () {
      var saved = Record.forQuiz(this.host.load(), this.quiz);
      if (saved && !this.fits(saved)) { saved = null; } // a record this bank cannot show: start afresh
      if (this.host.done() && (!saved || (saved.status !== PASSED && saved.status !== SUBMITTED))) {
        this.form.hidden = true; // passed before, but the details are gone (another device, older version)
        this.say("passed", sentence(this.S.passed, this.S.passedBefore));
        return;
      }
      this.state = saved || this.fresh(Draw.draw(this.quiz, null), 0);
      this.render();
      if (this.state.status !== ANSWERING) { this.mark(false); } else if (!saved) { this.save(); }
    },

    /* A new attempt on these drawn items: nothing answered, choices in the order this attempt shows them. */
    fresh: function (drawn, attempts) {
      var quiz = this.quiz;
      var orders = quiz.shuffle ? drawn.map(function (i) { return Kinds.of(quiz.items[i]).order(quiz, quiz.items[i]); }) : null;
      return { status: ANSWERING, attempts: attempts, drawn: drawn, answers: drawn.map(function () { return null; }),
        orders: orders };
    },

    fits: function (state) {
      var quiz = this.quiz;
      return state.drawn.every(function (index, k) {
        var item = quiz.items[index], kind = Kinds.of(item);
        return !!kind && kind.fits(item, state.answers[k]) &&
          (!state.orders || state.orders[k] === null || Array.isArray(state.orders[k]));
      });
    },

    save: function () { this.host.progress(Record.encode(this.quiz.fp, this.state)); },

    item: function (k) { return this.quiz.items[this.state.drawn[k]]; },

    render: function () {
      var self = this, state = this.state, list = this.list;
      list.textContent = "";
      state.drawn.forEach(function (index, k) {
        var item = self.item(k);
        var fs = document.createElement("fieldset");
        fs.className = "item";
        fs.id = "item-" + item.id;
        if (item.k !== undefined) { fs.setAttribute("data-kind", item.k); }
        var legend = document.createElement("legend");
        legend.innerHTML = '<span class="num">' + esc((self.S.numbers || [])[k] || "") + "</span> " + item.s;
        fs.appendChild(legend);
        Kinds.of(item).view(fs, { quiz: self.quiz, item: item, answer: state.answers[k],
          order: state.orders ? state.orders[k] : null, k: k, S: self.S });
        var feedback = document.createElement("div");
        feedback.className = "feedback";
        feedback.hidden = true;
        fs.appendChild(feedback);
        list.appendChild(fs);
      });
      Links.fix(list);
      this.form.hidden = false;
      show(this.result, false);
      show(this.retryBox, false);
      this.ready();
    },

    answered: function (input) {
      if (!input || !input.name || input.name.indexOf("answer-") !== 0 || this.state.status !== ANSWERING) { return; }
      var k = Number(input.name.split("-")[1]), fs = this.list.querySelectorAll("fieldset.item")[k];
      this.state.answers[k] = Kinds.of(this.item(k)).read(fs, this.S);
      this.ready();
      this.save();
    },

    /* whether item k's answer is complete (a matching item: every left side matched) */
    complete: function (k) {
      var a = this.state.answers[k], kind = Kinds.of(this.item(k));
      return a !== null && (!kind.complete || kind.complete(a));
    },

    ready: function () {
      var self = this;
      var left = this.state.answers.filter(function (a, k) { return !self.complete(k); }).length;
      var open = this.state.status === ANSWERING;
      this.button.disabled = !(left === 0 && open);
      show(this.button.parentNode, open);
      this.hint.textContent = left === 0 ? this.S.hintReady : this.S.hintLeft[left];
    },

    /* Per drawn item: {id, correct (true, false, or null for an essay), text, interaction} as the hosts report
       them, with the choice indexes of a true/false item (response, right) as before. */
    results: function () {
      var self = this, state = this.state;
      return state.drawn.map(function (index, k) {
        var item = self.item(k), kind = Kinds.of(item), answer = state.answers[k];
        var x = kind.interaction(item, answer, self.quiz, self.S);
        return { id: item.id, type: x.type, response: x.response, right: x.right,
          correct: kind.check(item, answer, self.quiz, self.S), text: Kinds.plainText(item.s) };
      });
    },

    score: function () {
      var self = this, state = this.state;
      if (state.status !== ANSWERING || !state.answers.every(function (a, k) { return self.complete(k); })) { return; }
      var results = this.results();
      var graded = results.filter(function (r) { return r.correct !== null; });
      var right = graded.filter(function (r) { return r.correct; }).length;
      var essays = results.length - graded.length;
      state.attempts += 1;
      // a drawn essay is graded by a person: every other answer right makes the attempt submitted, never passed
      state.status = right < graded.length ? FAILED : essays ? SUBMITTED : PASSED;
      var outcome = state.status === PASSED ? "passed" : state.status === FAILED ? "failed" : "submitted";
      this.host.scored(Record.encode(this.quiz.fp, state), results, { outcome: outcome, right: right, total: graded.length });
      this.mark(true);
    },

    verdict: function (r, item) {
      var S = this.S, kind = Kinds.of(item), mark;
      if (r.correct === null) { return '<p class="verdict">' + esc(S.essay) + "</p>"; } // the fieldset is .neutral
      mark = r.correct ? '<span aria-hidden="true">\u2713 </span>' : '<span aria-hidden="true">\u2717 </span>';
      if (item.k === undefined) {
        var choices = Kinds.choicesOf(this.quiz, item);
        var labels = { given: r.response === null ? "" : choices[r.response].label, due: choices[r.right].label };
        return '<p class="verdict">' + mark + Data.fillHtml(r.correct ? S.right : S.wrong, labels) + "</p>";
      }
      var due = r.correct ? "" : " " + Data.fillHtml(S.due, { due: kind.due(item, S, this.quiz) });
      return '<p class="verdict">' + mark + esc(r.correct ? S.rightPlain : S.wrongPlain) + due + "</p>";
    },

    mark: function (focus) {
      var self = this, S = this.S, state = this.state;
      var fieldsets = this.list.querySelectorAll("fieldset.item");
      var right = 0, graded = 0;
      this.results().forEach(function (r, k) {
        var item = self.item(k), fs = fieldsets[k], kind = Kinds.of(item);
        if (r.correct !== null) { graded++; if (r.correct) { right++; } }
        fs.classList.add(r.correct === null ? "neutral" : r.correct ? "right" : "wrong");
        Array.prototype.forEach.call(fs.querySelectorAll("input,select,textarea"), function (i) { i.disabled = true; });
        Array.prototype.forEach.call(fs.querySelectorAll(".choices label"), function (l) {
          l.classList.toggle("chosen", l.querySelector("input").checked);
        });
        var parts = [self.verdict(r, item)];
        var own = r.correct === null ? "" : r.correct ? item["+"] : item["-"];
        if (own) { parts.push('<div class="own-feedback">' + own + "</div>"); }
        kind.feedback(item, state.answers[k], self.quiz).forEach(function (f) { parts.push('<div class="choice-feedback">' + f + "</div>"); });
        if (item.e) { parts.push('<p class="explanation">' + item.e + "</p>"); }
        var fb = fs.querySelector(".feedback");
        fb.innerHTML = parts.join("");
        fb.hidden = false;
      });
      Links.fix(this.list);
      this.ready();
      if (state.status === PASSED) {
        this.say("passed", sentence(S.passed, S.passedAll));
      } else if (state.status === SUBMITTED) {
        this.say("passed", sentence(S.submitted, S.submittedAll));
      } else {
        var failed = graded === state.drawn.length ? S.failed : (S.failedOf || {})[String(graded)] || S.failed;
        this.say("failed", sentence(failed[right], S.failedAdvice));
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
      this.state = this.fresh(Draw.draw(this.quiz, this.state.drawn), this.state.attempts);
      this.render();
      this.save();
      this.status.textContent = this.S.redrawn;
      var first = this.list.querySelector("input,select,textarea");
      if (first) { first.focus(); }
    }
  };

  window.QuizWidget = QuizWidget;
})();
