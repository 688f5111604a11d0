/* The preview page's configuration, words and element helpers (window.PreviewUi), shared by its scripts.
   config: the server's preview-config block (formats, modes, defaults, runtime, words); say(key, vars): a word
   of the preview with its {name} placeholders filled; el(tag, attrs, text) makes an element; $(selector). */
(function () {
  "use strict";

  var config = window.PageData.json("preview-config") || { words: {} };

  function say(key, vars) { return window.PageData.fill(config.words[key] || key, vars); }

  function $(sel) { return document.querySelector(sel); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  window.PreviewUi = { config: config, say: say, $: $, el: el };
})();
