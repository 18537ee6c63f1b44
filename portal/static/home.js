"use strict";
// The client's home: funds, holdings, today's orders and fills, history; the order form with the risk
// disclosure when suitability asks for one, a preview, then the confirmation (one request id per form).

const SIDES = { buy: "Buy", sell: "Sell" };
let draft = null;

function account() { return el("session").dataset.account; }

function newRequestId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

function say(message) { byTestId("order-message").textContent = message; }

async function refresh() {
  const result = await api("GET", "/api/accounts/" + encodeURIComponent(account()));
  if (!result.ok) { return; }
  const s = result.data;
  byTestId("funds-available").textContent = s.funds.available;
  byTestId("funds-frozen").textContent = s.funds.frozen;
  byTestId("funds-total").textContent = s.funds.total;
  fillRows("holdings", s.holdings, function (p) {
    return [p.code, p.name_en, p.quantity, p.sellable, p.last, p.market_value];
  });
  fillRows("orders", s.orders_today, function (o) {
    if (o.status !== "accepted" && o.status !== "partially_filled") {
      return [o.id, SIDES[o.side], o.code, o.price, o.quantity, o.filled_quantity, o.status, ""];
    }
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Cancel";
    button.dataset.testid = "cancel-" + o.id;
    button.addEventListener("click", function () { cancelOrder(o.id); });
    return [o.id, SIDES[o.side], o.code, o.price, o.quantity, o.filled_quantity, o.status, button];
  });
  fillRows("fills", s.fills_today, function (f) {
    return [f.order_id, SIDES[f.side], f.code, f.price, f.quantity, f.amount];
  });
  await loadHistory();
}

async function loadHistory() {
  const query = new URLSearchParams();
  if (el("history-from").value) { query.set("from", el("history-from").value); }
  if (el("history-to").value) { query.set("to", el("history-to").value); }
  const history = await api("GET", "/api/accounts/" + encodeURIComponent(account()) + "/history?" + query);
  showError("history-error", history.ok ? "" : history.data.error);
  if (!history.ok) { return; }
  el("history-from").value = history.data.from;
  el("history-to").value = history.data.to;
  fillRows("history", history.data.orders, function (o) {
    return [o.created_at.slice(0, 10), o.id, SIDES[o.side], o.code, o.price, o.quantity, o.status];
  });
  fillRows("history-fills", history.data.fills, function (f) {
    return [f.filled_at.slice(0, 16).replace("T", " "), f.order_id, SIDES[f.side], f.code, f.price, f.quantity,
      f.amount, f.fee];
  });
}

function readForm() {
  return {
    side: el("order-side").value, code: el("order-code").value.trim(), price: el("order-price").value.trim(),
    quantity: parseInt(el("order-quantity").value, 10), request_id: newRequestId(),
  };
}

function hidePanels() { el("disclosure").hidden = true; el("preview").hidden = true; }

async function check() {
  hidePanels();
  say("");
  const body = Object.assign({}, draft);
  delete body.request_id;
  const result = await api("POST", "/api/accounts/" + encodeURIComponent(account()) + "/orders/check", body);
  if (result.ok) {
    const p = result.data;
    el("preview-text").textContent = SIDES[p.side] + " " + p.quantity + " " + p.code + " " + p.name_en +
      " at " + p.price + " yuan: " + p.amount + " yuan" + (p.side === "buy" ? " (" + p.hold + " frozen with fees)" : "");
    el("preview").hidden = false;
  } else if (result.status === 409 && result.data.code === "NEEDS_DISCLOSURE") {
    el("disclosure-text").textContent = result.data.disclosure.text;
    el("disclosure").hidden = false;
  } else {
    say("Refused: " + (result.data.error || "the order cannot be placed"));
  }
}

async function acceptDisclosure() {
  const result = await api("POST", "/api/accounts/" + encodeURIComponent(account()) + "/disclosures",
    { code: draft.code, accepted: true });
  hidePanels();
  if (!result.ok) { say("Refused: " + (result.data.error || "the disclosure was not recorded")); return; }
  draft.disclosure_id = result.data.disclosure_id;
  await check();
}

async function confirmOrder() {
  const result = await api("POST", "/api/accounts/" + encodeURIComponent(account()) + "/orders", draft);
  hidePanels();
  if (result.ok && result.data.accepted) {
    say("Order " + result.data.order_id + " accepted (" + result.data.status + ").");
  } else {
    say("Refused: " + (result.data.message || result.data.error || "the order was not placed"));
  }
  draft = null;
  await refresh();
}

async function cancelOrder(orderId) {
  const result = await api("POST", "/api/accounts/" + encodeURIComponent(account()) + "/orders/" + orderId +
    "/cancel", { request_id: newRequestId() });
  say(result.ok && result.data.cancelled ? "Order " + orderId + " cancelled."
    : "Not cancelled: " + (result.data.message || result.data.error || ""));
  await refresh();
}

document.addEventListener("DOMContentLoaded", function () {
  el("history-form").addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    loadHistory();
  });
  el("order-form").addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    draft = readForm();
    check();
  });
  el("disclosure-accept").addEventListener("click", acceptDisclosure);
  el("disclosure-decline").addEventListener("click", function () {
    hidePanels(); draft = null; say("Declined: nothing was placed.");
  });
  el("order-confirm").addEventListener("click", confirmOrder);
  el("order-drop").addEventListener("click", function () { hidePanels(); draft = null; say("Dropped: nothing was placed."); });
  refresh();
});
