// The pipeline board: drag a card to another column and the move is saved at once. The server answers with
// every column's count and totals; a refused move puts the card back and says why (a lost opportunity first
// asks for its reason; a win that made an order links to it). Without this script each card's "Move to" form does
// the same with a page load.
(function () {
  "use strict";
  var board = document.querySelector("[data-pipeline-board]");
  if (!board) { return; }
  var status = document.querySelector("[data-board-status]");
  var tokenInput = board.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null;
  var origin = null;

  function say(text, kind, link) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "alert alert-" + kind;
    if (link && link.url) {
      var anchor = document.createElement("a");
      anchor.href = link.url;
      anchor.className = "alert-link ms-1";
      anchor.textContent = link.label;
      anchor.setAttribute("data-order-link", "");
      status.appendChild(anchor);
    }
  }

  function putBack(card) {
    if (origin) { origin.parent.insertBefore(card, origin.next); }
  }

  function refresh(columns) {
    columns.forEach(function (column) {
      var section = board.querySelector("section[data-drop-stage='" + column.stage + "']");
      if (section) { section.querySelector("[data-totals]").innerHTML = column.totals_html; }
    });
  }

  function move(card, stage, reason) {
    var body = new FormData();
    body.append("stage", stage);
    body.append("version", card.dataset.version);
    new URLSearchParams(board.dataset.query || "").forEach(function (value, key) { body.append(key, value); });
    if (reason) { body.append("lost_reason", reason); }
    card.classList.add("is-saving");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": tokenInput ? tokenInput.value : "" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        card.classList.remove("is-saving");
        if (data.ok) {
          card.dataset.version = data.version;
          card.dataset.stage = stage;
          card.querySelectorAll("input[name=version]").forEach(function (input) { input.value = data.version; });
          var select = card.querySelector("select[name=stage]");
          if (select) { select.value = stage; }
          var target = board.querySelector("[data-drop-stage='" + stage + "']");
          if (target && target.hasAttribute("data-closed")) { card.remove(); }
          refresh(data.columns);
          say(data.message, "success", { url: data.order_url, label: data.order_label });
          return;
        }
        if (data.form_url && !reason) {
          var given = window.prompt(board.dataset.lostPrompt || "");
          if (given && given.trim()) { move(card, stage, given.trim()); return; }
        }
        putBack(card);
        say(data.error, "danger");
      })
      .catch(function () {
        card.classList.remove("is-saving");
        putBack(card);
        say(board.dataset.failed, "danger");
      });
  }

  board.querySelectorAll(".pipeline-card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      origin = { parent: card.parentNode, next: card.nextSibling };
      card.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.card);
    });
    card.addEventListener("dragend", function () { card.classList.remove("is-dragging"); });
  });

  board.querySelectorAll("[data-drop-stage]").forEach(function (zone) {
    zone.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      zone.classList.add("is-over");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("is-over"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-over");
      var card = dragged;
      dragged = null;
      if (!card || zone.dataset.dropStage === card.dataset.stage) { return; }
      var list = zone.querySelector("[data-cards]");
      if (list) { list.insertBefore(card, list.firstChild); }
      move(card, zone.dataset.dropStage, "");
    });
  });
})();
