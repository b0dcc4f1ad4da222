// A stage page opened from a link that carries the case in its fragment
// (stages/<id>/#since=2026-09-20&service=ems&to=ca, made by the checker and `jptrack classify`;
// `assumed=1` when the paste did not name the service)
// says at its top since when the parcel has been at this stage, until when a wait is normal
// and from when to act. A fragment never reaches the server and this script sends nothing.
// The words and the stage's windows come from the page (data-jptrack-case, hooks/stages.py).
"use strict";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function showCase() {
  const box = document.querySelector("[data-jptrack-case]");
  if (!box) return;
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has("since")) return;   // a heading's anchor: the case, if shown, stays
  let data;
  try {
    data = JSON.parse(box.dataset.jptrackCase);   // an attribute: instant navigation keeps it
  } catch {
    return;
  }
  const lines = caseLines(data, params, todayIso());
  const list = box.querySelector("[data-jptrack-case-lines]");
  list.replaceChildren(...lines.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
  box.hidden = false;
}

// The sentences for the case; each fact is checked, and what cannot be read is said, not guessed.
function caseLines(data, params, today) {
  // {heading}: the page's own "What to do now" heading
  const w = (key, values = {}) => fill(data.words[key] || key, { heading: data.words.stage_what_to_do, ...values });
  const since = params.get("since");
  if (!validDate(since) || since > today) return [w("case_unreadable")];
  const date = (iso) => longDate(iso, data.words);
  const lines = [w("case_since", { date: date(since) })];
  const service = params.get("service");
  const window = service && data.windows[service];
  const place = data.places[(params.get("to") || "").toUpperCase()];
  // a service the paste did not name: the checker assumed it, and the page says so as the checker did
  const named = params.get("assumed") === "1" && data.words.checker_assumed
    ? fill(data.words.checker_assumed, { service: data.services[service] }) : data.services[service];
  if (window) lines.push(w("checker_service", { service: named }));
  if (place) lines.push(w("checker_going_to", { country: place }));
  if (data.terminal) return lines;
  if (!window) {
    lines.push(w("case_no_service"));
    return lines;
  }
  const normalUntil = addDays(since, window[0]);
  const actFrom = addDays(since, window[1]);
  if (today >= actFrom) {
    lines.push(w("case_act_now", { date: date(actFrom) }));
  } else {
    lines.push(w(today > normalUntil ? "case_longer" : "case_normal_until", { date: date(normalUntil) }),
      w("case_act_from", { date: date(actFrom) }));
  }
  return lines;
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function validDate(iso) {
  const match = ISO_DATE.exec(iso || "");
  if (!match) return false;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return day.toISOString().slice(0, 10) === iso;
}

function addDays(iso, days) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function todayIso() {
  const fixed = window.jptrackConfig && window.jptrackConfig.today;   // tests fix "today", as for the checker
  if (fixed) return fixed;
  const now = new Date();   // the reader's own calendar day
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// "2026-09-27" → "27 September 2026", as stages.yaml's date_long and month_names write it
function longDate(iso, words) {
  const [year, month, day] = iso.split("-");
  const months = (words.month_names || "").split(",").map((m) => m.trim());
  return fill(words.date_long, { year, month: months[Number(month) - 1], day: Number(day) });
}

// Material's instant navigation swaps the page without loading this script again; its
// document$ replays the current page at once.
// Its location$ gives the new address, which may come after the new page.
const later = () => setTimeout(showCase, 0);
if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(later);
else showCase();
if (window.location$ && typeof window.location$.subscribe === "function") window.location$.subscribe(later);
window.addEventListener("hashchange", showCase);
