// Package deck turns a folder of Markdown files into a presentation: files →
// model → HTML. It is pure (no HTTP, no file watching): [Load] takes an
// [io/fs.FS] and returns a [Deck] or every [Problem] it found. This comment
// is the slide format's specification; the rest of podium (the server, the
// browser code, the themes) relies on it.
//
// # A deck at a glance
//
//	talk/
//	  01-intro.md        chapter 1 (its front matter holds the deck's metadata)
//	  02-standards.md    chapter 2
//	  10-outlook.md      chapter 3: numeric-aware order puts 10 after 2
//	  _ideas.md          ignored: a draft (names starting with "_" or ".")
//	  img/logo.png       an asset, served under /deck/img/logo.png
//
// 01-intro.md:
//
//	---
//	title: Docker 与 CoreOS 的恩怨情仇
//	author: Ada
//	lang: zh-CN
//	---
//
//	# 开场
//
//	![logo](img/logo.png)
//
//	---
//
//	# Agenda
//
//	* shown at step 1
//	* shown at step 2
//
//	Note: Speaker notes. Only the presenter sees these.
//
// # Using the package
//
//	d, err := deck.Load(os.DirFS("talk"))   // one-off
//	var ps deck.Problems
//	if errors.As(err, &ps) {
//		for _, p := range ps {
//			fmt.Println(p) // "02-standards.md:41: unterminated code fence (opened here)"
//		}
//	}
//
//	l := deck.NewLoader(os.DirFS("talk"))  // a server: Load again on every change;
//	d, err = l.Load()                      // only changed chapters are re-rendered
//	i := deck.Nearest(old, d, slideID)     // where a viewer of slideID goes now
//	for _, w := range d.Warnings { fmt.Println(w) } // loads, but look
//	css, err := deck.ChromaCSS("github")   // once per theme
//
// # Deck folder
//
// Chapters are the *.md files directly in the deck folder (not in
// subfolders), ordered by file name, numeric-aware: "2-x.md" comes before
// "10-x.md". Names starting with "." or "_" are ignored (drafts). Everything
// else in the folder (images, subfolders) is an asset. A folder with no
// chapter file is an error, and so are more than [MaxChapters] of them.
//
// Input hygiene: a UTF-8 byte order mark is dropped, and CRLF and lone CR
// line ends become LF. These are errors: a chapter file over [MaxFileSize]
// (1 MiB), a file with a NUL byte (binary), invalid UTF-8 (reported with its
// line), and a chapter of only whitespace:
//
//	no chapter files (*.md) in the deck folder
//	01-intro.md: file too large: over 1048576 bytes (limit 1 MiB)
//	01-intro.md:7: binary file: contains a NUL byte
//	01-intro.md:7: invalid UTF-8
//	01-intro.md: empty chapter: the file holds only whitespace
//	01-intro.md:4: no slides after the front matter
//
// # Front matter
//
// Optional, at the very top of a chapter file: a line "---", then YAML,
// then a line "---". The YAML is read with go.yaml.in/yaml/v3, so every
// YAML form works: plain, 'single-' and "double-quoted" strings, block
// scalars ("|" and ">"), comments, blank lines, nested values. Podium reads
// the keys below, each a single value (text, or true/false where said);
// surrounding white space is dropped. A file whose first line is "---"
// always starts with front matter (a slide break cannot come first: the
// slide before it would be empty).
//
// The front matter ends at the next line that is "---". When that line
// has a blank line before it and one (or the end of the file) after it, it
// could as well be a slide break after a front matter never closed, so it
// closes the front matter only when what is above it reads as front
// matter: YAML without problems or unknown keys, whose last lines after a
// blank line are not all "#" lines (a comment to YAML, but more likely the
// chapter's first heading). Otherwise the file has an unterminated front
// matter, reported at its line 1 and never silently swallowing a slide:
//
//	---
//	title: Two
//
//	# First slide       ← the author forgot the closing "---" above
//
//	---
//
//	# Second slide
//
//	02-two.md:1: unterminated front matter: no closing "---" (the "---" at line 6 has blank lines around it, so it reads as a slide break)
//
// Deck keys, allowed only in the first chapter file:
//
//	title    the deck's title (and the first chapter's)
//	author   shown on the title page and overview
//	date     free text; on the cover's byline
//	subtitle shown on the cover under its title
//	event    where the talk is given (a conference, a meetup); on the
//	         cover's byline, between author and date
//	lang     BCP 47 tag for <html lang>, default "en"
//	theme    theme name, default "light"; the server's --theme flag overrides it
//	html     true lets raw HTML in the Markdown through to the page; the
//	         default, false, omits it (goldmark's safe mode). Trusted authors only.
//	         Slidev, remark and reveal.js decks default to true, as their
//	         tools show HTML (see Dialects); HTML comments never reach the page.
//
// Chapter keys, allowed in any file:
//
//	title    in a file other than the first: the chapter's title
//	chapter  the chapter's title; in the first file, use it when the
//	         chapter's title must differ from the deck's
//
// The slide keys (see "Slide settings") are allowed too: at the top of a
// file they set the chapter's first slide.
//
// The default chapter title is the text of the chapter's first heading; else
// the file name without numeric prefix and extension ("02-standards.md" →
// "standards"). The default deck title is the first chapter's title.
//
// Errors are reported like a compiler's, for example:
//
//	01-intro.md:1: unterminated front matter: no closing "---"
//	02-standards.md:2: front matter key "author" is a deck key: it belongs in the first chapter file (01-intro.md)
//	01-intro.md:4: malformed front matter line "just words": want "key: value"
//	01-intro.md:3: front matter: mapping values are not allowed in this context
//	01-intro.md:5: front matter key "html": want true or false, got "yes"
//	01-intro.md:5: front matter key "title": want a single value, not a list or map
//	01-intro.md:6: duplicate front matter key "title"
//
// An unknown key is not an error but a warning ([Deck.Warnings]), with a
// hint when it looks like a typo of a known one; the deck loads without it:
//
//	01-intro.md:3: unknown front matter key "thme" (did you mean "theme"?): ignored
//
// # Slides
//
// goldmark's parse of the whole chapter file decides where things are:
// slide breaks, pauses and notes are found among the top-level blocks of
// the document, so nothing inside fenced or indented code, an HTML block
// (a <pre> holding ``` lines, an HTML comment holding "---" between blank
// lines), a list or a block quote is ever taken for one.
//
// A slide break is a top-level line that is exactly "---" (trailing spaces
// allowed) with a blank line, or the start of the body, before it and a
// blank line, or the end of the file, after it.
//
//	# Slide one
//
//	---
//
//	# Slide two
//	Text
//	---
//	still slide two: "Text" directly above "---" is a CommonMark setext
//	heading (<h2>Text</h2>), not a break. A "---" followed by text that is
//	not "key:" (below) is a thematic break (<hr>), not a slide break.
//
// An empty slide (only whitespace between two breaks, or before the first
// or after the last) is an error: "01-intro.md:12: empty slide", reported at
// the break next to it.
//
// Guards keep a reload fast on pathological input: a slide has at most
// 2000 lines ("slide too long: 2400 lines (limit 2000); split it with
// ---"), and quotes, lists and list items nest at most 64 deep ("nested
// too deeply: quotes, lists and list items more than 64 deep").
//
// A slide's title (for the overview, go-to search and the presenter) is its
// "title" setting; else the text of its first heading; else its first line
// of text, cut to 60 characters; else "Slide N" (N counted from 1 across
// the deck).
//
// # Slide settings
//
// A slide may carry settings, in Slidev's form: the slide break's "---"
// line followed directly (no blank line) by YAML "key: value" lines and a
// closing "---" line. The settings belong to the slide after them.
//
//	---
//	layout: statement
//	class: dim
//	---
//
//	# 十年磨一剑
//
// The exact rule: a top-level "---" line with a blank line (or the start
// of the body) before it, whose next line starts with a name and a colon
// ("key:" then a space or the end of the line), opens settings when a line
// that is "---" follows before any blank line; that line closes them, and
// whatever follows it (a blank line or not) is the slide. Without such a
// closing line the "---" is a thematic break and the lines after it text,
// as CommonMark says: so "---", "Text", "---" stays a thematic break and a
// setext heading, and "key: value" lines that a blank line interrupts
// never become settings. The settings' YAML is read like front matter
// (unknown keys are warnings) and allows only slide keys:
//
//	layout               the slide's layout, a name of lower-case letters,
//	                     digits and "-": default, cover, section, center,
//	                     statement, fact, quote, two-cols, image-left,
//	                     image-right, full. Another name is a warning (a
//	                     deck's own CSS may style it), with a hint for typos.
//	class                class names for the slide's wrapper, space-separated
//	background           an image path, resolved and checked like an image's
//	                     (see "Assets"), or a CSS colour: "#" and 3, 4, 6 or
//	                     8 hex digits, a colour name (letters only), or
//	                     rgb(), hsl(), hwb(), lab(), lch(), oklab(), oklch()
//	background-size      cover, contain, auto or one or two lengths ("50%")
//	background-position  up to four of center, top, bottom, left, right and
//	                     lengths
//	steps                false shows the whole slide at once: no stepped
//	                     lists, pauses or stepped highlights (Slide.Steps 0)
//	title                the slide's title for overview and go-to, when its
//	                     heading is not the title
//	image                the side image of image-left and image-right (or
//	                     the image of full): an image path, resolved and
//	                     checked like an image's
//
// A slide without a layout gets one: the deck's first slide "cover", the
// first slide of every other chapter "section", a slide with a column
// marker "two-cols", the others "default".
//
// # Layouts
//
// A layout arranges a slide on the 16:9 stage and in the phone's reading
// column; the themes colour them. Each is written in plain Markdown:
//
//	default      a heading and its content. Content is balanced
//	             vertically: a short slide sits a little above the
//	             middle of the stage, a full one starts at the top.
//	cover        the talk's title: its heading large, the paragraph after
//	             it as subtitle, and a byline the server adds from the
//	             deck keys (<p class="subtitle"> from subtitle, then
//	             <p class="byline"> with <span class="byline-author">,
//	             "byline-event" and "byline-date" for author, event, date).
//	section      a chapter's opener: the server puts its number before its
//	             heading (<p class="section-number">02</p>: the section
//	             slides of the deck counted from 01), shown large.
//	center       everything centred, both ways.
//	statement    one sentence (a heading or a paragraph), as large as the
//	             stage allows; a paragraph after it is smaller.
//	fact         a big figure and its caption: "# 400" and a line under it.
//	             Several heading-and-line pairs stand side by side.
//	quote        a block quote, large, with a mark of the accent; its last
//	             paragraph, when it starts with "—" (or "--", "～"), is
//	             who said it.
//	two-cols     two columns at the column markers (below).
//	image-left   the image in the left half, the rest of the slide in the
//	image-right  right (or the other way round): the slide's image key,
//	             else its first paragraph that is only an image. The image
//	             is <figure class="side-image">, the rest
//	             <div class="side-text">.
//	full         the image (the image key, else the slide's first image
//	             alone in a paragraph, as <figure class="full-image">, or
//	             the slide's background) fills the stage; text on it sits
//	             on a band at the foot.
//
// Column markers are Slidev's: a line that is exactly "::left::" or
// "::right::" at the top level of a slide (it may follow a paragraph line
// directly). What comes after "::right::" is the right column; what comes
// before it is the left one, except the header: the blocks before
// "::left::" when there is one, else the headings the slide opens with,
// which span both columns.
//
//	---
//	layout: two-cols
//	---
//
//	## Rocket 与 Docker
//
//	- 组件
//	- 可组合
//
//	::right::
//
//	- 平台
//	- 一体化
//
// becomes <h2>…</h2><div class="cols"><div class="col col-left">…</div>
// <div class="col col-right">…</div></div>. Markers in the notes are
// nothing; steps and pauses work inside columns as anywhere.
//
// # Images
//
// An image alone in its paragraph fills the room its layout gives it,
// scaled whole (never cropped, never shown at its natural size); in a line
// of text it is at most the line's box. A size hint sets one side, the
// other follows: the query keys "w" and "h" of a deck image's path, in
// percent of the room or in pixels of the 1280×720 stage. They leave the
// URL (other query keys stay) and become the image's style:
//
//	![架构](arch.svg?w=60%)   →  <svg … class="deck-svg sized" style="width:60%">…
//	![照片](team.jpg?h=300)   →  <img src="/deck/team.jpg?v=…" class="sized" style="height:300px;width:auto">
//
// A deck's SVG images (relative paths ending in .svg) drawn to follow
// the theme, that is, naming currentColor or a CSS variable (var(--…)), are
// inlined into the slide's HTML as <svg class="deck-svg" role="img" aria-label="ALT">,
// so that the page's CSS draws them: strokes and fills of currentColor or
// of the theme's variables (style="fill: var(--accent)"; --fg, --muted,
// --accent, --surface, --bg, --rule) follow the theme, light or dark,
// which an <img> cannot (any other SVG stays an <img>, as its author drew
// it). Inlining sanitises them first, by allowlist:
// drawing elements (shapes, text, gradients, markers, masks, filters, use)
// stay; script, foreignObject, image, animation and every unknown element
// go with their content; an <a> goes but keeps its content; event
// handlers (on…), hrefs and url()s but to a fragment of the same SVG, CSS
// escapes, comments, processing instructions and the DOCTYPE go. Its ids
// get a prefix of their own, and the references to them follow. Its width
// and height go (its viewBox stays, made from them when it has none): the
// layout sizes it. An SVG with its own <style> element is not inlined
// (its rules would restyle the whole page, and the page's policy blocks
// them): it stays an <img>, drawn as its author drew it, and on the dark
// theme gets a light card behind it. An SVG that is not well-formed or is
// over 512 KB stays an <img>, with a warning. Images in the notes stay
// images.
//
// # A deck's own CSS
//
// A file style.css beside the chapters is the deck's own stylesheet: CSS
// applied after the theme's, so that it wins ties of specificity (a
// rule as specific as the theme's, say
// .slide[data-layout="cover"] h1, overrides it). It may restyle anything,
// set the theme's custom properties (--accent, --bg…) or style layouts of
// its own (an unknown layout name is a warning, not an error). The server
// serves it inside the theme's stylesheet, after the theme's rules, under
// the same content-hashed URL (/theme/HASH/NAME.css): an edit of it
// restyles every page in place, as a theme edit does, with no extra
// request. It is at most 256 KB of UTF-8 without NUL bytes (else an error
// at its line). It is never a deck file: GET /deck/style.css is 404, like
// every file the deck folder's allowlist does not name, and it carries
// nothing of the notes (they are in no file the audience can fetch).
//
// # Speaker notes
//
// A top-level paragraph starting with "Note:" (in column 0) starts the
// notes: the rest of that paragraph and every block after it up to the end
// of the slide are notes, rendered as Markdown. "Note:" inside a list, a
// quote or the middle of a paragraph is text. Notes never appear in the
// slide's HTML; the server sends them to the presenter only.
//
//	# Why containers
//
//	Shipping software is hard.
//
//	Note: Ask who has been paged at 3 a.m.
//	Then tell the story of the **failed deploy**.
//
// # Steps (incremental reveal)
//
// A slide can reveal its content step by step. Steps are numbered 1..N in
// document order, Slide.Steps = N, and step 0 is the initial state.
//
//   - Items of a list written with "*" bullets, or of an ordered list written
//     "1)" (paren delimiter), appear one per step (Marp's convention). Lists
//     written with "-", "+" or "1." appear at once. Nested stepped lists
//     take their steps in document order.
//   - A top-level paragraph that is exactly ". . ." (pandoc's pause: a line
//     of its own, with blank lines around it) makes everything after it on
//     the slide appear at the next step. Inside a list, a quote, another
//     paragraph or the notes it is text. Link reference definitions apply
//     to the whole chapter file, as in any Markdown document.
//   - Stepped code highlights (below) take one step per highlight set after
//     the first.
//
// Example:
//
//	# Agenda
//
//	* step 1
//	* step 2
//
//	- at once (with the slide)
//	- at once
//
//	. . .
//
//	Step 3: this paragraph and everything below it.
//
// # Code
//
// Fenced code is highlighted by chroma in class mode (the theme's CSS
// colours the classes, see [ChromaCSS]). The info string is "LANG {LINES}":
//
//	```go {2,4-6}        lines 2, 4, 5 and 6 are emphasized
//	```go {1|2-3|all}    line 1, then at the next step lines 2-3, then
//	                     everything ("all" = no line emphasized)
//
// An unknown or missing language gives plain, escaped code in the same HTML
// structure; it is not an error. A bad line spec is an error at the fence's
// line ("01-intro.md:12: bad line highlight "{2-1}": range 2-1 is
// backwards"), and so is a top-level fence never closed, which CommonMark
// would run to the end of the file, slide breaks and all
// ("01-intro.md:12: unterminated code fence (opened here)"); inside a list
// item or quote the container's end closes it. Indented code blocks render
// like fenced code without a language.
//
// # Assets
//
// Relative link and image targets are resolved against the chapter file's
// folder and rewritten to "/deck/<path>?v=<version>" (the author's query
// and fragment kept after it): the server serves the deck folder's files
// there, and the version names the file's content (the first 4 bytes of its
// SHA-256, in hex; files over 64 MiB are named by size and time). Editing
// or replacing an image is therefore an edit of the slides that show it:
// they re-render with the new URL, and browsers may cache each URL for good.
// A target that escapes the
// folder (".."), is absolute ("/x.png"), or names a dotfile is an error; an
// image whose file does not exist is an error. Targets with a scheme
// ("http:", "https:", "mailto:", "data:", ...), network paths ("//host/x")
// and "#fragment" targets are left alone. Raw HTML is not rewritten.
//
//	![logo](img/logo.png)   →  <img src="/deck/img/logo.png?v=075f8e3f" alt="logo">
//	![up](../secret.png)    →  01-intro.md:9: image "../secret.png" escapes the deck folder
//
// # Markdown
//
// CommonMark plus GitHub's tables, strikethrough, task lists and linkify,
// footnotes, alerts, emoji shortcodes and definition lists (below). A soft
// line break between two East Asian wide characters (Chinese, Japanese,
// fullwidth punctuation) adds no space, so Chinese text wrapped in the
// source reads right; elsewhere it is a space as usual. No typographic
// replacements (they would mangle CJK punctuation). Headings get no id
// attributes: every slide is on one page, where ids would collide across
// slides, and a slide is reached by its number ("#12"), not an anchor.
//
//	A claim[^1].                 footnotes: numbered within the slide, listed
//	[^1]: The source.            at its foot, each revealed with the step of
//	                             its first reference
//	> [!NOTE]                    GitHub alerts: [!NOTE], [!TIP], [!IMPORTANT],
//	> Read this first.           [!WARNING], [!CAUTION] (any case), the marker
//	                             alone on the quote's first line
//	:tada: :rocket:              emoji shortcodes (GitHub's names); an unknown
//	                             one stays text
//	Term                         definition lists (PHP Markdown Extra's syntax)
//	: Its definition.
//
// A footnote belongs to the slide it is defined on, and to its body or its
// notes: a reference finds only a definition in its own part (otherwise it
// stays "[^1]" as text), so two slides may both use "[^1]", and a footnote
// in the notes never reaches the slide.
//
// # Math
//
// TeX math in KaTeX's syntax (the macros of https://katex.org/docs/supported,
// except mhchem's \ce and \pu) becomes MathML on the server, so the page
// needs no math script and no math font: the browser lays MathML out with a
// system math font (the themes' --font-math: "STIX Two Math", "Cambria
// Math", "Latin Modern Math", math). The converter is temml, run in Go
// (see internal/tex).
//
//	$e^{i\pi} + 1 = 0$         inline, by pandoc's rules: no space after the
//	                           opening $, none before the closing $, no digit
//	                           right after it ("$5 and $6" is text); \$ is a
//	                           dollar sign; one line
//	$$\sum_i x_i$$             display math inside a paragraph
//
//	$$                         display math as a block: "$$" lines around
//	\int_0^1 x\,dx             it, or "$$ x^2 $$" on one line
//	$$
//
//	```math                    display math as a fence, as on GitHub
//	\frac{a}{b}
//	```
//
// Inside code spans and fences, $ is just a character. A formula that does
// not convert is an error at its line, with temml's message:
//
//	01-intro.md:7: math: Unsupported function name: \fracc at position 1: \fracc{a}{b}
//	01-intro.md:9: unterminated display math: $$ has no closing $$
//	01-intro.md:12: math: formula too long: 17000 bytes (limit 16384)
//
// A formula is at most 16 KB, converts within 10 s (else it is an error,
// tried again at the next load: a busy machine may be at fault), and its
// macros expand at most 1000 times: a hostile deck cannot hang the loader.
// \href, \url, \includegraphics and \html… are off (temml's trust is off).
// Conversions are cached by formula: a reload converts only the changed ones.
//
// # Diagrams
//
// A ```mermaid fence is a Mermaid diagram (flowchart, sequence, class,
// state, gantt, timeline and Mermaid's other kinds). Mermaid measures text,
// so it needs a browser: the package renders no diagram itself but calls
// [Options].Diagram, once per diagram for each theme ("light" and "dark").
// podium's server renders them to SVG in a headless Chromium (package
// server/diagram), cached by source and theme, so a phone downloads SVG and
// no Mermaid. Without a renderer (no Chromium on the server) the fence
// becomes <pre class="mermaid"> with its source, and the page draws it with
// the vendored Mermaid, which it loads only when a shown slide has one. A
// deck without diagrams pays nothing either way. A diagram Mermaid cannot
// parse is an error at the fence's line ("01-intro.md:20: mermaid: Parse
// error on line 2: …"); a diagram's source is at most [MaxDiagram] bytes.
//
// # Dialects
//
// Decks written for other tools are read as their tool reads them, in the
// same one goldmark parse: a dialect changes which top-level blocks are
// slide breaks, steps, notes and settings, never adds a pass over lines.
// [Options].Dialect names the dialect; "" detects it from the first
// chapter file ([DetectDialect]): a "dialect" front matter key (podium,
// marp, slidev, remark, reveal, present; also "xaringan", "reveal-md")
// wins; else "marp: true"; Slidev headmatter keys (drawings, transition,
// comark, highlighter, mdc, …) or "<v-click"; remark's "???" or "--" lines
// together with slide properties ("---" then "class: …"), or an R Markdown
// file with xaringan output; reveal's "Note:" with "----" separators or
// ".slide:"/".element:" comments, or an HTML page in the folder whose
// <section data-markdown="FILE"> loads the file; ".slide" files are Go
// present's (read by present.go). No marker: podium's own format. Markers
// of two tools: podium's, and [Deck].DialectReason names them. The
// Deck records the dialect used ([Deck].Dialect) for the announcement
// "reading slides.md as a Slidev deck".
//
// In every dialect: speaker notes go to Slide.Notes only, never into
// Slide.HTML; HTML comments never reach the page, with html: true too
// (the renderer drops them from raw HTML); what podium cannot map is a
// warning at its file and line ("slides.md:20: unknown front matter key
// "transition": ignored"), never text on a slide; values podium rejects
// in its own format (a bad class name, a missing image, a formula temml
// cannot convert, a line highlight out of range) are warnings too, so a
// deck loads as its tool would show it. A theme that is not podium's
// (light, dark) is a warning, podium's theme used.
//
// Marp (marp-core):
//
//	---  ***  ___         every top-level thematic break is a slide break,
//	                      also right under a heading (CommonMark's setext
//	                      rule still holds under a paragraph line)
//	<!-- text -->         a block comment that is not a directive: notes
//	<!-- class: x -->     directives: class, backgroundColor,
//	<!-- _class: x -->    backgroundImage (url(…)), backgroundSize and
//	                      backgroundPosition map to the slide's class and
//	                      background; without "_" they hold from that slide
//	                      on (front matter ones from the first); paginate,
//	                      size, style, header, footer, color, … are warnings
//	![bg contain](x.png)  the slide's background image (fit, cover, auto
//	                      and percentages as its size); a second one, and
//	                      left/right splits, are warnings
//	* item                "*" and "1)" lists step item by item, as podium's
//
// Slidev (@slidev/parser):
//
//	---                   a "---" line is a slide break, under text too;
//	layout: center        "key: value" lines closed by "---" are the slide's
//	---                   frontmatter; the file's front matter is the
//	                      headmatter: deck keys and the first slide's
//	layout                podium's layouts; intro → cover, end → center,
//	                      two-cols-header → two-cols, image → full
//	class, background     as podium's
//	hide / disabled: true the slide is left out
//	src: ./pages/x.md     the slides of that file (parsed on its own, its
//	                      front matter its first slide's) come here, with
//	                      this slide's other keys; imports nest 8 deep; an
//	                      edit of the imported file reloads the chapter
//	<!-- text -->         the slide's last block, a comment: its notes
//	raw HTML              shown, as Slidev does, unless html: false
//	<div v-click>, <v-click>   the element appears at the next step (its tag
//	<span v-click>        gets data-step), inline or nested in HTML too; an
//	                      element open across top-level blocks takes the
//	                      Markdown between with it (also with html: false);
//	                      v-click="3" at step 3, "+2" two on, "[2, 4]" at 2
//	                      (hiding it again is a warning); v-after at the
//	                      current step; .hide is a warning; animation
//	                      modifiers (.fade, .up) are podium's reveal
//	<v-clicks>            steps the items of the lists inside it, Markdown
//	                      or HTML
//	::left:: ::right::    two-cols columns (see Layouts); other slots
//	                      (::default::, ::top::) are warnings, their blocks
//	                      left in the slide's flow
//	/img.png              public/img.png (Slidev serves public/ at the root),
//	                      in Markdown and in raw HTML's src and poster
//	```ts {1|3-5}         line highlights; "*" is "all"; {monaco},
//	                      [file.ts], {lines: true}, twoslash: warnings
//
// remark (remark.js, and xaringan's R Markdown):
//
//	---                   a "---" line is a slide break, under text too
//	class: center, middle leading "key: value" lines: properties; class
//	name: intro           (commas or spaces), background-image: url(x),
//	                      background-size, background-position; name and
//	                      count show nothing; others are warnings
//	layout: true          a template slide: not shown, its properties hold
//	                      for the slides after it, until "layout: false"
//	                      (its content is not repeated: a warning)
//	exclude: true         the slide is left out
//	raw HTML              shown, as remark does, unless html: false
//	--                    incremental slide: what follows is the next step
//	???                   the rest of the slide is notes (also from a line
//	                      inside a paragraph)
//	.footnote[text]       content classes: <span class="footnote">, and a
//	.left-column[         <div class="left-column"> when ".name[" and "]"
//	## Title              are lines of their own around blocks
//	]
//	```{r label, echo=FALSE}   an R chunk: language r; include=FALSE and
//	                      echo=FALSE hide it (podium runs no R)
//
// A file with xaringan output (output: xaringan::moon_reader) gets
// xaringan's title slide first, from its YAML's title, subtitle, author,
// institute and date (class "title-slide"), unless seal: false.
//
// reveal.js (its markdown plugin, and reveal-md):
//
//	---  ----             horizontal and vertical separators (reveal-md's
//	                      defaults), vertical slides flattened in order; an
//	                      HTML page of the folder with <section
//	                      data-markdown="FILE" data-separator="…"
//	                      data-separator-vertical="…"> sets them: lines of
//	                      dashes ("^\n---\n$": blank lines around) and runs
//	                      of blank lines ("^\n\n\n": three) are followed;
//	                      another regular expression is a warning
//	raw HTML              shown, as reveal.js does, unless html: false
//	Note: / notes:        any case: the rest of the slide is notes (also
//	                      from a line inside a paragraph)
//	<!-- .slide: data-background="#000" -->   background (colour or
//	                      image), its size and position, class; others warn
//	- a <!-- .element: class="fragment" -->   the item is a step
//	```js [1-2|3]         line highlights
//
// Real decks of each tool are tests (testdata/decks, with their sources
// and the counts their own tools make; TestSharedDecks):
//
//	deck                            tool     slides  got  notes  leaked
//	marp-cli-demo                   Marp          3    3      1       0
//	marp-ja-how-to-use-marp         Marp         11   11      0       0
//	slidev-starter                  Slidev       16   16      4       0
//	slidev-antfu-composable-vue-zh  Slidev       36   36      0       0
//	remark-intro-gnab               remark       19   19      1       0
//	remark-xaringan-zh              xaringan     30   30      2       0
//	reveal-examples-markdown        reveal.js     8    8      1       0
//	revealmd-demo                   reveal-md     4    4      1       0
//	revealmd-mermaid                reveal-md     4    4      0       0
//
// # Converting a deck
//
// [Loader.Convert] ("podium convert SRC -o DIR") writes a deck of any
// dialect as podium's own format, read back as podium's (no "dialect"
// key) with the same slides, titles, text, notes and steps: each chapter
// file of the source one chapter file, and each file a Slidev deck
// imports ("src:") one too, the slides after the import another
// (01-slides.md, 02-imported-slides.md, 03-slides.md; their first slides
// keep their layouts). A one-file Marp, remark, reveal.js or present
// deck stays one chapter: their "sections" (heading-only slides,
// vertical stacks) are a look, not a structure the author named. The dialect's reader owns the
// podium form of each slide: as it reads the slide it records which of
// its source is its dialect's markup, and the writer keeps the rest of
// the source as written:
//
//	settings, directives,        the slide's podium settings ("---", keys,
//	properties, .slide:          "---"); the deck's keys and the first
//	                             slide's are the first chapter's front matter
//	???, Notes:, <!-- notes -->  a "Note:" paragraph (comment notes, shown as
//	                             text, escaped so they still are)
//	v-click, v-after, --         a ". . ." pause before the block that shows
//	                             at the next step
//	<v-clicks>, fragments        "*" lists (podium steps them); a "*" list
//	                             that did not step becomes "-"
//	```ts {1|3} [x.ts]           "```ts {1|3}"
//	![bg](x), /x.png, ./y.png    settings; public/x.png; paths from the deck
//	in an imported file          folder (imported slides stay in place)
//	"---" thematic breaks        "***" (a "---" line is a slide break)
//	a text paragraph "Note: x"   "Note\: x" (podium would read notes)
//
// Markup deleted from inside a line never leaves a block marker behind
// ("\* text", not a list), and a slide of settings alone gets an empty
// comment to be a slide. When the converted text happens to hold another
// tool's markers (a "--" line in code under slide settings reads as
// remark's), its first chapter says "dialect: podium". Slides their tool
// hides (Slidev's hide, remark's exclude and layout slides) are left out
// (a file whose every slide is hidden is an error: "no slides to show:
// every slide of the file is hidden"), and a remark layout's properties
// are written on every slide they hold for; its content is not repeated
// (the reader does not repeat it either: a warning). The warnings, besides the reader's own (a
// directive or attribute without a podium equivalent, a broken image):
//
//	slides.md:40: a slide its tool does not show (hidden, excluded): left out
//	slides.md:52: remark content class .footnote[…]: podium has no content classes: its content is kept, without the class
//	slides.md:60: shown from step 0 in its tool, after what shows at step 2: podium's pauses show it with the step before it
//	slides.md:70: a list with some items stepped: podium steps a list's items all or none: all are stepped
//	skeleton.Rmd:12: an R chunk its tool does not show (include=FALSE, echo=FALSE): left out
//
// # One file as the deck
//
// [Options].File makes the deck one file of the folder (podium FILE):
// the only chapter, whatever its name ends in, the folder's other files
// (its images) being its assets and its other Markdown files ignored. The
// deck's source is never an asset: .md, .slide and .html files are not on
// the allowlist of what /deck/ serves. Two formats are translated before
// goldmark reads them, problems keeping the lines of the file as written:
//
//   - a remark page (".html"): the slides are the Markdown of its
//     <textarea id="source"> (else its first textarea), read with an HTML
//     tokenizer, entities decoded as a browser does; its lines are
//     numbered as in the page. What dialect the Markdown is in is then
//     detected as for any deck (remark's, see [DetectDialect]).
//   - a Go present file (".slide", or any file read as [DialectPresent]),
//     below.
//
// # Go present files
//
// A .slide file (golang.org/x/tools/present) becomes one podium chapter:
// present's header (title, subtitle, date; Tags, Summary and OldURL lines
// are dropped) and author blocks make the front matter (title, author: the
// first line of each author block, date) and a title slide with the
// title, subtitle, date and each author's text lines up to the first
// address (mail, web, @name), as present shows them. Each "* Title" line
// (legacy present) or "## Title" line (Markdown-enabled present: a file
// whose title line starts with "# ") starts a slide, titled "## Title";
// "** Sub" and "### Sub" are "###" headings within it.
//
// Legacy present text is not Markdown: its font markers become
// Markdown's (_italic_, *bold*, `code`, by present's rules: a marker
// opens a word or follows punctuation, the closing one ends the word or
// precedes punctuation, and inside a single marker is a space:
// *Much*too*much* is bold "Much too much"), [[url][label]] and [[url]] are
// links, and everything else is escaped, so "<b>", "$x$", ":tada:" or a
// line "Note: x" stay text. "- " lines (and the indented lines that
// continue them) are a list; lists apart stay apart. Indented lines are
// preformatted (a code block without a language). Lines starting with "#"
// (legacy) or "//" (Markdown mode) are present's commentary: never shown,
// not even to the presenter. In Markdown mode the text is Markdown
// already and passes through ("---" alone becomes "***", a thematic
// break, not a slide break).
//
// Lines starting with ": " are speaker notes, wherever they are in a
// slide: they become the slide's notes (a "Note:" paragraph at its end),
// for the presenter only; those before the first slide are the title
// slide's. The commands:
//
//	.image FILE [H W]        the image, through the asset rules (size dropped: layouts fit images)
//	.background FILE         the slide's background setting
//	.code [-numbers] [-edit] FILE [ADDR] [HLword]
//	.play (same)             the lines of FILE that ADDR selects, highlighted by its
//	                         extension's language; lines ending in OMIT left out;
//	                         lines marked "// HLword" emphasized (the marker dropped);
//	                         .play shows the code, it does not run it
//	.link URL [LABEL]        a link
//	.caption TEXT            a paragraph
//	.iframe URL, .video FILE a link, and a warning: no page or player is embedded
//	                         in audience devices
//	.html FILE               left out, with a warning: a file's raw HTML never
//	                         reaches audience devices
//	another .command         ignored, with a warning
//
// ADDR is present's (sam's) address, in the forms talks use: a line
// number N, /regexp/ (Go syntax, multi-line; searched forward from the end
// of the previous part, wrapping around), $ (the end), or two of these
// joined by "," for the lines from the first to the second:
// ".code prog.go /^func main/,/^}/". A file that is missing, outside the
// deck folder or over 1 MiB, and an address that matches nothing, are
// errors at the command's line:
//
//	talk.slide:12: present: .code prog.go /^func mian/: no match for /^func mian/
//
// # HTML contract with the browser
//
// Slide.HTML is the inner content of one slide, without a wrapper (see
// "Layouts" for what a layout adds). The
// page's wrapper of a slide carries data-layout="LAYOUT" (Slide.Layout),
// the slide's class names (Slide.Class) and its background
// (Slide.Background) as inline style; GET /api/deck gives each slide its
// "layout", and "class" and "background" when set. (The page's root says
// how it shows the deck, data-mode="stage" or "flow" for the phone's
// reading column: a slide's data-layout is only ever its layout.)
//
// Any element with data-step="N" (N >= 1) is hidden until the slide's
// current step is >= N. Stepped list items are <li data-step="N">. After a
// pause every following top-level block carries data-step="N" (a raw HTML
// block is wrapped in a <div data-step="N">).
//
// Code is chroma's class-mode markup: <pre class="chroma"> (plus
// data-lang="go" when a language is given), <code>, and one
// <span class="line"> per source line. Emphasized lines carry the class
// "hl" and the <pre> carries "has-hl". The first highlight set is rendered
// statically, so a page without JavaScript is right. Stepped highlights
// add to the <pre> data-hl="1|2-3|all" (the sets as written) and
// data-hl-at="0,4,5": the slide step at which each set becomes active, the
// first being the step at which the block itself is visible. At step s the
// active set is the last i with at[i] <= s.
//
//	<pre class="chroma has-hl" data-lang="go" data-hl="1|2-3|all" data-hl-at="0,1,2"><code>
//	<span class="line hl"><span class="nx">a</span> ...</span>
//	<span class="line">...</span></code></pre>
//
// Math is <math> (MathML Core, temml's markup); display math is
// <div class="math-display"><math display="block">…</math></div> (a <span>
// when written inside a paragraph). A diagram is <figure class="diagram">
// holding <div class="diagram-light"><svg>…</svg></div> and
// <div class="diagram-dark">…</div> (the theme's CSS shows one), or
// <pre class="mermaid">source</pre> for the page to draw. Footnotes are
// goldmark's markup in one <section class="footnotes"> at the slide's end,
// their ids prefixed per slide ("fn1a2b3c4d-fn:1"). An alert is
// <div class="markdown-alert markdown-alert-note"> with a
// <p class="markdown-alert-title">Note</p>, as GitHub renders it.
//
// Theme CSS styles the .chroma token classes (generated once per theme by
// [ChromaCSS]), .line.hl, and pre.has-hl .line:not(.hl) (dimmed).
//
// # Slide IDs
//
// Every slide has an ID of 8 hex digits, so a viewer's position survives
// edits. IDs go to every audience device, so they reveal nothing the
// audience is not shown: a slide's base ID hashes its public rendering
// (its HTML, title and step count), never its source. Notes, HTML
// comments, raw HTML the safe renderer drops, trailing blanks and the
// chapter's file name are in no ID; a note such as "PIN is 4831" cannot be
// brute-forced out of one. Slides that render alike get further IDs
// derived deterministically, in deck order.
//
// Why this and not the alternatives: a keyed hash (HMAC with a secret
// kept on the server) hides the preimage, but the preimage is what the
// audience is shown anyway, and the key would have to be stored and kept
// across restarts or every ID would change at each start; positional IDs
// ("chapter 2, slide 5") reveal nothing either, but change for every slide
// below an insertion made while the server was down. A hash of the public
// rendering needs no key and is the same on every start for the same
// files, so a position persisted across a restart finds its slide again
// (an upgrade of podium that renders differently changes them once).
// What it can tell is bounded by what the slide shows: someone who can
// guess a slide's whole rendering can confirm the guess. With edits held
// (the hold message), a slide added and then changed before publishing
// keeps the ID of its first rendering, which the audience never saw.
//
// A [Loader] reconciles each new deck with the previous good one: a deck
// that renders exactly as before keeps every ID, slide by slide; a slide
// whose source is unchanged keeps its ID even when moved; an edited slide
// keeps its ID when it sits between the same unchanged neighbours as
// before. So a viewer on a slide stays on it when it is edited or when
// slides are inserted or removed above it, and [Nearest] finds where to go
// when it was deleted. Reconciliation takes O(n log n) time in the number n of
// slides, however many are alike (20,000 equal slides: well under a
// second).
//
// # Versions
//
// Deck.Version is a hash of everything audience devices are sent
// (metadata, chapter titles, slide IDs, titles, HTML, steps and settings):
// equal versions mean equal public decks, so it serves as the ETag of
// what the audience fetches and as the live state's version. An edit of
// notes alone keeps it, so audience devices hear nothing of it.
// Deck.PresenterVersion covers that and the notes: the version of what
// presenters are sent.
//
// # Warnings
//
// [Deck.Warnings] lists what a deck that loads probably got wrong: unknown
// front matter keys (with a "did you mean" hint for typos) and unknown
// layouts, located like problems. podium check prints them and exits 0;
// the server logs them on every reload that changes the deck.
//
// # Hostile input
//
// A deck may come from the internet: loading one takes time linear in
// its size or is refused. Besides the limits above ([MaxFileSize],
// [MaxChapters], slide length, nesting depth), a chapter's paragraphs
// may cost goldmark's inline parser at most 300,000,000 in all, a
// paragraph costing its length in bytes times its count of the
// characters [ ] ! ( < * _ ~ ` (goldmark's link, emphasis and linkify
// parsers can take time quadratic in a paragraph's length on some inputs).
// A paragraph under 17 KB never exceeds it on its own, and a realistic
// 1 MB chapter spends under 2% of it. Beyond it, the chapter is refused at
// its costliest paragraph:
//
//	01-intro.md:7: paragraph too complex: 1000000 bytes with 600000 markup characters ([]!(<*_~`); the chapter's paragraphs total 600000000000 bytes × markup characters (limit 300000000): split long paragraphs with blank lines
package deck
