// remote.js: the phone remote (GET /remote). Big previous and next
// buttons under the thumb, the current slide's title and notes, the talk
// clock, blackout. It renders no slides: the deck JSON gives the titles.

import {connect, track} from "./sync.js";
import {words, localize} from "./i18n.js";
import {done, fetchNotes, formatDuration, notesSizer, pace, problemsPanel, statusText, talkClock, targetInput, toaster} from "./speaker.js";

const doc = document;
const out = (name) => doc.querySelector(`[data-out="${name}"]`);
const toast = toaster(out("toast"), 2500);
let role = "", notes = {}, shownNotes = "", conn = null, shownLang = null;
const clock = talkClock();
/** w is the message table of the deck's language. */
const w = () => words(model.deck?.lang || doc.documentElement.lang);
const esc = (x) => x.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
// The presenter's problems banner: a save that does not load, and the
// warnings of the deck that does.
const problems = problemsPanel(doc.querySelector(".rm-main"), "rm");

// model is the little a tracker needs of a view: the deck and a position.
const model = {
  deck: null, index: 0, step: 0,
  applyDeck(d) { model.deck = d; relabel(); render(); },
  show(i, s) {
    const n = model.deck?.slides.length ?? 0;
    model.index = Math.min(Math.max(i, 0), Math.max(n - 1, 0));
    model.step = Math.min(Math.max(s, 0), model.deck?.slides[model.index]?.steps ?? 0);
    render();
  },
};

const t = track(model, {onDeck: loadNotes, onState: render});
conn = connect({
  ...t,
  page: "remote",
  onHello(m) {
    t.onHello(m);
    role = m.role;
    const ok = role === "presenter";
    doc.querySelector(".rm-main").hidden = !ok;
    doc.querySelector(".rm-lock").hidden = ok;
    doc.querySelector('[data-msg="connecting"]').hidden = true;
    doc.querySelector('[data-msg="denied"]').hidden = ok;
    if (ok) loadNotes();
  },
  onTimer(m) { clock.set(m); tick(); },
  onNotes: loadNotes, // a notes-only edit: the deck itself did not change
  onError(m) { toast(m.code === "rate_limited" ? w().tooFast : m.message || m.code); },
  onProblems(m) { problems.set(m); },
  onStatus(s) {
    t.onStatus(s);
    const el = out("status");
    el.dataset.status = s;
    el.textContent = statusText(w(), s);
  },
});
window.podium = {model, sync: t, conn};

function send(msg) {
  if (role !== "presenter" || !conn.send(msg)) toast(w().notSent);
  else navigator.vibrate?.(8);
}

async function loadNotes() {
  if (role !== "presenter" || !model.deck) return;
  try {
    notes = await fetchNotes();
  } catch (err) {
    console.warn(err);
  }
  render();
}

function render() {
  const d = model.deck;
  if (!d || !d.slides.length) return;
  const i = model.index, s = model.step, sl = d.slides[i], n = d.slides.length;
  out("count").textContent = `${i + 1} / ${n}`;
  out("step").textContent = sl.steps ? "· " + w().t("stepOf", {s, n: sl.steps}) : "";
  out("chapter").textContent = d.chapters[sl.chapter]?.title ? "· " + d.chapters[sl.chapter].title : "";
  out("title").textContent = sl.title;
  out("next").textContent = s < sl.steps ? w().t("nextStepShort", {s: s + 1}) : i + 1 < n ? w().t("nextTitle", {title: d.slides[i + 1].title}) : w().lastSlide;
  // Notes follow edits in place: same slide, same scroll.
  const box = out("notes"), html = notes[sl.id] || `<p class="rm-none">${esc(w().noNotes)}</p>`;
  if (box.dataset.id !== sl.id || shownNotes !== html) {
    const top = box.dataset.id === sl.id ? box.scrollTop : 0;
    box.dataset.id = sl.id;
    box.innerHTML = shownNotes = html;
    box.scrollTop = top;
  }
  const black = !!t.state?.blackout;
  doc.querySelector('[data-act="blackout"]').setAttribute("aria-pressed", String(black));
  doc.body.classList.toggle("rm-blackout", black);
}

function tick() {
  const b = out("timer");
  b.textContent = formatDuration(clock.elapsed());
  b.classList.toggle("rm-running", clock.running);
  out("clock").textContent = new Date().toLocaleTimeString(w().lang, {hour: "2-digit", minute: "2-digit"});
  showTarget();
  const p = model.deck?.slides.length && pace(w(), clock.elapsed(), clock.target, done(model.deck, model.index, model.step));
  const el = out("pace");
  el.textContent = p ? p.text : "";
  el.dataset.pace = p ? p.cls : "";
}
const showTarget = targetInput(doc.querySelector('[data-in="target"]'), clock, send);
const notesSize = notesSizer(doc.body, "--rm-notes-size", 18);
notesSize(0);
setInterval(tick, 500);
tick();

// relabel puts the deck language's words on the page: at start, and when
// an edit changes the deck's lang.
function relabel() {
  const lang = w().lang;
  if (lang === shownLang) return;
  shownLang = lang;
  localize(doc, w());
  doc.title = (model.deck?.title || doc.body.dataset.title) + " · " + w().remoteTitle;
  problems.words(w());
  out("status").textContent = statusText(w(), t.status);
  shownNotes = "";
}
relabel();

const actions = {
  prev: () => send({type: "prev"}),
  next: () => send({type: "next"}),
  blackout: () => send({type: "blackout"}),
  timer: () => send({type: "timer", action: clock.running ? "pause" : "start"}),
  "timer-reset": () => send({type: "timer", action: "reset"}),
  "problems-close": () => problems.close(),
  smaller: () => notesSize(-2),
  larger: () => notesSize(2),
};
doc.addEventListener("click", (e) => {
  const b = e.target.closest("[data-act]");
  if (b) actions[b.dataset.act]?.();
});
// A Bluetooth clicker paired with the phone sends keys.
doc.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const k = {ArrowRight: "next", PageDown: "next", " ": "next", ArrowLeft: "prev", PageUp: "prev", b: "blackout", ".": "blackout"}[e.key];
  if (k) {
    e.preventDefault();
    actions[e.shiftKey && k === "next" ? "prev" : k]();
  }
});

