"use strict";
// Click to call on the home page: "call me now" or at a time about a topic; my callbacks, their status, cancel.

async function loadCallbacks() {
  const result = await api("GET", "/api/callbacks");
  if (!result.ok) { return; }
  byTestId("callme-time-zone").textContent = result.data.time_zone;
  fillRows("callbacks", result.data.callbacks, function (c) {
    let cancel = "";
    if (c.cancellable) {
      cancel = document.createElement("button");
      cancel.type = "button";
      cancel.textContent = "Cancel";
      cancel.dataset.testid = "callback-cancel";
      cancel.addEventListener("click", async function () {
        const done = await api("POST", "/api/callbacks/" + c.id + "/cancel");
        byTestId("callme-message").textContent = done.ok ? "Cancelled." : "Refused: " + done.data.error;
        await loadCallbacks();
      });
    }
    return [c.at, c.topic, c.number, c.status, cancel];
  });
}

document.addEventListener("DOMContentLoaded", function () {
  el("callme-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    const body = { topic: el("callme-topic").value, request_id: newRequestId() };
    const at = el("callme-at").value.trim();
    if (at) { body.at = at; }
    const result = await api("POST", "/api/callbacks", body);
    byTestId("callme-message").textContent = result.ok
      ? (at ? "We will call you at " + result.data.at + "." : "We will call you shortly.")
      : "Refused: " + result.data.error;
    await loadCallbacks();
  });
  loadCallbacks();
  setInterval(loadCallbacks, 5000);  // the status moves as the ACD makes the call
});
