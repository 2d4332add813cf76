// Case file pages: inline forms answer 422 with the form and its errors; htmx should swap those
// in (by default it ignores 4xx answers), so the typed input and the German messages show.
(function () {
  "use strict";
  if (window.htmx) {
    htmx.config.responseHandling.unshift({ code: "422", swap: true, error: false });
  }
})();
