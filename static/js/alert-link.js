/* "Alert me about this view": the new-alert page gets the explorer's current filters (the
   query string the explorer keeps in the URL) as its starting values. */
(function () {
  "use strict";
  var link = document.getElementById("alert-me");
  if (!link) return;
  function update() { link.href = link.dataset.base + window.location.search; }
  link.addEventListener("click", update);
  link.addEventListener("focus", update);
  link.addEventListener("mouseenter", update);
})();
