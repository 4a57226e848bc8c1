// PolicyPulse editor: keyboard shortcuts for the review queue, and reloading the edition
// previews after a change. No framework; htmx does the requests.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function rows() { return Array.from(document.querySelectorAll(".queue-row")); }

  // The selected row is remembered by id: an htmx swap that redraws a row (after a decision)
  // must not make j/k start again from the top.
  let selectedId = null;

  function currentIndex(list) {
    return selectedId ? list.findIndex(function (row) { return row.id === selectedId; }) : -1;
  }

  function markSelected() {
    document.querySelectorAll(".queue-row.selected").forEach(function (r) {
      if (r.id !== selectedId) r.classList.remove("selected");
    });
    const row = selectedId && document.getElementById(selectedId);
    if (row) row.classList.add("selected");
  }

  function select(row) {
    selectedId = row.id;
    markSelected();
    const link = row.querySelector(".row-link");
    link.focus();
    row.scrollIntoView({ block: "nearest" });
    link.click();
  }

  function press(id) {
    // htmx wires freshly swapped content after a short settle delay; a quick keypress may come
    // first, so make sure the form is wired (process() is idempotent) before clicking.
    const button = document.getElementById(id);
    if (!button) return;
    if (window.htmx && button.form) window.htmx.process(button.form);
    button.click();
  }

  function focusField(id) {
    const el = document.getElementById(id);
    if (!el) return;
    if (window.htmx && el.form) window.htmx.process(el.form);
    el.focus();
  }

  const keys = {
    j: function () { const list = rows(); if (list.length) select(list[Math.min(list.length - 1, currentIndex(list) + 1)]); },
    k: function () { const list = rows(); if (list.length) select(list[Math.max(0, currentIndex(list) - 1)]); },
    a: function () { press("btn-accept"); },
    r: function () { press("btn-reject"); },
    u: function () { press("btn-undecide"); },
    e: function () {
      const details = document.getElementById("summary-edit");
      if (details) { details.open = true; document.getElementById("summary-input").focus(); }
    },
    s: function () { focusField("sector-select"); },
    t: function () { focusField("type-select"); },
    "/": function () {
      const box = document.getElementById("q") || null;
      if (box) { box.focus(); } else { window.location.href = "/editor/search/"; }
    },
    "?": function () { const help = document.getElementById("shortcuts"); if (help) help.open = !help.open; },
  };

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const action = keys[event.key];
    if (action && (document.querySelector(".review") || event.key === "/")) {
      event.preventDefault();
      action();
    }
  });

  // Clicking a row marks it selected too, so j/k continue from there.
  document.addEventListener("click", function (event) {
    const row = event.target.closest(".queue-row");
    if (row) {
      selectedId = row.id;
      markSelected();
    }
  });

  // After an htmx swap, keep the keyboard where it was: a moved item's button, or the queue row.
  let lastMove = null;
  document.addEventListener("htmx:configRequest", function (event) {
    const form = event.detail.elt.closest ? event.detail.elt.closest("form.move") : null;
    lastMove = form ? { item: form.querySelector("[name=item]").value, step: event.detail.parameters.step } : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    markSelected();
    if (lastMove) {
      const entry = document.getElementById("entry-" + lastMove.item);
      if (entry) {
        const buttons = entry.querySelectorAll("button:not([disabled])");
        const same = entry.querySelector('button[value="' + lastMove.step + '"]:not([disabled])');
        (same || buttons[0] || entry).focus();
      }
      lastMove = null;
    }
  });

  // The server says the edition changed: reload the previews.
  document.body.addEventListener("preview-changed", function () {
    document.querySelectorAll("iframe.preview").forEach(function (frame) {
      const src = frame.getAttribute("src");
      if (src) frame.setAttribute("src", src.split("?")[0] + "?t=" + Date.now());
    });
  });

  // The PDF is rendered only when asked for.
  const pdf = document.getElementById("pdf-preview");
  if (pdf) {
    pdf.addEventListener("toggle", function () {
      const frame = document.getElementById("preview-pdf");
      if (pdf.open && !frame.getAttribute("src")) frame.setAttribute("src", frame.dataset.src + "?t=" + Date.now());
    });
  }
})();
