"use strict";
// Shared by the portal's pages: JSON calls to /api with the session's CSRF token, small DOM helpers.

let leaving = false;

function csrfToken() {
  const session = document.getElementById("session");
  return session ? session.dataset.csrf : "";
}

async function api(method, path, body) {
  const options = { method: method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") { options.headers["X-CSRF-Token"] = csrfToken(); }
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

function byTestId(id) { return document.querySelector('[data-testid="' + id + '"]'); }

function showError(id, message) {
  const node = el(id);
  if (!node) { return; }
  node.textContent = message || "";
  node.hidden = !message;
}

function fillRows(testId, rows, cells) {
  const body = byTestId(testId).querySelector("tbody");
  body.replaceChildren();
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const value of cells(row)) {
      const td = document.createElement("td");
      if (value instanceof Node) { td.appendChild(value); } else { td.textContent = String(value); }
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.textContent = "none";
    td.className = "none";
    tr.appendChild(td);
    body.appendChild(tr);
  }
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
