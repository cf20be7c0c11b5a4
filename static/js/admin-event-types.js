/* Incident form: the sub-event type list shows only the chosen event type's sub-event types
   (#19 part 8). The choices come grouped by event type, with the taxonomy (code → its
   sub-event codes) in the select's data-event-types (incidents/admin.py); the model refuses
   a mismatch whatever is sent, so this only spares the editor a wrong pick. */
(function () {
  "use strict";

  function narrow(eventSelect, subSelect, taxonomy) {
    var allowed = taxonomy[eventSelect.value] || [];
    Array.prototype.forEach.call(subSelect.querySelectorAll("optgroup"), function (group) {
      var shown = Array.prototype.some.call(group.children, function (option) {
        return allowed.indexOf(option.value) !== -1;
      });
      group.hidden = !shown;
      group.disabled = !shown;
    });
    if (subSelect.value && allowed.indexOf(subSelect.value) === -1) subSelect.value = "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var eventSelect = document.getElementById("id_event_type");
    var subSelect = document.getElementById("id_sub_event_type");
    if (!eventSelect || !subSelect || !subSelect.dataset.eventTypes) return;
    var taxonomy = JSON.parse(subSelect.dataset.eventTypes);
    narrow(eventSelect, subSelect, taxonomy);
    eventSelect.addEventListener("change", function () { narrow(eventSelect, subSelect, taxonomy); });
  });
})();
