// sync.js: the websocket client of every page (docs/protocol.md).

// connect keeps /ws open, retrying with full jitter (0…min(8 s, 250 ms·2^n)).
//
// Dead sockets are found three ways, since a socket can die without a
// close (wifi roaming, a proxy that stops forwarding, a radio put to
// sleep). The server sends a beat frame every heartbeat (3 s) and says in
// hello how long a silence means death (silence, 9 s): a socket that
// brings no frame for that long is dropped ("reconnecting") and replaced.
// Before hello the limit is HANDSHAKE_SILENCE. The offline event drops it
// at once. A page shown again after a while (a phone unlocked) or back
// online (a new network) replaces its socket, within a jitter of 250 ms,
// since a fresh one brings the current state in one round trip. So
// "live" means a frame arrived within the silence limit.
//
// The URL names the page (h.page: audience, presenter, remote: with
// presenter rights the audience page drives, as a projector) and the
// device (deviceID), so that the presenter's count is of devices, not tabs.
// Frames go to h.on<Type> (onHello, onState…); h.onStatus gets
// live/reconnecting/offline ("offline": the server refused us for good).
// It returns {send(msg) → sent?, close()}.
export function connect(h) {
  const q = new URLSearchParams({device: deviceID()});
  if (h.page) q.set("page", h.page);
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws?" + q;
  let ws = null, n = 0, up = 0, timer = 0, dog = 0, done = false, status = "";
  const set = (s) => { if (s !== status) h.onStatus?.(status = s); };
  // lost forgets socket w (closing it if it is still open) and dials again
  // after the backoff; code is the close code, if one came.
  const lost = (w, code) => {
    if (ws !== w || done) return;
    ws = null;
    clearTimeout(dog);
    w.onclose = w.onmessage = null;
    if (w.readyState < 2) w.close();
    if (up && Date.now() - up > 10e3) n = 0;
    up = 0;
    // 1008, 1009: our own bugs; retrying would repeat them.
    if (code === 1008 || code === 1009) return set("offline");
    set("reconnecting");
    clearTimeout(timer);
    timer = setTimeout(open, Math.random() * Math.min(8e3, 250 * 2 ** n++));
  };
  // watch (re)starts the silence watchdog of w: ms without a frame and w
  // is dead.
  const watch = (w, ms) => {
    clearTimeout(dog);
    if (ms > 0) dog = setTimeout(() => lost(w), ms);
  };
  const open = () => {
    clearTimeout(timer);
    if (done || ws) return;
    const w = ws = new WebSocket(url);
    let silence = HANDSHAKE_SILENCE;
    watch(w, silence);
    w.onmessage = (e) => {
      let m = {};
      try { m = JSON.parse(e.data); } catch {}
      if (m.type === "hello") {
        up = Date.now();
        // A server without heartbeats (no silence) cannot be watched.
        silence = m.silence > 0 ? m.silence : 0;
        set("live");
      }
      watch(w, silence);
      if (m.type === "beat") return;
      h["on" + m.type?.[0].toUpperCase() + m.type?.slice(1)]?.(m);
    };
    w.onclose = (e) => lost(w, e.code);
  };
  let hiddenAt = 0;
  const fresh = () => {
    n = 0;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const old = ws;
      if (old) {
        ws = null;
        clearTimeout(dog);
        old.onclose = old.onmessage = null;
        old.close(1000);
      }
      open();
    }, Math.random() * 250);
  };
  // Hidden for a moment (a glance at another tab) keeps the socket.
  const vis = () => {
    if (document.visibilityState === "hidden") hiddenAt = Date.now();
    else if (!ws || Date.now() - hiddenAt > 1000) fresh();
  };
  // Offline: whatever the socket says, nothing arrives; online brings a
  // fresh one.
  const off = () => {
    if (ws) lost(ws);
    else set("reconnecting");
  };
  // A page back from the back/forward cache lost its socket on the way in.
  const show = (e) => { if (e.persisted) fresh(); };
  const on = (add) => {
    document[add]("visibilitychange", vis);
    window[add]("online", fresh);
    window[add]("offline", off);
    window[add]("pageshow", show);
  };
  on("addEventListener");
  open();
  return {
    send(msg) {
      if (ws?.readyState !== 1) return false;
      ws.send(JSON.stringify(msg));
      return true;
    },
    close() {
      done = true;
      clearTimeout(timer);
      clearTimeout(dog);
      on("removeEventListener");
      ws?.close(1000);
    },
  };
}

// HANDSHAKE_SILENCE (ms) bounds a connection attempt up to its hello: a
// handshake lost on a dead network must not hang for the browser's own
// minutes-long timeout. The same 10 s a room notices a dead socket in.
const HANDSHAKE_SILENCE = 10e3;

// deviceID names this browser profile to the server, for the presenter's
// count of devices (docs/protocol.md): a random id kept in localStorage,
// shared by the tabs of the profile. Storage refused (private modes): one
// per page load.
const DEVICE_KEY = "podium.device";
let pageDevice = "";
function deviceID() {
  const fresh = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  try {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!/^[\w-]{1,64}$/.test(id || "")) localStorage.setItem(DEVICE_KEY, id = fresh());
    return id;
  } catch {
    return pageDevice ||= fresh();
  }
}

// commands are the moves of a view that drives the talk instead of
// moving itself (the presenter view, a projector page with presenter
// rights): each asks the server, through send, and the view then follows
// the state frame like every other screen. They return whether anything
// was asked, as view's moves return whether anything moved.
export function commands(view, send) {
  const c = {
    show(i, s = 0) {
      const slides = view.deck?.slides ?? [];
      const sl = slides[Math.min(Math.max(i, 0), slides.length - 1)];
      if (!sl) return false;
      send({type: "goto", slide: sl.id, step: s < 0 || s === Infinity ? sl.steps : s});
      return true;
    },
    next() { send({type: "next"}); return true; },
    prev() { send({type: "prev"}); return true; },
    first() { return c.show(0, 0); },
    last() { return c.show((view.deck?.slides.length ?? 1) - 1, 0); },
  };
  return c;
}

// track keeps view ({deck, applyDeck, show}) on the server's deck and
// position: handlers for connect; following false only stores states.
// opts: onDeck(deck), onState(state), controls (for its blackout). Every
// page tracks the published deck, the one the audience sees: while the
// presenter holds edits, the presenter navigates it too (the pending one
// is the presenter view's to fetch, with /api/deck?live).
export function track(view, opts = {}) {
  let asked = null, queue = Promise.resolve();
  const get = async (v) => {
    if (v && (v === view.deck?.version || v === asked)) return;
    asked = v;
    view.prepare?.();
    try {
      const d = await fetchDeck(view.deck);
      if (d.version === asked) asked = null;
      if (d.version !== view.deck?.version) {
        swapTheme(d);
        await view.applyDeck(d);
        opts.onDeck?.(d);
      }
    } catch (err) {
      asked = null;
      console.warn(err); // the next frame retries
    }
    t.apply();
  };
  const t = {
    state: null, hold: null, following: true, role: null, status: "",
    // load fetches the deck unless the view has v, or v was asked; in turn.
    load: (v) => (queue = queue.then(() => get(v))),
    apply() {
      const s = t.state, d = view.deck;
      if (!s || !d) return;
      const i = d.slides.findIndex((x) => x.id === s.slide);
      if (t.following) view.show(i < 0 ? s.index : i, s.step);
      opts.controls?.blackout.toggle(s.blackout);
      opts.onState?.(s);
    },
    sync() {
      const v = t.state?.version;
      if (v && v !== view.deck?.version) t.load(v);
    },
    onHello(m) { t.role = m.role; },
    onStatus(s) { t.status = s; },
    onDeck(m) { t.load(m.version); },
    onState(m) { t.state = m; t.sync(); t.apply(); },
    onHold(m) { t.hold = m; t.sync(); },
  };
  return t;
}

// fetchDeck gets the deck the audience sees. A page that has a deck
// (base) asks only for what changed since (?since=): a slide's fields as
// in base are left out, and filled in from base here.
async function fetchDeck(base) {
  const q = base ? "since=" + encodeURIComponent(base.version) : "";
  const r = await fetch("/api/deck" + (q && "?" + q));
  if (!r.ok) throw new Error("GET /api/deck: " + r.status);
  const d = await r.json();
  if (!d.since) return d;
  const old = new Map(base.version === d.since ? base.slides.map((s) => [s.id, s]) : []);
  d.slides = d.slides.map((s) => ({...old.get(s.id), ...s}));
  // Not the deck asked about: ask for the whole one.
  if (d.slides.some((s) => s.html === undefined || s.steps === undefined)) return fetchDeck(null);
  delete d.since;
  return d;
}

// swapTheme follows an edit of the theme: the new stylesheet is added
// beside the old one, which goes once the new one has loaded, so the page
// is never unstyled. A failed load keeps the old one.
// The audience page carries its stylesheets inline (<style data-href>):
// the theme's is replaced by a link all the same.
const THEME_CSS = 'link[rel="stylesheet"][href^="/theme/"], style[data-href^="/theme/"]';
function swapTheme(d) {
  const cur = [...document.querySelectorAll(THEME_CSS)].at(-1);
  if (d.theme) document.documentElement.dataset.theme = d.theme;
  if (!cur || !d.css || (cur.getAttribute("href") ?? cur.dataset.href) === d.css) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = d.css;
  link.onload = () => {
    // The newest wins when edits come faster than stylesheets load.
    const all = [...document.querySelectorAll(THEME_CSS)];
    const newest = all.at(-1);
    for (const l of all) if (l !== newest && (link === newest || l === link)) l.remove();
  };
  link.onerror = () => link.remove();
  cur.after(link);
}

// follow: track + connect, for the audience page (t.conn). While
// t.following, each state moves the view; t.follow(false) detaches it
// (states are still kept, for the way back) and t.follow(true) rejoins at
// the latest one. opts.following false starts detached; opts.onFollow(on)
// hears each change, opts.onHello(m) each hello, opts.page names the page
// to the server (see connect).
export function follow(view, opts = {}) {
  const t = track(view, opts);
  t.following = opts.following ?? true;
  t.follow = (on) => {
    if (t.following === !!on) return;
    t.following = !!on;
    if (on) t.apply();
    opts.onFollow?.(!!on);
  };
  t.conn = connect({
    ...t, page: opts.page,
    onHello(m) { t.onHello(m); opts.onHello?.(m); },
    onStatus(s) { t.onStatus(s); opts.onStatus?.(s); },
  });
  return t;
}
