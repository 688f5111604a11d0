/* The preview's outline (window.PreviewOutline): every SCO with its status and lock, and in course mode the
   shell's pages. render(app, act) draws it; act holds what its buttons do: launch(sco), markDone(sco),
   markPageDone(i), openInShell(href), note(text). */
(function () {
  "use strict";

  var Ui = window.PreviewUi, Progress = window.PreviewProgress, say = Ui.say, el = Ui.el;

  function stateWord(status) { return say("state_" + status.replace(/ /g, "_")); }

  function render(app, act) {
    var root = Ui.$("#outline");
    root.textContent = "";
    if (!app.state || !app.state.outline) { root.appendChild(el("p", { className: "note" }, say("no_build"))); return; }
    app.state.outline.groups.forEach(function (group) {
      var box = el("div", { className: "group" });
      if (group.title) { box.appendChild(el("h3", {}, group.title)); }
      var list = el("ol", {});
      group.scos.forEach(function (sco) { list.appendChild(scoEntry(app, act, sco)); });
      box.appendChild(list);
      root.appendChild(box);
    });
  }

  function markButton(onClick) {
    var mark = el("button", { type: "button", className: "mark", title: say("mark_done_title") }, say("mark_done"));
    mark.addEventListener("click", onClick);
    return mark;
  }

  function scoEntry(app, act, sco) {
    var li = el("li", { "data-sco": sco.id });
    var locked = Progress.lockReason(app, sco);
    var status = Progress.statusOf(app, sco);
    var current = app.current && app.current.id === sco.id;
    li.className = [locked ? "locked" : "", current ? "current" : "", "status-" + status.replace(/ /g, "-")].join(" ");
    var open = el("button", { type: "button", className: "open" }, app.view.mode === "course" ? say("whole_course") : sco.title);
    if (current) { open.setAttribute("aria-current", "page"); }
    open.addEventListener("click", function () {
      var why = Progress.lockReason(app, sco);
      if (why) { act.note(why); return; }
      act.launch(sco);
    });
    li.appendChild(open);
    li.appendChild(el("span", { className: "state" }, stateWord(status)));
    if (locked) { li.appendChild(el("p", { className: "why" }, locked)); }
    if (app.view.mode === "pages") {
      li.appendChild(markButton(function () { act.markDone(sco); }));
    } else if (app.state.pages) {
      li.appendChild(pageList(app, act));
    }
    return li;
  }

  function pageList(app, act) {
    var pages = app.state.pages, saved = Progress.shellState(app), list = el("ol", { className: "pages" });
    var frontier = pages.length - 1;
    for (var i = 0; i < pages.length; i++) { if (!Progress.pageDone(app, saved, i)) { frontier = i; break; } }
    pages.forEach(function (p, i) {
      var done = Progress.pageDone(app, saved, i), locked = i > frontier;
      var li = el("li", { "data-page": p.id, className: (locked ? "locked " : "") + (done ? "done" : "") });
      var open = el("button", { type: "button", className: "open" }, p.title);
      open.addEventListener("click", function () { act.openInShell(p.href); });
      li.appendChild(open);
      li.appendChild(el("span", { className: "state" }, done ? (p.quiz ? say("state_passed") : say("state_done")) : locked ? "" : say("state_open")));
      if (locked) { li.appendChild(el("p", { className: "why" }, say("locked_course", { title: pages[frontier].title }))); }
      li.appendChild(markButton(function () { act.markPageDone(i); }));
      list.appendChild(li);
    });
    return list;
  }

  window.PreviewOutline = { render: render };
})();
