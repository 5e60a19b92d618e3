package server

import (
	"bytes"
	"context"
	"html"
	"io/fs"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// TestOtherToolsDecksLeakNoNotes serves real decks of other tools
// (server/deck/testdata/decks; one per kind of notes: HTML comments,
// remark's "???" inside a paragraph, reveal's "Note:") and fetches what an
// audience device can: the page, /api/deck and the deck's files. No phrase
// of any speaker note may be in them; the presenter gets them. (The deck
// package's TestSharedDecks checks every shared deck's public form.)
func TestOtherToolsDecksLeakNoNotes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dir, main string
		notes     []string
	}{
		{"marp-cli-demo", "demo.md", []string{"presenter notes in HTML comments"}},
		{"remark-intro-gnab", "index.html", []string{"Congratulations, you just toggled presenter mode"}},
		{"revealmd-demo", "a.md", []string{"test note"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			t.Parallel()
			fsys := toolDeck(t, tc.dir, tc.main)
			// Diagrams drawn by the page: no Chromium needed here.
			s, err := New(Config{Deck: fsys, Web: web.FS, Themes: themes.FS, ClientDiagrams: true})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			ts := httptest.NewServer(s)
			t.Cleanup(ts.Close)
			t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
			urls := []string{"/", "/api/deck", "/api/deck?live"}
			for name := range fsys {
				urls = append(urls, "/deck/"+name)
			}
			for _, u := range urls {
				resp, body := get(t, ts.URL+u)
				for _, n := range tc.notes {
					if bytes.Contains(body, []byte(n)) || bytes.Contains(body, []byte(html.EscapeString(n))) {
						t.Errorf("%s (%d) contains the note %q", u, resp.StatusCode, n)
					}
				}
			}
			_, notes := get(t, ts.URL+"/api/notes", "Cookie", "podium_token="+s.PresenterToken())
			for _, n := range tc.notes {
				if !bytes.Contains(notes, []byte(html.EscapeString(n))) && !bytes.Contains(notes, []byte(n)) {
					t.Errorf("the presenter lost the note %q", n)
				}
			}
		})
	}
}

// toolDeck is a shared deck's folder as a single-file deck: its main file
// the one chapter (a remark page's textarea, an .Rmd file under an .md
// name), its other files assets, with html: true, so that raw HTML (and
// the comments in it) would reach the page if anything let it.
func toolDeck(tb testing.TB, dir, main string) fstest.MapFS {
	tb.Helper()
	root := path.Join("deck/testdata/decks", dir)
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path.Join(root, p))
		if err != nil {
			return err
		}
		if p == main {
			if strings.HasSuffix(p, ".html") {
				m := regexp.MustCompile(`(?s)<textarea id="source">\n?(.*?)</textarea>`).FindSubmatch(b)
				b = []byte(html.UnescapeString(string(m[1])))
			}
			if rest, ok := strings.CutPrefix(string(b), "---\n"); ok {
				b = []byte("---\nhtml: true\n" + rest)
			} else {
				b = []byte("---\nhtml: true\n---\n\n" + string(b))
			}
			p = strings.TrimSuffix(p, path.Ext(p)) + ".md"
		} else if strings.HasSuffix(p, ".md") && !strings.Contains(p, "/") {
			p += ".txt"
		}
		fsys[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return fsys
}
