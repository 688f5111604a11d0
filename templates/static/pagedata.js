/* What a page of the package embeds for its scripts, and the one way to fill a message: window.PageData.

   json(id): the JSON of <script type="application/json" id="...">, or null when it is missing or broken.
   fill(message, values): the message with its {name} placeholders filled (a placeholder without a value
     stays as written), as plain text; fillHtml does the same as HTML, every part escaped.
   The course pages and shell read their configuration, quiz and words this way, and so does the preview. */
(function () {
  "use strict";

  function json(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function escapeHtml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function fillWith(message, values, wrap) {
    return wrap(String(message === undefined || message === null ? "" : message)).replace(/\{(\w+)\}/g,
      function (all, name) { return values && values[name] !== undefined ? wrap(values[name]) : all; });
  }

  function fill(message, values) { return fillWith(message, values, String); }

  function fillHtml(message, values) { return fillWith(message, values, escapeHtml); }

  window.PageData = { json: json, fill: fill, fillHtml: fillHtml, escapeHtml: escapeHtml };
})();
