package server

import (
	"maps"
	"regexp"
	"testing"
)

// TestDeckFileCaching: a deck file fetched under the URL a slide uses (its
// ?v= names the content) may be cached for good; under any other URL, or
// once the file is not that version any more, it is revalidated.
func TestDeckFileCaching(t *testing.T) {
	t.Parallel()
	fsys := maps.Clone(testDeck)
	logo := *fsys["img/logo.svg"]
	fsys["img/logo.svg"] = &logo
	s, ts := newTestServer(t, fsys)
	m := regexp.MustCompile(`src="(/deck/img/logo\.svg\?v=[0-9a-f]{8})"`).FindStringSubmatch(s.Deck().Slides[1].HTML)
	if m == nil {
		t.Fatalf("no versioned image URL in %s", s.Deck().Slides[1].HTML)
	}
	for _, tt := range []struct{ url, want string }{
		{m[1], immutable},
		{"/deck/img/logo.svg", "no-cache"},
		{"/deck/img/logo.svg?v=00000000", "no-cache"},
	} {
		resp, _ := get(t, ts.URL+tt.url)
		if got := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || got != tt.want {
			t.Errorf("GET %s: %d, Cache-Control %q; want 200, %q", tt.url, resp.StatusCode, got, tt.want)
		}
	}
	// The file changed on disk and no reload has happened yet: the old URL
	// now serves other bytes, which must not be cached under it.
	logo.Data = []byte("<svg>changed</svg>")
	if resp, _ := get(t, ts.URL+m[1]); resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("a changed file under its old URL: Cache-Control %q, want no-cache", resp.Header.Get("Cache-Control"))
	}
}
