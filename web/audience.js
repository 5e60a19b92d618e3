// audience.js: the entry module of the audience page (GET /): the page the
// QR code and the printed URL open. It shows the deck, follows the
// presenter live, lets the person browse on their own, and keeps the
// position in the URL: #12 is slide 12, #12.3 its third step (1-based).
//
// Follow or browse. A page opened without a position follows the
// presenter: every state frame from the server moves it, step included, so
// a step the presenter has not revealed is not revealed here either, and
// the presenter's blackout shows (as a calm screen on a phone). Any move of
// the person's own (a key, a swipe, an edge tap, the bar's buttons,
// overview, go-to, editing the URL, back/forward) detaches the page: it
// stays where the person went while the presenter moves on, the bar says
// so, and a "Back to live" button returns it to the presenter's slide and
// step. A move that lands on exactly the presenter's slide and step
// rejoins too (back one slide to re-read, forward again: live). Browsing is
// not capped at the presenter's position: the whole deck is on the phone
// already (GET /api/deck is public), and looking ahead for a reference is
// as legitimate as looking back; only a following page keeps the
// presenter's pace.
//
// The URL. While following, the hash tracks the live position with
// replaceState, so a copied address names the slide on screen and the
// presenter's moves add no history entries: back/forward walk only the
// person's own moves. Whether this tab follows is kept in sessionStorage,
// which survives a reload: a reload of a following page follows again
// (showing its last position until the server's state arrives), a reload
// of a browsing page stays at its hash, and a link with a hash opened in a
// new tab starts detached at that slide. A page with no server to follow
// (a static copy, say) simply browses: no indicator, no button, keys and
// hash as ever.
//
// A projector. The same page with presenter rights (the podium_token
// cookie, say in the presenter's own browser, full screen on the
// projector) is a driver, as reveal.js's main window is: its keys, a USB
// clicker's PgDn/PgUp included, move the talk for everyone instead of
// detaching it, B and "." black out every screen, and it always follows.
// It shows no audience chrome on the big screen (no live badge, no way
// back to live), and its bar fades after a few seconds without the mouse.
// The server tells the presenter view how many such windows drive. The
// rights come from the hello frame, so a page becomes a driver (or stops
// being one) at each connection. Notes stay where they were: this page
// never asks for them.

import {createView} from "./view.js";
import {words} from "./i18n.js";
import {attachControls} from "./controls.js";
import {commands, follow} from "./sync.js";

/** parseHash reads "#12.3" as {index: 11, step: 3}; null when it is no position. */
export function parseHash(hash) {
  const m = /^#(\d+)(?:\.(\d+))?$/.exec(hash);
  return m ? {index: Math.max(Number(m[1]) - 1, 0), step: Number(m[2] || 0)} : null;
}

/** formatHash is the inverse of parseHash. */
export function formatHash(index, step) {
  return "#" + (index + 1) + (step ? "." + step : "");
}

// mode remembers, for this tab only, whether it follows ("follow") or
// browses ("browse"). Storage may be refused (private modes): then a
// reload follows when the URL has no position.
const MODE_KEY = "podium.mode";
const mode = {
  get() { try { return sessionStorage.getItem(MODE_KEY); } catch { return null; } },
  set(v) { try { sessionStorage.setItem(MODE_KEY, v); } catch { /* not kept */ } },
};

// IDLE_MS without the mouse and a driver's bar fades from the projector.
const IDLE_MS = 3000;

const RELOAD_ICON = '<path d="M20 12a8 8 0 1 1-2.34-5.66"/><path d="M20 4v5h-5"/>';

async function main() {
  const root = document.getElementById("podium");
  root.setAttribute("aria-roledescription", words(document.documentElement.lang).presentation);
  const view = createView(root);
  const start = parseHash(location.hash);
  let t = null; // the follower, below

  // live is the presenter's position in the deck shown, or null before
  // the first state (or without a server).
  const live = () => {
    const s = t.state, d = view.deck;
    if (!s || !d) return null;
    let i = d.slides.findIndex((x) => x.id === s.slide);
    if (i < 0) i = Math.min(s.index, d.slides.length - 1);
    return i < 0 ? null : {index: i, step: Math.min(s.step, d.slides[i].steps)};
  };

  // own wraps a move of the person's own: one that changes the position
  // detaches the page, or rejoins when it lands on the live position.
  let moving = false;
  const own = (move) => (...args) => {
    moving = true;
    let changed = false;
    try {
      changed = move(...args);
    } finally {
      moving = false;
    }
    if (changed) {
      const at = live();
      t.follow(!!at && at.index === view.index && at.step === view.step);
    }
    return changed;
  };
  // The controls drive the view through this stand-in, so that every
  // local move goes through own(), or, on a driver, asks the server.
  let driving = false;
  const remote = commands(view, (m) => t.conn.send(m));
  const move = (name) => {
    const local = own(view[name]);
    return (...args) => (driving ? remote[name](...args) : local(...args));
  };
  const driver = Object.assign(Object.create(view), {
    show: move("show"), next: move("next"), prev: move("prev"),
    first: move("first"), last: move("last"),
  });
  const controls = attachControls(driver);
  // On a driver, B and "." black out every screen (the state brings it
  // back here), and Escape ends that; this runs before controls.js.
  addEventListener("keydown", (e) => {
    if (!driving || e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.("input, textarea, dialog")) return;
    const black = !!t.state?.blackout;
    if (e.key === "b" || e.key === "B" || e.key === "." || (e.key === "Escape" && black)) {
      e.preventDefault();
      t.conn.send({type: "blackout", on: !black});
    }
  }, true);
  // A driver's bar fades when the mouse rests (and the pointer with it).
  let idle = 0;
  const wake = () => {
    delete root.dataset.idle;
    clearTimeout(idle);
    if (driving) idle = setTimeout(() => { root.dataset.idle = "true"; }, IDLE_MS);
  };
  addEventListener("mousemove", wake, {passive: true});
  addEventListener("mousedown", wake, {passive: true});

  // The indicator (live / reconnecting / offline / browsing) in the bar,
  // and the way back to live.
  const status = document.createElement("span");
  status.className = "live-status";
  status.setAttribute("role", "status");
  status.hidden = true;
  status.innerHTML = '<span class="live-dot" aria-hidden="true"></span><span class="live-label"></span>';
  view.bar.prepend(status);
  const back = document.createElement("button");
  back.type = "button";
  back.className = "back-live";
  back.hidden = true;
  back.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true">${RELOAD_ICON}</svg>` +
    '<span class="back-label"></span><span class="back-at"></span>';
  back.addEventListener("click", (e) => {
    e.stopPropagation();
    back.blur();
    t.follow(true);
  });
  root.append(back);
  const browse = () => t.follow(false);
  controls.blackout.onBrowse = browse;

  // The download link, while the presenter offers the slides.
  const download = document.createElement("a");
  download.className = "download-link";
  download.href = "/download";
  download.hidden = true;
  view.bar.prepend(download);

  let seen = false, speakerBlack = false;
  function refresh() {
    const w = words(view.deck?.lang || document.documentElement.lang);
    if (t.status === "live") seen = true;
    const at = live();
    // Nothing to say before the server has ever answered: a page on a
    // static host has no live to speak of.
    // A driver (the projector) shows nothing of the sort on the big screen.
    const state = driving ? "" : !t.following && at ? "detached" : seen ? t.status || "reconnecting" : "";
    if (status.dataset.status !== state) {
      status.dataset.status = state;
      status.hidden = !state;
      status.lastChild.textContent = state ? w[state] : "";
      status.title = state ? w[state + "Hint"] : "";
    }
    download.hidden = driving || !t.state?.download;
    download.textContent = w.download;
    back.hidden = driving || t.following || !at;
    if (at) {
      back.querySelector(".back-label").textContent = w.backToLive;
      back.querySelector(".back-at").textContent = `${at.index + 1} / ${view.deck.slides.length}`;
    }
    // The presenter's blackout covers a following page; a browsing one
    // reads on. The person's own blackout (B) is left alone.
    const black = t.following && !!t.state?.blackout;
    if (black !== speakerBlack) {
      speakerBlack = black;
      if (black || controls.blackout.by === "speaker") controls.blackout.toggle(black, "speaker");
    }
  }

  const following = !start || mode.get() === "follow";
  mode.set(following ? "follow" : "browse");
  t = follow(view, {
    following,
    page: "audience",
    onHello(m) {
      driving = m.role === "presenter";
      if (driving) root.dataset.driver = "true";
      else delete root.dataset.driver;
      controls.blackout.onBrowse = driving ? null : browse;
      wake();
      if (driving) t.follow(true);
      refresh();
    },
    onDeck(d) {
      if (d.lang) document.documentElement.lang = d.lang;
      root.setAttribute("aria-roledescription", words(d.lang).presentation);
      if (d.title) document.title = d.title;
    },
    onState: refresh,
    onStatus: refresh,
    onFollow(on) {
      mode.set(on ? "follow" : "browse");
      refresh();
    },
  });
  window.podium = {view, controls, sync: t, get driving() { return driving; }};

  // The deck (preloaded by the page) while the socket connects; a phone on
  // bad wifi may need more than one try.
  for (let n = 0; !view.deck; n++) {
    await t.load();
    if (view.deck) break;
    loadError(words(document.documentElement.lang).loadRetry);
    await new Promise((r) => setTimeout(r, Math.min(8e3, 500 * 2 ** n)));
  }
  loadError("");
  // A following page shows its last position until the live one arrives,
  // unless the server sent the live one with the page.
  if (start && !(t.following && (t.state || view.served))) view.show(start.index, start.step);

  const writeHash = ({index, step, slideChanged}) => {
    const h = formatHash(index, step);
    if (location.hash === h) return;
    // The person's own new slide is a history entry; a step, a move of
    // the presenter's or a new deck is not. Safari refuses more than 100
    // history changes in 30 s: the URL may lag, the page must not throw.
    try {
      if (slideChanged && moving) history.pushState(null, "", h);
      else history.replaceState(null, "", h);
    } catch { /* the next change writes it */ }
  };
  history.replaceState(null, "", formatHash(view.index, view.step));
  view.onChange(writeHash);
  addEventListener("hashchange", () => {
    const p = parseHash(location.hash);
    if (p) driver.show(p.index, p.step);
  });
  refresh();
  root.dataset.ready = "true";
}

function loadError(msg) {
  let p = document.querySelector(".load-error");
  if (!msg) return p?.remove();
  if (!p) {
    p = document.createElement("p");
    p.className = "load-error";
    p.setAttribute("role", "alert");
    document.body.append(p);
  }
  p.textContent = msg;
}

main().catch((err) => {
  console.error(err);
  loadError(words(document.documentElement.lang).t("loadFailed", {error: err.message}));
});
