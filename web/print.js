// print.js: the entry module of the page that podium export prints to PDF
// (server/export). It lays the deck out as one page per slide (or per
// step), each a clone of what the audience view shows at that position, so
// the PDF has exactly the stage's layout, theme and code highlighting.
//
// The page carries its data in <script type="application/json"
// id="podium-print">: {deck, pages: [[slide, step], …], notes: {id: html}
// (a handout only), handout: bool}. It sets data-pages on <html> as it
// goes (the exporter's progress) and data-ready when every font and image
// has loaded.
//
// The outline of the PDF comes from the headings, at their aria-level
// (Chromium builds it from the accessibility tree): each chapter's title
// is a level-1 heading on its first page, and the slides' own headings sit
// one level below, so a PDF viewer's bookmarks read chapters → slide
// titles. A slide printed at several steps keeps its headings on its
// first page only.

import {createView} from "./view.js";

const data = JSON.parse(document.getElementById("podium-print").textContent);
const html = document.documentElement;

async function main() {
  const source = document.createElement("div");
  document.body.append(source);
  const view = createView(source, {layout: "stage", announce: false});
  await view.applyDeck(data.deck);
  const out = document.createElement("div");
  out.className = "print";
  const chapterSeen = new Set(), slideSeen = new Set();
  const batch = 20;
  for (let k = 0; k < data.pages.length; k++) {
    const [i, s] = data.pages[k];
    view.show(i, s);
    const slide = data.deck.slides[i];
    const page = document.createElement("div");
    page.className = "print-page" + (data.handout ? " handout" : "");
    const stage = document.createElement("div");
    stage.className = "stage";
    const slides = document.createElement("div");
    slides.className = "slides";
    const el = view.slideElement(i).cloneNode(true);
    el.classList.remove("current");
    el.removeAttribute("aria-roledescription");
    for (const img of el.querySelectorAll("img")) img.loading = "eager";
    const heads = [...el.querySelectorAll("h1, h2, h3, h4, h5, h6")];
    for (const h of heads) {
      if (slideSeen.has(i)) h.setAttribute("role", "none");
      else h.setAttribute("aria-level", String(Math.min(Number(h.tagName[1]) + 1, 6)));
    }
    if (!chapterSeen.has(slide.chapter)) {
      chapterSeen.add(slide.chapter);
      // The chapter's title is usually its first slide's first heading:
      // that heading becomes the outline's entry. Otherwise a heading no
      // one sees names the chapter (transparent, not clipped: the PDF's
      // structure keeps only what is painted).
      const title = data.deck.chapters[slide.chapter]?.title || "";
      if (heads[0] && heads[0].textContent.trim() === title.trim()) {
        heads[0].setAttribute("aria-level", "1");
      } else {
        const h = document.createElement("h1");
        h.className = "print-chapter";
        h.textContent = title;
        page.append(h);
      }
    }
    slideSeen.add(i);
    slides.append(el);
    stage.append(slides);
    const frame = document.createElement("div");
    frame.className = "print-stage";
    frame.append(stage);
    page.append(frame);
    if (data.handout) {
      const notes = document.createElement("div");
      notes.className = "print-notes";
      notes.innerHTML = data.notes?.[slide.id] || "";
      page.append(notes);
    }
    out.append(page);
    if (k % batch === batch - 1) {
      html.dataset.pages = String(k + 1);
      await new Promise((r) => setTimeout(r));
    }
  }
  source.remove();
  document.body.append(out);
  html.dataset.pages = String(data.pages.length);
  await document.fonts.ready;
  await Promise.all([...out.querySelectorAll("img")].map((img) => img.decode().catch(() => {})));
  html.dataset.ready = "true";
}

main().catch((err) => {
  html.dataset.error = String(err?.stack || err);
});
