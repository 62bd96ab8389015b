// Table pages: the column glossary (datasette's <dl class="column-descriptions">) folded into a
// <details>, so the table is on the first screen. Nodes are moved, not re-parsed: no innerHTML.
(function () {
  "use strict";
  const notes = document.querySelector("dl.column-descriptions");
  if (!notes) return;
  const details = document.createElement("details");
  details.className = "column-notes";
  const summary = document.createElement("summary");
  summary.textContent = "What the columns hold (" + notes.querySelectorAll("dt").length + ")";
  details.appendChild(summary);
  notes.parentNode.insertBefore(details, notes);
  details.appendChild(notes);
})();
