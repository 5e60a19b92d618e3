// view.js: the deck view shared by every podium page.
//
// A view renders the slides of a deck (the JSON of GET /api/deck) into a
// 16:9 stage of 1280×720 logical pixels, scaled to its window, or, on a
// narrow portrait screen, into a column that reflows at phone width. It
// owns the position (slide index, step) and nothing else: keys, touch,
// dialogs and the URL live in controls.js and the page's entry module, so
// a presenter view or the websocket sync can drive it with show() and
// applyDeck() alone.

import {words} from "./i18n.js";

/** Logical size of the stage; slides are designed for it. */
export const STAGE_WIDTH = 1280;
export const STAGE_HEIGHT = 720;

/** Below this width, in portrait, slides reflow instead of scaling. */
const FLOW_QUERY = "(orientation: portrait) and (max-width: 820px)";

/**
 * createView builds a view inside root (emptied first) and returns its API.
 *
 *   const view = createView(document.querySelector("#podium"));
 *   view.applyDeck(await (await fetch("/api/deck")).json());
 *   view.onChange(({index, step}) => …);
 *   view.show(3, 1);
 *
 * options.layout: "auto" (default: stage, or flow on a narrow portrait
 * screen), "stage" or "flow". options.announce: false turns off the
 * aria-live announcement (for a second, preview view on one page).
 */
export function createView(root, options = {}) {
  const {layout = "auto", announce = true} = options;
  // The audience page comes with this markup already, at the live slide
  // (server/firstpaint.go): the view adopts it rather than paint again.
  const first = root.querySelector(":scope > .viewport") ? {...root.dataset} : null;
  if (!first) {
    root.replaceChildren();
    root.classList.add("podium");
    root.insertAdjacentHTML("beforeend", `
<div class="viewport">
  <div class="stage">
    <div class="slides"></div>
    <footer class="bar">
      <span class="chapter"></span>
      <span class="tools"><span class="count"></span></span>
    </footer>
    <div class="progress" aria-hidden="true"><div class="progress-fill"></div></div>
  </div>
</div>
<div class="sr-only" aria-live="polite" aria-atomic="true"></div>`);
  }
  const $ = (sel) => root.querySelector(sel);
  const viewport = $(".viewport"), stage = $(".stage"), slidesEl = $(".slides");
  const chapterEl = $(".chapter"), countEl = $(".count"), fill = $(".progress-fill");
  const live = $("[aria-live]");
  const win = root.ownerDocument.defaultView;

  let deck = null;
  let slides = []; // rendered slides: {id, html, el, steps, codes, data}
  let index = 0, step = 0, shownID = null;
  // The server's slide, while it waits for its deck: shown at its step,
  // it is the position the view starts at.
  let adopt = first && slidesEl.querySelector(":scope > .slide[data-first]");
  if (first) step = Number(first.step) || 0;
  const listeners = new Set();

  // Layout: scale the stage to the viewport, or let it flow on a phone.
  const flowQuery = win.matchMedia(FLOW_QUERY);
  function fit() {
    const flow = layout === "flow" || (layout === "auto" && flowQuery.matches);
    root.dataset.mode = flow ? "flow" : "stage";
    if (flow) {
      stage.style.removeProperty("--scale");
      return;
    }
    const w = viewport.clientWidth, h = viewport.clientHeight;
    const scale = Math.min(w / STAGE_WIDTH, h / STAGE_HEIGHT) || 1;
    stage.style.setProperty("--scale", String(scale));
  }
  new ResizeObserver(fit).observe(viewport);
  flowQuery.addEventListener("change", fit);
  fit();

  function render(s, i, n, old) {
    let r = old.get(s.id);
    if (!r && adopt?.dataset.id === s.id) {
      // The same deck's slide, rendered by the server as this view would
      // render it: keep the element (no second paint, no fade).
      const el = adopt;
      adopt = null;
      el.setAttribute("aria-roledescription", words(deck.lang).slide);
      const body = el.firstElementChild;
      enhance(body);
      r = {id: s.id, html: s.html, el, label: el.getAttribute("aria-label"), shownStep: -1,
        steps: [...body.querySelectorAll("[data-step]")].map((e) => [e, Number(e.dataset.step) || 0]),
        codes: [...body.querySelectorAll("pre[data-hl]")].map(parseCode)};
    }
    if (!r) {
      const el = root.ownerDocument.createElement("section");
      el.className = "slide";
      el.hidden = true;
      el.setAttribute("aria-roledescription", words(deck.lang).slideRole);
      el.insertAdjacentHTML("beforeend", '<div class="slide-body"></div>');
      r = {id: s.id, html: null, el};
    }
    r.data = s;
    dress(r, s);
    // An edit changes a slide or two of many: touch only what differs.
    const label = `${i + 1} / ${n}: ${s.title}`;
    if (r.label !== label) {
      r.el.dataset.id = s.id;
      r.el.setAttribute("aria-label", r.label = label);
    }
    if (r.html !== s.html) {
      // Parse in an inert template, so images wait for enhance() to make
      // them lazy: a slide's images load when it is near, not at start.
      const tpl = root.ownerDocument.createElement("template");
      tpl.innerHTML = s.html;
      enhance(tpl.content);
      const body = r.el.firstElementChild;
      if (r.html === null) body.replaceChildren(tpl.content);
      else morph(body, tpl.content);
      r.html = s.html;
      r.steps = [...body.querySelectorAll("[data-step]")].map((e) => [e, Number(e.dataset.step) || 0]);
      r.codes = [...body.querySelectorAll("pre[data-hl]")].map(parseCode);
      r.shownStep = -1;
    }
    return r;
  }

  // dress gives a slide's wrapper its settings: data-layout for the
  // layout's CSS, the author's classes, and its own background.
  function dress(r, s) {
    r.el.dataset.layout = s.layout || "default";
    for (const c of r.classes || []) r.el.classList.remove(c);
    r.classes = (s.class || "").split(" ").filter(Boolean);
    for (const c of r.classes) r.el.classList.add(c);
    const bg = s.background || {}, st = r.el.style;
    st.backgroundImage = bg.image ? `url("${bg.image}")` : "";
    st.backgroundColor = bg.color || "";
    st.backgroundSize = bg.size || (bg.image ? "cover" : "");
    st.backgroundPosition = bg.position || (bg.image ? "center" : "");
  }

  /**
   * applyDeck renders a deck, or updates the one shown in place: slides
   * are matched by id, unchanged slides keep their elements, an edited
   * slide's element is morphed into its new HTML (so what is on screen,
   * its scroll and focus stay), and the position follows the current
   * slide's id (clamped when it is gone). It returns a promise, settled
   * when the deck is shown: at once, except on the first edit of a
   * rendered slide, which loads the morpher first.
   */
  function applyDeck(next) {
    const old = new Map(slides.map((r) => [r.id, r]));
    if (!morphdom && next.slides.some((s) => old.get(s.id)?.html != null && old.get(s.id).html !== s.html)) {
      return loadMorph().then(() => applyDeck(next));
    }
    const curID = slides[index]?.id ?? adopt?.dataset.id;
    // A server slide of another deck version is not this deck's.
    if (adopt && next.version !== first.version) {
      adopt.remove();
      adopt = null;
    }
    deck = next;
    const n = deck.slides.length;
    slides = deck.slides.map((s, i) => render(s, i, n, old));
    place(slidesEl, slides.map((r) => r.el));
    let i = slides.findIndex((r) => r.id === curID);
    if (i < 0) i = Math.min(index, n - 1);
    update(Math.max(i, 0), step, {index, step}, true);
    return Promise.resolve();
  }

  function update(i, s, prev, deckChanged = false) {
    const n = slides.length;
    if (!n) return false;
    i = clamp(Math.trunc(i) || 0, 0, n - 1);
    const r = slides[i];
    s = clamp(Math.trunc(s) || 0, 0, r.data.steps);
    if (i === index && s === step && !deckChanged) return false;
    // A different slide, as a person sees it: a new deck that only moves
    // the current slide to another index is no slide change.
    const slideChanged = r.id !== shownID;
    shownID = r.id;
    if (slideChanged || deckChanged) {
      slides.forEach((x, k) => {
        if (x.el.hidden !== (k !== i)) x.el.hidden = k !== i;
        // The server's slide came in without a fade; next time it fades.
        if (k !== i && x.el.dataset.first !== undefined) delete x.el.dataset.first;
        if (x.el.classList.contains("current") !== (k === i)) x.el.classList.toggle("current", k === i);
      });
    }
    drawDiagrams(r.el);
    index = i;
    step = s;
    if (r.shownStep !== s) {
      for (const [el, at] of r.steps) el.classList.toggle("future", at > s);
      for (const c of r.codes) highlight(c, s);
      r.shownStep = s;
    }
    const chapter = deck.chapters[r.data.chapter];
    chapterEl.textContent = chapter ? chapter.title : "";
    countEl.textContent = `${i + 1} / ${n}`;
    fill.style.transform = `scaleX(${n > 1 ? i / (n - 1) : 1})`;
    if (slideChanged) {
      // Fetch the next slide's images now, so they are there when it is.
      slides[i + 1]?.el.querySelectorAll("img[loading=lazy]").forEach((img) => { img.loading = "eager"; });
      if (root.dataset.mode === "flow") win.scrollTo(0, 0);
    }
    if (announce && (slideChanged || s !== prev.step)) {
      // A new slide by its number and title; a step by what it reveals
      // (a stepped code highlight, which reveals no element, by number).
      const w = words(deck.lang);
      const shown = slideChanged || s < prev.step ? "" : r.steps
        .filter(([, at]) => at > prev.step && at <= s).map(([el]) => el.textContent.trim()).join(" ");
      live.textContent = slideChanged ? `${w.slide} ${i + 1} / ${n}: ${r.data.title}` : shown || `${w.step} ${s} / ${r.data.steps}`;
    }
    const change = {index, step, slide: r.data, deck, previous: prev, slideChanged, deckChanged};
    for (const cb of listeners) cb(change);
    return true;
  }

  const view = {
    root, stage, viewport,
    /** The bar at the stage's foot; controls.js adds its buttons here. */
    bar: $(".bar .tools"),
    /** served: the page came with the live slide rendered by the server. */
    served: !!first,
    get deck() { return deck; },
    get index() { return index; },
    get step() { return step; },
    /** The rendered section element of slide i. */
    slideElement(i) { return slides[i]?.el ?? null; },
    applyDeck,
    /**
     * prepare loads what applyDeck needs to update a shown deck in place
     * (the morpher), so that it loads beside the new deck's fetch.
     */
    prepare() { if (deck) loadMorph(); },
    /**
     * show moves to slide index (0-based) at step (0 = initial state;
     * clamped to the slide's steps; -1 or Infinity: its final step). It
     * returns whether anything changed.
     */
    show(i, s = 0) {
      if (s < 0) s = Infinity;
      if (s === Infinity) s = slides[clamp(i, 0, slides.length - 1)]?.data.steps ?? 0;
      return update(i, s, {index, step});
    },
    /** next reveals the next step, or moves to the next slide. */
    next() {
      const r = slides[index];
      if (!r) return false;
      return step < r.data.steps ? view.show(index, step + 1) : view.show(index + 1, 0);
    },
    /** prev hides the last step, or moves to the previous slide's final state. */
    prev() {
      if (step > 0) return view.show(index, step - 1);
      return index > 0 ? view.show(index - 1, -1) : false;
    },
    first() { return view.show(0, 0); },
    last() { return view.show(slides.length - 1, 0); },
    /**
     * onChange calls cb after every change of position or deck with
     * {index, step, slide, deck, previous: {index, step}, slideChanged,
     * deckChanged}: slideChanged is true when another slide is shown (not
     * when a new deck only renumbers it). It returns a function that
     * removes cb.
     */
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    /** fit recomputes the layout; the view calls it itself on resize. */
    fit,
  };
  return view;
}

// morphdom is the DOM morpher (web/vendor, MIT), imported on the first
// edit of a shown slide: a page that sees no edit never loads it, and the
// audience's first load stays within its budget.
let morphdom = null, morphLoading = null;
function loadMorph() {
  return (morphLoading ??= import("./vendor/morphdom-esm.js").then(
    (m) => { morphdom = m.default; },
    (err) => {
      console.warn("podium: no morpher, edits replace the slide:", err);
      morphdom = (from, to) => from.replaceChildren(...to.childNodes);
    }));
}

// morph turns the children of el into the nodes of fragment, keeping every
// element that matches (same tag, same place or same id): its scroll,
// focus, loaded images and running media survive. The step classes it
// strips are put back by update() before the browser paints.
function morph(el, fragment) {
  const to = el.cloneNode(false);
  to.append(fragment);
  morphdom(el, to, {childrenOnly: true});
}

// place makes els the children of parent in order, moving only those out
// of place (with moveBefore where the browser has it, which keeps a moved
// slide's state): a node taken out of the document loses its scroll,
// focus and fullscreen.
function place(parent, els) {
  const keep = new Set(els);
  for (const el of [...parent.children]) if (!keep.has(el)) el.remove();
  let ref = parent.firstElementChild;
  for (const el of els) {
    if (el === ref) {
      ref = ref.nextElementSibling;
    } else if (el.parentNode === parent && parent.moveBefore) {
      parent.moveBefore(el, ref);
    } else {
      parent.insertBefore(el, ref);
    }
  }
}

function clamp(x, lo, hi) {
  return Math.min(Math.max(x, lo), hi);
}

// drawDiagrams draws the ```mermaid blocks of the shown slide with the
// vendored Mermaid (server/diagram, MIT), loaded on first need. Only a
// deck whose diagrams the server could not render to SVG (no Chromium
// there) has such blocks: a deck with none, or whose diagrams came as
// SVG, never loads it. Mermaid measures text, so a slide is drawn when
// it is shown, not while hidden.
let mermaidLoading = null;
function drawDiagrams(el) {
  const pres = [...el.querySelectorAll("pre.mermaid:not([data-processed])")];
  if (!pres.length) return;
  const doc = el.ownerDocument;
  mermaidLoading ??= new Promise((resolve, reject) => {
    const s = doc.createElement("script");
    s.src = "/vendor/mermaid-12.3.0.js";
    s.onload = () => resolve(globalThis.mermaid);
    s.onerror = () => reject(new Error("cannot load " + s.src));
    doc.head.append(s);
  });
  mermaidLoading.then((m) => {
    const dark = getComputedStyle(doc.documentElement).colorScheme.includes("dark");
    m.initialize({startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default"});
    return m.run({nodes: pres});
  }).then(() => {
    for (const p of pres) {
      const svg = p.querySelector("svg");
      if (svg) inlineStyles(svg);
    }
  }).catch((err) => console.warn("podium: diagrams not drawn:", err));
}

// inlineStyles moves the rules of a Mermaid SVG's <style> elements into
// style attributes, before the attributes' own declarations: the page's
// CSP allows style attributes but blocks <style> elements, which would
// leave the diagram black. server/diagram does the same to the SVGs it
// renders. Specificity is not weighed: Mermaid's rules are one id and
// classes each.
function inlineStyles(root) {
  const own = new Map();
  const added = new Map();
  for (const st of [...root.querySelectorAll("style")]) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(st.textContent);
    for (const rule of sheet.cssRules) {
      if (!(rule instanceof CSSStyleRule)) continue;
      let els;
      try {
        els = [...root.querySelectorAll(rule.selectorText)];
        if (root.matches(rule.selectorText)) els.unshift(root);
      } catch {
        continue; // pseudo-elements
      }
      for (const el of els) {
        if (!own.has(el)) own.set(el, el.getAttribute("style") || "");
        added.set(el, (added.get(el) || "") + rule.style.cssText + ";");
      }
    }
    st.remove();
  }
  for (const [el, css] of added) el.setAttribute("style", css + own.get(el));
}

// enhance adjusts freshly rendered slide HTML for the browser: tables get
// a wrapper that scrolls sideways on a phone, a blockquote's closing
// "— Author" line is marked as its attribution, images decode lazily.
function enhance(body) {
  const doc = body.ownerDocument;
  for (const t of body.querySelectorAll("table")) {
    if (t.parentNode?.classList?.contains("table-wrap")) continue;
    const w = doc.createElement("div");
    w.className = "table-wrap";
    if (t.dataset.step) w.dataset.step = t.dataset.step;
    t.replaceWith(w);
    w.append(t);
  }
  for (const q of body.querySelectorAll("blockquote")) {
    const last = q.lastElementChild;
    if (last && last !== q.firstElementChild && /^\s*(—|――|--|～|~)/.test(last.textContent)) {
      last.classList.add("attribution");
    }
  }
  for (const img of body.querySelectorAll("img")) {
    img.loading = "lazy";
    img.decoding = "async";
  }
}

// parseCode reads a stepped highlight block: data-hl="1|2-3|all" (sets of
// 1-based lines) and data-hl-at="0,4,5" (the step each set starts at).
function parseCode(pre) {
  const sets = pre.dataset.hl.split("|").map((spec) => {
    spec = spec.trim();
    if (spec === "all" || spec === "") return null;
    const lines = new Set();
    for (const part of spec.split(",")) {
      const [a, b = a] = part.split("-").map(Number);
      for (let k = a; k <= b; k++) lines.add(k);
    }
    return lines;
  });
  const at = (pre.dataset.hlAt || "").split(",").map(Number);
  return {pre, sets, at, lines: [...pre.querySelectorAll(".line")]};
}

// highlight marks the lines of the set active at step s: the last set
// whose start step is at or before s.
function highlight(c, s) {
  let k = 0;
  c.at.forEach((a, i) => { if (a <= s) k = i; });
  const set = c.sets[k] ?? null;
  c.lines.forEach((line, i) => line.classList.toggle("hl", !!set && set.has(i + 1)));
  c.pre.classList.toggle("has-hl", !!set && set.size > 0);
}
