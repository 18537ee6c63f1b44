"use strict";
// The supervisor console: live queues and agents (polled, and refreshed on every live event), actions per agent.
const board = { refreshing: false, again: false, complaints: "" };

function seconds(value) {
  const total = Math.max(0, Math.round(value));
  return Math.floor(total / 60) + ":" + String(total % 60).padStart(2, "0");
}

function button(label, testid, handler) {
  const node = document.createElement("button");
  node.type = "button";
  node.textContent = label;
  node.dataset.testid = testid;
  node.addEventListener("click", handler);
  return node;
}

async function refresh() {
  if (board.refreshing) { board.again = true; return; }
  board.refreshing = true;
  try {
    const result = await api("GET", "/api/supervisor/live");
    if (!result.ok) { showError("console-error", result.data.error || "no live data"); return; }
    render(result.data);
    const health = await api("GET", "/api/supervisor/notifications");
    if (health.ok) { renderHealth(health.data.channels); }
    const complaints = await api("GET", "/api/supervisor/complaints");
    if (complaints.ok) { renderComplaints(complaints.data.complaints); }
    const surveys = await api("GET", "/api/supervisor/surveys");
    if (surveys.ok) { renderSurveys(surveys.data.campaigns); renderPostCall(surveys.data.post_call); }
    const levels = await api("GET", "/api/supervisor/service-levels");
    if (levels.ok) { renderServiceLevels(levels.data.service_levels); }
  } finally {
    board.refreshing = false;
    if (board.again) { board.again = false; refresh(); }
  }
}

function render(live) {
  text("calls-today", live.calls_today);
  const queues = el("queues").tBodies[0];
  queues.replaceChildren();
  for (const q of live.queues) {
    const row = queues.insertRow();
    row.dataset.skill = q.skill;
    for (const value of [q.skill, q.waiting, seconds(q.longest_wait_seconds), q.answered_today, q.abandoned_today,
                         Math.round(q.service_level * 100) + " %"]) {
      row.insertCell().textContent = String(value);
    }
  }
  const agents = el("agents").tBodies[0];
  agents.replaceChildren();
  const now = Date.now() / 1000;
  for (const a of live.agents) {
    const row = agents.insertRow();
    row.dataset.agentId = String(a.agent_id);
    row.dataset.testid = "agent-row-" + a.job_number;
    row.insertCell().textContent = a.name + " (" + a.job_number + ")";
    row.insertCell().textContent = a.state;
    row.insertCell().textContent = seconds(now - a.state_since);
    const onCall = a.caller_number || (a.call_id ? "on call" : "");
    row.insertCell().textContent = onCall + (a.call_state && a.call_state !== "talking" ? " (" + a.call_state.replace("_", " ") + ")" : "");
    row.insertCell().textContent = a.phone_registered === null ? "simulated" : (a.phone_registered ? "registered" : "not registered");
    const supervise = row.insertCell();
    for (const mode of ["listen", "whisper", "barge"]) {
      supervise.appendChild(button(mode, mode + "-" + a.job_number, function () { startSupervision(a, mode); }));
    }
    const force = row.insertCell();
    force.appendChild(button("not ready", "force-not-ready-" + a.job_number, function () { forceState(a, "not_ready"); }));
    force.appendChild(button("log out", "force-logout-" + a.job_number, function () { forceState(a, "logged_out"); }));
  }
}

// Per channel: where the outbox's messages stand; a channel with no sender keeps its messages waiting.
function renderHealth(channels) {
  const body = el("notification-health").tBodies[0];
  body.replaceChildren();
  for (const c of channels) {
    const row = body.insertRow();
    const name = c.channel || "none";
    row.dataset.testid = "notify-" + name;
    row.insertCell().textContent = name;
    row.insertCell().textContent = c.sender ? "yes" : "none (waits)";
    for (const status of ["queued", "retry", "sending", "given_up", "unknown"]) {
      row.insertCell().textContent = String(c[status]);
    }
    if (!c.sender && c.queued + c.retry > 0) { row.className = "alert"; }
  }
}

// A supervision that ended (the supervisor's or the agent's phone hung up, the call over) leaves the list.
const boardEvents = {
  supervision: function (event) {
    if (event.state !== "ended") { return; }
    for (const li of el("supervisions").querySelectorAll("li")) {
      if (li.dataset.supervisionId === event.supervision_id) { li.remove(); }
    }
  },
};

async function startSupervision(agent, mode) {
  const result = await api("POST", "/api/supervisor/supervise", { agent_id: agent.agent_id, mode: mode });
  if (!result.ok) { showError("console-error", result.data.error || "could not supervise"); return; }
  showError("console-error", "");
  const li = document.createElement("li");
  li.dataset.supervisionId = result.data.supervision_id;
  li.textContent = mode + " " + agent.name + " (" + agent.job_number + ") ";
  li.appendChild(button("end", "end-supervision", async function () {
    const ended = await api("DELETE", "/api/supervisor/supervise/" + encodeURIComponent(result.data.supervision_id));
    if (ended.ok) { li.remove(); } else { showError("console-error", ended.data.error || "could not end"); }
  }));
  el("supervisions").appendChild(li);
}

async function forceState(agent, state) {
  const result = await api("POST", "/api/supervisor/agents/" + agent.agent_id + "/state",
    { state: state, reason: el("force-reason").value });
  showError("console-error", result.ok ? "" : (result.data.error || "could not change the state"));
  refresh();
}

document.addEventListener("DOMContentLoaded", function () {
  connectLive(boardEvents, { always: refresh });
  refresh();
  setInterval(refresh, 2000);
});

function answersText(answers) {
  return Object.entries(answers).map(function ([question, keys]) {
    return question + ": " + Object.entries(keys).map(function ([key, n]) { return key + "×" + n; }).join(" ");
  }).join("; ");
}

function renderSurveys(campaigns) {
  const body = el("survey-campaigns").tBodies[0];
  body.replaceChildren();
  for (const c of campaigns) {
    const row = body.insertRow();
    row.dataset.campaign = c.campaign;
    for (const value of [c.campaign, c.survey, c.status, c.dialled, c.answered, c.completed, c.remaining,
                         answersText(c.answers)]) {
      row.insertCell().textContent = String(value);
    }
  }
}

function renderPostCall(postCall) {
  const body = el("post-call-survey").tBodies[0];
  body.replaceChildren();
  const row = body.insertRow();
  for (const value of [postCall.surveyed, postCall.completed, answersText(postCall.answers), postCall.comments]) {
    row.insertCell().textContent = String(value);
  }
}

// Overdue or escalated complaints, the most escalated first (level 1: the owner's supervisor, 2: head of service),
// each with a job number to give it to.
function renderComplaints(complaints) {
  const shown = JSON.stringify(complaints);
  if (shown === board.complaints) { return; }  // unchanged: keep what the supervisor is typing
  board.complaints = shown;
  const body = el("complaint-board").tBodies[0];
  body.replaceChildren();
  for (const c of complaints) {
    const row = body.insertRow();
    row.dataset.testid = "complaint-" + c.reference;
    const escalated = c.escalation_level > 0 ? c.escalated_to + (c.escalation_level > 1 ? " (head of service)" : " (supervisor)") : "";
    for (const value of [c.reference, c.client || c.sender || "unknown", c.channel, c.category, c.status, c.owner || "",
                         c.acknowledge_by_local, c.resolve_by_local, c.overdue || "", escalated]) {
      row.insertCell().textContent = String(value);
    }
    const owner = document.createElement("input");
    owner.size = 6;
    owner.maxLength = 20;
    owner.placeholder = "job no.";
    owner.dataset.testid = "assign-job-" + c.reference;
    const give = row.insertCell();
    give.appendChild(owner);
    give.appendChild(button("assign", "assign-" + c.reference, async function () {
      const result = await api("POST", "/api/complaints/" + c.id + "/assign", { job_number: owner.value.trim() });
      showError("console-error", result.ok ? "" : (result.data.error || "not assigned"));
      refresh();
    }));
    if (c.escalation_level > 0) { row.className = "alert"; }
  }
}

function renderServiceLevels(levels) {
  const body = el("service-levels").tBodies[0];
  body.replaceChildren();
  for (const level of levels) {
    const row = body.insertRow();
    row.dataset.rule = level.rule_code;
    for (const value of [level.rule_code, level.condition, level.priority, level.answer_within_seconds,
                         level.wait_for_agent_seconds]) {
      row.insertCell().textContent = String(value);
    }
  }
}
