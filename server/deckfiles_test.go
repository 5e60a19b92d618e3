package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// hostileDeckDir writes a real deck folder holding every way the issue
// found to reach a chapter's text through /deck/: editor leftovers,
// drafts, dotfiles, symlinks and a hard link to the chapter, plus a FIFO
// with an image's name and active formats (HTML, SVG with script).
func hostileDeckDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	chapter := "# Intro\n\n![logo](img/logo.png)\n\nNote: " + secretNote + "\n"
	files := map[string]string{
		"01-intro.md":          chapter,
		"01-intro.md~":         chapter, // Emacs's backup on first save
		"01-intro.md.orig":     chapter, // git mergetool
		"#01-intro.md#":        chapter, // Emacs autosave
		"01-intro.md.bak":      chapter,
		"01-intro.md.swp":      chapter,
		".01-intro.md.swp":     chapter, // vim's swap file
		"pic.png~":             chapter,
		"#pic.png#":            chapter,
		"pic.png.orig":         chapter,
		"_drafts/ideas.txt":    secretNote,
		"_drafts/pic.png":      secretNote,
		"_draft.png":           secretNote,
		".hidden/pic.png":      secretNote,
		"notes.txt":            secretNote,
		"page.html":            "<script>fetch('/api/notes')</script>",
		"img/logo.png":         "\x89PNG logo",
		"img/UPPER.PNG":        "\x89PNG upper",
		"img/draw.svg":         `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"fonts/talk.woff2":     "wOF2",
		"media/clip.webm":      "webm",
		"handout.pdf":          "%PDF-1.4",
		"sub/deep/cover.jpeg":  "jpeg",
		"sub/deep/_scrap.jpeg": secretNote,
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(body), 0o644))
	}
	for link, target := range map[string]string{
		"notes-link.txt": "01-intro.md", // the innocent-looking link
		"chapter.png":    "01-intro.md",
		"chapter2.png":   "./sub/../01-intro.md",
		"draft-link.png": "_drafts/pic.png",
		"drafts":         "_drafts", // a folder link into the drafts
		"hidden.png":     ".hidden/pic.png",
		"loop.png":       "loop.png",
		"abs.png":        filepath.Join(dir, "img", "logo.png"),
		"ok-link.png":    "img/logo.png", // a link to a real asset is fine
		"imgs":           "img",
	} {
		must(t, os.Symlink(target, filepath.Join(dir, link)))
	}
	must(t, os.Link(filepath.Join(dir, "01-intro.md"), filepath.Join(dir, "hard.png")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "pipe.png"), 0o644))
	must(t, syscall.Mkfifo(filepath.Join(dir, "img", "pipe.svg"), 0o644))
	return dir
}

// newDirServer serves dir the way cmd/podium does: os.Root via DeckDir.
func newDirServer(t *testing.T, dir string) (*Server, *httptest.Server) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: DeckDir(root), Web: web.FS, Themes: themes.FS})
	must(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Shutdown(context.Background()) })
	return s, ts
}

// TestDeckFilesAllowlist: /deck/ serves the asset types and nothing
// that is, or resolves to, a chapter, a draft, a leftover or a dotfile.
func TestDeckFilesAllowlist(t *testing.T) {
	t.Parallel()
	_, ts := newDirServer(t, hostileDeckDir(t))
	served := map[string]string{
		"img/logo.png":        "image/png",
		"img/UPPER.PNG":       "image/png",
		"imgs/logo.png":       "image/png",
		"ok-link.png":         "image/png",
		"img/draw.svg":        "image/svg+xml",
		"fonts/talk.woff2":    "font/woff2",
		"media/clip.webm":     "video/webm",
		"handout.pdf":         "application/pdf",
		"sub/deep/cover.jpeg": "image/jpeg",
	}
	for name, ctype := range served {
		resp, _ := get(t, ts.URL+"/deck/"+name)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ctype {
			t.Errorf("GET /deck/%s = %d %s, want 200 %s", name, resp.StatusCode, resp.Header.Get("Content-Type"), ctype)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET /deck/%s: no nosniff", name)
		}
	}
	refused := []string{
		"01-intro.md", "01-intro.MD", "01-intro.Md", "01-intro.md~", "01-intro.md.orig",
		"%2301-intro.md%23", "01-intro.md.bak", "01-intro.md.swp", ".01-intro.md.swp",
		"pic.png~", "%23pic.png%23", "pic.png.orig",
		"_drafts/ideas.txt", "_drafts/pic.png", "_draft.png", ".hidden/pic.png", "drafts/pic.png",
		"notes.txt", "notes-link.txt", "chapter.png", "chapter2.png", "draft-link.png",
		"hidden.png", "loop.png", "abs.png", "hard.png", "page.html", "sub/deep/_scrap.jpeg",
		"pipe.png", "img/pipe.svg", "img", "img/", "missing.png",
		"%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fetc%2fpasswd",
	}
	client := &http.Client{Timeout: 10 * time.Second} // a FIFO that blocks fails the test instead of hanging it
	for _, name := range refused {
		resp, err := client.Get(ts.URL + "/deck/" + name)
		if err != nil {
			t.Errorf("GET /deck/%s: %v", name, err)
			continue
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET /deck/%s = %d, want 404", name, resp.StatusCode)
		}
		if bytes.Contains(body.Bytes(), []byte(secretNote)) || bytes.Contains(body.Bytes(), []byte("# Intro")) {
			t.Errorf("GET /deck/%s leaked the chapter or a draft", name)
		}
	}
}

// TestFIFOBlocksNoThread: many requests for a FIFO named like an image
// all answer at once, and the FIFO never gets a reader (a writer opening
// it non-blocking finds none).
func TestFIFOBlocksNoThread(t *testing.T) {
	t.Parallel()
	dir := hostileDeckDir(t)
	_, ts := newDirServer(t, dir)
	client := &http.Client{Timeout: 10 * time.Second}
	for range 200 {
		resp, err := client.Get(ts.URL + "/deck/pipe.png")
		if err != nil {
			t.Fatalf("FIFO request: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Fatalf("FIFO served: %d", resp.StatusCode)
		}
	}
	// open(O_WRONLY|O_NONBLOCK) fails with ENXIO when nobody has the FIFO
	// open for reading: no request left a reader stuck on it.
	fd, err := syscall.Open(filepath.Join(dir, "pipe.png"), syscall.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err == nil {
		syscall.Close(fd)
		t.Error("someone holds the FIFO open for reading")
	} else if err != syscall.ENXIO {
		t.Errorf("probing the FIFO: %v", err)
	}
}

// TestAudienceRoutesLeakNothing fetches every route an audience device
// can reach, on a deck full of traps, and looks for the note and for
// chapter file names.
func TestAudienceRoutesLeakNothing(t *testing.T) {
	t.Parallel()
	s, ts := newDirServer(t, hostileDeckDir(t))
	p := s.cur.Load()
	urls := []string{"/", "/presenter", "/remote", "/api/deck", "/api/deck?live", "/api/notes", "/qr.svg", p.data.ThemeCSS,
		"/deck/01-intro.md", "/deck/chapter.png", "/deck/hard.png", "/deck/01-intro.md~", "/deck/notes-link.txt"}
	for name := range s.bundle.files {
		urls = append(urls, "/assets/"+s.bundle.hash+"/"+name)
	}
	for _, u := range urls {
		resp, body := get(t, ts.URL+u)
		if bytes.Contains(body, []byte(secretNote)) {
			t.Errorf("%s (%d) contains the speaker note", u, resp.StatusCode)
		}
		if bytes.Contains(body, []byte("01-intro")) {
			t.Errorf("%s (%d) names the chapter file", u, resp.StatusCode)
		}
	}
	_, notes := get(t, ts.URL+"/api/notes", "Cookie", "podium_token="+s.PresenterToken())
	if !bytes.Contains(notes, []byte(secretNote)) || !bytes.Contains(notes, []byte(`"files":["01-intro.md"]`)) {
		t.Errorf("presenters lost the notes or the chapter files: %s", notes)
	}
}

func TestAssetName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"a.png": true, "A.PNG": true, "x/y/z.Woff2": true, "a.pdf": true,
		"a.md": false, "a.MD": false, "a.markdown": false, "a.html": false, "a.htm": false, "a.js": false,
		"a.png~": false, "#a.png#": false, "#a.png": false, ".a.png": false, "_a.png": false, "_d/a.png": false,
		"a/.b/c.png": false, "a.png.orig": false, "": false, ".": false, "../a.png": false, "a//b.png": false,
		"a.svg": true, "a.svgz": false, "a.xml": false, "a.txt": false,
	} {
		if _, got := deck.AssetType(name); got != want {
			t.Errorf("AssetType(%q) = %v, want %v", name, got, want)
		}
	}
	if !strings.HasPrefix(svgPolicy, "sandbox") {
		t.Error("SVG policy must sandbox")
	}
}
