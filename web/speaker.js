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

/** statusText is the connection status as the speaker's pages say it. */
export function statusText(w, s) {
  return s === "live" ? w.statusLive : s === "offline" ? w.statusOffline : w.statusReconnecting;
}

// NOTES_SIZE_KEY keeps the notes' text size on this device, for the
// presenter view and the remote alike (they are seldom the same device).
const NOTES_SIZE_KEY = "podium.notes-size";

/**
 * notesSizer returns size(delta): it moves the notes' text size by delta
 * px (0 reads the remembered size), remembers it, and sets it as the
 * custom property prop on el.
 */
export function notesSizer(el, prop, fallback = 20) {
  return (delta) => {
    let px = 0;
    try { px = Number(localStorage.getItem(NOTES_SIZE_KEY)); } catch { /* not kept */ }
    px = Math.min(48, Math.max(12, (px || fallback) + delta));
    try { localStorage.setItem(NOTES_SIZE_KEY, String(px)); } catch { /* not kept */ }
    el.style.setProperty(prop, px + "px");
    return px;
  };
}

/**
 * problemsPanel is the panel of the problems frame (docs/protocol.md):
 * the errors of a save that does not load, and the warnings of the deck
 * that does, one file:line: message a line. It is built in cls's own
 * classes (pz- or rm-) and appended to parent. A closed panel comes back
 * with the next frame that has something in it.
 */
export function problemsPanel(parent, cls) {
  const doc = parent.ownerDocument;
  const box = doc.createElement("section");
  box.className = cls + "-problems";
  box.setAttribute("role", "alert");
  box.hidden = true;
  box.innerHTML = `<header><h2 class="${cls}-problems-head"></h2>
    <button type="button" class="${cls}-btn ${cls}-small" data-act="problems-close">×</button></header>
    <div class="${cls}-errors"><p></p><ul></ul></div>
    <div class="${cls}-warnings"><h3></h3><p></p><ul></ul></div>`;
  parent.append(box);
  const lines = (ul, ls) => ul.replaceChildren(...ls.map((l) => {
    const li = doc.createElement("li");
    li.textContent = l;
    return li;
  }));
  let w = null, problems = [], warnings = [];
  const draw = () => {
    if (!w) return;
    box.setAttribute("aria-label", w.problemsLabel);
    box.querySelector("[data-act]").setAttribute("aria-label", w.dismiss);
    const errs = box.querySelector(`.${cls}-errors`), warns = box.querySelector(`.${cls}-warnings`);
    box.querySelector("h2").textContent = problems.length ? w.problemsHead : w.t("warningsHead", {n: warnings.length});
    errs.hidden = !problems.length;
    errs.querySelector("p").textContent = w.problemsHint;
    lines(errs.querySelector("ul"), problems);
    warns.hidden = !warnings.length;
    warns.querySelector("h3").textContent = w.t("warningsHead", {n: warnings.length});
    warns.querySelector("h3").hidden = !problems.length;
    warns.querySelector("p").textContent = w.warningsHint;
    lines(warns.querySelector("ul"), warnings);
  };
  return {
    el: box,
    /** problems lists why the newest save does not load; empty when it does. */
    get problems() { return problems; },
    set(m) {
      problems = m.problems || [];
      warnings = m.warnings || [];
      box.hidden = !problems.length && !warnings.length;
      box.dataset.level = problems.length ? "error" : "warning";
      draw();
    },
    close() { box.hidden = true; },
    /** words redraws the panel in the table w. */
    words(next) {
      w = next;
      draw();
    },
  };
}

/**
 * targetInput makes input set the talk's planned length, in minutes, and
 * show the server's (clock.target) while it does not have the focus.
 */
export function targetInput(input, clock, send) {
  input.addEventListener("change", () => {
    const min = Math.max(0, Math.round(Number(input.value) || 0));
    send({type: "timer", target: min * 60});
    input.blur();
  });
  return () => {
    const target = clock.target;
    if (input.ownerDocument.activeElement !== input) input.value = target ? String(Math.round(target / 60000)) : "";
  };
}

/**
 * pace compares where the talk is (done: the fraction of slides and
 * steps behind it) with where the clock says it should be, and says so:
 * {cls: "on"|"behind"|"ahead", text}, or null without a target.
 */
export function pace(w, elapsed, target, done) {
  if (!target) return null;
  const delta = elapsed - done * target; // > 0: behind
  const left = target - elapsed;
  const on = Math.abs(delta) < 30e3;
  return {
    cls: on ? "on" : delta > 0 ? "behind" : "ahead",
    text: (on ? w.onTime : w.t(delta > 0 ? "behind" : "ahead", {t: formatDuration(Math.abs(delta))})) + " · " +
      (left >= 0 ? w.t("left", {t: formatDuration(left)}) : w.t("over", {t: formatDuration(-left)})),
  };
}

/** done is how far into deck position (index, step) is, from 0 to 1. */
export function done(deck, index, step) {
  const sl = deck.slides[index];
  return (index + (sl?.steps ? step / (sl.steps + 1) : 0)) / deck.slides.length;
}
