package server

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/podium-talks/podium/server/deck"
)

// The audience page's first paint. GET / carries the slide the presenter
// is on, at the step they are on, rendered here as view.js would render it
// (steps beyond the current one hidden, the code lines of the current
// highlight marked, tables wrapped, a quotation's attribution marked), so
// that a phone shows the slide with the HTML and the stylesheets alone:
// no module, no /api/deck and no socket frame stands between the first
// byte and the slide's text. The modules then adopt the slide's element
// as it is (view.js), and the deck and the socket take over.
//
// The page depends on the live position, so it is no longer one response
// per reload: it is rendered per position, and the last few are kept
// (every phone of a talk asks for the same one). It is always of the
// published deck: never a held edit, never a note (Slide.HTML has none).

// firstSlide is what audience.html shows before any script runs.
type firstSlide struct {
	Version  string // the deck version the slide is of (the view adopts it only for that deck)
	Mode     string // "stage" or "flow": the page's mode (data-mode), as view.js would choose it
	Index    int    // 0-based
	Number   int    // Index+1, as the bar shows it
	Step     int
	Count    int    // slides in the deck; 0: none, and nothing below is set
	ID       string // the slide's id
	Label    string // its aria-label, as view.js writes it
	Slide    string // the slide's own layout (data-layout of its section)
	Class    string
	Style    template.CSS  // its background, from checked settings (deck.Background)
	HTML     template.HTML // its body at Step
	Chapter  string
	Progress template.CSS // the progress bar's transform
}

// audienceData is what audience.html is rendered with.
type audienceData struct {
	pageData
	First firstSlide
	// Styles are the page's stylesheets, inlined: a first visit waits
	// for no other response before it paints (docs/benchmarks.md, "ssr").
	Styles []inlineStyle
}

// inlineStyle is a stylesheet carried in a <style> element, and its hash
// for the page's Content-Security-Policy.
type inlineStyle struct {
	Href string // where the same stylesheet is served (data-href: sync.js swaps the theme's)
	CSS  template.CSS
	hash string
}

// inlineStyles are the stylesheets of the audience page, as the page
// carries them.
func (s *Server) inlineStyles(t *theme) []inlineStyle {
	var out []inlineStyle
	for _, f := range []struct {
		href string
		b    *blob
	}{
		{"/assets/" + s.bundle.hash + "/podium.css", s.bundle.files["podium.css"]},
		{"/theme/" + strings.Trim(t.css.etag, `"`) + "/" + t.name + ".css", t.css},
	} {
		if f.b == nil {
			continue
		}
		sum := sha256.Sum256(f.b.body)
		out = append(out, inlineStyle{Href: f.href, CSS: template.CSS(f.b.body),
			hash: "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"})
	}
	return out
}

// firstPages keeps the audience pages rendered for one published deck, by
// position and layout. A handful is plenty: the audience asks for the
// live position, and the presenter moves one step at a time.
type firstPages struct {
	mu    sync.Mutex
	pages map[firstKey]*blob
}

type firstKey struct {
	index, step int
	flow        bool
}

// maxFirstPages bounds firstPages: beyond it the cache starts over.
const maxFirstPages = 16

// handleAudience serves GET /: the audience page at the live position.
// It is revalidated on every load (no-cache, with an ETag of its bytes):
// a page kept from an earlier slide would open on that slide.
func (s *Server) handleAudience(w http.ResponseWriter, r *http.Request) {
	if s.auth.Login(w, r) {
		return
	}
	p := s.public()
	st := s.hub.State()
	k := firstKey{flow: phoneUpright(r)}
	k.index, k.step = livePosition(p.deck, st.Slide, st.Index, st.Step)
	styles := s.inlineStyles(p.theme)
	b, err := p.first.get(k, func() (*blob, error) { return s.renderAudience(p, k, styles) })
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	hashes := make([]string, len(styles))
	for i, st := range styles {
		hashes[i] = st.hash
	}
	w.Header().Set("Content-Security-Policy", pagePolicy(r.Host, hashes...))
	w.Header().Add("Vary", "Sec-CH-UA-Mobile, User-Agent")
	b.serve(w, r, "no-cache")
}

func (f *firstPages) get(k firstKey, build func() (*blob, error)) (*blob, error) {
	f.mu.Lock()
	b := f.pages[k]
	f.mu.Unlock()
	if b != nil {
		return b, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pages == nil || len(f.pages) >= maxFirstPages {
		f.pages = make(map[firstKey]*blob)
	}
	f.pages[k] = b
	return b, nil
}

// livePosition is the presenter's position in d, found as the pages find
// it (sync.js, audience.js): by the slide's id, else by index, clamped.
func livePosition(d *deck.Deck, id string, index, step int) (int, int) {
	n := len(d.Slides)
	if n == 0 {
		return 0, 0
	}
	i := -1
	for k, sl := range d.Slides {
		if sl.ID == id {
			i = k
			break
		}
	}
	if i < 0 {
		i = max(0, min(index, n-1))
	}
	return i, max(0, min(step, d.Slides[i].Steps))
}

// phoneUpright guesses whether the page will lay out as a phone's column
// (view.js: portrait and at most 820 px wide), which only the page can
// know: a phone's browser says it is one (Sec-CH-UA-Mobile, or "Mobi" in
// its user agent, as MDN advises). A wrong guess costs what every load
// cost before: the view lays the page out again when its module runs.
func phoneUpright(r *http.Request) bool {
	if m := r.Header.Get("Sec-CH-UA-Mobile"); m != "" {
		return m == "?1"
	}
	return strings.Contains(r.UserAgent(), "Mobi")
}

func (s *Server) renderAudience(p *published, k firstKey, styles []inlineStyle) (*blob, error) {
	data := audienceData{pageData: p.data, Styles: styles}
	f := &data.First
	f.Version, f.Mode = p.version, "stage"
	if k.flow {
		f.Mode = "flow"
	}
	if n := len(p.deck.Slides); n > 0 {
		sl := p.deck.Slides[k.index]
		body, err := slideAt(sl.HTML, k.step)
		if err != nil {
			return nil, fmt.Errorf("slide %d: %w", k.index+1, err)
		}
		f.Index, f.Number, f.Step, f.Count = k.index, k.index+1, k.step, n
		f.ID, f.Slide, f.Class, f.HTML = sl.ID, sl.Layout, sl.Class, template.HTML(body)
		if f.Slide == "" {
			f.Slide = "default"
		}
		f.Label = fmt.Sprintf("%d / %d: %s", k.index+1, n, sl.Title)
		f.Style = backgroundStyle(sl.Background)
		if c := sl.Chapter; c >= 0 && c < len(p.deck.Chapters) {
			f.Chapter = p.deck.Chapters[c].Title
		}
		progress := 1.0
		if n > 1 {
			progress = float64(k.index) / float64(n-1)
		}
		f.Progress = template.CSS("transform: scaleX(" + strconv.FormatFloat(progress, 'g', -1, 64) + ")")
	}
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, "audience.html", data); err != nil {
		return nil, fmt.Errorf("page audience.html: %w", err)
	}
	return newBlob(p.z, buf.Bytes(), "text/html; charset=utf-8"), nil
}

// backgroundStyle is a slide's background as view.js's dress() sets it.
// The deck has checked every value for a style attribute.
func backgroundStyle(bg deck.Background) template.CSS {
	var b strings.Builder
	add := func(prop, v string) {
		if v != "" {
			b.WriteString(prop + ": " + v + "; ")
		}
	}
	size, pos := bg.Size, bg.Position
	if bg.Image != "" {
		add("background-image", `url("`+bg.Image+`")`)
		size, pos = cmp.Or(size, "cover"), cmp.Or(pos, "center")
	}
	add("background-color", bg.Color)
	add("background-size", size)
	add("background-position", pos)
	return template.CSS(strings.TrimSpace(b.String()))
}

// slideAt is a slide's HTML as view.js shows it at step: enhance() (a
// scroller around each table, a quotation's closing "— who" marked, images
// lazy), then the reveal steps beyond step hidden (class future) and the
// stepped code highlight of step marked (parseCode, highlight). The page
// adopts this markup; were it to differ from what the view computes, the
// view would change it at once, which the browser tests would see.
func slideAt(src string, step int) (string, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(src), ctx)
	if err != nil {
		return "", err
	}
	body := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	enhance(body)
	for n := range body.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if v, ok := attr(n, "data-step"); ok {
			if at, _ := strconv.ParseFloat(strings.TrimSpace(v), 64); at > float64(step) {
				addClass(n, "future")
			}
		}
		if n.DataAtom == atom.Pre {
			if hl, ok := attr(n, "data-hl"); ok {
				highlightAt(n, hl, step)
			}
		}
	}
	var out bytes.Buffer
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&out, c); err != nil {
			return "", err
		}
	}
	return out.String(), nil
}

// enhance is view.js's function of that name.
func enhance(body *html.Node) {
	var tables, quotes, imgs []*html.Node
	for n := range body.Descendants() {
		switch n.DataAtom {
		case atom.Table:
			tables = append(tables, n)
		case atom.Blockquote:
			quotes = append(quotes, n)
		case atom.Img:
			imgs = append(imgs, n)
		}
	}
	for _, t := range tables {
		if p := t.Parent; p != nil && hasClass(p, "table-wrap") {
			continue
		}
		w := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div,
			Attr: []html.Attribute{{Key: "class", Val: "table-wrap"}}}
		if v, ok := attr(t, "data-step"); ok && v != "" {
			w.Attr = append(w.Attr, html.Attribute{Key: "data-step", Val: v})
		}
		t.Parent.InsertBefore(w, t)
		t.Parent.RemoveChild(t)
		w.AppendChild(t)
	}
	for _, q := range quotes {
		first, last := firstElement(q), lastElement(q)
		if last != nil && last != first && isAttribution(textOf(last)) {
			addClass(last, "attribution")
		}
	}
	for _, img := range imgs {
		setAttr(img, "loading", "lazy")
		setAttr(img, "decoding", "async")
	}
}

// isAttribution is view.js's /^\s*(—|――|--|～|~)/.
func isAttribution(s string) bool {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	for _, p := range []string{"—", "――", "--", "～", "~"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// highlightAt marks the lines of pre's stepped highlight set active at
// step, as view.js's parseCode and highlight do: data-hl="1|2-3|all" are
// sets of 1-based lines, data-hl-at="0,4,5" the step each starts at.
func highlightAt(pre *html.Node, spec string, step int) {
	var sets []map[int]bool
	for _, part := range strings.Split(spec, "|") {
		part = strings.TrimSpace(part)
		if part == "all" || part == "" {
			sets = append(sets, nil)
			continue
		}
		lines := map[int]bool{}
		for _, r := range strings.Split(part, ",") {
			a, b, ok := strings.Cut(r, "-")
			lo, err1 := jsNumber(a)
			hi, err2 := lo, error(nil)
			if ok {
				hi, err2 = jsNumber(b)
			}
			if err1 != nil || err2 != nil {
				continue
			}
			for k := lo; k <= hi && k-lo < 1e5; k++ {
				lines[k] = true
			}
		}
		sets = append(sets, lines)
	}
	at, _ := attr(pre, "data-hl-at")
	k := 0
	for i, a := range strings.Split(at, ",") {
		if v, err := jsNumber(a); err == nil && v <= step {
			k = i
		}
	}
	var set map[int]bool
	if k < len(sets) {
		set = sets[k]
	}
	line := 0
	for n := range pre.Descendants() {
		if n.Type == html.ElementNode && hasClass(n, "line") {
			line++
			if set[line] {
				addClass(n, "hl")
			}
		}
	}
	if len(set) > 0 {
		addClass(pre, "has-hl")
	}
}

// jsNumber is JavaScript's Number() for the integers a highlight spec
// holds ("" is 0); anything else is an error, which JavaScript's NaN
// matches no line for.
func jsNumber(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func hasClass(n *html.Node, c string) bool {
	v, _ := attr(n, "class")
	for _, f := range strings.Fields(v) {
		if f == c {
			return true
		}
	}
	return false
}

func addClass(n *html.Node, c string) {
	if hasClass(n, c) {
		return
	}
	v, ok := attr(n, "class")
	if ok && strings.TrimSpace(v) != "" {
		v = strings.TrimSpace(v) + " " + c
	} else {
		v = c
	}
	setAttr(n, "class", v)
}

func firstElement(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

func lastElement(n *html.Node) *html.Node {
	for c := n.LastChild; c != nil; c = c.PrevSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
