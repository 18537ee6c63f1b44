"use strict";
// The agent desktop: state control, wrap-up countdown, screen-pop on the live screen_pop event, call actions.
// Where a callback came from, as the desk says it (crm_core.models.callback: its origin).
const CALLBACK_ORIGINS = { queue: "kept their place", scheduled: "scheduled", portal: "asked on the portal" };
const desk = { agentId: 0, wrapUpSeconds: 30, callId: "", investorId: null, timer: null, state: "",
  stateEvents: 0, phoneEvents: 0, offeredCallId: "", callEvents: 0, callEventsOf: "" };

async function setState(state, reason) {
  showError("desk-error", "");
  const body = { state: state };
  if (reason) { body.reason = reason; }
  const eventsBefore = desk.stateEvents;
  const result = await api("PUT", "/api/me/state", body);
  if (!result.ok) { showError("desk-error", result.data.error || "could not change state"); return false; }
  // The ACD may have moved me on meanwhile (ready, then offered a contact at once): its event is newer.
  if (desk.stateEvents === eventsBefore) { showState(result.data.state, result.data.reason); }
  // And this reply is newer than any request sent before it: the first load's, if it is still on its way
  // (a click on Ready while the desk was loading was shown, then overwritten by the older reply).
  desk.stateEvents += 1;
  return true;
}

function showState(state, reason) {
  desk.state = state;
  text("agent-state", state);
  text("state-reason", reason ? "(" + reason + ")" : "");
  if (state === "wrap_up") { startWrapUp(); } else { stopWrapUp(); }
}

function startWrapUp() {
  if (desk.timer !== null) { return; }
  let left = desk.wrapUpSeconds;
  el("wrap-up").hidden = false;
  text("wrap-up-countdown", left);
  desk.timer = setInterval(async function () {
    left -= 1;
    text("wrap-up-countdown", Math.max(left, 0));
    if (left <= 0) {
      stopWrapUp();
      if (desk.state === "wrap_up") { await setState("ready"); }
    }
  }, 1000);
}

function stopWrapUp() {
  if (desk.timer !== null) { clearInterval(desk.timer); desk.timer = null; }
  el("wrap-up").hidden = true;
}

async function loadMe() {
  const eventsBefore = desk.stateEvents;
  const phoneEventsBefore = desk.phoneEvents;
  const result = await api("GET", "/api/me");
  if (!result.ok) { return; }
  desk.wrapUpSeconds = result.data.wrap_up_seconds;
  const live = result.data.live;
  const stored = result.data.state || {};
  // The live socket opens beside this request: a state event that came meanwhile is newer than the reply.
  if (desk.stateEvents === eventsBefore) { showState(live ? live.state : stored.state, live ? null : stored.reason); }
  if (desk.phoneEvents === phoneEventsBefore) {
    showPhone(live && live.phone_registered !== null ? live.phone_registered : (live ? "simulated" : "unknown"));
  }
  if (live && live.call_id && !desk.callId) { await loadScreenPop(live.call_id); }
  await resumeChat();
}

// What Asterisk says of the agent's SIP phone: true (registered), false, or "simulated" / "unknown".
function showPhone(registered) {
  text("phone-registered", registered === true ? "registered" : (registered === false ? "not registered" : registered));
}

function describeStep(step) {
  const details = Object.entries(step.detail || {}).map(function (pair) { return pair[0] + "=" + pair[1]; });
  return step.kind + (details.length ? " (" + details.join(", ") + ")" : "");
}

function complaintLine(c) { return c.reference + " " + c.category + ": " + c.summary + " (" + c.status + ")"; }

// A call's screen-pop, or (chatId) a chat's: the same component, labelled chat.
async function loadScreenPop(callId, consulted, chatId) {
  const path = chatId ? "/api/chats/" + chatId : "/api/calls/" + encodeURIComponent(callId);
  const eventsBefore = desk.callEvents;
  const result = await api("GET", path + "/screen-pop");
  if (!result.ok) { showError("desk-error", result.data.error || "no screen-pop"); return; }
  const pop = result.data;
  const investor = pop.investor || {};
  desk.callId = pop.call_id;
  desk.offeredCallId = "";
  // A consultation (someone's attended transfer to me) shows the caller before the call is mine.
  // The call line from the record as it was read, unless a live event of this call came meanwhile: it is newer (a
  // click-to-dial answered while its screen-pop was on its way showed "talking", then the older "dialing").
  const newerShown = desk.callEvents !== eventsBefore && desk.callEventsOf === pop.call_id;
  if (!pop.chat && !newerShown) {
    showCallState(consulted ? "consulted" : (pop.status === "ringing" ? "dialing" : pop.status));
  }
  desk.investorId = investor.id || null;
  el("screen-pop").dataset.callId = pop.call_id;
  el("screen-pop-empty").hidden = true;
  el("screen-pop-body").hidden = false;
  text("caller-name", pop.caller_name);
  text("caller-number", pop.caller_number || "no number");
  text("caller-account", investor.account_number || "—");
  el("caller-vip").hidden = !pop.vip;
  // A callback: the agent is calling the client back (they kept their place in the queue, or it was scheduled).
  el("caller-callback").hidden = !pop.callback;
  text("caller-callback", pop.callback ? "Callback (" + (CALLBACK_ORIGINS[pop.callback.origin] || "scheduled") + ")" +
    (pop.callback.note ? ": " + pop.callback.note : "") : "Callback");
  el("caller-chat").hidden = !pop.chat;
  el("caller-relationship").hidden = !pop.relationship;
  text("caller-relationship", pop.relationship || "");
  text("investor-class", investor.investor_class || "—");
  // The class suitability decides on, the back office's declared one beside it when they differ.
  text("risk-class", investor.risk_class_label || "—");
  text("segment-path", pop.segment_path || "—");
  text("call-id", pop.chat ? "chat " + pop.chat.id : pop.call_id);
  fillList("ivr-path", pop.ivr_path, describeStep);
  fillTable("holdings", ["Account", "Security", "Name", "Quantity", "Sellable", "Last price", "Market value"],
    pop.holdings.map(function (h) {
      return [h.account_number, h.security_code, h.name, h.quantity, h.sellable, h.last_price, h.market_value];
    }));
  fillTable("funds", ["Account", "Available", "Frozen", "Total", "Status"],
    pop.funds.map(function (f) { return [f.account_number, f.available, f.frozen, f.total, f.status]; }));
  fillTable("open-orders", ["Account", "Order", "Side", "Security", "Price", "Quantity", "Filled", "Status"],
    pop.open_orders.map(function (o) {
      return [o.account_number, o.order_id, o.side, o.security_code, o.price, o.quantity, o.filled_quantity, o.status];
    }));
  fillTable("fills-today", ["Account", "Time", "Side", "Security", "Price", "Quantity", "Amount"],
    pop.fills_today.map(function (f) {
      return [f.account_number, f.filled_at.slice(11, 19), f.side, f.security_code, f.price, f.quantity, f.amount];
    }));
  fillList("recent-calls", pop.recent_calls, function (c) {
    const notes = c.notes.map(function (n) { return n.code + (n.note ? ": " + n.note : ""); }).join("; ");
    return c.entered_at.slice(0, 16).replace("T", " ") + " " + c.status + (c.agent ? " · " + c.agent : "") +
      (notes ? " — " + notes : "");
  });
  fillList("recent-chats", pop.recent_chats, function (c) {
    return c.created_at.slice(0, 16).replace("T", " ") + " " + c.topic + " " + c.status + " — " +
      c.transcript.map(function (m) { return m.author + ": " + m.text; }).join(" / ");
  });
  fillList("complaints", pop.complaints, complaintLine);
  fillList("reminders", pop.reminders, function (r) { return r.due_at.slice(0, 16).replace("T", " ") + " " + r.text; });
  showOpenCallbacks(pop.open_callbacks);
  document.dispatchEvent(new CustomEvent("screen-pop", { detail: pop }));  // other desk forms pre-fill from it
  showNotifications(pop.notifications);
  text("disposition-saved", "");
  text("reply-status", "");
}

function callbackLine(c) {
  return c.due_at.slice(0, 16).replace("T", " ") + " " + c.skill + " (" + (CALLBACK_ORIGINS[c.origin] || c.origin) +
    ", " + c.status + ")" + (c.note ? ": " + c.note : "");
}

// The client's callbacks not yet made; on a call, each with a button that cancels it for them (they called in first).
function showOpenCallbacks(items) {
  fillList("open-callbacks", items, callbackLine);
  if (!desk.callId) { return; }
  const callId = desk.callId;
  const lines = el("open-callbacks").children;
  items.forEach(function (c, i) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "cancel";
    button.dataset.testid = "cancel-callback-" + c.id;
    button.addEventListener("click", async function () {
      button.disabled = true;
      const result = await api("POST", "/api/calls/" + encodeURIComponent(callId) + "/callbacks/" + c.id + "/cancel");
      if (result.ok) {
        lines[i].textContent = callbackLine(result.data);
        showError("desk-error", "");
      } else {
        button.disabled = false;
        showError("desk-error", result.data.error || "the callback was not cancelled");
      }
    });
    lines[i].append(" ", button);
  });
}

function showNotifications(notifications) {
  fillTable("notifications", ["When", "Purpose", "Channel", "Status", "Reason"],
    notifications.map(function (n) {
      return [n.created_at.slice(0, 16).replace("T", " "), n.purpose, n.channel || "—", n.status, n.reason];
    }));
}

// ringing | talking | held | consult_ringing | consulting | conference (from call_state events), ended, missed,
// abandoned, none; `target`: whom a consultation (or a three-way call) talks to
function showCallState(state, target) {
  text("call-state", state.replace("_", " "));
  const held = state === "held" || state.startsWith("consult");
  el("hold-button").dataset.on = String(held);
  el("hold-button").textContent = held ? "Resume" : "Hold";
  el("consultation").hidden = !state.startsWith("consult");
  el("conference").hidden = state !== "conference";
  if (target && state.startsWith("consult")) { text("consult-target", target); }
  if (target && state === "conference") { text("conference-target", target); }
}

// Expert help: a three-way call with the consulted expert, either side leaving it, or the expert queue.
async function callControl(path, body, failed) {
  if (!needCall()) { return; }
  const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + path, body);
  showError("desk-error", result.ok ? "" : (result.data.error || failed));
}

// The call Asterisk reports ringing on my phone, before its screen-pop makes it my call.
function offered(callId) { return callId === desk.offeredCallId && callId !== desk.callId; }

// The live events the desk follows, by their names in LIVE_EVENTS; each handler reads only its event's fields
// (tests/unit/console/test_live_events.py checks them against crm_core/events.py).
const deskEvents = {
  screen_pop: function (event) { loadScreenPop(event.call_id, event.consultation); },
  // Wrap-up itself comes from the ACD as an agent_state event; the countdown then returns to ready.
  agent_state: function (event) { desk.stateEvents += 1; showState(event.state, event.reason); },
  phone: function (event) { desk.phoneEvents += 1; showPhone(event.registered); },
  call_state: function (event) {
    // Asterisk reports my phone ringing for a new call: the call line follows it until the screen-pop takes over.
    if (event.state === "ringing") { desk.offeredCallId = event.call_id; }
    if (event.call_id === desk.callId || offered(event.call_id)) {
      showLiveCallState(event.call_id, event.state, event.target_number || ("agent " + event.target_agent_id));
    }
  },
  // A client's chat: offered (with its screen-pop), answered, a new message, missed or ended (desk_chat.js).
  chat: function (event) { chatChanged(event.chat_id, event.state, event.seq, event.ended_by); },
  call_ended: function (event) {
    if (offered(event.call_id)) {  // rang and was not answered, or the caller gave up
      desk.offeredCallId = "";
      showLiveCallState(event.call_id, event.status);
    } else if (event.call_id === desk.callId) {
      text("call-id", desk.callId + " (ended)");
      showLiveCallState(event.call_id, event.status === "transferred" ? "transferred" : "ended");
    }
  },
};

function mine(event) { return event.agent_id === desk.agentId; }

// A live event set the call line of this call: a screen-pop of it still on its way must not put back an older one.
// A live event's call line: counted, so that a screen-pop read before it does not put back the older line.
function showLiveCallState(callId, state, target) {
  desk.callEvents += 1;
  desk.callEventsOf = callId;
  showCallState(state, target);
}

async function loadBook() {
  const query = el("book-search").value.trim();
  const result = await api("GET", "/api/me/book" + (query ? "?q=" + encodeURIComponent(query) : ""));
  if (!result.ok) { showError("desk-error", result.data.error || "no book"); return; }
  const body = el("book-list").tBodies[0];
  body.replaceChildren();
  for (const client of result.data.investors) {
    const row = body.insertRow();
    row.dataset.account = client.account_number;
    for (const value of [client.name, client.account_number, client.segment || "—", client.open_complaints,
                         client.reminders, client.callbacks]) {
      row.insertCell().textContent = String(value);
    }
    const call = document.createElement("button");
    call.type = "button";
    call.textContent = "call";
    call.dataset.testid = "book-call-" + client.account_number;
    call.disabled = !client.phone;
    call.addEventListener("click", function () { dial(client.phone); });
    row.insertCell().appendChild(call);
  }
}

async function dial(number) {
  const result = await api("POST", "/api/dial", { number: number });
  if (result.ok) { text("dial-result", "calling… " + result.data.call_id); showError("desk-error", ""); }
  else { showError("desk-error", result.data.error || "dial failed"); }
}

function needCall() {
  if (!desk.callId) { showError("desk-error", "no current call"); return false; }
  return true;
}

document.addEventListener("DOMContentLoaded", function () {
  const root = el("agent-desk");
  desk.agentId = Number(root.dataset.agentId);
  desk.wrapUpSeconds = Number(root.dataset.wrapUpSeconds);
  el("ready-button").addEventListener("click", function () { setState("ready"); });
  el("not-ready-button").addEventListener("click", function () { setState("not_ready", el("not-ready-reason").value); });
  el("wrap-up-button").addEventListener("click", function () { setState("wrap_up"); });
  el("phone-logout-button").addEventListener("click", function () { setState("logged_out"); });
  el("wrap-up-stop").addEventListener("click", function () { stopWrapUp(); });
  el("disposition-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    if (!needCall()) { return; }
    const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + "/disposition",
      { code: el("disposition-code").value, note: el("disposition-note").value });
    if (result.ok) { text("disposition-saved", "saved"); el("disposition-note").value = ""; showError("desk-error", ""); }
    else { showError("desk-error", result.data.error || "not saved"); }
  });
  el("hold-button").addEventListener("click", async function () {
    if (!needCall()) { return; }
    const on = el("hold-button").dataset.on !== "true";
    const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + "/hold", { on: on });
    if (result.ok) { showCallState(on ? "held" : "talking"); showError("desk-error", ""); }
    else { showError("desk-error", result.data.error || "hold failed"); }
  });
  for (const [id, action] of [["transfer-complete", "complete"], ["transfer-cancel", "cancel"]]) {
    el(id).addEventListener("click", async function () {
      if (!needCall()) { return; }
      const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + "/transfer/" + action);
      showError("desk-error", result.ok ? "" : (result.data.error || "transfer " + action + " failed"));
    });
  }
  el("conference-join").addEventListener("click", function () { callControl("/conference", {}, "no three-way call"); });
  for (const who of ["agent", "expert"]) {
    el("conference-leave-" + who).addEventListener("click", function () {
      callControl("/conference/leave", { who: who }, "could not leave the three-way call");
    });
  }
  el("expert-form").addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    callControl("/queue", { topic: el("expert-topic").value }, "not handed to the expert queue");
  });
  el("transfer-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    if (!needCall()) { return; }
    const body = { attended: el("transfer-attended").checked };
    if (el("transfer-job").value.trim()) { body.to_job_number = el("transfer-job").value.trim(); }
    else { body.to_number = el("transfer-number").value.trim(); }
    const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + "/transfer", body);
    showError("desk-error", result.ok ? "" : (result.data.error || "transfer failed"));
  });
  el("reply-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    if (!needCall()) { return; }
    const result = await api("POST", "/api/calls/" + encodeURIComponent(desk.callId) + "/reply",
      { channel: el("reply-channel").value, subject: el("reply-subject").value, body: el("reply-body").value });
    if (!result.ok) { showError("desk-error", result.data.error || "not sent"); return; }
    showError("desk-error", "");
    const n = result.data;
    text("reply-status", n.status + " by " + (n.channel || "no channel") + (n.reason ? " (" + n.reason + ")" : ""));
    const pop = await api("GET", "/api/calls/" + encodeURIComponent(desk.callId) + "/screen-pop");
    if (pop.ok) { showNotifications(pop.data.notifications); }
  });
  el("callback-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    if (!desk.investorId) { showError("desk-error", "the caller is not a known investor"); return; }
    const at = new Date(el("callback-at").value);
    if (isNaN(at.getTime())) { showError("desk-error", "choose a time"); return; }
    const result = await api("POST", "/api/callbacks",
      { investor_id: desk.investorId, at: at.toISOString(), note: el("callback-note").value });
    if (!result.ok) { showError("desk-error", result.data.error || "not scheduled"); return; }
    text("callback-saved", "scheduled");
    showError("desk-error", "");
    if (!desk.callId) { return; }  // a chat's client: the list shows on their next call
    const pop = await api("GET", "/api/calls/" + encodeURIComponent(desk.callId) + "/screen-pop");
    if (pop.ok) { showOpenCallbacks(pop.data.open_callbacks); }
  });
  el("call-back-now").addEventListener("click", function () {
    el("dial-number").value = el("caller-number").textContent === "no number" ? "" : el("caller-number").textContent;
    el("dial-number").focus();
  });
  el("dial-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    await dial(el("dial-number").value.trim());
  });
  el("book-form").addEventListener("submit", function (submitted) { submitted.preventDefault(); loadBook(); });
  connectLive(deskEvents, { accept: mine });
  loadMe().then(loadBook);  // my state first: the book is not urgent
});
