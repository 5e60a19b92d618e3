package server

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// BenchmarkDelta measures what the first page asking after an edit waits
// for on the server: the delta of a 200-slide deck, one slide edited.
func BenchmarkDelta(b *testing.B) {
	fsys := fstest.MapFS{}
	for name, body := range bigDeck() {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	s, err := New(Config{Deck: fsys, Web: web.FS, Themes: themes.FS})
	if err != nil {
		b.Fatal(err)
	}
	defer s.hub.Close()
	base := s.cur.Load()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		body := strings.Replace(string(fsys["03-chapter.md"].Data), "tok-start", "tok-edit", 1)
		fsys["03-chapter.md"] = &fstest.MapFile{Data: []byte(body)}
		if _, err := s.Reload(); err != nil {
			b.Fatal(err)
		}
		p := s.cur.Load()
		p.mu.Lock() // the reload's own precomputation must not count
		delete(p.deltas, base.version)
		p.mu.Unlock()
		b.StartTimer()
		if _, err := p.delta(base); err != nil {
			b.Fatal(err)
		}
	}
}
