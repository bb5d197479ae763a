// The pages' only script: it follows a running job, fills the file input from a drop, and asks
// before a deletion. Every page works without it (forms post, the job page can be reloaded).
"use strict";

const FINISHED = ["done", "failed", "cancelled"];

function number(value, level) {
  if (value === null || value === undefined) return "–";
  const text = Number(value).toLocaleString("en-US", { maximumFractionDigits: 1 });
  return level && level.indexOf("cost") >= 0 ? "US$" + text : text;
}

function set(id, text) {
  const node = document.getElementById(id);
  if (node) node.textContent = text;
}

function follow(section) {
  const id = section.dataset.job;
  const poll = async () => {
    let job;
    try {
      const answer = await fetch("/v1/jobs/" + encodeURIComponent(id), {
        credentials: "same-origin", headers: { Accept: "application/json" } });
      if (answer.status === 401) { window.location.assign("/sign-in?m=ended"); return; }
      if (!answer.ok) { window.setTimeout(poll, 3000); return; }
      job = await answer.json();
    } catch (err) {
      window.setTimeout(poll, 3000);
      return;
    }
    set("job-status", job.status + (job.result_status ? " (" + job.result_status + ")" : ""));
    set("job-queue", job.queue_position === null || job.queue_position === undefined ? "–"
      : "number " + job.queue_position + " in the queue");
    const p = job.progress;
    if (p) {
      set("job-level", p.level + " (" + p.level_number + " of " + p.levels + ")");
      set("job-value", number(p.value, p.level));
      set("job-bound", number(p.bound, p.level));
      set("job-done", p.total ? p.done + " of " + p.total : "–");
      set("job-elapsed", Number(p.elapsed_s).toFixed(2) + " s");
    }
    if (FINISHED.indexOf(job.status) >= 0) {
      window.location.reload();
      return;
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
}

function dropzone(zone) {
  const input = zone.querySelector("input[type=file]");
  const chosen = zone.querySelector(".chosen");
  const show = () => {
    if (chosen) chosen.textContent = input.files.length ? "Chosen: " + input.files[0].name : "";
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((kind) => zone.addEventListener(kind, (event) => {
    event.preventDefault();
    zone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((kind) => zone.addEventListener(kind, () => {
    zone.classList.remove("over");
  }));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  // A page answered to a form post (an upload) names its own address: reloading it, or
  // bookmarking it, then opens the scenario rather than posting the file again.
  const canonical = document.querySelector("[data-canonical]");
  if (canonical) window.history.replaceState(null, "", canonical.dataset.canonical);
  const section = document.getElementById("progress");
  if (section && FINISHED.indexOf(section.dataset.status) < 0) follow(section);
  document.querySelectorAll(".dropzone").forEach(dropzone);
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
