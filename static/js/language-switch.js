/* The language switcher (templates/base.html): keeps the page, its filters (query string) and
 * the map view (#hash) that explorer.js keeps in the URL without reloading, and sets Django's
 * language cookie so that the admin, the API and the OGC pages (not prefixed) follow. */
(function () {
  "use strict";
  document.querySelectorAll("a[data-language]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var code = link.dataset.language;
      var path = window.location.pathname;
      var prefixed = /^\/[a-z]{2}(\/|$)/.test(path);
      document.cookie = "django_language=" + code + "; path=/; max-age=31536000; SameSite=Lax";
      event.preventDefault();
      if (!prefixed) { window.location.reload(); return; }
      window.location.assign(path.replace(/^\/[a-z]{2}(?=\/|$)/, "/" + code) +
                             window.location.search + window.location.hash);
    });
  });
})();
