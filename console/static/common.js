"use strict";
// Shared by every page: JSON calls to /api, the live WebSocket, small DOM helpers.

// Set when the user logs out: the session's end then closes the live socket and fails pending calls,
// which must not send the page to "session expired" after it went to the login page.
let leaving = false;

async function api(method, path, body) {
  const options = { method: method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  if (response.status === 401 && path !== "/api/login" && !leaving) {
    window.location.assign("/login?expired=1");
  }
  return { ok: response.ok, status: response.status, data: data };
}

function el(id) { return document.getElementById(id); }

function text(id, value) {
  const node = el(id);
  if (node) { node.textContent = value === null || value === undefined ? "" : String(value); }
}

function showError(id, message) {
  const node = el(id);
  if (!node) { return; }
  node.textContent = message || "";
  node.hidden = !message;
}

function fillList(id, items, render) {
  const node = el(id);
  node.replaceChildren();
  for (const item of items) {
    const li = document.createElement("li");
    li.textContent = render(item);
    node.appendChild(li);
  }
  if (items.length === 0) {
    const li = document.createElement("li");
    li.textContent = "none";
    li.className = "none";
    node.appendChild(li);
  }
}

function fillTable(id, header, rows) {
  const node = el(id);
  node.replaceChildren();
  const head = document.createElement("tr");
  for (const title of header) {
    const th = document.createElement("th");
    th.textContent = title;
    head.appendChild(th);
  }
  node.appendChild(head);
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const cell of row) {
      const td = document.createElement("td");
      td.textContent = cell === null || cell === undefined ? "" : String(cell);
      tr.appendChild(td);
    }
    node.appendChild(tr);
  }
}

function connectLive(onEvent) {
  let delay = 500;
  function open() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/ws");
    socket.onopen = function () { delay = 500; };  // "connected" once the server says hello (subscribed)
    socket.onmessage = function (message) {
      let event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "hello") { text("live-connection", "connected"); return; }
      onEvent(event);
    };
    socket.onclose = function (closed) {
      text("live-connection", "disconnected");
      if (leaving) { return; }
      if (closed.code === 1008) { window.location.assign("/login?expired=1"); return; }
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }
  open();
}

document.addEventListener("DOMContentLoaded", function () {
  const logout = el("logout");
  if (logout) {
    logout.addEventListener("click", async function () {
      leaving = true;
      await api("POST", "/api/logout");
      window.location.assign("/login");
    });
  }
});
