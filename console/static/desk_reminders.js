"use strict";
// The desk's reminder and price-alert forms for the client on screen (desk.callId, from agent.js): each sets
// one through the API (crm_core's reminders and price-alert services) and says what was set or why not.

function reminderForm(formId, statusId, path, body, describe) {
  el(formId).addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    if (!needCall()) { return; }
    text(statusId, "");
    const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + path, body());
    if (!result.ok) { showError("desk-error", result.data.error || "not set"); return; }
    showError("desk-error", "");
    text(statusId, describe(result.data));
  });
}

document.addEventListener("DOMContentLoaded", function () {
  reminderForm("remind-form", "remind-status", "/client-reminders", function () {
    return { at: el("remind-at").value.replace("T", " "), kind: el("remind-kind").value,
             code: el("remind-code").value.trim(), text: el("remind-text").value,
             channel: el("remind-channel").value };
  }, function (r) { return "reminder " + r.id + " set for " + r.due_local + " by " + r.channel; });
  reminderForm("alert-form", "alert-status", "/price-alerts", function () {
    return { code: el("alert-code").value.trim(), direction: el("alert-direction").value,
             price: el("alert-price").value.trim(), channel: el("alert-channel").value };
  }, function (a) { return "alert " + a.id + " set: " + a.code + " " + a.direction + " " + a.price + " by " + a.channel; });
});
