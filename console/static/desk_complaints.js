"use strict";
// The desk's complaint form: pre-filled from the screen-pop (the client, the channel, the category the call came
// in for), it opens a complaint by the call's client through the API and says its reference and deadline.
// The letter form uploads a scanned letter as a complaint by the client whose account it names.

const complaintsShown = { callId: "", list: [] };  // the screen-pop's open complaints, and those opened since

document.addEventListener("screen-pop", function (shown) {
  const pop = shown.detail;
  complaintsShown.callId = pop.call_id;
  complaintsShown.list = pop.complaints.slice();
  const investor = pop.investor || {};
  text("complaint-client", pop.known ? pop.caller_name + " (" + investor.account_number + ")" : "unknown number");
  text("complaint-channel", pop.complaint_draft.channel);
  el("complaint-category").value = pop.complaint_draft.category;
  text("complaint-status", "");
});

document.addEventListener("DOMContentLoaded", function () {
  el("complaint-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    if (!needCall()) { return; }
    text("complaint-status", "");
    const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + "/complaints", {
      category: el("complaint-category").value, summary: el("complaint-summary").value,
      department: el("complaint-department").value.trim(), severity: el("complaint-severity").value,
    });
    if (!result.ok) { showError("desk-error", result.data.error || "not opened"); return; }
    showError("desk-error", "");
    const c = result.data;
    text("complaint-status", "complaint " + c.reference + " " + c.status + ", resolve by " + c.resolve_by_local);
    if (complaintsShown.callId === desk.callId && !complaintsShown.list.some(function (s) { return s.id === c.id; })) {
      complaintsShown.list.push(c);
      fillList("complaints", complaintsShown.list, complaintLine);
    }
  });
  el("letter-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    text("letter-status", "");
    const form = new FormData();
    form.append("account_number", el("letter-account").value.trim());
    form.append("category", el("letter-category").value);
    form.append("summary", el("letter-summary").value);
    form.append("scan", el("letter-scan").files[0]);
    const result = await api("POST", "/api/complaints/letters", form);
    if (!result.ok) { showError("desk-error", result.data.error || "not uploaded"); return; }
    showError("desk-error", "");
    const c = result.data;
    text("letter-status", "complaint " + c.reference + " " + c.status + " for " + c.client + ", resolve by " + c.resolve_by_local);
  });
});
