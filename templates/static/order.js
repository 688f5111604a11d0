/* The order of pages in pages mode (window.PageOrder). Moodle opens any page by its address (it uses 1.2
   prerequisites only to decide which outline entries are links, and does not sequence 2004), so a page opens
   only when the page before it is done: as the LMS says where it can (an LMS that sequences 2004), otherwise as
   this browser remembers (localStorage, per course and learner).

   allows(config, link, lms): whether this page may open; markDone(config, learner): remember it is done;
   lock(config, S): show the page's lock (S: the page's words) instead of its content. */
(function () {
  "use strict";

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

  function allows(config, link, lms) {
    if (!config.previous) { return true; }
    // worked on before, so it was open then ("incomplete" alone is also what a closed page leaves behind)
    if (lms.status !== "unknown" && lms.status !== "incomplete") { return true; }
    if (lms.suspend) { return true; } // it saved its quiz: it was open then
    if (link.deliveredInSequence()) { return true; } // an LMS that sequences opened it only in order
    return doneLocally(config, lms.learner).indexOf(config.previous) >= 0;
  }

  function lock(config, S) {
    var note = document.querySelector(".locked-note");
    note.querySelector(".locked-previous").textContent = config.previousTitle || S.lockedFallback;
    note.hidden = false;
    var content = document.querySelector(".page-content");
    if (content) { content.hidden = true; }
  }

  window.PageOrder = { allows: allows, markDone: markDone, lock: lock };
})();
