// firstpaint.mjs: time to the first slide's text on screen, podium against
// Marp, reveal-md and Slidev on one small deck (docs/benchmarks.md, "ssr").
//
//   node cmd/podium-load/firstpaint.mjs RUNS NAME=URL...
//
// Each run is a fresh browser context (empty cache, no cookies) in one
// headless Chromium: open URL, and from the document's start a script
// looks at every animation frame for an element whose text contains
// MARK (default "容器往事") that is on screen, not hidden and fully opaque
// (every ancestor's opacity multiplied: a fade counts when it ends). That
// frame's time is when the text is ready to paint; the figure is the later
// of it and first-contentful-paint (the paint it is in, when the text is
// the page's first content), both from navigation start. Runs
// alternate between the tools, so load on the machine hits all alike.
// With RTT=ms set, Chromium's network emulation adds that latency to
// every request (Network.emulateNetworkConditions; no bandwidth cap), and
// figures are also given in round trips.
//
// Environment: PLAYWRIGHT (path of playwright-core, default
// /tmp/peers/node_modules/playwright-core), CHROME (/usr/bin/chromium),
// RTT (0), MARK.
import {createRequire} from "node:module";

const require = createRequire(import.meta.url);
const {chromium} = require(process.env.PLAYWRIGHT || "/tmp/peers/node_modules/playwright-core");
const runs = Number(process.argv[2] || 15);
const targets = process.argv.slice(3).map((a) => {
  const i = a.indexOf("=");
  return {name: a.slice(0, i), url: a.slice(i + 1), ms: [], fcp: []};
});
const rtt = Number(process.env.RTT || 0);
const mark = process.env.MARK || "容器往事";

const watch = (mark) => {
  const seen = () => {
    const w = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      if (!n.data.includes(mark)) continue;
      const el = n.parentElement;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) continue;
      let op = 1, ok = true;
      for (let e = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.visibility === "hidden" || cs.display === "none") { ok = false; break; }
        op *= Number(cs.opacity);
      }
      if (ok && op >= 0.99) return true;
    }
    return false;
  };
  const tick = () => {
    if (document.body && seen()) { window.__firstText = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.round(p * (s.length - 1)))]; };

const browser = await chromium.launch({executablePath: process.env.CHROME || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"]});
try {
  for (let i = 0; i < runs; i++) {
    for (const t of targets) {
      const ctx = await browser.newContext({viewport: {width: 1280, height: 720}});
      const page = await ctx.newPage();
      if (rtt) {
        const cdp = await ctx.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.emulateNetworkConditions", {offline: false, latency: rtt, downloadThroughput: -1, uploadThroughput: -1});
      }
      await page.addInitScript(watch, mark);
      await page.goto(t.url, {waitUntil: "commit"});
      await page.waitForFunction(() => window.__firstText !== undefined &&
        performance.getEntriesByName("first-contentful-paint").length > 0, null, {timeout: 60e3, polling: 50});
      const [text, fcp] = await page.evaluate(() => [window.__firstText,
        performance.getEntriesByName("first-contentful-paint")[0].startTime]);
      t.ms.push(Math.max(text, fcp));
      t.fcp.push(fcp);
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
const base = targets[0];
console.log(`first slide text visible, ${runs} runs each, RTT ${rtt} ms, Chromium ${browser.version()}`);
for (const t of targets) {
  const m = median(t.ms);
  const rt = rtt ? `, ${(m / rtt).toFixed(2)} RTT` : "";
  console.log(`${t.name.padEnd(10)} median ${m.toFixed(0)} ms${rt} (p10 ${pct(t.ms, 0.1).toFixed(0)}, p90 ${pct(t.ms, 0.9).toFixed(0)}, min ${Math.min(...t.ms).toFixed(0)}, max ${Math.max(...t.ms).toFixed(0)}); FCP median ${median(t.fcp).toFixed(0)} ms; ×${(m / median(base.ms)).toFixed(2)} of ${base.name}`);
}
