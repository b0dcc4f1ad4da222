// The tracking checker on the page: binds every [data-jptrack-widget] (again after each
// instant navigation, through Material's document$), starts one module worker per
// document as soon as a page with the checker binds it, and renders the classifier's
// result with DOM text nodes only. The pasted text goes to the worker and nowhere else:
// never into a URL, storage or a request.
//
// Test and tuning knobs (all optional): on the widget root `data-load-timeout` (ms) and
// `data-today` (YYYY-MM-DD); or window.jptrackConfig = {loadTimeout, today, autostart: false,
// snapshot: false (a plain start on the full stdlib) | "always" (the snapshot, however slow
// the network) | "never" (a start on the trimmed stdlib)}. After loading, the root's
// data-engine says which start was used ("snapshot", "trimmed" or "plain", see worker/start.js)
// and data-engine-fallback why.
"use strict";

const HERE = import.meta.url;
// The result's stage links start at the language's root (the widget's data-site-root): the
// script itself is the root's copy for every language (hooks/checker.py).
let siteRoot = new URL("../../", HERE).href;
const DEFAULT_LOAD_TIMEOUT = 60000;

// The asset list the build put in the page (hooks/_assets.py): names relative to this file,
// sizes, SHA-256s and file formats. In the widget's data-jptrack-assets (an attribute: Material's
// instant navigation re-creates the content's <script> elements without their attributes),
// and in <head> on a page loaded in full, which instant navigation keeps.
function assetList(root = document.querySelector("[data-jptrack-widget]")) {
  try {
    if (root && root.dataset.jptrackAssets) return JSON.parse(root.dataset.jptrackAssets);
    return JSON.parse(document.querySelector("script[data-jptrack-assets]").textContent);
  } catch {
    return null;
  }
}

const config = () => (typeof window.jptrackConfig === "object" && window.jptrackConfig) || {};

// ---------------------------------------------------------------------------
// The engine: one worker per document, kept across instant navigation
// ---------------------------------------------------------------------------

// The worker's milestones on the page's timeline (bench/widget.py and the tests read them).
function recordMarks(marks) {
  for (const [name, at] of Object.entries(marks || {})) {
    try { performance.mark(`jptrack:${name}`, { startTime: at - performance.timeOrigin }); } catch { /* old browsers */ }
  }
}

class LoadError extends Error {}

const engine = {
  worker: null,
  state: "idle",          // idle | loading | ready | failed
  progress: { step: 0, of: 3, label: "" },
  error: "",
  ready: null,            // Promise while loading or ready
  pending: new Map(),     // id -> {resolve, reject}
  nextId: 1,
  views: new Set(),       // widget roots to tell about state changes
  searchTold: false,      // Material's search worker told it may start (below)

  start(timeout, root = null) {
    const assets = assetList(root || undefined);
    // Another language's page (instant navigation) needs its own catalog and snapshot.
    if (this.ready && assets && this.catalog && assets.catalog !== this.catalog) this.reset();
    if (this.ready) return this.ready;
    performance.mark("jptrack:start");
    this.state = "loading";
    this.error = "";
    this.progress = { step: 0, of: 3, label: "start" };
    this.catalog = assets ? assets.catalog : null;
    let worker;
    this.ready = new Promise((resolve, reject) => {
      const fail = (message) => {
        if (this.worker !== worker) return;
        clearTimeout(timer);
        this.fail(message);
        reject(new LoadError(message));
      };
      const timer = setTimeout(
        () => fail(`it took longer than ${Math.round(timeout / 1000)} seconds to load`), timeout);
      try {
        if (!assets) throw new Error("the page lacks the checker's asset list");
        worker = new Worker(new URL(assets.worker, HERE), { type: "module", name: "jptrack" });
      } catch (error) {
        this.worker = worker = null;
        clearTimeout(timer);
        this.fail(String(error.message || error));
        reject(new LoadError(this.error));
        return;
      }
      this.worker = worker;
      worker.onerror = (event) => {
        event.preventDefault();
        fail(event.message || "its script could not be loaded");
      };
      worker.onmessageerror = () => fail("it sent a message the page could not read");
      worker.onmessage = ({ data }) => {
        if (this.worker !== worker) return;
        if (data.type === "progress") {
          this.progress = { step: data.step, of: data.of, label: data.label };
          this.notify();
        } else if (data.type === "ready") {
          clearTimeout(timer);
          this.state = "ready";
          this.loadMs = data.ms;
          this.mode = data.mode;                 // "snapshot", "trimmed" or "plain"
          this.fallback = data.fallback || "";
          this.rate = data.rate;                 // what chose the start (bytes/s), if measured
          this.from = data.copies ? "copies" : "http";   // the runtime from Cache Storage copies?
          recordMarks(data.marks);
          this.notify();
          resolve(worker);
        } else if (data.type === "marks") {
          recordMarks(data.marks);   // background work done: the warm-up, the kept copies
        } else if (data.type === "failed") {
          fail(data.message);
        } else if (data.type === "reply" || data.type === "error") {
          const request = this.pending.get(data.id);
          if (!request) return;
          this.pending.delete(data.id);
          if (data.type === "reply") request.resolve(data);
          else request.reject(new Error(data.message));
          setTimeout(() => this.letSearchGo(), 0);   // once the answer is on the page (run() renders it first)
        }
      };
      const fast = config().snapshot !== false && assets.snapshot;
      const policy = ["always", "never"].includes(config().snapshot) ? config().snapshot : "auto";
      worker.postMessage({
        type: "init",
        pyodide: new URL(assets.pyodide, HERE).href,
        archive: new URL(assets.archive, HERE).href,
        catalog: new URL(assets.catalog, HERE).href,
        snapshot: fast ? new URL(assets.snapshot, HERE).href : null,
        stdlib: fast ? new URL(assets.stdlib, HERE).href : null,
        stdlibBytes: assets.stdlibBytes || null,
        buildId: assets.buildId || null,
        lockInfo: assets.lockInfo || null,
        sha256: assets.sha256 || null,   // a kept copy of the runtime is used only if it matches
        shared: assets.shared || {},   // what the worker and the build agree on (hooks/_assets.py)
        snapshotPolicy: fast ? policy : "never",
      });
    });
    this.ready.catch(() => {});
    this.notify();
    return this.ready;
  },

  fail(message) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.state = "failed";
    this.error = message;
    for (const request of this.pending.values()) request.reject(new LoadError(message));
    this.pending.clear();
    this.notify();
  },

  // Drop the worker (failed, or another language's); the next start() makes a fresh one.
  reset() {
    if (this.worker) this.worker.terminate();
    for (const request of this.pending.values()) request.reject(new LoadError("the checker restarted"));
    this.pending.clear();
    this.worker = null;
    this.ready = null;
    this.state = "idle";
    this.error = "";
  },

  // Posted at once, even while Python loads, so the worker answers it before its background
  // warm-up starts. A load that fails rejects it through fail().
  async check(root, text, today, timeout, to, lang) {
    const ready = this.start(timeout, root);
    const worker = this.worker;
    if (!worker) await ready;   // rejects: the worker could not even be created
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: "check", id, text, today, to, lang });
    });
  },

  notify() {
    for (const root of [...this.views]) {
      if (!root.isConnected) { this.views.delete(root); continue; }
      if (this.mode) root.dataset.engine = this.mode;
      if (this.fallback) root.dataset.engineFallback = this.fallback;
      if (this.rate != null) root.dataset.engineRate = String(Math.round(this.rate));
      if (this.from) root.dataset.engineFrom = this.from;
      showEngineState(root);
    }
    this.letSearchGo();
  },

  settled() {
    return this.state === "ready" || this.state === "failed";
  },

  // Material's search index is built once the engine is settled and no check waits for its
  // answer: a customer who pasted while Python loaded gets the answer before the index.
  idle() {
    return this.settled() && this.pending.size === 0;
  },

  letSearchGo() {
    if (!this.searchTold && this.idle()) {
      this.searchTold = true;
      tellSearch();
    }
  },
};

// ---------------------------------------------------------------------------
// Material's search index waits for Python (widget/web/search-after-checker.js)
// ---------------------------------------------------------------------------

// Building the index beside Python's start delays the first result on a small machine, so
// Material's search worker holds it until told here that the engine is ready or failed and
// the checks pasted meanwhile have their answers (it also stops waiting after a few seconds
// by itself).
// Any page of the site may answer (BroadcastChannel is per origin): at worst an index is
// built a little sooner.
const searchChannelName = ((assetList() || {}).shared || {}).searchChannel;   // hooks/_assets.py SEARCH_CHANNEL
const searchChannel = typeof BroadcastChannel === "function" && searchChannelName
  ? new BroadcastChannel(searchChannelName) : null;

function tellSearch() {
  if (searchChannel) searchChannel.postMessage("settled");
}

if (searchChannel) {
  searchChannel.onmessage = ({ data }) => {
    if (data !== "waiting") return;
    if (engine.idle()) tellSearch();
    else engine.searchTold = false;   // tell this worker too once the answers are in
  };
}

// ---------------------------------------------------------------------------
// Binding (idempotent; runs on first load and after each instant navigation)
// ---------------------------------------------------------------------------

function bindAll() {
  document.querySelectorAll("[data-jptrack-widget]").forEach(bind);
}

function bind(root) {
  if (root.dataset.bound) return;
  root.dataset.bound = "true";
  readWords(root);
  const form = root.querySelector("form");
  const input = root.querySelector("textarea");
  const fallback = root.querySelector("[data-jptrack-fallback]");
  if (fallback) fallback.hidden = true;
  engine.views.add(root);
  root.dataset.state = engine.state === "ready" ? "ready" : "idle";

  const warm = () => {
    engine.start(loadTimeout(root), root);
    warmFonts(root);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(root);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run(root);
    }
  });
  // Classify on paste too: after the paste has landed in the textarea.
  input.addEventListener("paste", () => setTimeout(() => run(root, { onPaste: true }), 0));
  // A country chosen after a check answers again with it (the paste may not say).
  const where = root.querySelector(".jptrack__to");
  if (where) where.addEventListener("change", () => { if (input.value.trim()) run(root); });
  input.addEventListener("input", (event) => {
    if (event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop") {
      run(root, { onPaste: true });
    }
  });
  root.addEventListener("focusin", warm);
  root.addEventListener("pointerdown", warm);

  // Start at once on a page that has the checker: Python loads in the worker, off the main
  // thread, so waiting for an idle moment would only make the answer later.
  if (engine.state === "idle" && config().autostart !== false) warm();
  if (engine.state !== "idle") showEngineState(root);
  if (engine.state === "loading") warmFonts(root);   // started from <head>
}

function loadTimeout(root) {
  const value = Number((root && root.dataset.loadTimeout) || config().loadTimeout);
  return value > 0 ? value : DEFAULT_LOAD_TIMEOUT;
}

function today(root) {
  const fixed = root.dataset.today || config().today;
  if (fixed) return fixed;
  const now = new Date();   // the customer's own calendar day
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// ---------------------------------------------------------------------------
// Running a check
// ---------------------------------------------------------------------------

async function run(root, { onPaste = false } = {}) {
  const input = root.querySelector("textarea");
  const text = input.value;
  if (onPaste && text === root.jptrackLastText) return;   // paste + input events: one check
  root.jptrackLastText = text;
  if (!text.trim()) {
    setStatus(root, t("checker_empty"));
    return;
  }
  const max = Number(root.dataset.maxChars) || 1000000;
  if (text.length > max) {
    clearResult(root);
    root.dataset.state = "error";
    setStatus(root, t("checker_too_long", { count: text.length.toLocaleString(LANG), max: max.toLocaleString(LANG) }));
    return;
  }
  const request = (root.jptrackRequest || 0) + 1;
  root.jptrackRequest = request;
  // Post first: the worker starts on the text while the page updates its status.
  const started = performance.now();
  const where = root.querySelector(".jptrack__to");
  const replied = engine.check(root, text, today(root), loadTimeout(root), where ? where.value : "", LANG);
  root.dataset.state = "checking";
  if (engine.state === "ready") setStatus(root, t("checker_checking"));
  else showEngineState(root);
  let reply;
  try {
    reply = await replied;
  } catch (error) {
    if (root.jptrackRequest !== request) return;
    if (error instanceof LoadError) showEngineState(root);
    else showError(root, t("checker_error", { error: error.message }), false);
    return;
  }
  if (root.jptrackRequest !== request || !root.isConnected) return;   // a newer check replaced it
  const data = JSON.parse(reply.json);
  if (!data.ok) {
    clearResult(root);
    root.dataset.state = "error";
    setStatus(root, `${data.message} ${t("checker_one_parcel")}`);
    return;
  }
  renderResult(root, data.result, text, data.view || {});
  root.dataset.state = "result";
  root.dataset.lastMs = String(Math.round((performance.now() - started) * 10) / 10);
  root.dataset.workerMs = String(Math.round(reply.ms * 10) / 10);   // Python's share
  performance.mark("jptrack:result");   // bench/widget.py reads it (cold start to first result)
  const current = data.result.current;
  const label = (data.result.verdict || {}).label;
  setStatus(root, current ? t("checker_result", { title: current.title }) + (label ? ` ${t("sentence_end", { text: label })}` : "")
                          : t("checker_no_status_found"));
}

// ---------------------------------------------------------------------------
// Status region
// ---------------------------------------------------------------------------

function statusRegion(root) {
  return root.querySelector(".jptrack__status");
}

function setStatus(root, message) {
  const region = statusRegion(root);
  region.replaceChildren();
  region.classList.remove("jptrack__status--error", "jptrack__status--loading");
  if (message) region.append(el("p", {}, message));
}

function showEngineState(root) {
  if (engine.state === "loading") {
    const region = statusRegion(root);
    const { step, of, label } = engine.progress;
    const waiting = root.dataset.state === "checking" ? ` ${t("checker_waiting")}` : "";
    region.classList.remove("jptrack__status--error");
    region.classList.add("jptrack__status--loading");
    const bar = el("progress", { max: String(of), "aria-label": t("checker_loading_label") });
    bar.value = step;
    region.replaceChildren(
      el("p", {}, t("checker_loading", { step: Math.max(step, 1), of, label: t(`checker_step_${label || "start"}`) }) + waiting),
      bar);
    if (root.dataset.state !== "checking") root.dataset.state = "loading";
  } else if (engine.state === "failed") {
    showError(root, t("checker_failed", { error: engine.error }), true);
  } else if (engine.state === "ready" && root.dataset.state === "loading") {
    root.dataset.state = "ready";
    setStatus(root, t("checker_ready"));
  }
}

function showError(root, message, retry) {
  root.dataset.state = "error";
  const region = statusRegion(root);
  region.classList.remove("jptrack__status--loading");
  region.classList.add("jptrack__status--error");
  const children = [el("p", {}, message + " ",
    ...withLink(t("checker_look_up"), el("a", { href: root.dataset.statuses }, t("checker_statuses_link"))))];
  if (retry) {
    const button = el("button", { type: "button", class: "md-button jptrack__retry" }, t("checker_retry"));
    button.addEventListener("click", () => {
      engine.reset();
      if (root.querySelector("textarea").value.trim()) {
        root.jptrackLastText = undefined;
        run(root);
      } else {
        engine.start(loadTimeout(root), root);
      }
    });
    children.push(el("p", {}, button));
  }
  region.replaceChildren(...children);
}

// ---------------------------------------------------------------------------
// Result (text nodes only)
// ---------------------------------------------------------------------------

function clearResult(root) {
  root.querySelector("[data-jptrack-result]").replaceChildren();
}

// A result links every event to its stage page: resolve each URL once (a URL parse per
// timeline row was a measurable share of rendering a warm result).
const absoluteUrls = new Map();

function stageLink(url, text) {
  let href = absoluteUrls.get(url);
  if (href === undefined) absoluteUrls.set(url, href = new URL(url, siteRoot).href);
  return el("a", { href }, text);
}

function useSiteRoot(root) {
  const given = root.dataset.siteRoot;
  const here = given ? new URL(given.endsWith("/") ? given : `${given}/`, location.href).href : siteRoot;
  if (here !== siteRoot) absoluteUrls.clear();
  siteRoot = here;
}

function renderResult(root, result, text, view) {
  useSiteRoot(root);
  root.querySelector("[data-jptrack-result]").replaceChildren(resultCard(root, result, text, view));
}

function resultCard(root, result, text, view) {
  const current = result.current;
  const verdict = result.verdict || {};
  const level = Math.min(Math.max(Number(root.dataset.headingLevel) || 2, 2), 5);
  const h = `h${level}`, sub = `h${level + 1}`;
  const card = el("section", { class: "jptrack__card", "aria-label": t("checker_card") });
  card.dataset.currentStage = result.current_stage || "";

  if (current) {
    const heading = el(h, { class: "jptrack__stage" }, stageLink(current.url, current.title));
    const inferred = result.current_basis === "inferred" && result.inferred;
    if (inferred) heading.append(probably(result.inferred));
    card.append(heading);
    if (current.summary) card.append(el("p", { class: "jptrack__summary" }, current.summary));
    if (inferred) card.append(el("p", { class: "jptrack__inferred-note" }, result.inferred.note));
  } else if ((result.events || []).length === 0 && (result.tracking_numbers || []).some((n) => n.valid)) {
    // A number without its history: the verdict says what to do, the links follow.
    card.append(el(h, { class: "jptrack__stage" }, t("checker_number_found")));
  } else {
    card.append(el(h, { class: "jptrack__stage" }, t("checker_no_status")));
    card.append(el("p", {}, ...withLink(t("checker_no_match"),
      el("a", { href: root.dataset.statuses }, t("checker_statuses_link")))));
  }

  card.append(renderVerdict(verdict, current));
  if (result.case_link) card.append(renderShare(result));
  const whereTo = renderDestination(result, sub);
  if (whereTo) card.append(whereTo);

  if (current) {
    card.append(el(sub, {}, t("checker_meaning")), el("p", {}, current.meaning));
    card.append(el(sub, {}, t("checker_what_to_do")), el("p", {}, current.what_to_do));
    for (const guide of current.guides || []) {   // stages.yaml's guides: for this stage
      card.append(el("p", { class: "jptrack__guide" }, stageLink(guide.url, guide.text)));
    }
    if (current.contacts && current.contacts.length) {
      card.append(el("ul", { class: "jptrack__contacts" }, ...current.contacts.map((c) =>
        el("li", {}, el("strong", {}, c.url ? outLink(c.url, c.name) : c.name), ": ", c.how))));
    }
  }

  const numbers = result.tracking_numbers || [];
  if (numbers.length) {
    card.append(el(sub, {}, t(numbers.length > 1 ? "checker_numbers" : "checker_number")));
    card.append(el("ul", { class: "jptrack__numbers" }, ...numbers.map(renderNumber)));
  }

  card.append(el("div", { class: "jptrack__history" }, ...renderTimeline(result, text, sub, view)));

  const copy = el("button", { type: "button", class: "md-button jptrack__copy" }, t("checker_copy"));
  copy.addEventListener("click", () => copySummary(root, result, view));
  const print = el("button", { type: "button", class: "md-button jptrack__print" }, t("checker_print"));
  print.addEventListener("click", () => window.print());
  card.append(el("p", { class: "jptrack__tools" }, copy, " ", print));
  return card;
}

// The stage page's link with the case in its fragment (the classifier's case_link: the date,
// the service and the country, never the paste), and a calendar reminder for the act-from day.
let reminderUrl = null;

function renderShare(result) {
  const url = new URL(result.case_link, siteRoot).href;
  const box = el("p", { class: "jptrack__share" },
    el("a", { href: url, class: "jptrack__share-link" }, t("checker_share")), " ",
    el("span", { class: "jptrack__hint" }, t("checker_share_hint")));
  if (reminderUrl) URL.revokeObjectURL(reminderUrl);
  reminderUrl = null;
  const verdict = result.verdict || {};
  if (verdict.act_from && verdict.state === "normal" && result.current) {
    const ics = reminderFile(result.current_stage, verdict.act_from,
      t("reminder_summary", { title: result.current.title }), `${verdict.message}\n${url}`, url);
    reminderUrl = URL.createObjectURL(new Blob([ics], { type: "text/calendar" }));
    box.append(el("br"), el("a", { href: reminderUrl, download: `reminder-${verdict.act_from}.ics`, class: "jptrack__remind" },
      t("checker_remind", { date: longDate(verdict.act_from) })), " ",
      el("span", { class: "jptrack__hint" }, t("checker_remind_hint")));
  }
  return box;
}

// An all-day iCalendar event (RFC 5545) on the act-from day; nothing of the paste is in it.
function reminderFile(stage, day, summary, description, url) {
  const compact = (iso) => iso.replaceAll("-", "");
  const [y, m, d] = day.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//jptrack//tracking checker//EN", "CALSCALE:GREGORIAN",
    "BEGIN:VEVENT", `UID:${stage}-${day}@jptrack`, `DTSTAMP:${stamp}`, `DTSTART;VALUE=DATE:${compact(day)}`,
    `DTEND;VALUE=DATE:${compact(next)}`, `SUMMARY:${icsText(summary)}`, `DESCRIPTION:${icsText(description)}`,
    `URL:${url}`, "END:VEVENT", "END:VCALENDAR"];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}

function icsText(text) {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

// Lines of at most 75 octets, never splitting a character; each continuation starts with a space.
function foldLine(line) {
  const encoder = new TextEncoder();
  const parts = [];
  let part = "", size = 0;
  for (const char of line) {
    const bytes = encoder.encode(char).length;
    if (size + bytes > 75) {
      parts.push(part);
      part = " ";
      size = 1;
    }
    part += char;
    size += bytes;
  }
  parts.push(part);
  return parts.join("\r\n");
}

// ---------------------------------------------------------------------------
// Font warm-up
// ---------------------------------------------------------------------------

// Font look-ups (one call to the browser process per new font, weight and size) made the
// first result's layout a long task. So while Python loads, lay out a hidden sample result,
// built by the same code, one part per idle moment; the real result then finds the fonts
// looked up. The sample is never shown, read out or focusable.
const SAMPLE = "Sample お届け";
const SAMPLE_RESULT = {
  current_stage: "",
  current_basis: "inferred",
  inferred: { label: SAMPLE, note: SAMPLE },
  current: { url: "#", title: SAMPLE, summary: SAMPLE, meaning: SAMPLE, what_to_do: SAMPLE,
             contacts: [{ id: "sample", name: SAMPLE, how: SAMPLE }] },
  verdict: { state: "normal", label: SAMPLE, message: `“${SAMPLE}”`, last_event: "2026-01-01T00:00",
             days_since: 1, normal_days: 1, act_from: "2026-01-02", service: "sample", service_name: SAMPLE },
  tracking_numbers: [{ number: "EG000000000JP", valid: true, product: SAMPLE, message: SAMPLE }],
  events: [{ line: 1, time: "2026-01-01T00:00", text: SAMPLE, stage: "sample", matched: SAMPLE,
             location: SAMPLE, stage_title: SAMPLE, basis: "inferred" },
           { line: 2, text: SAMPLE }],
  unrecognised: [3],
};
let fontsWarmed = false;

function warmFonts(root) {
  if (fontsWarmed) return;
  fontsWarmed = true;
  const card = resultCard(root, SAMPLE_RESULT, `${SAMPLE}\n${SAMPLE}\n${SAMPLE}`,
    { events_total: 3, unrecognised_total: 2 });
  const sample = el("div", { class: root.className, "aria-hidden": "true", "data-jptrack-font-warmup": "true" }, card);
  sample.inert = true;
  sample.style.cssText = "position: absolute; left: -100000px; top: 0; width: 40em; visibility: hidden";
  const parts = [...card.children];
  for (const part of parts) part.hidden = true;
  root.after(sample);   // the same ancestors as the real result, so the same font sizes
  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 50));
  const next = () => {
    const part = parts.shift();
    if (!part || !sample.isConnected) { sample.remove(); return; }
    part.hidden = false;
    void sample.offsetHeight;   // lay it out now, in this idle moment
    idle(next, { timeout: 1000 });
  };
  idle(next, { timeout: 1000 });
}

// The verdict's heading (`label`) comes from stages.yaml with the result; its state
// (jptrack.catalog.VERDICT_STATES) picks the colour.
function renderVerdict(verdict, current) {
  const state = verdict.state || "unknown";
  const box = el("div", { class: `jptrack__verdict jptrack__verdict--${state}` });
  box.dataset.verdict = state;
  box.append(el("p", {}, el("strong", {}, `${t("sentence_end", { text: verdict.label || verdict.state })} `), verdict.message || ""));
  const facts = [];
  if (verdict.last_event) facts.push(t("checker_last_update", { time: formatTime(verdict.last_event) }) +
    (verdict.days_since != null ? ` ${t("checker_ago", { days: days(verdict.days_since) })}` : ""));
  if (verdict.normal_days != null) facts.push(t("checker_normal_here", { days: days(verdict.normal_days) }));
  if (verdict.act_from) facts.push(t("checker_act_from", { date: longDate(verdict.act_from) }));
  if (verdict.service) {
    const name = verdict.service_name || verdict.service;
    facts.push(t("checker_service", { service: verdict.service_assumed ? t("checker_assumed", { service: name }) : name }));
  }
  if (facts.length) box.append(el("ul", { class: "jptrack__facts" }, ...facts.map((f) => el("li", {}, f))));
  const contacts = (verdict.contacts || []).map((id) => {
    const known = current && (current.contacts || []).find((c) => c.id === id);
    return known ? known.name : id;
  });
  if (contacts.length && verdict.state === "act") {
    box.append(el("p", {}, t("checker_whom", { who: contacts.reduce((first, second) => t("or", { first, second })) })));
  }
  return box;
}

// A link to another site (a post's own tracking): the customer chooses to follow it; the
// checker itself sends nothing. No referrer, so the other site does not learn this page.
function outLink(href, text) {
  return el("a", { href, rel: "noopener noreferrer external", target: "_blank" }, text);
}

// Where the parcel goes and what that changes: every sentence and fact comes with the
// result (stages.yaml destinations:, destination_texts: and services:).
function renderDestination(result, sub) {
  const place = result.destination;
  const notes = result.destination_notes || {};
  const expected = result.expected;
  const service = result.service || {};
  const links = result.tracking_links || [];
  if (!place && !expected && !service.note && !links.length) return null;
  const box = el("div", { class: "jptrack__destination" });
  box.append(el(sub, {}, place ? t("checker_going_to", { country: place.called || place.name }) : t("checker_where_going")));
  const items = el("ul", { class: "jptrack__facts" });
  const checked = (fact) => fact && fact.checked ? el("span", { class: "jptrack__checked" }, ` ${t("checker_checked", { month: longMonth(fact.checked) })}`) : "";
  if (expected) items.append(el("li", { class: "jptrack__expected" }, expected.message, checked(expected)));
  else if (notes.expected_unknown) items.append(el("li", { class: "jptrack__expected" }, notes.expected_unknown.text));
  if (notes.collect_by) items.append(el("li", { class: "jptrack__collect" }, notes.collect_by.message, checked(notes.collect_by)));
  if (notes.duty) items.append(el("li", { class: "jptrack__duty" }, el("strong", {}, `${t("checker_duty")} `), notes.duty.text, checked(notes.duty)));
  if (notes.acceptance) items.append(el("li", { class: "jptrack__acceptance" }, notes.acceptance.text, checked(notes.acceptance)));
  if (service.note) items.append(el("li", { class: "jptrack__service-note" }, service.note));
  for (const link of links) {
    items.append(el("li", {}, outLink(link.url, t("checker_open_tracking", { post: link.post })),
      link.language ? el("span", { lang: link.lang }, ` (${link.language})`) : ""));
  }
  if (place && place.post && !links.some((l) => l.post === place.post)) {
    items.append(el("li", {}, outLink(place.tracking_url, t("checker_post_tracking", { post: place.post }))));
  }
  if (place && place.page) items.append(el("li", {}, stageLink(place.page, t("checker_more_about", { country: place.called || place.name }))));
  if (items.childElementCount) box.append(items);
  return box;
}

function renderNumber(n) {
  const verdict = t(n.valid ? "checker_valid" : "checker_mistyped");
  const about = [n.product, n.country_name || n.country].filter(Boolean).join(", ");
  const item = el("li", { class: n.valid ? "jptrack__number--valid" : "jptrack__number--invalid" },
    el("code", {}, n.number), ` — ${t("sentence_end", { text: verdict + (about ? ` (${about})` : "") })}`);
  if (n.message) item.append(" ", n.message);
  return item;
}

// The worker already cut events and unrecognised lines to what is shown (view has the
// totals), so a 10,000-line paste costs the main thread no more than a 200-line one.
function renderTimeline(result, text, sub, view) {
  const events = result.events || [];
  const eventsTotal = view.events_total != null ? view.events_total : events.length;
  const out = [];
  if (events.length) {
    out.push(el(sub, {}, t("checker_history")));
    const list = el("ol", { class: "jptrack__timeline" });
    for (const event of events) {
      const item = el("li", { class: event.stage ? "" : "jptrack__event--unknown" });
      if (event.time) item.append(el("span", { class: "jptrack__time" }, formatTime(event.time)), " ");
      // A recognised event shows its status wording and place; anything else its line, without
      // the date and time when they are shown beside it.
      const line = event.time && event.undated_text ? event.undated_text : event.text || "";
      const wording = event.stage && event.matched ? event.matched : line;
      item.append(el("span", { class: "jptrack__text" }, wording));
      if (event.stage && event.matched && event.location) item.append(el("span", { class: "jptrack__place" }, ` · ${event.location}`));
      const tag = el("span", { class: "jptrack__tag" });
      if (event.stage) tag.append("→ ", stageLink(`stages/${event.stage}/`, event.stage_title || event.stage));
      else tag.append(t("checker_not_recognised"));
      item.append(" ", tag);
      // Beside the tag, not inside it: the tag never wraps, the mark may go to the next line.
      if (event.stage && event.basis === "inferred" && result.inferred) item.append(probably(result.inferred));
      list.append(item);
    }
    out.push(list);
    if (eventsTotal > events.length) {
      out.push(el("p", { class: "jptrack__more" }, t("checker_more_events", { n: eventsTotal - events.length })));
    }
  }
  const inEvents = new Set(events.map((e) => e.line));
  const unknown = (result.unrecognised || []).filter((line) => !inEvents.has(line));
  const unknownTotal = view.unrecognised_total != null ? view.unrecognised_total : unknown.length;
  if (unknown.length) {
    const lines = linesOf(text, unknown);
    out.push(el(sub, {}, t("checker_unknown_lines")));
    const list = el("ul", { class: "jptrack__unknown" });
    for (const n of unknown) {
      list.append(el("li", {}, el("span", { class: "jptrack__line" }, `${t("checker_line", { n })} `), (lines[n - 1] || "").slice(0, 300)));
    }
    out.push(list);
    if (unknownTotal > unknown.length) {
      out.push(el("p", { class: "jptrack__more" }, t("checker_more_lines", { n: unknownTotal - unknown.length })));
    }
  }
  return out;
}

// Lines n (1-based) of text, without splitting a 5 MB paste into a million strings.
function linesOf(text, numbers) {
  const wanted = new Set(numbers);
  const last = Math.max(0, ...numbers);
  const out = [];
  const pattern = /\r\n|\r|\n/g;
  let start = 0;
  for (let n = 1; n <= last; n++) {
    const match = pattern.exec(text);
    const end = match ? match.index : text.length;
    if (wanted.has(n)) out[n - 1] = text.slice(start, Math.min(end, start + 300));
    if (!match) break;
    start = pattern.lastIndex;
  }
  return out;
}

async function copySummary(root, result, view = {}) {
  useSiteRoot(root);
  const lines = [];
  const current = result.current;
  if (current) {
    const mark = result.current_basis === "inferred" && result.inferred ? ` (${result.inferred.label})` : "";
    lines.push(t("summary_status", { title: current.title + mark }), current.summary,
      t("summary_details", { url: new URL(current.url, siteRoot).href }));
  } else {
    lines.push(t("summary_status_unknown"));
  }
  if (result.verdict && result.verdict.message) lines.push(t("summary_verdict", { text: result.verdict.message }));
  if (current) lines.push(t("summary_what_to_do", { text: current.what_to_do }));
  const place = result.destination;
  if (place) lines.push(t("summary_going_to", { text: `${place.name}${place.post ? ` (${place.post}: ${place.tracking_url})` : ""}` }));
  if (result.expected) lines.push(t("summary_expected", { text: result.expected.message }));
  const notes = result.destination_notes || {};
  if (notes.collect_by) lines.push(t("summary_collect", { text: notes.collect_by.message }));
  for (const guide of (current && current.guides) || []) {
    lines.push(t("summary_guide", { text: guide.text, url: new URL(guide.url, siteRoot).href }));
  }
  for (const n of result.tracking_numbers || []) {
    lines.push(t("summary_number", { number: n.number, state: t(n.valid ? "checker_valid" : "checker_mistyped") }));
  }
  const last = view.last_recognised || (result.events || []).filter((e) => e.stage).pop();
  if (last) lines.push(t("summary_last_event", { text: `${last.time ? formatTime(last.time) + " " : ""}${last.text}` }));
  const summary = lines.filter(Boolean).join("\n");
  try {
    await navigator.clipboard.writeText(summary);
    setStatus(root, t("checker_copied"));
  } catch {
    setStatus(root, t("checker_copy_failed"));
  }
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

// el("a", {href}, "text", child…): attributes via setAttribute, children as text nodes.
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== "" && value != null) node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// stages.yaml's `inferred.label` next to a stage the classifier worked out ("probably").
function probably(inferred) {
  return el("span", { class: "jptrack__probably", title: inferred.note }, inferred.label);
}

// "2026-09-27T14:03" → "27 September 2026 14:03" as the page's language writes dates
// (stages.yaml ui: date_long, month_names; jptrack/words.py does the same in Python).
function formatTime(iso) {
  const [day, time] = String(iso).split("T");
  return time ? `${longDate(day)} ${time}` : longDate(day);
}

function longDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const month = match && monthName(match[2]);
  return month ? t("date_long", { year: match[1], month, day: Number(match[3]) }) : iso;
}

// "2026-12" → "December 2026": when a fact was checked
function longMonth(iso) {
  const match = /^(\d{4})-(\d{2})$/.exec(iso);
  const month = match && monthName(match[2]);
  return month ? t("date_month", { year: match[1], month }) : iso;
}

function monthName(mm) {
  const months = (WORDS.month_names || "").split(",").map((m) => m.trim());
  return months.length === 12 ? months[Number(mm) - 1] : null;
}

// ---------------------------------------------------------------------------
// Words: stages.yaml's `ui:` texts in the page's language (the widget's data-jptrack-words)
// ---------------------------------------------------------------------------

let WORDS = {};
let LANG = "en";

function readWords(root) {
  if (root.dataset.jptrackWords) WORDS = JSON.parse(root.dataset.jptrackWords);
  LANG = root.dataset.lang || "en";
}

// t("checker_result", {title}) → "Result: …."; an unknown key shows itself (a test catches it).
function t(key, values = {}) {
  const text = WORDS[key];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function days(n) {
  return t(n === 1 ? "day" : "days", { n });
}

// A sentence with a {link} in it, as text and the link element: ["Check the ", <a>, "."].
function withLink(sentence, link) {
  const [before, after = ""] = sentence.split("{link}");
  return [before, link, after];
}

// ---------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------

// The module is async (it runs as soon as it arrives, often before Material's bundle at
// the end of the body), so follow instant navigation once Material's document$ exists.
// Loaded from <head> (overrides/main.html, only on pages with the checker), the module runs
// before the page body and the theme's start-up: start Python now, not once the widget is parsed.
if (document.querySelector("script[data-jptrack-head]") && config().autostart !== false) {
  engine.start(loadTimeout(null));
}
bindAll();
function follow() {
  bindAll();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => bindAll());
  }
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", follow, { once: true });
else follow();
