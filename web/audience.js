// audience.js: the entry module of the audience page (GET /). It loads
// the deck, shows it, lets the person drive it, and keeps the position in
// the URL: #12 is slide 12, #12.3 its third step (1-based slide numbers),
// so a reload or a shared link lands on the same place, and back/forward
// walk the slides seen.

import {createView} from "./view.js";
import {attachControls} from "./controls.js";
import {follow} from "./sync.js";

/** parseHash reads "#12.3" as {index: 11, step: 3}; null when it is no position. */
export function parseHash(hash) {
  const m = /^#(\d+)(?:\.(\d+))?$/.exec(hash);
  return m ? {index: Math.max(Number(m[1]) - 1, 0), step: Number(m[2] || 0)} : null;
}

/** formatHash is the inverse of parseHash. */
export function formatHash(index, step) {
  return "#" + (index + 1) + (step ? "." + step : "");
}

async function main() {
  const root = document.getElementById("podium");
  const view = createView(root);
  const controls = attachControls(view);
  // A page for tests and for the sync layered on later.
  window.podium = {view, controls};

  const res = await fetch("/api/deck");
  if (!res.ok) throw new Error(`GET /api/deck: ${res.status}`);
  view.applyDeck(await res.json());
  // Follow the presenter live (docs/protocol.md); the deck is already
  // here, so the tracker fetches it again only when its version changes.
  window.podium.sync = follow(view, {controls});

  const pos = parseHash(location.hash);
  if (pos) view.show(pos.index, pos.step);

  const sync = ({index, step, slideChanged}) => {
    const h = formatHash(index, step);
    if (location.hash === h) return;
    // A new slide is a history entry; a step within it is not.
    if (slideChanged) history.pushState(null, "", h);
    else history.replaceState(null, "", h);
  };
  history.replaceState(null, "", formatHash(view.index, view.step));
  view.onChange(sync);
  addEventListener("hashchange", () => {
    const p = parseHash(location.hash);
    if (p) view.show(p.index, p.step);
  });
  root.dataset.ready = "true";
}

main().catch((err) => {
  console.error(err);
  const p = document.createElement("p");
  p.className = "load-error";
  p.textContent = "Could not load the presentation: " + err.message;
  document.body.append(p);
});
