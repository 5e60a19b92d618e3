package server

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/podium-talks/podium/server/live"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// TestStoreAcrossServers: a second Server on the same Store starts where
// the first one stopped, with its random token; --token wins; --fresh and
// a corrupt file start over, the corrupt file with a warning.
func TestStoreAcrossServers(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	start := func(cfg Config) (*Server, string) {
		t.Helper()
		var logs bytes.Buffer
		cfg.Deck, cfg.Web, cfg.Themes = testDeck, web.FS, themes.FS
		cfg.Store = live.NewFileStore(path)
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		s, err := New(cfg)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s, logs.String()
	}
	stop := func(s *Server) {
		t.Helper()
		if err := s.hub.Close(); err != nil {
			t.Fatal(err)
		}
	}

	s1, _ := start(Config{})
	s1.hub.Goto(1, 0)
	s1.hub.Blackout(true)
	stop(s1) // saves what is pending
	s2, logs := start(Config{})
	if st := s2.hub.State(); st.Index != 1 || !st.Blackout {
		t.Errorf("second server at %+v, want slide 2 with blackout", st)
	}
	if s2.PresenterToken() != s1.PresenterToken() {
		t.Errorf("token %q, want the kept %q", s2.PresenterToken(), s1.PresenterToken())
	}
	if !strings.Contains(logs, "resuming the talk where it was") {
		t.Errorf("no word of resuming in the log:\n%s", logs)
	}
	stop(s2)

	s3, _ := start(Config{Token: "given"})
	if s3.PresenterToken() != "given" || s3.hub.State().Index != 1 {
		t.Errorf("with a token: %q at %+v, want the given token at slide 2", s3.PresenterToken(), s3.hub.State())
	}
	stop(s3)
	if b, _ := os.ReadFile(path); bytes.Contains(b, []byte("given")) {
		t.Errorf("the given token reached the state file:\n%s", b)
	}

	s4, _ := start(Config{Fresh: true})
	if st := s4.hub.State(); st.Index != 0 || st.Blackout || s4.PresenterToken() == s1.PresenterToken() {
		t.Errorf("fresh: %+v token kept %v, want slide 1 and a new token", st, s4.PresenterToken() == s1.PresenterToken())
	}
	stop(s4)

	must(t, os.WriteFile(path, []byte("\x00\x01garbage"), 0o600))
	s5, logs := start(Config{})
	if st := s5.hub.State(); st.Index != 0 {
		t.Errorf("after a corrupt file: %+v, want slide 1", st)
	}
	if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, path+": not a state file") {
		t.Errorf("no warning naming the corrupt file:\n%s", logs)
	}
	stop(s5)
}

// TestReloadReturnsToChosenSlide: a save of the chapter without the
// current slide moves everyone, and the save that restores the chapter
// brings everyone back to the presenter's slide and step.
func TestReloadReturnsToChosenSlide(t *testing.T) {
	t.Parallel()
	whole := "# One\n\n---\n\n# Two\n\n* a\n* b\n\n---\n\n# Three\n"
	fsys := fstest.MapFS{"01.md": {Data: []byte(whole)}}
	s, _ := newTestServer(t, fsys)
	t.Cleanup(func() { s.hub.Close() })
	s.hub.Goto(1, 2)
	fsys["01.md"] = &fstest.MapFile{Data: []byte("# One\n")} // half-written
	if _, err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if st := s.hub.State(); st.Index != 0 {
		t.Fatalf("after the partial save: %+v, want slide 1", st)
	}
	fsys["01.md"] = &fstest.MapFile{Data: []byte(whole)}
	if _, err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if st := s.hub.State(); st.Index != 1 || st.Step != 2 {
		t.Errorf("after the whole file is back: %+v, want slide 2 step 2", st)
	}
}
