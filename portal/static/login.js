"use strict";
document.addEventListener("DOMContentLoaded", function () {
  el("login-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    showError("login-error", "");
    const result = await api("POST", "/api/login", {
      account: el("account").value.trim(), password: el("password").value,
    });
    el("password").value = "";
    if (result.ok) {
      window.location.assign("/home");
    } else if (result.status === 423) {
      showError("login-error", "Too many wrong trading passwords: this account is locked. Try again later or call us.");
    } else if (result.status === 401) {
      showError("login-error", "Wrong fund account or trading password.");
    } else if (result.status === 429) {
      showError("login-error", "Too many attempts. Wait a moment and try again.");
    } else {
      showError("login-error", result.data.error || "Login failed.");
    }
  });
});
