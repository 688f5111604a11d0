/* The quiz on a page (window.QuizWidget): it shows the drawn items, each with its choices, lets the learner
   answer, scores, shows verdicts and explanations, and offers a retry with a fresh draw.

   new QuizWidget(section, quiz, host, S).start(): section is the page's <section id="quiz">, quiz its
   embedded data (quiz-data), S the page's words (strings: counts already written out, S.hintLeft[n] being the
   hint with n items left), host where the attempt is kept and reported (hosts.js). The attempt's state is
   {status, attempts, drawn: item indices, answers: per drawn item the index of the choice taken, or null},
   saved through the host in the format of record.js. */
(function () {
  "use strict";

  var Record = window.QuizRecord, Draw = window.QuizDraw, Data = window.PageData, Links = window.PageLinks;
  var ANSWERING = Record.ANSWERING, FAILED = Record.FAILED, PASSED = Record.PASSED;
  var esc = Data.escapeHtml;

  /* An item's choices in order, each {label, right}: a true/false item's are the quiz's two labels, the
     first being "true". */
  function choicesOf(quiz, item) {
    return quiz.labels.map(function (label, i) { return { label: label, right: (i === 0) === item.a }; });
  }

  function rightIndex(choices) {
    for (var i = 0; i < choices.length; i++) { if (choices[i].right) { return i; } }
    return -1;
  }

  function sentence(strong, rest) {
    return "<p><strong>" + esc(strong) + "</strong>" + (rest ? " " + esc(rest) : "") + "</p>";
  }

  function plainText(html) {
    var div = document.createElement("div");
    div.innerHTML = html;
    return (div.textContent || "").replace(/\s+/g, " ").trim();
  }

  function show(el, on) { if (el) { el.hidden = !on; } }

  function fresh(drawn, attempts) {
    return { status: ANSWERING, attempts: attempts, drawn: drawn, answers: drawn.map(function () { return null; }) };
  }

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
    section.querySelector("button.retry").addEventListener("click", function () { self.retry(); });
  }

  QuizWidget.prototype = {
    start: function () {
      var saved = Record.forQuiz(this.host.load(), this.quiz);
      if (this.host.passed() && (!saved || saved.status !== PASSED)) {
        this.form.hidden = true; // passed before, but the details are gone (another device, older version)
        this.say("passed", sentence(this.S.passed, this.S.passedBefore));
        return;
      }
      this.state = saved || fresh(Draw.draw(this.quiz, null), 0);
      this.render();
      if (this.state.status !== ANSWERING) { this.mark(false); } else if (!saved) { this.save(); }
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
        var legend = document.createElement("legend");
        legend.innerHTML = '<span class="num">' + esc((self.S.numbers || [])[k] || "") + "</span> " + item.s;
        fs.appendChild(legend);
        var box = document.createElement("div");
        box.className = "choices";
        choicesOf(self.quiz, item).forEach(function (choice, c) {
          var label = document.createElement("label");
          var input = document.createElement("input");
          input.type = "radio";
          input.name = "answer-" + k;
          input.value = String(c);
          input.checked = state.answers[k] === c;
          label.appendChild(input);
          var text = document.createElement("span");
          text.textContent = choice.label;
          label.appendChild(text);
          box.appendChild(label);
        });
        fs.appendChild(box);
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
      if (!input || input.type !== "radio" || this.state.status !== ANSWERING) { return; }
      this.state.answers[Number(input.name.split("-")[1])] = Number(input.value);
      this.ready();
      this.save();
    },

    ready: function () {
      var left = this.state.answers.filter(function (a) { return a === null; }).length;
      var open = this.state.status === ANSWERING;
      this.button.disabled = !(left === 0 && open);
      show(this.button.parentNode, open);
      this.hint.textContent = left === 0 ? this.S.hintReady : this.S.hintLeft[left];
    },

    /* Per drawn item: {id, response, right, correct, text} (choice indexes), what the host reports. */
    results: function () {
      var self = this, state = this.state;
      return state.drawn.map(function (index, k) {
        var item = self.item(k), right = rightIndex(choicesOf(self.quiz, item));
        return { id: item.id, response: state.answers[k], right: right, correct: state.answers[k] === right,
          text: plainText(item.s) };
      });
    },

    score: function () {
      var state = this.state;
      if (state.status !== ANSWERING || state.answers.indexOf(null) >= 0) { return; }
      var results = this.results();
      var right = results.filter(function (r) { return r.correct; }).length;
      state.attempts += 1;
      state.status = right === results.length ? PASSED : FAILED;
      this.host.scored(Record.encode(this.quiz.fp, state), results, right, results.length);
      this.mark(true);
    },

    mark: function (focus) {
      var self = this, S = this.S, state = this.state;
      var fieldsets = this.list.querySelectorAll("fieldset.item");
      var right = 0;
      this.results().forEach(function (r, k) {
        var item = self.item(k), fs = fieldsets[k], choices = choicesOf(self.quiz, item);
        if (r.correct) { right++; }
        fs.classList.add(r.correct ? "right" : "wrong");
        Array.prototype.forEach.call(fs.querySelectorAll("input"), function (i) { i.disabled = true; });
        var labels = { given: r.response === null ? "" : choices[r.response].label, due: choices[r.right].label };
        var verdict = r.correct ? '<span aria-hidden="true">\u2713 </span>' + Data.fillHtml(S.right, labels) :
          '<span aria-hidden="true">\u2717 </span>' + Data.fillHtml(S.wrong, labels);
        Array.prototype.forEach.call(fs.querySelectorAll("label"), function (l) {
          l.classList.toggle("chosen", l.querySelector("input").checked);
        });
        var fb = fs.querySelector(".feedback");
        fb.innerHTML = '<p class="verdict">' + verdict + "</p>" + (item.e ? '<p class="explanation">' + item.e + "</p>" : "");
        fb.hidden = false;
      });
      Links.fix(this.list);
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
      this.state = fresh(Draw.draw(this.quiz, this.state.drawn), this.state.attempts);
      this.render();
      this.save();
      this.status.textContent = this.S.redrawn;
      var first = this.list.querySelector("input");
      if (first) { first.focus(); }
    }
  };

  window.QuizWidget = QuizWidget;
})();
