/* The draw: which items of a quiz's bank one attempt shows (window.QuizDraw).

   draw(quiz, previous): quiz.draw indices into quiz.items, in random order, a fresh set each time: never the
   same set as the previous attempt's when the bank allows another one. */
(function () {
  "use strict";

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

  function draw(quiz, previous) {
    var pick;
    for (var tries = 0; tries < 50; tries++) {
      pick = shuffled(quiz.items.length).slice(0, quiz.draw);
      if (quiz.draw >= quiz.items.length || !sameSet(pick, previous)) { break; }
    }
    return pick;
  }

  window.QuizDraw = { draw: draw };
})();
