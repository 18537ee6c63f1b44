"use strict";
// The client's text chat on the desk: offered by the ACD (live event `chat`) with the client's screen-pop, answered,
// the transcript kept up to date on each `message` event, a box to write, an End button. Ending puts the agent in
// wrap-up (the ACD's agent_state event follows). A message keeps its request id until the server accepts it (as the
// portal's chat.js does), so a double click or a retry after a timeout is one message, never two.
const chatDesk = { id: 0, seq: 0, pendingId: "" };

function chatPath(suffix) { return "/api/chats/" + chatDesk.id + suffix; }

function showChat(id, topic, state) {
  if (id !== chatDesk.id) {
    chatDesk.id = id;
    chatDesk.seq = 0;
    chatDesk.pendingId = "";
    el("chat-transcript").replaceChildren();
  }
  el("chat").hidden = false;
  if (topic) { text("chat-topic", topic); }
  text("chat-state", state);
  el("chat-answer").hidden = state !== "offered";
  el("chat-form").hidden = state !== "talking";
  el("chat-end").hidden = state === "ended" || state === "missed";
}

async function loadTranscript() {
  if (!chatDesk.id) { return; }
  const result = await api("GET", chatPath("/messages?after=" + chatDesk.seq));
  if (!result.ok) { return; }
  for (const message of result.data.messages) {
    if (message.seq <= chatDesk.seq) { continue; }
    const li = document.createElement("li");
    li.className = "chat-" + message.author;
    li.dataset.seq = String(message.seq);
    li.textContent = (message.author === "client" ? "Client: " : "Me: ") + message.text;
    el("chat-transcript").appendChild(li);
    chatDesk.seq = message.seq;
  }
}

async function chatChanged(chatId, state, seq, endedBy) {
  if (state === "offered") {
    showChat(chatId, "", "offered");
    await loadScreenPop(null, false, chatId);
    await loadTranscript();
  } else if (chatId !== chatDesk.id) {
    return;
  } else if (state === "message") {
    if (seq > chatDesk.seq) { await loadTranscript(); }
  } else {
    showChat(chatId, "", state === "ended" ? "ended" + (endedBy ? " by " + endedBy : "") : state);
    await loadTranscript();
  }
}

// After a reload: the chat offered to me or that I am in.
async function resumeChat() {
  const result = await api("GET", "/api/me/chat");
  if (!result.ok || !result.data.chat) { return; }
  const chat = result.data.chat;
  showChat(chat.id, chat.topic, chat.status === "queued" ? "offered" : chat.status);
  await loadScreenPop(null, false, chat.id);
  await loadTranscript();
}

document.addEventListener("DOMContentLoaded", function () {
  document.addEventListener("screen-pop", function (popped) {  // agent.js loaded a screen-pop: a chat's names its topic
    if (popped.detail.chat && popped.detail.chat.id === chatDesk.id) { text("chat-topic", popped.detail.chat.topic); }
  });
  el("chat-answer").addEventListener("click", async function () {
    const result = await api("POST", chatPath("/answer"));
    if (!result.ok) { showError("desk-error", result.data.error || "not answered"); return; }
    showError("desk-error", "");
    showChat(chatDesk.id, result.data.topic, "talking");
    el("chat-text").focus();
  });
  el("chat-end").addEventListener("click", async function () {
    const result = await api("POST", chatPath("/end"));
    if (!result.ok) { showError("desk-error", result.data.error || "not ended"); return; }
    showChat(chatDesk.id, "", "ended by agent");
  });
  el("chat-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    chatDesk.pendingId = chatDesk.pendingId || newRequestId();
    const body = { text: el("chat-text").value, request_id: chatDesk.pendingId };
    const result = await api("POST", chatPath("/messages"), body);
    if (!result.ok) { showError("desk-error", result.data.error || "not sent"); return; }
    chatDesk.pendingId = "";
    showError("desk-error", "");
    el("chat-text").value = "";
    await loadTranscript();
  });
});
