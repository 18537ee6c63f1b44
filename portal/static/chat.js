"use strict";
// Chat with an agent on the home page: open a chat about a topic, see the status (waiting with my place, with
// the agent's name, ended), the transcript (asked for every 2 s: messages after the last one shown), write, end.
// A message keeps its request id until it is accepted, so sending it again never doubles it. What the hotline
// refused is said in a line of its own, kept until the next request succeeds: the status line is the chat's state,
// which every poll writes again.
const chat = { id: 0, seq: 0, status: "", pendingId: "", timer: null };

function chatStatusText(c) {
  if (c.status === "waiting") {
    return "Waiting for an agent" + (c.position ? " (you are number " + c.position + ")" : "") + "…";
  }
  if (c.status === "talking") { return "Chatting with " + (c.agent_name || "an agent") + "."; }
  return c.ended_by === "client" ? "You ended the chat." : (c.ended_by === "timeout" ? "The chat ended (no activity)."
    : "The agent ended the chat.");
}

function showChatState(c) {
  chat.id = c.id;
  chat.status = c.status;
  byTestId("chat-status").textContent = chatStatusText(c);
  el("chat-box").hidden = false;
  el("chat-open-form").hidden = c.status !== "ended";
  el("chat-form").hidden = c.status === "ended";
  if (c.status === "ended" && chat.timer !== null) { clearInterval(chat.timer); chat.timer = null; }
}

function addMessages(messages) {
  for (const m of messages) {
    if (m.seq <= chat.seq) { continue; }
    const li = document.createElement("li");
    li.className = "chat-" + m.author;
    li.textContent = (m.author === "client" ? "Me: " : "Agent: ") + m.text;
    el("chat-transcript").appendChild(li);
    chat.seq = m.seq;
  }
}

async function pollChat() {
  if (!chat.id) { return; }
  const result = await api("GET", "/api/chats/" + chat.id + "/messages?after=" + chat.seq);
  if (!result.ok) { return; }
  addMessages(result.data.messages);
  showChatState(result.data.chat);
}

function follow(c) {
  if (c.id !== chat.id) { chat.seq = 0; el("chat-transcript").replaceChildren(); }
  showChatState(c);
  if (chat.timer === null && c.status !== "ended") { chat.timer = setInterval(pollChat, 2000); }
  pollChat();
}

document.addEventListener("DOMContentLoaded", async function () {
  el("chat-open-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    const result = await api("POST", "/api/chats", { topic: el("chat-topic").value });
    if (!result.ok) { byTestId("chat-message").textContent = "Refused: " + result.data.error; return; }
    byTestId("chat-message").textContent = "";
    follow(result.data);
  });
  el("chat-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    chat.pendingId = chat.pendingId || newRequestId();
    const result = await api("POST", "/api/chats/" + chat.id + "/messages",
                             { text: el("chat-text").value, request_id: chat.pendingId });
    if (!result.ok) { byTestId("chat-message").textContent = "Not sent: " + result.data.error; return; }
    byTestId("chat-message").textContent = "";
    chat.pendingId = "";
    el("chat-text").value = "";
    await pollChat();
  });
  el("chat-end").addEventListener("click", async function () {
    const result = await api("POST", "/api/chats/" + chat.id + "/end");
    if (result.ok) { showChatState(result.data); }
  });
  const current = await api("GET", "/api/chats/current");
  if (current.ok && current.data.chat) { follow(current.data.chat); }
});
