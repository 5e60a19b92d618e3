package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/slides"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// secretNote is a speaker note that must never reach an audience device.
const secretNote = "SECRET-SPEAKER-NOTE"

var testDeck = fstest.MapFS{
	"01-intro.md":  {Data: []byte("---\ntitle: Test talk\nlang: zh-CN\n---\n\n# 你好\n\n* one\n* two\n\nNote: " + secretNote + "\n\n---\n\n# Second\n\n![logo](img/logo.svg)\n")},
	"img/logo.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
	".secret":      {Data: []byte("dotfile")},
}

func newTestServer(tb testing.TB, fsys fstest.MapFS) (*Server, *httptest.Server) {
	tb.Helper()
	s, err := New(Config{Deck: fsys, Web: web.FS, Themes: themes.FS})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return s, ts
}

func get(tb testing.TB, url string, header ...string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// A bare transport: no transparent gzip, so tests see what was sent.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, body
}

func TestAPIDeck(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, testDeck)
	resp, body := get(t, ts.URL+"/api/deck")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var got apiDeck
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	d := s.Deck()
	if got.Title != "Test talk" || got.Lang != "zh-CN" || !strings.HasPrefix(got.Version, d.Version) || got.Theme != "light" {
		t.Errorf("header fields = %q %q %q %q", got.Title, got.Lang, got.Version, got.Theme)
	}
	if len(got.Slides) != 2 || got.Slides[0].Steps != 2 || got.Slides[0].ID != d.Slides[0].ID {
		t.Errorf("slides = %+v", got.Slides)
	}
	if len(got.Chapters) != 1 || len(got.Chapters[0].Slides) != 2 {
		t.Errorf("chapters = %+v", got.Chapters)
	}
	if !strings.Contains(got.Slides[1].HTML, `src="/deck/img/logo.svg?v=`+s.Deck().Assets["img/logo.svg"].Version+`"`) {
		t.Errorf("image not rewritten to /deck/: %s", got.Slides[1].HTML)
	}
}

// TestAPIDeckSettings: /api/deck gives each slide the layout, class and
// background the page dresses its wrapper with, and still no notes.
func TestAPIDeckSettings(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, fstest.MapFS{
		"01.md":      {Data: []byte("# Cover\n\n---\nlayout: statement\nclass: big dim\nbackground: img/bg.png\nbackground-size: contain\n---\n\n# 十年磨一剑\n\nNote: " + secretNote + "\n\n---\n\n# Plain\n")},
		"02.md":      {Data: []byte("# Opener\n")},
		"img/bg.png": {Data: []byte("png")},
	})
	_, body := get(t, ts.URL+"/api/deck")
	if bytes.Contains(body, []byte(secretNote)) {
		t.Fatal("/api/deck carries a speaker note")
	}
	var got struct {
		Slides []struct {
			Layout     string            `json:"layout"`
			Class      string            `json:"class"`
			Background map[string]string `json:"background"`
		} `json:"slides"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	var layouts []string
	for _, sl := range got.Slides {
		layouts = append(layouts, sl.Layout)
	}
	if want := "cover statement default section"; strings.Join(layouts, " ") != want {
		t.Errorf("layouts = %v, want %s", layouts, want)
	}
	if sl := got.Slides[1]; sl.Class != "big dim" || !strings.HasPrefix(sl.Background["image"], "/deck/img/bg.png?v=") || sl.Background["size"] != "contain" {
		t.Errorf("settings slide = %+v", sl)
	}
	if got.Slides[0].Background != nil || got.Slides[0].Class != "" {
		t.Errorf("plain slide has settings: %+v", got.Slides[0])
	}
}

// TestNotesNeverReachAudience fetches everything an audience page can
// fetch and looks for the speaker note.
func TestNotesNeverReachAudience(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, testDeck)
	if !strings.Contains(s.Deck().Slides[0].Notes, secretNote) {
		t.Fatal("test deck lost its note: the test would prove nothing")
	}
	urls := []string{"/", "/api/deck", "/deck/01-intro.md", s.cur.Load().data.ThemeCSS}
	for name := range s.bundle.files {
		urls = append(urls, "/assets/"+s.bundle.hash+"/"+name)
	}
	for _, u := range urls {
		_, body := get(t, ts.URL+u)
		if bytes.Contains(body, []byte(secretNote)) {
			t.Errorf("%s contains the speaker note", u)
		}
	}
}

func TestDeckFiles(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, testDeck)
	tests := []struct {
		path string
		want int
	}{
		{"/deck/img/logo.svg", 200},
		{"/deck/01-intro.md", 404}, // chapter sources hold the notes
		{"/deck/.secret", 404},
		{"/deck/img/", 404},
		{"/deck/img", 404},
		{"/deck/missing.png", 404},
		{"/deck/%2e%2e/%2e%2e/etc/passwd", 404},
		{"/deck/..%2f..%2fetc%2fpasswd", 404},
	}
	for _, tt := range tests {
		resp, body := get(t, ts.URL+tt.path)
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.want)
		}
		if bytes.Contains(body, []byte("root:")) {
			t.Errorf("GET %s leaked a system file", tt.path)
		}
	}
}

// TestDeckSymlinkEscape serves a real folder through os.Root, as
// cmd/podium does, with a symlink pointing out of it.
func TestDeckSymlinkEscape(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	must(t, os.WriteFile(outside, []byte("outside"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "01.md"), []byte("# hi\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "in.png"), []byte("inside"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(dir, "escape.png")))
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	s, err := New(Config{Deck: root.FS(), Web: web.FS, Themes: themes.FS})
	must(t, err)
	ts := httptest.NewServer(s)
	defer ts.Close()
	if resp, body := get(t, ts.URL+"/deck/in.png"); resp.StatusCode != 200 || string(body) != "inside" {
		t.Errorf("in.png: %d %q", resp.StatusCode, body)
	}
	if resp, body := get(t, ts.URL+"/deck/escape.png"); resp.StatusCode != 404 || bytes.Contains(body, []byte("outside")) {
		t.Errorf("symlink escape: %d %q", resp.StatusCode, body)
	}
}

func TestCompressionAndCaching(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, testDeck)
	resp, body := get(t, ts.URL+"/api/deck", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("/api/deck not gzipped: %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	must(t, err)
	plain, err := io.ReadAll(zr)
	must(t, err)
	if !json.Valid(plain) {
		t.Error("gzipped body is not the JSON")
	}
	etag := resp.Header.Get("ETag")
	if resp, _ := get(t, ts.URL+"/api/deck", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation = %d, want 304", resp.StatusCode)
	}
	for name := range s.bundle.files {
		resp, _ := get(t, ts.URL+"/assets/"+s.bundle.hash+"/"+name)
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", name, cc)
		}
	}
	resp, css := get(t, ts.URL+s.cur.Load().data.ThemeCSS)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !bytes.Contains(css, []byte(".chroma")) {
		t.Errorf("theme css: %d %q, chroma rules present: %v", resp.StatusCode, resp.Header.Get("Cache-Control"), bytes.Contains(css, []byte(".chroma")))
	}
}

func TestAudiencePage(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, testDeck)
	resp, body := get(t, ts.URL+"/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`lang="zh-CN"`, "Test talk", s.cur.Load().data.ThemeCSS, "/assets/" + s.bundle.hash + "/"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestThemeChoice(t *testing.T) {
	t.Parallel()
	dark := fstest.MapFS{"01.md": {Data: []byte("---\ntheme: dark\n---\n\n# x\n")}}
	s, _ := newTestServer(t, dark)
	if got := s.cur.Load().theme.name; got != "dark" {
		t.Errorf("deck theme: got %s", got)
	}
	s2, err := New(Config{Deck: dark, Theme: "light", Web: web.FS, Themes: themes.FS})
	must(t, err)
	if got := s2.cur.Load().theme.name; got != "light" {
		t.Errorf("--theme override: got %s", got)
	}
	_, err = New(Config{Deck: dark, Theme: "neon", Web: web.FS, Themes: themes.FS})
	if err == nil || !strings.Contains(err.Error(), `unknown theme "neon"`) {
		t.Errorf("unknown --theme: %v", err)
	}
	bad := fstest.MapFS{"01.md": {Data: []byte("---\ntheme: neon\n---\n\n# x\n")}}
	_, err = New(Config{Deck: bad, Web: web.FS, Themes: themes.FS})
	var ps deck.Problems
	if !errors.As(err, &ps) || ps[0].File != "01.md" {
		t.Errorf("unknown deck theme: %v", err)
	}
}

// TestReloadKeepsLastGood: a broken edit leaves the good deck serving.
func TestReloadKeepsLastGood(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"01.md": {Data: []byte("# one\n")}}
	s, ts := newTestServer(t, fsys)
	good := s.cur.Load().version
	fsys["01.md"] = &fstest.MapFile{Data: []byte("# one\n\n```go\nunterminated\n")}
	if _, err := s.Reload(); err == nil || !strings.Contains(err.Error(), "01.md:3: ") {
		t.Fatalf("broken reload: err = %v", err)
	}
	_, body := get(t, ts.URL+"/api/deck")
	if !bytes.Contains(body, []byte(good)) {
		t.Error("a failed reload replaced the good deck")
	}
	fsys["01.md"] = &fstest.MapFile{Data: []byte("# two\n")}
	if changed, err := s.Reload(); err != nil || !changed {
		t.Fatalf("good reload: %v %v", changed, err)
	}
	if _, body := get(t, ts.URL+"/api/deck"); !bytes.Contains(body, []byte("two")) {
		t.Error("good reload not served")
	}
}

// TestShippedTalk: the built-in talk loads cleanly, in Chinese, with notes
// on every slide.
func TestShippedTalk(t *testing.T) {
	t.Parallel()
	d, err := deck.Load(slides.FS)
	if err != nil {
		t.Fatalf("the shipped talk has problems:\n%v", err)
	}
	if d.Meta.Lang != "zh-CN" || !strings.Contains(d.Meta.Title, "Kubernetes 横空出世背后的秘密") {
		t.Errorf("meta = %+v", d.Meta)
	}
	if len(d.Chapters) != 4 {
		t.Errorf("chapters = %d, want title + 3", len(d.Chapters))
	}
	for _, sl := range d.Slides {
		if strings.TrimSpace(sl.Notes) == "" {
			t.Errorf("%s:%d: slide %q has no speaker notes", sl.File, sl.Line, sl.Title)
		}
		if sl.Steps > 0 && !showsBeyondHeadings(t, sl.HTML) {
			t.Errorf("%s:%d: slide %q opens with its heading alone: every block after it is stepped", sl.File, sl.Line, sl.Title)
		}
	}
}

// htmlNode is an element of a slide's HTML, as much of it as
// showsBeyondHeadings needs.
type htmlNode struct {
	name, class string
	stepped     bool
	kids        []*htmlNode
}

// showsBeyondHeadings tells whether a slide's HTML shows, at step 0,
// something besides its headings: a talk's slide that opens with only
// its heading makes the audience wait for the speaker's first click.
func showsBeyondHeadings(t *testing.T, h string) bool {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader("<div>" + h + "</div>"))
	dec.Strict, dec.AutoClose, dec.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	root := &htmlNode{}
	stack := []*htmlNode{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("slide HTML does not parse: %v\n%s", err, h)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &htmlNode{name: tok.Name.Local}
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "class":
					n.class = a.Value
				case "data-step":
					n.stepped = true
				}
			}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	var shows func(n *htmlNode) bool
	shows = func(n *htmlNode) bool {
		switch {
		case n.stepped:
			return false
		case len(n.name) == 2 && n.name[0] == 'h' && n.name[1] >= '1' && n.name[1] <= '6':
			return false
		case n.name == "ul" || n.name == "ol" || n.name == "div" && (n.class == "" || strings.Contains(n.class, "col")):
			return slices.ContainsFunc(n.kids, shows)
		}
		return true
	}
	return slices.ContainsFunc(root.kids[0].kids, shows)
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// TestREADMEExample: the format example in the README is a valid deck
// with the steps it claims.
func TestREADMEExample(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	must(t, err)
	_, rest, ok := strings.Cut(string(readme), "~~~markdown\n")
	example, _, ok2 := strings.Cut(rest, "~~~\n")
	if !ok || !ok2 {
		t.Fatal("README has no ~~~markdown example")
	}
	d, err := deck.Load(fstest.MapFS{
		"01.md":         {Data: []byte(example)},
		"img/stack.svg": {Data: []byte("<svg/>")},
	})
	if err != nil {
		t.Fatalf("README example: %v", err)
	}
	if len(d.Slides) != 4 || d.Slides[1].Steps != 3 || d.Slides[1].Notes == "" || d.Slides[2].Layout != "statement" || d.Slides[3].Steps != 2 {
		for _, s := range d.Slides {
			t.Logf("%q steps=%d layout=%s notes=%q", s.Title, s.Steps, s.Layout, s.Notes)
		}
		t.Error("README example does not do what the README says")
	}
}

// TestQRCode: the presenter view's QR code encodes the audience URL, the
// configured one or else the address the browser used.
func TestQRCode(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, testDeck)
	resp, body := get(t, ts.URL+"/qr.svg")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("GET /qr.svg: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	want := "<title>" + ts.URL + "/</title>"
	if !bytes.Contains(body, []byte(want)) || !bytes.Contains(body, []byte(`<path fill="#000" d="M`)) {
		t.Errorf("QR code lacks %q or its modules:\n%.300s", want, body)
	}
	s, err := New(Config{Deck: testDeck, Web: web.FS, Themes: themes.FS, AudienceURL: "http://192.0.2.7:8080/"})
	must(t, err)
	defer s.Shutdown(t.Context())
	ts2 := httptest.NewServer(s)
	defer ts2.Close()
	if _, body := get(t, ts2.URL+"/qr.svg"); !bytes.Contains(body, []byte("<title>http://192.0.2.7:8080/</title>")) {
		t.Errorf("configured audience URL not encoded:\n%.300s", body)
	}
}
