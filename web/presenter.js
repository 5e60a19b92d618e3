// presenter.js: the presenter view (GET /presenter). The current slide at
// its step, the next step, the notes, the talk clock, chapters, and the
// buttons that drive everyone. While edits are held it shows, and drives,
// the published deck, the one the audience sees, and lists the pending
// edits apart until Publish. The position comes only from the server's
// state frames: keys and buttons send commands and wait for the state,
// so every presenter tab, the remote and the audience show the same.

import {createView} from "./view.js";
import {attachControls} from "./controls.js";
import {commands, connect, track} from "./sync.js";
import {words, localize} from "./i18n.js";
import {done, fetchNotes, formatDuration, notesSizer, pace, problemsPanel, statusText, talkClock, targetInput, toaster} from "./speaker.js";

const doc = document;
const out = (name) => doc.querySelector(`[data-out="${name}"]`);
const toast = toaster(out("toast"), 3000);
const act = (name) => doc.querySelector(`[data-act="${name}"]`);
const audienceURL = doc.body.dataset.audienceUrl || location.origin + "/";
const qr = doc.querySelector(".pz-qr img");
const esc = (x) => x.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

const view = createView(doc.getElementById("current"), {layout: "stage"});
const preview = createView(doc.getElementById("next"), {layout: "stage", announce: false});
let notes = {}, shownNotes = "", role = "", conn = null, shownLang = null;
const clock = talkClock();
/** w is the message table of the deck's language. */
const w = () => words(view.deck?.lang || doc.documentElement.lang);

/** send sends msg to the server, or says why it cannot. */
function send(msg) {
  if (role !== "presenter" || !conn?.send(msg)) toast(w().notSent);
}

// driver stands in for the view in controls.js: reveal.js keys, swipes,
// the bar's buttons, overview and go-to ask the server to move instead
// of moving the view, which then follows the state frame.
const driver = {
  root: view.root, viewport: view.viewport, bar: view.bar,
  get deck() { return view.deck; },
  get index() { return view.index; },
  get step() { return view.step; },
  onChange: view.onChange,
  slideElement: view.slideElement,
  ...commands(view, send),
  fit: view.fit,
};
attachControls(driver);

// B and "." black out every screen, not this one: the presenter keeps
// seeing the slide, marked. Capture runs before controls.js's handler.
addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.("input, textarea, dialog")) return;
  if (e.key === "b" || e.key === "B" || e.key === ".") {
    e.preventDefault();
    send({type: "blackout"});
  }
}, true);

const t = track(view, {
  onDeck(d) {
    relabel();
    view.prepare(); // the morpher: the author's first edit shows as fast as the next
    preview.applyDeck(d);
    chapters(d);
    loadNotes();
    pendingEdits();
  },
  onState: render,
});
view.onChange(render);

conn = connect({
  ...t,
  page: "presenter",
  onHello(m) {
    t.onHello(m);
    role = m.role;
    const ok = role === "presenter";
    doc.body.dataset.role = role;
    doc.querySelector(".pz-dash").hidden = !ok;
    doc.querySelector(".pz-lock").hidden = ok;
    doc.querySelector('[data-msg="connecting"]').hidden = true;
    doc.querySelector('[data-msg="denied"]').hidden = ok;
    if (ok) {
      view.fit();
      preview.fit();
      loadNotes();
    }
  },
  onHold(m) {
    t.onHold(m);
    act("hold").setAttribute("aria-pressed", String(m.held));
    holdLabels();
    act("publish").disabled = !m.held;
    doc.body.classList.toggle("pz-pending", !!(m.held && m.pending));
    pendingEdits();
  },
  onProblems(m) {
    problems.set(m);
    doc.body.classList.toggle("pz-broken", !!problems.problems.length);
    pendingEdits();
  },
  onNotes: loadNotes, // a notes-only edit: the deck itself did not change
  onTimer(m) {
    clock.set(m);
    tick();
  },
  onPresence(m) {
    presence = m;
    presenceLabels();
  },
  // onCluster: this server is one replica of several (NATS). The count
  // is then every replica's audience, its title says where they are; while
  // the cluster is out of reach, moves are refused and the badge says so.
  onCluster(m) {
    const el = out("people");
    el.textContent = String(m.audience);
    el.title = (m.replicas || []).map((r) => `${r.name}: ` + w().t("audienceDevices", {n: r.audience}) + ", " + w().t("presenterDevices", {n: r.presenters})).join("\n");
    const c = out("cluster");
    c.hidden = false;
    c.dataset.reachable = String(m.reachable);
    c.textContent = m.reachable ? w().t("replicas", {n: (m.replicas || []).length}) : w().clusterUnreachable;
    c.title = m.reachable ? el.title : w().clusterUnreachableHint;
  },
  onError(m) {
    toast(m.code === "rate_limited" ? w().tooFast : m.message || m.code);
  },
  onStatus(s) {
    t.onStatus(s);
    const el = out("status");
    el.dataset.status = s;
    el.textContent = statusText(w(), s);
  },
});
t.load(); // the deck now, in parallel with the socket
window.podium = {view, preview, sync: t, conn, driver};

async function loadNotes() {
  if (role !== "presenter" || !view.deck) return;
  try {
    notes = await fetchNotes();
  } catch (err) {
    console.warn(err);
  }
  render();
}

// problems shows what is wrong with the deck on disk, one file:line:
// message a line, over the dashboard: the author's last save did not
// load, the audience still sees the last good deck; and the warnings of
// the deck that does load (podium check's). Dismissed, it comes back with
// the next problems frame; empty lists (a good, clean save) clear it.
const problems = problemsPanel(doc.body, "pz");

// The labels that depend on the hold, presence and deck language.
let presence = null;
function holdLabels() {
  const m = t.hold, held = !!m?.held;
  act("hold").textContent = held ? w().holding : w().hold;
  act("hold").title = held ? w().holdingHint : w().holdHint;
  out("hold").textContent = !held ? "" : m.pending ? w().holdPending : w().holdWaiting;
}
function presenceLabels() {
  const m = presence;
  if (!m) return;
  const el = out("people");
  if (out("cluster").hidden) { // else the cluster frame counts every replica
    el.textContent = String(m.audience);
    el.title = w().t("audienceDevices", {n: m.audience}) + ", " + w().t("presenterDevices", {n: m.presenters});
  }
  // Windows of the audience page with presenter rights: their keys
  // (a clicker on the projector) move everyone.
  const dr = out("drivers"), k = m.drivers || 0;
  dr.hidden = !k;
  dr.textContent = w().t("projectorsDriving", {n: k});
  dr.title = w().t("projectorsHint", {n: k});
}

// relabel puts the deck language's words on the page: at start, and when
// an edit changes the deck's lang.
function relabel() {
  const lang = w().lang;
  if (lang === shownLang) return;
  shownLang = lang;
  localize(doc, w());
  doc.title = (view.deck?.title || doc.querySelector(".pz-title").textContent) + " · " + w().presenterTitle;
  problems.words(w());
  holdLabels();
  presenceLabels();
  out("status").textContent = statusText(w(), t.status);
  qr.alt = w().qrAlt;
  shownNotes = "";
  render();
}

// pendingEdits lists what Publish will send, against the published deck
// on screen: slides added (and after which), changed, removed, and
// whether the newest save loads at all. It fetches the newest deck
// (presenters only: /api/deck?live) when the pending version changes.
let pendingDeck = null, pendingAsked = "";
const pendingBox = out("pending");
async function pendingEdits() {
  const v = t.hold?.held ? t.hold.pending : "";
  if (!v || !view.deck) {
    pendingDeck = null;
    pendingAsked = "";
    pendingBox.hidden = true;
    return;
  }
  if (pendingDeck?.version !== v && pendingAsked !== v) {
    pendingAsked = v;
    try {
      const r = await fetch("/api/deck?live", {cache: "no-cache"});
      if (!r.ok) throw new Error("GET /api/deck?live: " + r.status);
      pendingDeck = await r.json();
    } catch (err) {
      console.warn(err);
      pendingAsked = "";
    }
  }
  drawPending();
}

function drawPending() {
  const d = view.deck, p = pendingDeck;
  if (!d || !p || !t.hold?.held || p.version !== t.hold.pending) {
    pendingBox.hidden = true;
    return;
  }
  const old = new Map(d.slides.map((s) => [s.id, s]));
  const nu = new Set(p.slides.map((s) => s.id));
  const items = [];
  const item = (kind, text, title) => {
    const li = doc.createElement("li");
    li.dataset.kind = kind;
    li.innerHTML = '<span class="pz-kind"></span> <span class="pz-what"></span>';
    li.firstChild.textContent = title;
    li.lastChild.textContent = text;
    items.push(li);
  };
  p.slides.forEach((s, k) => {
    const o = old.get(s.id);
    if (!o) item("added", k ? w().t("addedAfter", {title: s.title, prev: p.slides[k - 1].title}) : w().t("addedStart", {title: s.title}), w().kindAdded);
    else if (o.html !== s.html || o.steps !== s.steps || o.title !== s.title) item("changed", w().t("quoted", {title: s.title}), w().kindChanged);
  });
  for (const s of d.slides) if (!nu.has(s.id)) item("removed", w().t("quoted", {title: s.title}), w().kindRemoved);
  if (!items.length) item("changed", w().settingsChanged, w().kindChanged);
  const broken = problems.problems.length;
  if (broken) item("problem", w().t("pendingBroken", {n: broken}), w().kindProblem);
  pendingBox.querySelector("ul").replaceChildren(...items);
  pendingBox.hidden = false;
}

// render shows everything that follows the position.
function render() {
  const d = view.deck, s = t.state;
  if (!d || !d.slides.length) return;
  const i = view.index, step = view.step, sl = d.slides[i], n = d.slides.length;
  out("count").textContent = `${i + 1} / ${n}`;
  out("step").textContent = sl.steps ? w().t("stepOf", {s: step, n: sl.steps}) : "";
  out("chapter").textContent = d.chapters[sl.chapter]?.title ?? "";
  for (const li of out("chapters").children) {
    if (Number(li.dataset.chapter) === sl.chapter) li.setAttribute("aria-current", "true");
    else li.removeAttribute("aria-current");
  }
  // Next: the next step of this slide, else the next slide.
  const end = step >= sl.steps && i + 1 >= n;
  out("end").hidden = !end;
  preview.root.hidden = end;
  out("nextlabel").textContent = end ? w().nextLabel : step < sl.steps ? w().t("nextStep", {s: step + 1, n: sl.steps}) : w().t("nextSlide", {i: i + 2, n});
  if (!end) preview.show(step < sl.steps ? i : i + 1, step < sl.steps ? step + 1 : 0);
  // Notes follow edits in place: same slide, same scroll.
  const box = out("notes");
  const html = notes[sl.id] || `<p class="pz-none">${esc(w().noNotes)}</p>`;
  if (box.dataset.id !== sl.id || shownNotes !== html) {
    const top = box.dataset.id === sl.id ? box.scrollTop : 0;
    box.dataset.id = sl.id;
    box.innerHTML = shownNotes = html;
    box.scrollTop = top;
  }
  const black = !!s?.blackout;
  act("blackout").setAttribute("aria-pressed", String(black));
  out("blackbadge").hidden = !black;
  doc.body.classList.toggle("pz-blackout", black);
  act("download").setAttribute("aria-pressed", String(!!s?.download));
  tick();
}

function chapters(d) {
  const ol = out("chapters");
  ol.replaceChildren(...d.chapters.map((c, k) => {
    const li = doc.createElement("li");
    li.dataset.chapter = k;
    const b = doc.createElement("button");
    b.type = "button";
    b.className = "pz-chapter-btn";
    const first = d.slides.findIndex((x) => x.id === c.slides[0]);
    b.innerHTML = '<span class="pz-num"></span><span class="pz-name"></span>';
    b.firstChild.textContent = first + 1;
    b.lastChild.textContent = c.title;
    b.addEventListener("click", () => { if (c.slides[0]) send({type: "goto", slide: c.slides[0]}); });
    li.append(b);
    return li;
  }));
}

// The clock and the talk timer, redrawn a few times a second.

function tick() {
  const now = new Date();
  out("clock").textContent = now.toLocaleTimeString(w().lang, {hour: "2-digit", minute: "2-digit"});
  out("clock").dateTime = now.toISOString();
  const el = clock.elapsed();
  out("elapsed").textContent = formatDuration(el);
  out("elapsed").classList.toggle("pz-running", clock.running);
  const toggle = act("timer-toggle");
  toggle.textContent = clock.running ? w().timerPause : el > 0 ? w().timerResume : w().timerStart;
  showTarget();
  const span = doc.createElement("span"), p = view.deck && pace(w(), el, clock.target, done(view.deck, view.index, view.step));
  if (p) {
    span.className = "pz-" + p.cls;
    span.textContent = p.text;
  }
  out("pace").replaceChildren(span);
}

setInterval(tick, 250);

// Buttons.
const actions = {
  prev: () => send({type: "prev"}),
  next: () => send({type: "next"}),
  blackout: () => send({type: "blackout"}),
  hold: () => send(t.hold?.held ? {type: "publish"} : {type: "hold"}),
  publish: () => send({type: "publish"}),
  // The download switch is an HTTP call (the server starts building the
  // file at once); its state comes back in the state frames.
  download: () => fetch("/api/download", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({on: !t.state?.download}),
  }).catch(() => {}),
  "timer-toggle": () => send({type: "timer", action: clock.running ? "pause" : "start"}),
  "timer-reset": () => send({type: "timer", action: "reset"}),
  "problems-close": () => problems.close(),
  smaller: () => notesSize(-2),
  larger: () => notesSize(2),
};
doc.addEventListener("click", (e) => {
  const b = e.target.closest("[data-act]");
  if (!b || !actions[b.dataset.act]) return;
  actions[b.dataset.act]();
  b.blur(); // keys drive the slides again
});
const showTarget = targetInput(doc.querySelector('[data-in="target"]'), clock, send);

// Notes size, remembered on this device (and shared with the remote's).
const notesSize = notesSizer(doc.body, "--pz-notes-size");
notesSize(0);

out("url").textContent = audienceURL;
qr.addEventListener("error", () => { qr.hidden = true; });
relabel();

