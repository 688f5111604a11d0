/* The question kinds (window.QuizKinds): how each kind's answer is shown, read back, checked and described.
   of(quiz, item) gives the item's kind, an object with
     view(box, ctx): put the answer's controls into box (ctx: {quiz, item, answer, order, k, S}); every control
       is named "answer-<k>", so the widget finds the item a change belongs to;
     read(box, S): the answer the controls hold (null: not answered yet);
     order(quiz, item): the order an attempt shows its choices or options in (shuffled when the quiz says so),
       or null where the kind has none;
     fits(item, answer): whether a saved answer is one this item can hold;
     check(item, answer): true or false (null for an essay: a person grades it);
     due(item, S): the right answer as text (what the learner is shown after a wrong answer);
     interaction(item, answer): what the LMS records, {type, response, right} in the standards' terms (lms.js
       writes it per standard).
   A statement answered with the quiz's labels (true/false, data-opt) is "truefalse": its item data is
   {id, s, a, e} and its choices the quiz's two labels; every other kind's data says its kind (k) and answers. */
(function () {
  "use strict";

  var Data = window.PageData;

  function plainText(html) {
    var div = document.createElement("div");
    div.innerHTML = html;
    return (div.textContent || "").replace(/\s+/g, " ").trim();
  }

  function range(n) { var a = []; for (var i = 0; i < n; i++) { a.push(i); } return a; }

  function shuffled(n) {
    var a = range(n);
    for (var j = n - 1; j > 0; j--) {
      var k = Math.floor(Math.random() * (j + 1));
      var t = a[j]; a[j] = a[k]; a[k] = t;
    }
    return a;
  }

  function isPermutation(o, n) {
    return Array.isArray(o) && o.length === n && range(n).every(function (i) { return o.indexOf(i) >= 0; });
  }

  function isIndex(x, n) { return typeof x === "number" && x >= 0 && x < n && Math.floor(x) === x; }

  function el(tag) { // el("p", "note", "matched"): an element with those classes
    var e = document.createElement(tag);
    Array.prototype.slice.call(arguments, 1).forEach(function (c) { e.classList.add(c); });
    return e;
  }

  function control(type, name, value, checked) {
    var input = document.createElement("input");
    input.type = type;
    input.name = name;
    input.value = String(value);
    input.checked = checked;
    return input;
  }

  /* ---------- choices: true/false, one right of several, several right ---------- */

  /* An item's choices in the author's order, each {html, right, feedback}. */
  function choicesOf(quiz, item) {
    if (item.k === undefined) {
      return quiz.labels.map(function (label, i) {
        return { html: Data.escapeHtml(label), label: label, right: (i === 0) === item.a, feedback: "" };
      });
    }
    return item.c.map(function (c) { return { html: c.h, right: c.r, feedback: c.f || "" }; });
  }

  function rightIndices(choices) {
    return choices.map(function (c, i) { return c.right ? i : -1; }).filter(function (i) { return i >= 0; });
  }

  function choiceKind(multiple) {
    return {
      multiple: multiple,
      view: function (box, ctx) {
        var choices = choicesOf(ctx.quiz, ctx.item), list = el("div", "choices");
        if (multiple) {
          var hint = el("p", "note", "select-all");
          hint.textContent = ctx.S.selectAll;
          box.appendChild(hint);
        }
        (ctx.order || range(choices.length)).forEach(function (c) {
          var label = el("label");
          var on = multiple ? Array.isArray(ctx.answer) && ctx.answer.indexOf(c) >= 0 : ctx.answer === c;
          label.appendChild(control(multiple ? "checkbox" : "radio", "answer-" + ctx.k, c, on));
          var text = el("span");
          if (choices[c].label !== undefined) { text.textContent = choices[c].label; } else { text.innerHTML = choices[c].html; }
          label.appendChild(text);
          list.appendChild(label);
        });
        box.appendChild(list);
      },
      read: function (box) {
        var picked = Array.prototype.filter.call(box.querySelectorAll("input"), function (i) { return i.checked; })
          .map(function (i) { return Number(i.value); }).sort(function (a, b) { return a - b; });
        if (!picked.length) { return null; }
        return multiple ? picked : picked[0];
      },
      order: function (quiz, item) { return quiz.shuffle && item.k !== undefined ? shuffled(item.c.length) : null; },
      fits: function (item, answer, quizLabels) {
        var n = item.k === undefined ? 2 : item.c.length;
        if (answer === null) { return true; }
        return multiple ? Array.isArray(answer) && answer.length > 0 && answer.every(function (x) { return isIndex(x, n); }) :
          isIndex(answer, n);
      },
      check: function (item, answer, quiz) {
        var right = rightIndices(choicesOf(quiz, item));
        return multiple ? Array.isArray(answer) && answer.length === right.length &&
          right.every(function (i) { return answer.indexOf(i) >= 0; }) : answer === right[0];
      },
      due: function (item, S, quiz) {
        var choices = choicesOf(quiz, item);
        return rightIndices(choices).map(function (i) { return plainText(choices[i].html); }).join("; ");
      },
      feedback: function (item, answer, quiz) {
        var choices = choicesOf(quiz, item), picked = multiple ? answer || [] : [answer];
        return picked.map(function (i) { return choices[i] && choices[i].feedback; }).filter(Boolean);
      },
      interaction: function (item, answer, quiz) {
        var right = rightIndices(choicesOf(quiz, item));
        if (item.k === undefined) { return { type: "true-false", response: answer, right: right[0] }; }
        return { type: "choice", response: multiple ? answer : [answer], right: right };
      }
    };
  }

  /* ---------- typed answers: a word, a number, an essay ---------- */

  function squash(text) { return String(text).replace(/\s+/g, " ").trim(); }

  function textKind(tag, type) {
    return {
      view: function (box, ctx) {
        var label = el("label", "typed");
        var name = el("span", "typed-label");
        name.textContent = ctx.S.yourAnswer;
        label.appendChild(name);
        var input = document.createElement(tag);
        if (tag === "input") { input.type = "text"; input.autocomplete = "off"; input.spellcheck = false; }
        if (tag === "textarea") { input.rows = 5; }
        input.name = "answer-" + ctx.k;
        input.value = typeof ctx.answer === "string" ? ctx.answer : "";
        label.appendChild(input);
        box.appendChild(label);
        if (type === "numeric") {
          var hint = el("p", "note", "number-hint");
          hint.id = "number-hint-" + ctx.k;
          hint.textContent = ctx.S.numberHint;
          input.setAttribute("aria-describedby", hint.id);
          input.setAttribute("inputmode", "decimal");
          box.appendChild(hint);
        }
      },
      read: function (box, S) {
        var input = box.querySelector("input,textarea"), text = squash(input.value);
        if (type === "numeric") {
          var hint = box.querySelector(".number-hint");
          var ok = text === "" || number(text, S) !== null;
          hint.textContent = ok ? S.numberHint : S.notNumber;
          hint.classList.toggle("problem", !ok);
          return ok && text !== "" ? text : null;
        }
        return text === "" ? null : (type === "essay" ? input.value : text);
      },
      order: function () { return null; },
      fits: function (item, answer) { return answer === null || typeof answer === "string"; },
      check: function (item, answer, quiz, S) {
        if (type === "essay") { return null; }
        if (type === "numeric") {
          var x = number(answer, S);
          return x !== null && compare(item.n.low, x) <= 0 && compare(x, item.n.high) <= 0;
        }
        var given = squash(answer).toLowerCase();
        return item.t.some(function (t) { return squash(t).toLowerCase() === given; });
      },
      due: function (item, S) {
        if (type === "numeric") {
          return item.n.range ? Data.fill(S.range, { low: shown(item.n.low, S), high: shown(item.n.high, S) }) :
            shown(item.n.value, S);
        }
        return type === "essay" ? "" : item.t.join("; ");
      },
      feedback: function () { return []; },
      interaction: function (item, answer, quiz, S) {
        if (type === "numeric") { return { type: "numeric", response: number(answer, S), right: item.n }; }
        if (type === "essay") { return { type: "essay", response: answer, right: null }; }
        return { type: "fill-in", response: squash(answer), right: item.t };
      }
    };
  }

  /* A number as the learner typed it (the language's decimal separator or a point), as a plain decimal string
     ("-2.5"), or null when it is not a number. */
  function number(text, S) {
    var t = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(/^\u2212/, "-");
    if (S.decimal && S.decimal !== ".") { t = t.split(S.decimal).join("."); }
    var m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(t);
    if (!m || (m[2] === "" && !m[3])) { return null; }
    var int = m[2].replace(/^0+(?=\d)/, "") || "0", frac = (m[3] || "").replace(/0+$/, "");
    var zero = /^0*$/.test(int + frac);
    return (m[1] === "-" && !zero ? "-" : "") + int + (frac ? "." + frac : "");
  }

  /* Exact comparison of two plain decimal strings: -1, 0 or 1. */
  function compare(a, b) {
    var sa = a.charAt(0) === "-" ? -1 : 1, sb = b.charAt(0) === "-" ? -1 : 1;
    if (sa !== sb) { return sa < sb ? -1 : 1; }
    var pa = a.replace(/^-/, "").split("."), pb = b.replace(/^-/, "").split(".");
    var ia = pa[0].replace(/^0+(?=\d)/, ""), ib = pb[0].replace(/^0+(?=\d)/, "");
    var r;
    if (ia.length !== ib.length) { r = ia.length < ib.length ? -1 : 1; } else {
      var fa = pa[1] || "", fb = pb[1] || "", w = Math.max(fa.length, fb.length);
      while (fa.length < w) { fa += "0"; }
      while (fb.length < w) { fb += "0"; }
      r = ia + fa < ib + fb ? -1 : ia + fa > ib + fb ? 1 : 0;
    }
    return sa * r;
  }

  function shown(decimal, S) { return S.decimal ? decimal.replace(".", S.decimal) : decimal; }

  /* ---------- matching ---------- */

  function lefts(item) {
    return item.p.map(function (p, i) { return p.l ? i : -1; }).filter(function (i) { return i >= 0; });
  }

  var matching = {
    view: function (box, ctx) {
      var item = ctx.item, S = ctx.S, list = el("div", "pairs"), left = lefts(item);
      var options = ctx.order || range(item.p.length);
      left.forEach(function (p, n) {
        var row = el("label", "pair");
        var text = el("span", "left");
        text.innerHTML = item.p[p].l;
        row.appendChild(text);
        var select = document.createElement("select");
        select.name = "answer-" + ctx.k;
        var none = document.createElement("option");
        none.value = "";
        none.textContent = S.choose;
        select.appendChild(none);
        options.forEach(function (o) {
          var opt = document.createElement("option");
          opt.value = String(o);
          opt.textContent = plainText(item.p[o].r);
          opt.selected = Array.isArray(ctx.answer) && ctx.answer[n] === o;
          select.appendChild(opt);
        });
        row.appendChild(select);
        list.appendChild(row);
      });
      box.appendChild(list);
      var count = el("p", "note", "matched");
      count.setAttribute("aria-live", "polite");
      box.appendChild(count);
      matching.count(box, S, left.length);
    },
    count: function (box, S, total) {
      var chosen = Array.prototype.filter.call(box.querySelectorAll("select"), function (s) { return s.value !== ""; }).length;
      var words = (S.matched || {})[String(total)] || [];
      box.querySelector(".matched").textContent = words[chosen] || "";
    },
    read: function (box, S) {
      var selects = box.querySelectorAll("select");
      matching.count(box, S, selects.length);
      var answer = Array.prototype.map.call(selects, function (s) { return s.value === "" ? null : Number(s.value); });
      return answer.every(function (a) { return a === null; }) ? null : answer;
    },
    order: function (quiz, item) { return quiz.shuffle ? shuffled(item.p.length) : null; },
    fits: function (item, answer) {
      return answer === null || (Array.isArray(answer) && answer.length === lefts(item).length &&
        answer.every(function (a) { return a === null || isIndex(a, item.p.length); }));
    },
    /* right: every left matched to its own right side (or another option with the same words) */
    check: function (item, answer) {
      return lefts(item).every(function (p, n) {
        return answer[n] !== null && plainText(item.p[answer[n]].r) === plainText(item.p[p].r);
      });
    },
    complete: function (answer) { return answer.every(function (a) { return a !== null; }); },
    due: function (item) {
      return lefts(item).map(function (p) { return plainText(item.p[p].l) + " \u2192 " + plainText(item.p[p].r); }).join("; ");
    },
    feedback: function () { return []; },
    interaction: function (item, answer) {
      var left = lefts(item);
      return { type: "matching", response: left.map(function (p, n) { return [n, answer[n]]; }).filter(function (x) { return x[1] !== null; }),
        right: left.map(function (p, n) { return [n, p]; }) };
    }
  };

  var KINDS = {
    truefalse: choiceKind(false), choice: choiceKind(false), multiple: choiceKind(true),
    short: textKind("input", "fill-in"), numeric: textKind("input", "numeric"), essay: textKind("textarea", "essay"),
    matching: matching
  };

  function of(item) { return KINDS[item.k === undefined ? "truefalse" : item.k] || null; }

  window.QuizKinds = { of: of, choicesOf: choicesOf, plainText: plainText, number: number, compare: compare };
})();
