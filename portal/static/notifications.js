"use strict";
// Reminders, price alerts and how we reach the client (channel, fill reports) on the home page.

function fillItems(testId, items, render) {
  const list = byTestId(testId);
  list.replaceChildren();
  for (const item of items) {
    const li = document.createElement("li");
    li.textContent = render(item);
    list.appendChild(li);
  }
}

async function loadReminders() {
  const result = await api("GET", "/api/reminders");
  if (!result.ok) { return; }
  byTestId("time-zone").textContent = result.data.time_zone;
  fillItems("reminders", result.data.reminders, function (r) {
    return r.at + " " + r.text + (r.sent ? " (sent)" : "");
  });
  fillItems("price-alerts", result.data.price_alerts, function (a) {
    return a.code + " " + a.direction + " " + a.price + (a.triggered ? " (triggered at " + a.triggered_price + ")" : "");
  });
}

async function loadPreferences() {
  const result = await api("GET", "/api/preferences");
  if (!result.ok) { return; }
  const p = result.data;
  byTestId("preferred-hours").textContent = p.preferred_hours || "not known yet";
  el("preferred-channel").value = p.declared_channel || "";
  el("preferred-channel").options[0].textContent = "(as we know it: " + (p.preferred_channel || "none") + ")";
  el("fill-reports").value = p.fill_reports;
}

document.addEventListener("DOMContentLoaded", function () {
  el("reminder-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    const result = await api("POST", "/api/reminders", {
      at: el("reminder-at").value.trim(), text: el("reminder-text").value, request_id: newRequestId(),
    });
    byTestId("reminder-message").textContent = result.ok ? "Reminder set." : "Refused: " + result.data.error;
    await loadReminders();
  });
  el("alert-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    const result = await api("POST", "/api/price-alerts", {
      code: el("alert-code").value.trim(), direction: el("alert-direction").value,
      price: el("alert-price").value.trim(), request_id: newRequestId(),
    });
    byTestId("reminder-message").textContent = result.ok ? "Price alert set." : "Refused: " + result.data.error;
    await loadReminders();
  });
  el("preferences-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    const body = { fill_reports: el("fill-reports").value };
    if (el("preferred-channel").value) { body.preferred_channel = el("preferred-channel").value; }
    const result = await api("PUT", "/api/preferences", body);
    byTestId("preferences-message").textContent = result.ok ? "Saved." : "Refused: " + result.data.error;
    await loadPreferences();
  });
  loadReminders();
  loadPreferences();
});
