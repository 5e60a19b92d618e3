// static.js: the entry of the static copy that podium export --format html
// writes (server/export). The exporter turns it and the modules it imports
// into one classic script, since browsers load no ES module from file://.
// It shows the deck embedded in the page (<script type="application/json"
// id="podium-deck">) with the audience page's keys, overview, go-to and
// phone reading mode, and keeps the position in the address (#12.3): no
// server, no websocket, no notes.

import {createView} from "./view.js";
import {attachControls} from "./controls.js";
import {words} from "./i18n.js";

function parseHash(hash) {
  const m = /^#(\d+)(?:\.(\d+))?$/.exec(hash);
  return m ? {index: Math.max(Number(m[1]) - 1, 0), step: Number(m[2] || 0)} : null;
}

function formatHash(index, step) {
  return "#" + (index + 1) + (step ? "." + step : "");
}

function main() {
  const root = document.getElementById("podium");
  const deck = JSON.parse(document.getElementById("podium-deck").textContent);
  root.setAttribute("aria-roledescription", words(deck.lang).presentation);
  const view = createView(root);
  const controls = attachControls(view, {presenter: false}); // no presenter view here
  view.applyDeck(deck);
  const start = parseHash(location.hash);
  if (start) view.show(start.index, start.step);
  const write = ({index, step, slideChanged}) => {
    const h = formatHash(index, step);
    if (location.hash === h) return;
    // file:// pages may refuse history changes in some browsers: the
    // address then lags, the page goes on.
    try {
      if (slideChanged) history.pushState(null, "", h);
      else history.replaceState(null, "", h);
    } catch { /* not kept */ }
  };
  view.onChange(write);
  addEventListener("hashchange", () => {
    const p = parseHash(location.hash);
    if (p) view.show(p.index, p.step);
  });
  window.podium = {view, controls};
  root.dataset.ready = "true";
}

main();
