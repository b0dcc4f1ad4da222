// What every start shares: milestones, progress, fetching a file, the options of loadPyodide.

export const STEPS = 3;
export const marks = {};   // name -> ms since the epoch, for the bench (the page records them)
export const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };

export function progress(step, label) {
  self.postMessage({ type: "progress", step, of: STEPS, label });
}

// An error's text, whatever was thrown (Emscripten and Pyodide throw non-Error objects too).
export const describe = (error) =>
  (error && typeof error.message === "string" && error.message) || (typeof error === "string" ? error : String(error));
export const firstLine = (error) => describe(error).split("\n")[0].slice(0, 200);

// The body of url (from `response` when one is already at hand), or an error naming the file.
export async function fetchOk(url, as, response = null) {
  response = response || await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${new URL(url).pathname}`);
  return as === "text" ? response.text() : response.arrayBuffer();
}

// Pyodide's lock file, from the page (nothing else to download before Python starts).
export function lockFile(lockInfo) {
  return lockInfo ? { lockFileContents: { info: lockInfo, packages: {} } } : {};
}

// Pyodide only logs a failed stdlib download; Python would then run until the first import
// that is not in memory yet. Check the zip is there and is ours (its size in bytes).
export function checkTrimmedStdlib(bytes, expected) {
  if (bytes < 0 || (expected && bytes !== expected)) {
    throw new Error(`the trimmed stdlib did not load (${bytes} bytes)`);
  }
}

// Background work (the warm-up, keeping copies) waits until the page has rendered a reply.
const QUIET_AFTER_REPLY_MS = 250;
let quietUntil = 0;
export const replied = () => { quietUntil = performance.now() + QUIET_AFTER_REPLY_MS; };
export const quiet = () => new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntil - performance.now())));
