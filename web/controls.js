// controls.js: how a person drives a view: reveal.js's keys, swipes and
// taps on a phone, the buttons in the bar, and the overlays (overview,
// go-to, help, blackout). Pages that must not be driven locally (a
// follower of the presenter, say) simply do not attach them.

import {words} from "./i18n.js";
import {STAGE_WIDTH} from "./view.js";

const ICONS = {
  prev: '<path d="M15 5l-7 7 7 7"/>',
  next: '<path d="M9 5l7 7-7 7"/>',
  overview: '<rect x="4" y="4" width="6.5" height="6.5" rx="1"/><rect x="13.5" y="4" width="6.5" height="6.5" rx="1"/><rect x="4" y="13.5" width="6.5" height="6.5" rx="1"/><rect x="13.5" y="13.5" width="6.5" height="6.5" rx="1"/>',
  help: '<circle cx="12" cy="12" r="9"/><path d="M9.6 9.3a2.5 2.5 0 1 1 3.4 2.4c-.7.3-1 .8-1 1.5v.6"/><path d="M12 17h.01"/>',
};

/** The keys, for the help overlay: [keys, message key of i18n.js]. */
const KEYS = [
  ["→ ↓ Space PgDn N L", "keyNext"],
  ["← ↑ Shift+Space PgUp P H", "keyPrev"],
  ["Home End", "keyEnds"],
  ["O Esc", "keyOverview"],
  ["G", "keyGoto"],
  ["F", "keyFull"],
  ["B .", "keyBlack"],
  ["S", "keyPresenter"],
  ["?", "keyHelp"],
];

/**
 * attachControls wires keys, touch, buttons and overlays to a view made
 * by createView. It returns {overview, goto, help, blackout, fullscreen}
 * so that a page can open them itself, plus detach() to remove the
 * document listeners. opts.presenter false drops S (the static copy has
 * no presenter view to open).
 */
export function attachControls(view, opts = {}) {
  const presenter = opts.presenter !== false;
  const doc = view.root.ownerDocument;
  const lang = () => view.deck?.lang || doc.documentElement.lang;
  const w = () => words(lang());

  // Buttons in the bar.
  const button = (name, label, onClick) => {
    const b = doc.createElement("button");
    b.type = "button";
    b.className = "btn btn-" + name;
    b.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true">${ICONS[name]}</svg>`;
    b.addEventListener("click", (e) => { e.stopPropagation(); onClick(); b.blur(); });
    b.dataset.label = label;
    return b;
  };
  const buttons = [
    button("prev", "prev", () => view.prev()),
    button("next", "next", () => view.next()),
    button("overview", "overview", () => overview.toggle()),
    button("help", "help", () => help.toggle()),
  ];
  view.bar.append(...buttons);
  const relabel = () => {
    for (const b of buttons) {
      b.title = w()[b.dataset.label];
      b.setAttribute("aria-label", b.title);
    }
  };

  // Blackout.
  const black = doc.createElement("div");
  black.className = "blackout";
  black.hidden = true;
  black.setAttribute("role", "status");
  view.root.append(black);
  const blackout = {
    get open() { return !black.hidden; },
    /** by is "" for this screen's own blackout (B), "speaker" for the presenter's. */
    get by() { return black.dataset.by || ""; },
    /** onBrowse, when set, offers a button on the speaker's blackout that calls it. */
    onBrowse: null,
    /**
     * toggle blanks the screen (on), or ends it. A blackout by "speaker"
     * is black on a projector but a calm, explained screen on a phone
     * (podium.css): a black phone looks broken.
     */
    toggle(on = black.hidden, by = "") {
      black.hidden = !on;
      black.dataset.by = on ? by : "";
      black.replaceChildren();
      if (!on) return;
      if (by !== "speaker") {
        black.textContent = w().blackout;
        return;
      }
      black.innerHTML = `<div class="paused"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9.5 7v10M14.5 7v10"/></svg>
        <p class="paused-title"></p><p class="paused-hint"></p></div>`;
      black.querySelector(".paused-title").textContent = w().paused;
      black.querySelector(".paused-hint").textContent = w().pausedHint;
      if (blackout.onBrowse) {
        const b = doc.createElement("button");
        b.type = "button";
        b.className = "paused-browse";
        b.textContent = w().browse;
        b.addEventListener("click", () => blackout.onBrowse());
        black.firstChild.append(b);
      }
    },
  };

  const overview = makeOverview(view, w);
  const help = makeDialog(view, "help", () => `
    <h2>${w().help}</h2>
    <table class="keys"><tbody>${KEYS.filter(([k]) => presenter || k !== "S").map(([k, msg]) => `<tr><td>${
      k.split(" ").map((x) => `<kbd>${x}</kbd>`).join(" ")}</td><td>${w()[msg]}</td></tr>`).join("")}
    </tbody></table>`, w);
  const goto = makeGoto(view, w);
  const dialogs = [overview, goto, help];

  const fullscreen = () => {
    if (doc.fullscreenElement) doc.exitFullscreen().catch(() => {});
    else doc.documentElement.requestFullscreen?.().catch(() => {});
  };

  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const open = dialogs.find((d) => d.open);
    if (open) {
      if (e.key === "Escape" || (open === overview && (e.key === "o" || e.key === "O"))) {
        e.preventDefault();
        open.close();
      }
      return; // the dialog handles its own keys
    }
    if (e.target.closest?.("input, textarea, select, [contenteditable]")) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (blackout.open && key !== "b" && key !== "." && key !== "Escape") return;
    let act = null;
    switch (key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case "n": case "l":
        act = () => view.next(); break;
      case " ":
        act = e.shiftKey ? () => view.prev() : () => view.next(); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": case "p": case "h":
        act = () => view.prev(); break;
      case "Home": act = () => view.first(); break;
      case "End": act = () => view.last(); break;
      case "f": act = fullscreen; break;
      case "Escape":
        act = blackout.open ? () => blackout.toggle(false) : () => overview.show(); break;
      case "o": act = () => overview.show(); break;
      case "g": act = () => goto.show(); break;
      case "b": case ".": act = () => blackout.toggle(); break;
      case "?": act = () => help.show(); break;
      // reveal.js's speaker view: the projector tab opens the presenter
      // view beside it; presenter rights come from the cookie.
      case "s": if (presenter) act = () => window.open("/presenter", "podium-presenter"); break;
    }
    if (act) {
      e.preventDefault();
      act();
    }
  }
  doc.addEventListener("keydown", onKey);

  // Touch: a horizontal swipe turns the page, a tap near an edge steps.
  // Vertical scrolling (a long slide on a phone) is left alone, and so is
  // a swipe inside code or a table that scrolls sideways.
  let t0 = null;
  const onTouchStart = (e) => {
    if (e.touches.length !== 1) { t0 = null; return; }
    const t = e.touches[0];
    const scroller = e.target.closest?.("pre, .table-wrap");
    t0 = {x: t.clientX, y: t.clientY, time: e.timeStamp,
      scrolls: !!scroller && scroller.scrollWidth > scroller.clientWidth};
  };
  const onTouchEnd = (e) => {
    if (!t0 || dialogs.some((d) => d.open)) return;
    // Pinch-zoomed in, one finger pans the page: no turning.
    if ((doc.defaultView.visualViewport?.scale ?? 1) > 1.01) { t0 = null; return; }
    const t = e.changedTouches[0];
    const dx = t.clientX - t0.x, dy = t.clientY - t0.y;
    const start = t0;
    t0 = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > 1.5 * Math.abs(dy)) {
      if (start.scrolls) return;
      if (dx < 0) view.next(); else view.prev();
      return;
    }
    const tap = Math.abs(dx) < 10 && Math.abs(dy) < 10 && e.timeStamp - start.time < 400;
    if (!tap || e.target.closest?.("a, button, input, pre, .table-wrap, summary, .bar")) return;
    const width = doc.documentElement.clientWidth;
    if (t.clientX < width * 0.2) view.prev();
    else if (t.clientX > width * 0.8) view.next();
  };
  view.viewport.addEventListener("touchstart", onTouchStart, {passive: true});
  view.viewport.addEventListener("touchend", onTouchEnd, {passive: true});

  const off = view.onChange(({deckChanged}) => {
    if (deckChanged) {
      relabel();
      overview.refresh();
    }
    overview.mark();
  });
  if (view.deck) relabel();

  return {
    overview, goto, help, blackout, fullscreen,
    detach() {
      doc.removeEventListener("keydown", onKey);
      view.viewport.removeEventListener("touchstart", onTouchStart);
      view.viewport.removeEventListener("touchend", onTouchEnd);
      off();
    },
  };
}

// makeDialog is a modal <dialog> whose content html() renders each time
// it opens, with a close button.
function makeDialog(view, name, html, w, parent = view.root) {
  const doc = view.root.ownerDocument;
  const dlg = doc.createElement("dialog");
  dlg.className = "overlay overlay-" + name;
  dlg.tabIndex = -1;
  parent.append(dlg);
  dlg.addEventListener("click", (e) => {
    if (e.target === dlg || e.target.closest(".close")) d.close();
  });
  // Give focus back, so keys drive the slides again: browsers may leave
  // it on an input of the closed dialog.
  let before = null;
  const refocus = () => {
    if (dlg.contains(doc.activeElement)) doc.activeElement.blur();
    if (before?.isConnected && before !== doc.body && !dlg.contains(before)) before.focus({preventScroll: true});
    before = null;
  };
  // The close event comes a task later; refocus at once when we close.
  // A dialog opened again since is left alone.
  dlg.addEventListener("close", () => {
    if (dlg.open) return;
    refocus();
    d.onClose?.();
  });
  const d = {
    el: dlg,
    html,
    get open() { return dlg.open; },
    show() {
      if (dlg.open) return;
      dlg.innerHTML = `<button type="button" class="close" aria-label="${w().close}">×</button>` + html();
      dlg.setAttribute("aria-label", w()[name]);
      before = doc.activeElement;
      dlg.showModal();
      if (d.onShow) d.onShow();
      else dlg.focus(); // not the close button: no focus ring on open
    },
    close() {
      dlg.close();
      refocus();
    },
    toggle() { dlg.open ? d.close() : d.show(); },
  };
  return d;
}

// makeOverview is the grid of all slides, by chapter, each card a
// thumbnail of the slide itself: a copy of the view's own rendered slide
// (its HTML, layout, classes and background, in the deck's theme),
// scaled from the 1280×720 stage to the card, made when the card comes
// into sight. Arrows move between cards by position on screen, Enter or
// a click picks one. The dialog lives outside the view's root, so that a
// phone's reading mode (flow) leaves the thumbnails on their stage.
function makeOverview(view, w) {
  const doc = view.root.ownerDocument;
  const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const d = makeDialog(view, "overview", () => {
    const deck = view.deck;
    if (!deck) return "";
    const n = deck.slides.length;
    return `<h2 class="sr-only">${esc(w().overview)}</h2>` + deck.chapters.map((c) => `
      <section class="ov-chapter"><h3>${esc(c.title)} <span class="ov-count">${esc(w().t("slideCount", {n: c.slides.length}))}</span></h3><ol class="cards">${
      c.slides.map((id) => {
        const i = deck.slides.findIndex((s) => s.id === id);
        return i < 0 ? "" : `<li><button type="button" class="card" data-index="${i}" data-id="${esc(id)}" ` +
          `aria-label="${esc(`${i + 1} / ${n}: ${deck.slides[i].title}`)}"><span class="thumb" inert aria-hidden="true"></span>` +
          `<span class="cap"><span class="num">${i + 1}</span><span class="title">${esc(deck.slides[i].title)}</span></span></button></li>`;
      }).join("")}</ol></section>`).join("");
  }, w, doc.body);

  // Thumbnails: drawn when their card is near the dialog's view, scaled
  // to the cards' width (all cards are as wide).
  let seen = null, sizer = null;
  const thumb = (card) => {
    const box = card.querySelector(".thumb");
    const src = view.slideElement(Number(card.dataset.index));
    if (!box || !src || box.firstChild) return;
    const el = src.cloneNode(true);
    el.hidden = false;
    el.classList.remove("current");
    el.removeAttribute("aria-label");
    for (const x of el.querySelectorAll(".future")) x.classList.remove("future");
    for (const x of el.querySelectorAll("[id]")) x.removeAttribute("id");
    const stage = doc.createElement("div");
    stage.className = "stage";
    stage.append(el);
    box.append(stage);
  };
  const watch = () => {
    seen?.disconnect();
    sizer?.disconnect();
    seen = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        thumb(e.target);
        seen.unobserve(e.target);
      }
    }, {root: d.el, rootMargin: "200px 0px"});
    for (const c of d.el.querySelectorAll(".card")) seen.observe(c);
    const first = d.el.querySelector(".thumb");
    if (!first) return;
    sizer = new ResizeObserver(() => {
      d.el.style.setProperty("--thumb-scale", String(first.clientWidth / STAGE_WIDTH));
    });
    sizer.observe(first);
  };
  d.onClose = () => {
    seen?.disconnect();
    sizer?.disconnect();
    seen = sizer = null;
  };
  d.mark = () => {
    if (!d.open) return;
    for (const c of d.el.querySelectorAll(".card")) {
      if (Number(c.dataset.index) === view.index) c.setAttribute("aria-current", "true");
      else c.removeAttribute("aria-current");
    }
  };
  // refresh redraws the cards of an open overview in place (a new deck):
  // it stays open, scrolled where it was, the focused slide's card focused.
  d.refresh = () => {
    if (!d.open) return;
    const id = d.el.querySelector(".card:focus")?.dataset.id;
    const top = d.el.scrollTop;
    const close = d.el.querySelector(".close");
    while (close.nextSibling) close.nextSibling.remove();
    close.insertAdjacentHTML("afterend", d.html());
    watch();
    d.el.scrollTop = top;
    d.mark();
    const card = (id && [...d.el.querySelectorAll(".card")].find((c) => c.dataset.id === id)) || d.el.querySelector(".card[aria-current]");
    card?.focus({preventScroll: true});
  };
  d.onShow = () => {
    watch();
    d.mark();
    const cur = d.el.querySelector(".card[aria-current]") || d.el.querySelector(".card");
    cur?.focus();
    cur?.scrollIntoView({block: "center"});
  };
  d.el.addEventListener("click", (e) => {
    const card = e.target.closest(".card");
    if (!card) return;
    d.close();
    view.show(Number(card.dataset.index), 0);
  });
  d.el.addEventListener("keydown", (e) => {
    const dir = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]}[e.key];
    if (!dir) return;
    e.preventDefault();
    const cards = [...d.el.querySelectorAll(".card")];
    const from = e.target.closest(".card") || cards[0];
    const next = nearest(cards, from, dir);
    if (next) {
      next.focus();
      next.scrollIntoView({block: "nearest"});
    }
  });
  return d;
}

// nearest finds the card next to from in direction [dx, dy]: left/right
// is the previous/next card in reading order, up/down the closest card
// on the row above/below.
function nearest(cards, from, [dx, dy]) {
  const i = cards.indexOf(from);
  if (dx) return cards[i + dx] ?? null;
  const a = from.getBoundingClientRect();
  let best = null, score = Infinity;
  for (const c of cards) {
    const b = c.getBoundingClientRect();
    const v = dy > 0 ? b.top - a.bottom : a.top - b.bottom;
    if (v < -2) continue;
    const s = v * 4 + Math.abs(b.left + b.width / 2 - (a.left + a.width / 2));
    if (s < score) { score = s; best = c; }
  }
  return best;
}

// makeGoto is the go-to dialog: a number goes to that slide (12 or 12.3
// for a step), words search the slide and chapter titles.
function makeGoto(view, w) {
  const d = makeDialog(view, "goto", () => `
    <form method="dialog" class="goto-form">
      <label><span>${w().goto}</span>
      <input name="q" type="text" autocomplete="off" enterkeyhint="go" placeholder="${w().gotoHint}"
        role="combobox" aria-controls="goto-list" aria-expanded="true"></label>
      <ol id="goto-list" class="matches" role="listbox"></ol>
    </form>`, w);
  let matches = [], sel = 0;
  const search = (q) => {
    const deck = view.deck;
    q = q.trim();
    const m = /^(\d+)(?:\.(\d+))?$/.exec(q);
    if (m) {
      const i = Number(m[1]) - 1;
      return i >= 0 && i < deck.slides.length ? [{index: i, step: Number(m[2] || 0)}] : [];
    }
    if (!q) return [];
    const needle = q.toLocaleLowerCase();
    const out = [];
    deck.slides.forEach((s, i) => {
      const hay = (s.title + " " + (deck.chapters[s.chapter]?.title ?? "")).toLocaleLowerCase();
      if (hay.includes(needle)) out.push({index: i, step: 0});
    });
    // Matches in the slide's own title first.
    return out.sort((a, b) =>
      !deck.slides[a.index].title.toLocaleLowerCase().includes(needle) -
      !deck.slides[b.index].title.toLocaleLowerCase().includes(needle)).slice(0, 8);
  };
  const draw = () => {
    const list = d.el.querySelector(".matches");
    const input = d.el.querySelector("input");
    list.replaceChildren(...matches.map((m, k) => {
      const li = list.ownerDocument.createElement("li");
      li.id = "goto-" + k;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(k === sel));
      li.dataset.k = k;
      li.innerHTML = `<span class="num"></span> <span class="title"></span>`;
      li.firstChild.textContent = m.index + 1 + (m.step ? "." + m.step : "");
      li.lastChild.textContent = view.deck.slides[m.index].title;
      return li;
    }));
    if (!matches.length && input.value.trim()) {
      const li = list.ownerDocument.createElement("li");
      li.className = "none";
      li.textContent = w().noMatch;
      list.append(li);
    }
    if (matches.length) input.setAttribute("aria-activedescendant", "goto-" + sel);
    else input.removeAttribute("aria-activedescendant");
  };
  const go = (m) => {
    d.close();
    if (m) view.show(m.index, m.step);
  };
  d.onShow = () => {
    matches = [];
    sel = 0;
    const input = d.el.querySelector("input");
    input.addEventListener("input", () => {
      matches = search(input.value);
      sel = 0;
      draw();
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (matches.length) sel = (sel + (e.key === "ArrowDown" ? 1 : -1) + matches.length) % matches.length;
        draw();
      } else if (e.key === "Enter") {
        e.preventDefault();
        go(matches[sel]);
      }
    });
    d.el.querySelector(".matches").addEventListener("click", (e) => {
      const li = e.target.closest("[role=option]");
      if (li) go(matches[Number(li.dataset.k)]);
    });
    input.focus();
  };
  return d;
}
