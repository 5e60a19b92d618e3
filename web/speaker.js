// speaker.js: what the presenter view and the phone remote share: the
// talk clock, the speaker notes and short messages.

/**
 * talkClock keeps the server's talk timer (timer frames, docs/protocol.md)
 * running between frames. Elapsed time counts from the frame's arrival on
 * this device, so the two machines' clocks need not agree.
 */
export function talkClock() {
  let frame = null, at = 0;
  return {
    set(m) { frame = m; at = performance.now(); },
    get running() { return !!frame?.running; },
    /** target is the planned length in ms, 0 for none. */
    get target() { return (frame?.target ?? 0) * 1000; },
    elapsed: () => !frame ? 0 : frame.elapsed + (frame.running ? performance.now() - at : 0),
  };
}

/** formatDuration writes ms as m:ss or h:mm:ss, with a sign when negative. */
export function formatDuration(ms) {
  const neg = ms < 0, sec = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
  return (neg ? "−" : "") + (h ? `${h}:${String(m).padStart(2, "0")}` : m) + ":" + String(s).padStart(2, "0");
}

/** fetchNotes returns the speaker notes by slide id (presenters only). */
export async function fetchNotes() {
  const r = await fetch("/api/notes", {cache: "no-cache"});
  if (!r.ok) throw new Error("GET /api/notes: " + r.status);
  return (await r.json()).notes || {};
}

/** toaster returns toast(msg): shows msg in el for ms, then hides it. */
export function toaster(el, ms) {
  let timer = 0;
  return (msg) => {
    el.textContent = msg;
    el.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => { el.hidden = true; }, ms);
  };
}
