/* The preview's log of LMS calls and its view of the runtime's record (window.PreviewLog).
   call(name, args, result, code, text, strict): one call to the API with its result, error and the preview's
   own check (strict); line(kind, text): an event (a launch, a mark); record(flat): the record table. */
(function () {
  "use strict";

  var Ui = window.PreviewUi, el = Ui.el, say = Ui.say;
  var LOG_LIMIT = 2000; // entries kept in the log (older ones are dropped)

  function quote(v) { return JSON.stringify(String(v)); }

  function append(li) {
    var log = Ui.$("#log");
    var stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.appendChild(li);
    while (log.childElementCount > LOG_LIMIT) { log.removeChild(log.firstElementChild); }
    if (stick) { log.scrollTop = log.scrollHeight; }
  }

  function call(name, args, result, code, text, strict) {
    var li = el("li", { className: "call" + (code !== "0" ? " error" : "") + (strict ? " strict" : "") });
    li.appendChild(el("code", {}, name + "(" + args.map(quote).join(", ") + ")"));
    li.appendChild(el("span", { className: "result" }, " \u2192 " + quote(result)));
    if (code !== "0") { li.appendChild(el("span", { className: "err" }, " " + say("error_code", { code: code, name: text }))); }
    if (strict) { li.appendChild(el("span", { className: "err" }, " " + say("strict", { why: strict.why }))); }
    append(li);
  }

  function line(kind, text) { append(el("li", { className: "event " + kind }, text)); }

  function record(flat) {
    var table = Ui.$("#record tbody");
    table.textContent = "";
    var keys = Object.keys(flat).sort();
    Ui.$("#record-empty").hidden = keys.length > 0;
    keys.forEach(function (k) {
      var tr = el("tr", {});
      tr.appendChild(el("th", { scope: "row" }, k));
      tr.appendChild(el("td", {}, flat[k]));
      table.appendChild(tr);
    });
  }

  window.PreviewLog = { call: call, line: line, record: record };
})();
