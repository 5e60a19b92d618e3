package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podium-talks/podium/server/deck"
)

const talkSlide = `Single file talk
A subtitle

Ada Lovelace

* One

Text with a picture.

.image pic.png

: secret-PIN-4831 is a note

* Two

- a
- b
: secret-two
`

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// slideCount polls /api/deck until f accepts its slide count.
func waitSlides(t *testing.T, addr string, f func(n int) bool) string {
	t.Helper()
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/api/deck")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var d struct {
			Slides []json.RawMessage `json:"slides"`
		}
		if json.Unmarshal(b, &d) == nil && f(len(d.Slides)) {
			return string(b)
		}
		body = string(b)
	}
	t.Fatalf("/api/deck never had the slides wanted; last: %s", body)
	return ""
}

// TestServeSingleFile: "podium talk.slide --addr …" serves that one file
// (not the folder's other Markdown), announces how it reads it, keeps its
// notes and its source off every audience route, and reloads when it is
// saved.
func TestServeSingleFile(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := writeDeck(t, map[string]string{"talk.slide": talkSlide, "pic.png": "\x89PNG", "other.md": "# Other deck\n"})
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errOut syncBuffer
	file := filepath.Join(dir, "talk.slide")
	go func() { done <- run(ctx, []string{file, "--addr", addr}, &out, &errOut) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("no shutdown")
		}
	}()
	api := waitSlides(t, addr, func(n int) bool { return n == 3 })
	for _, u := range []string{"/api/deck", "/", "/deck/talk.slide", "/deck/other.md"} {
		code, body := fetch(t, "http://"+addr+u)
		if strings.Contains(body, "secret") {
			t.Errorf("%s (%d) holds a note", u, code)
		}
		if strings.HasPrefix(u, "/deck/") && code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404: the deck's source is not an asset", u, code)
		}
	}
	if strings.Contains(api, "Other deck") {
		t.Error("the folder's other .md is in the deck")
	}
	if !strings.Contains(out.String(), "podium: reading talk.slide as a Go present deck") {
		t.Errorf("no announcement:\n%s", out.String())
	}
	// A save of the file reloads it (the watcher watches its folder).
	if err := os.WriteFile(file, []byte(talkSlide+"\n* Three\n\nNew.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitSlides(t, addr, func(n int) bool { return n == 4 })
}

// TestCheckFiles: podium check FILE for each kind of deck file, and the
// --dialect flag.
func TestCheckFiles(t *testing.T) {
	t.Parallel()
	dir := writeDeck(t, map[string]string{
		"talk.slide": talkSlide, "pic.png": "\x89PNG", "slides.md": "# Just me\n\n---\n\n# Two\n",
		"other.md": "# Other\n", "notes.txt": "x", "present.md": talkSlide,
	})
	gofmt := filepath.Join("..", "..", "server", "deck", "testdata", "present", "gofmt-cn", "gofmt-cn.slide")
	remark := filepath.Join("..", "..", "server", "deck", "testdata", "decks", "remark-intro-gnab", "index.html")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"present", []string{"check", filepath.Join(dir, "talk.slide")}, 0, "talk.slide: ok: 1 chapters, 3 slides"},
		{"real present", []string{"check", gofmt}, 0, "ok: 1 chapters, 32 slides"},
		{"remark page", []string{"check", remark}, 0, "index.html: ok: 1 chapters"},
		{"one md of many", []string{"check", filepath.Join(dir, "slides.md")}, 0, "slides.md: ok: 1 chapters, 2 slides"},
		{"dialect flag", []string{"check", "--dialect", "present", filepath.Join(dir, "present.md")}, 0, "reading present.md as a Go present deck (as asked)"},
		{"bad dialect", []string{"check", "--dialect", "keynote", filepath.Join(dir, "slides.md")}, 2, `unknown dialect "keynote"`},
		{"not a deck file", []string{"check", filepath.Join(dir, "notes.txt")}, 1, "is not a deck file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d (want %d), want %q in:\n%s%s", code, tc.code, tc.want, stdout, stderr)
			}
		})
	}
}

// TestNew: podium new writes a starter talk that podium check passes and
// the real loader presents with every feature of the format, in English
// and in Chinese; it never writes into a folder that holds anything.
func TestNew(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "zh-CN"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "mytalk")
			if code, stdout, stderr := runCmd(t, "new", "--lang", lang, dir); code != 0 || !strings.Contains(stdout, "podium "+dir) {
				t.Fatalf("new: exit %d\n%s%s", code, stdout, stderr)
			}
			// podium check renders the diagram in Chromium: once is enough.
			if lang == "en" {
				if code, stdout, stderr := runCmd(t, "check", dir); code != 0 || !strings.Contains(stdout, "ok: 3 chapters") || strings.Contains(stdout, "warning") {
					t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
				}
			}
			d, err := deck.Load(os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			if d.Meta.Lang != lang {
				t.Errorf("lang %q, want %q", d.Meta.Lang, lang)
			}
			layouts, steps, notes, html := map[string]bool{}, 0, 0, ""
			for _, s := range d.Slides {
				layouts[s.Layout] = true
				steps += s.Steps
				if s.Notes != "" {
					notes++
				}
				html += s.HTML
			}
			for _, l := range []string{"cover", "section", "statement", "fact", "quote", "image-right", "center"} {
				if !layouts[l] {
					t.Errorf("no %s slide", l)
				}
			}
			if steps < 5 || notes < 3 {
				t.Errorf("%d steps, %d slides with notes", steps, notes)
			}
			// The logo is drawn in currentColor: it is inlined, to follow the theme.
			logo := map[string]string{"en": "The podium logo", "zh-CN": "podium 的标志"}[lang]
			for _, want := range []string{"<math", "mermaid", `data-hl="1|3-5|all"`, `class="deck-svg" role="img" aria-label="` + logo + `"`} {
				if !strings.Contains(html, want) {
					t.Errorf("no %q in the starter's slides", want)
				}
			}
		})
	}
	t.Run("refusals", func(t *testing.T) {
		full := writeDeck(t, map[string]string{"keep.md": "# Mine\n"})
		if code, _, stderr := runCmd(t, "new", full); code != 1 || !strings.Contains(stderr, "is not empty") {
			t.Errorf("new into a full folder: exit %d %q", code, stderr)
		}
		if b, err := os.ReadFile(filepath.Join(full, "keep.md")); err != nil || string(b) != "# Mine\n" {
			t.Errorf("keep.md: %q %v", b, err)
		}
		if code, _, stderr := runCmd(t, "new", "--lang", "fr", filepath.Join(t.TempDir(), "x")); code != 2 || !strings.Contains(stderr, "have en, zh-CN") {
			t.Errorf("--lang fr: exit %d %q", code, stderr)
		}
		if code, _, _ := runCmd(t, "new"); code != 2 {
			t.Errorf("new without DIR: exit %d", code)
		}
	})
}

// notesOf is the notes of every slide of d, by slide.
func notesOf(d *deck.Deck) []string {
	var ns []string
	for _, s := range d.Slides {
		ns = append(ns, s.Notes)
	}
	return ns
}

// TestConvert: podium convert writes a podium deck that loads with the
// same slides and the same notes, its images copied; what it cannot
// carry over is listed.
func TestConvert(t *testing.T) {
	t.Parallel()
	src := writeDeck(t, map[string]string{"talk.slide": talkSlide + "\n* Three\n\n.iframe https://example.com/x\n", "pic.png": "\x89PNG", "unused.png": "\x89PNG"})
	out := filepath.Join(t.TempDir(), "converted")
	code, stdout, stderr := runCmd(t, "convert", filepath.Join(src, "talk.slide"), "-o", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "talk.slide:22: present: .iframe https://example.com/x is shown as a link") || !strings.Contains(stdout, "1 warning(s)") {
		t.Errorf("warnings not listed:\n%s", stdout)
	}
	orig, err := deck.NewLoaderWith(os.DirFS(src), deck.Options{File: "talk.slide"}).Load()
	if err != nil {
		t.Fatal(err)
	}
	conv, err := deck.Load(os.DirFS(out))
	if err != nil {
		t.Fatalf("the converted deck: %v", err)
	}
	if len(conv.Slides) != len(orig.Slides) || strings.Join(notesOf(conv), "|") != strings.Join(notesOf(orig), "|") {
		t.Errorf("converted: %d slides, notes %q; source: %d slides, notes %q", len(conv.Slides), notesOf(conv), len(orig.Slides), notesOf(orig))
	}
	if _, err := os.Stat(filepath.Join(out, "pic.png")); err != nil {
		t.Errorf("pic.png not copied: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "unused.png")); err == nil {
		t.Error("unused.png copied")
	}
	if code, _, stderr := runCmd(t, "convert", filepath.Join(src, "talk.slide"), "-o", out); code != 1 || !strings.Contains(stderr, "is not empty") {
		t.Errorf("convert into a full folder: exit %d %q", code, stderr)
	}
	if code, _, _ := runCmd(t, "convert", filepath.Join(src, "talk.slide")); code != 2 {
		t.Errorf("convert without -o: exit %d", code)
	}
}

// notesText is the text of every slide's notes, without tags and white
// space (a comment note, shown as text, is escaped Markdown in the
// converted deck: the same text, written another way).
func notesText(d *deck.Deck) string {
	var b strings.Builder
	for _, n := range notesOf(d) {
		n = html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(n, ""))
		b.WriteString(strings.Join(strings.Fields(n), "") + "|")
	}
	return b.String()
}

// TestConvertSharedDecks converts every real deck of ../shared/decks
// (when present: CI has only the repository) and loads the result: the
// same slide count and notes as the source deck. (server/deck's
// TestConvertDecks compares its copies in testdata slide by slide.)
func TestConvertSharedDecks(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "..", "shared", "decks")
	// One deck per way of reading a file (the others are in
	// TestConvertDecks): a Slidev deck with an import, a remark page, a
	// Go present file.
	mains := map[string]string{"slidev-starter": "slides.md", "remark-intro-gnab": "index.html", "present-gofmt-cn": "gofmt-cn.slide"}
	if _, err := os.Stat(root); err != nil {
		t.Skip("no ../shared/decks here")
	}
	for name, main := range mains {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(root, name)
			c, err := deck.NewLoaderWith(os.DirFS(dir), deck.Options{File: main}).Convert()
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			if err := writeConverted(os.DirFS(dir), c, out); err != nil {
				t.Fatal(err)
			}
			conv, err := deck.Load(os.DirFS(out))
			if err != nil {
				t.Fatalf("the converted deck: %v", err)
			}
			if len(conv.Slides) != len(c.Deck.Slides) || notesText(conv) != notesText(c.Deck) {
				t.Errorf("converted: %d slides, notes %q; source: %d, notes %q", len(conv.Slides), notesText(conv), len(c.Deck.Slides), notesText(c.Deck))
			}
		})
	}
}
