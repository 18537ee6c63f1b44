"use strict";
// Shared by every page: JSON calls to /api, the live WebSocket, small DOM helpers.

// Set when the user logs out: the session's end then closes the live socket and fails pending calls,
// which must not send the page to "session expired" after it went to the login page.
let leaving = false;

async function api(method, path, body) {
  const options = { method: method, headers: {}, credentials: "same-origin" };
  if (body instanceof FormData) {
    options.body = body;  // multipart/form-data, its boundary set by the browser
  } else if (body !== undefined) {
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

// A request's id, kept by the page until the server accepts the request: sent again, it is the same request
// (the same as the portal's newRequestId: the two apps share no script).
function newRequestId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
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

// The live events' names and fields come from the server: LIVE_EVENTS (/live-events.js, made from
// crm_core/events.py). `handlers`: one function per event name; `options.accept(event)` filters the handled
// events (the desk: mine only); `options.always()` runs after every message (the board refreshes).
function connectLive(handlers, options) {
  const settings = options || {};
  // "connected" once the server says hello (subscribed)
  const named = Object.assign({ hello: function () { text("live-connection", "connected"); } }, handlers);
  for (const name of Object.keys(named)) {
    if (!LIVE_EVENTS[name]) { throw new Error("no live event named " + name); }
  }
  let delay = 500;
  function receive(event) {
    const fields = LIVE_EVENTS[event.type];
    if (!fields) { return; }
    const checked = withFieldsOf(event, fields);
    const handle = named[event.type];
    if (handle && (!settings.accept || settings.accept(checked))) { handle(checked); }
    if (settings.always) { settings.always(); }
  }
  function open() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/ws");
    socket.onopen = function () { delay = 500; };
    socket.onmessage = function (message) {
      let event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      receive(event);
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

// The event as received, refusing to read a field its type does not have (a misspelt or renamed field fails
// loudly instead of reading undefined).
function withFieldsOf(event, fields) {
  return new Proxy(event, {
    get: function (target, name) {
      if (typeof name === "string" && !fields.includes(name)) {
        throw new Error("live event " + target.type + " has no field " + name);
      }
      return target[name];
    },
  });
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
