package server

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podium-talks/podium/server/diagram"
)

// TestFootnoteInNotesNeverReachesAudience: a footnote defined in the
// notes, even one the slide refers to, stays in the notes; nothing an
// audience device can fetch holds its text.
func TestFootnoteInNotesNeverReachesAudience(t *testing.T) {
	t.Parallel()
	const secret = "SECRET-FOOTNOTE-IN-NOTES"
	fsys := fstest.MapFS{"01-intro.md": {Data: []byte("# Claims\n\nA claim[^src] and a public one[^pub].\n\n[^pub]: Public source.\n\n" +
		"Note: The real source[^src] is private.\n\n[^src]: " + secret + "\n")}}
	s, ts := newTestServer(t, fsys)
	sl := s.Deck().Slides[0]
	if !strings.Contains(sl.Notes, secret) || !strings.Contains(sl.Notes, `class="footnote-ref"`) {
		t.Fatalf("the notes lost their footnote: the test would prove nothing:\n%s", sl.Notes)
	}
	if !strings.Contains(sl.HTML, "Public source.") || !strings.Contains(sl.HTML, "[^src]") {
		t.Errorf("slide: want the public footnote rendered and [^src] left as text:\n%s", sl.HTML)
	}
	urls := []string{"/", "/api/deck", "/deck/01-intro.md", s.cur.Load().data.ThemeCSS, "/vendor/mermaid-" + diagram.Version + ".js"}
	for name := range s.bundle.files {
		urls = append(urls, "/assets/"+s.bundle.hash+"/"+name)
	}
	for _, u := range urls {
		_, body := get(t, ts.URL+u)
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("%s contains the footnote from the notes", u)
		}
	}
}
