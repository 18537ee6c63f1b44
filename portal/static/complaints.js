"use strict";
// Complaints on the home page: lodge one (once per form: its request id), follow mine (status, deadlines,
// progress, resolution).

let complaintRequestId = newRequestId();  // a second click on the same form is the same complaint

function progress(steps) {
  const list = document.createElement("ul");
  for (const step of steps) {
    const li = document.createElement("li");
    li.textContent = step.at + " " + step.what;
    list.appendChild(li);
  }
  return list;
}

async function loadComplaints() {
  const result = await api("GET", "/api/complaints");
  if (!result.ok) { return; }
  byTestId("complaints-time-zone").textContent = result.data.time_zone;
  const select = el("complaint-category");
  if (select.options.length === 0) {
    for (const category of result.data.categories) {
      const option = document.createElement("option");
      option.value = category;
      option.textContent = category;
      select.appendChild(option);
    }
  }
  fillRows("complaints", result.data.complaints, function (c) {
    return [c.reference, c.category + (c.department ? " (" + c.department + ")" : ""), c.status,
            c.acknowledge_by, c.resolve_by, progress(c.steps), c.resolution || "—"];
  });
}

document.addEventListener("DOMContentLoaded", function () {
  el("complaint-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    const body = { category: el("complaint-category").value, text: el("complaint-text").value,
                   department: el("complaint-department").value.trim(), request_id: complaintRequestId };
    const result = await api("POST", "/api/complaints", body);
    if (result.ok) {
      complaintRequestId = newRequestId();  // the next form is a new complaint
      el("complaint-text").value = "";
      byTestId("complaint-message").textContent = "Complaint " + result.data.reference
        + " received. We will reply by " + result.data.resolve_by + ".";
    } else {
      byTestId("complaint-message").textContent = "Refused: " + result.data.error;
    }
    await loadComplaints();
  });
  loadComplaints();
});
