// JuWe's small client-side helpers. No inline scripts (Content-Security-Policy).
(function () {
  "use strict";

  function cookie(name) {
    const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  // htmx requests carry the CSRF token like normal form posts.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = cookie("csrftoken");
  });

  // Idle timeout: the server ends the session after N idle minutes; the page follows so that
  // no social data stays on an unattended screen.
  const idleMinutes = parseInt(document.body.dataset.idleMinutes || "0", 10);
  if (idleMinutes > 0) {
    let timer;
    const reset = function () {
      clearTimeout(timer);
      timer = setTimeout(function () { window.location.reload(); }, idleMinutes * 60 * 1000 + 5000);
    };
    document.addEventListener("htmx:afterRequest", reset);
    reset();
  }
})();
