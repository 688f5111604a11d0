/* The links on a course page (window.PageLinks).

   The package marks links to other pages of the course: data-page-link="<that page's href>". External links
   open a new window (never navigating the LMS frame away); in pages mode inside an LMS, another page of the
   course (another SCO) opens beside the course as a reference copy that reports nothing.

   use({mode: "pages" | "course", withLms}) says where the page runs; fix(root) applies the rules to the links
   in root (the whole page by default) that it has not seen yet, so content added later (the quiz) is fixed too. */
(function () {
  "use strict";

  var rules = { mode: "pages", withLms: false };

  function isCoursePage(a) { return a.hasAttribute("data-page-link"); }

  function use(where) { rules = { mode: where.mode, withLms: !!where.withLms }; }

  function fix(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("a[href]"), function (a) {
      if (!a.closest(".page-content") || a.getAttribute("data-fixed")) { return; }
      a.setAttribute("data-fixed", "1");
      var href = a.getAttribute("href");
      if (/^https?:|^\/\//i.test(href)) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      } else if (isCoursePage(a) && rules.mode === "pages" && rules.withLms) {
        var parts = href.split("#");
        a.href = parts[0] + (parts[0].indexOf("?") < 0 ? "?" : "&") + "ref=1" + (parts[1] ? "#" + parts[1] : "");
        a.target = "_blank";
      }
    });
  }

  window.PageLinks = { use: use, fix: fix };
})();
