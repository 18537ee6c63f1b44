"use strict";
document.addEventListener("DOMContentLoaded", function () {
  el("login-form").addEventListener("submit", async function (submitted) {
    submitted.preventDefault();
    showError("login-error", "");
    const result = await api("POST", "/api/login", {
      job_number: el("job-number").value.trim(), password: el("password").value,
    });
    if (result.ok) {
      window.location.assign(result.data.home);
    } else if (result.status === 423) {
      showError("login-error", "Too many failed attempts: this job number is locked. Try again later.");
    } else if (result.status === 401) {
      showError("login-error", "Wrong job number or password.");
    } else {
      showError("login-error", result.data.error || "Login failed.");
    }
  });
});
