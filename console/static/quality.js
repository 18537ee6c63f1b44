"use strict";
// The supervisor's quality review: find calls, play a recording (the browser seeks with Range requests),
// score the call on a review form (items from /api/quality/forms) and save it.

let forms = [];
let currentCall = null;

async function search(event) {
  if (event) { event.preventDefault(); }
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(el("call-search"))) {
    if (value) { params.set(name, value); }
  }
  const response = await api("GET", "/api/quality/calls?" + params.toString());
  if (!response.ok) { showError("quality-error", response.data.error || "search failed"); return; }
  showError("quality-error", "");
  const body = el("quality-calls");
  body.replaceChildren();
  for (const call of response.data.calls) {
    const tr = document.createElement("tr");
    tr.dataset.callId = call.call_id;
    const cells = [call.entered_at.replace("T", " ").slice(0, 19), (call.agent.job_number || "") + " " +
      (call.agent.name || ""), call.skill, call.customer || call.number, call.dispositions.join(", "),
      call.recordings.length ? "yes" : "no", call.reviews.map(function (r) { return r.total_pct.toFixed(1) + " %"; }).join(", ")];
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = cell === null || cell === undefined ? "" : String(cell);
      tr.appendChild(td);
    }
    const td = document.createElement("td");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Review";
    button.dataset.testid = "review-call-button";
    button.addEventListener("click", function () { openReview(call); });
    td.appendChild(button);
    tr.appendChild(td);
    body.appendChild(tr);
  }
  if (response.data.calls.length === 0) {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td colspan=\"8\" class=\"none\">no calls</td>";
    body.appendChild(tr);
  }
}

function openReview(call) {
  currentCall = call;
  el("review-panel").hidden = false;
  text("review-call", call.call_id);
  text("review-result", "");
  const player = el("player");
  if (call.recordings.length) {
    player.src = "/api/recordings/" + call.recordings[0].id;
    player.hidden = false;
    el("no-recording").hidden = true;
  } else {
    player.removeAttribute("src");
    player.hidden = true;
    el("no-recording").hidden = false;
  }
  renderItems();
}

function renderItems() {
  const form = forms.find(function (f) { return f.code === el("review-form").value; });
  const box = el("review-items");
  box.replaceChildren();
  if (!form) { box.textContent = "No review form is published (hotline review publish)."; return; }
  for (const section of form.sections) {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = section.title + " (weight " + section.weight + ")";
    fieldset.appendChild(legend);
    for (const item of section.items) {
      const label = document.createElement("label");
      label.textContent = item.text + " ";
      const select = document.createElement("select");
      select.dataset.item = item.id;
      select.dataset.testid = "score-" + item.id;
      const blank = document.createElement("option");
      blank.value = "";
      blank.textContent = "–";
      select.appendChild(blank);
      for (let points = 0; points <= item.max; points++) {
        const option = document.createElement("option");
        option.value = String(points);
        option.textContent = points + " / " + item.max;
        select.appendChild(option);
      }
      label.appendChild(select);
      fieldset.appendChild(label);
      fieldset.appendChild(document.createElement("br"));
    }
    box.appendChild(fieldset);
  }
}

async function save() {
  const scores = {};
  for (const select of el("review-items").querySelectorAll("select[data-item]")) {
    if (select.value !== "") { scores[select.dataset.item] = Number(select.value); }
  }
  const response = await api("POST", "/api/quality/reviews", {
    call_id: currentCall.call_id, form: el("review-form").value, scores: scores,
    comment: el("review-comment").value,
  });
  if (!response.ok) { showError("quality-error", response.data.error || "not saved"); return; }
  showError("quality-error", "");
  const link = document.createElement("a");
  link.href = "/reviews/" + response.data.id;
  link.textContent = "Saved: " + response.data.total_pct.toFixed(1) + " %";
  link.dataset.testid = "review-saved";
  el("review-result").replaceChildren(link);
  await search();
}

document.addEventListener("DOMContentLoaded", async function () {
  el("call-search").addEventListener("submit", search);
  el("review-save").addEventListener("click", save);
  el("review-form").addEventListener("change", renderItems);
  const response = await api("GET", "/api/quality/forms");
  forms = response.ok ? response.data.forms : [];
  for (const form of forms) {
    const option = document.createElement("option");
    option.value = form.code;
    option.textContent = form.title + " (" + form.code + " v" + form.version + ")";
    el("review-form").appendChild(option);
  }
  await search();
});
