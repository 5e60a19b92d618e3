// sync.js: the websocket client of every page (docs/protocol.md).

// connect keeps /ws open, retrying with full jitter (0…min(8 s, 250 ms·2^n)).
// A page shown again after a while (a phone unlocked) or back online (a
// new network) replaces its socket, within a jitter of 250 ms: the old one
// may have died unseen (a sleeping phone is dropped by the server after
// 60 s, a NAT forgets it), and a fresh one brings the current state in
// one round trip. Frames go to h.on<Type> (onHello, onState…); h.onStatus
// gets live/reconnecting/offline.
// It returns {send(msg) → sent?, close()}.
export function connect(h) {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  let ws = null, n = 0, up = 0, timer = 0, done = false, status = "";
  const set = (s) => { if (s !== status) h.onStatus?.(status = s); };
  const open = () => {
    clearTimeout(timer);
    if (done || ws) return;
    const w = ws = new WebSocket(url);
    w.onmessage = (e) => {
      let m = {};
      try { m = JSON.parse(e.data); } catch {}
      if (m.type === "hello") { up = Date.now(); set("live"); }
      h["on" + m.type?.[0].toUpperCase() + m.type?.slice(1)]?.(m);
    };
    w.onclose = (e) => {
      if (ws !== w || done) return;
      ws = null;
      if (up && Date.now() - up > 10e3) n = 0;
      up = 0;
      // 1008, 1009: our own bugs; retrying would repeat them.
      if (e.code === 1008 || e.code === 1009) return set("offline");
      set(navigator.onLine === false ? "offline" : "reconnecting");
      timer = setTimeout(open, Math.random() * Math.min(8e3, 250 * 2 ** n++));
    };
  };
  let hiddenAt = 0;
  const fresh = () => {
    n = 0;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const old = ws;
      if (old) {
        ws = null;
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
  const off = () => { if (!ws) set("offline"); };
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
      on("removeEventListener");
      ws?.close(1000);
    },
  };
}

// track keeps view ({deck, applyDeck, show}) on the server's deck and
// position: handlers for connect; following false only stores states.
// opts: onDeck(deck), onState(state), controls (for its blackout), live
// (speaker pages: the newest deck, which differs from the audience's while
// the presenter holds edits).
export function track(view, opts = {}) {
  let asked = null, queue = Promise.resolve();
  const get = async (v) => {
    if (v && (v === view.deck?.version || v === asked)) return;
    asked = v;
    view.prepare?.();
    try {
      const d = await fetchDeck(opts.live, view.deck);
      // Another version (a presenter's, while held): do not ask again.
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
      // A speaker page is served the newest deck: the pending one while held.
      const v = (opts.live && t.role === "presenter" && t.hold?.pending) || t.state?.version;
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

// fetchDeck gets the server's deck (the newest with live). A page that
// has a deck (base) asks only for what changed since (?since=): a slide's
// fields as in base are left out, and filled in from base here.
async function fetchDeck(live, base) {
  const q = [live && "live", base && "since=" + encodeURIComponent(base.version)].filter(Boolean).join("&");
  const r = await fetch("/api/deck" + (q && "?" + q));
  if (!r.ok) throw new Error("GET /api/deck: " + r.status);
  const d = await r.json();
  if (!d.since) return d;
  const old = new Map(base.version === d.since ? base.slides.map((s) => [s.id, s]) : []);
  d.slides = d.slides.map((s) => ({...old.get(s.id), ...s}));
  // Not the deck asked about: ask for the whole one.
  if (d.slides.some((s) => s.html === undefined || s.steps === undefined)) return fetchDeck(live, null);
  delete d.since;
  return d;
}

// swapTheme follows an edit of the theme: the new stylesheet is added
// beside the old one, which goes once the new one has loaded, so the page
// is never unstyled. A failed load keeps the old one.
function swapTheme(d) {
  const links = document.querySelectorAll('link[rel="stylesheet"][href^="/theme/"]');
  const cur = links[links.length - 1];
  if (d.theme) document.documentElement.dataset.theme = d.theme;
  if (!cur || !d.css || cur.getAttribute("href") === d.css) return;
  const link = cur.cloneNode();
  link.href = d.css;
  link.onload = () => {
    // The newest wins when edits come faster than stylesheets load.
    const all = [...document.querySelectorAll('link[rel="stylesheet"][href^="/theme/"]')];
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
// hears each change.
export function follow(view, opts = {}) {
  const t = track(view, opts);
  t.following = opts.following ?? true;
  t.follow = (on) => {
    if (t.following === !!on) return;
    t.following = !!on;
    if (on) t.apply();
    opts.onFollow?.(!!on);
  };
  t.conn = connect({...t, onStatus(s) { t.onStatus(s); opts.onStatus?.(s); }});
  return t;
}
