package server

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/server/watch"
)

// Watch reloads the deck whenever a file under deckDir changes, and the
// themes too when themesDir (the folder Config.Themes reads) is not empty,
// until ctx ends. Each burst of saves gives one reload; a broken save keeps
// the last good deck and tells the presenters why. Config.Deck must be the
// folder at deckDir. If that folder is moved away or deleted, presenters are
// told and the last good deck keeps serving; a new folder made under the
// same name is then opened (as an os.Root) and served instead.
func (s *Server) Watch(ctx context.Context, deckDir, themesDir string) error {
	roots := []string{deckDir}
	if themesDir != "" {
		roots = append(roots, themesDir)
	}
	w, err := watch.New(roots, watch.Options{Logger: s.log})
	if err != nil {
		return err
	}
	defer w.Close()
	// A save between New's load and now has no event: read the deck once
	// more, now that every later save has one.
	if _, err := s.reload(themesDir != ""); err != nil {
		s.log.Warn("reload failed; still serving the last good deck", "err", err)
	}
	themesAbs, _ := filepath.Abs(themesDir)
	deckAbs, _ := filepath.Abs(deckDir)
	for {
		select {
		case <-ctx.Done():
			return nil
		case b, ok := <-w.Batches():
			if !ok {
				return nil
			}
			if slices.Contains(b.Gone, deckAbs) {
				s.deckGone(deckAbs)
				continue
			}
			if slices.Contains(b.Replaced, deckAbs) {
				if err := s.reopen(deckAbs); err != nil {
					s.log.Warn("the deck folder is back but cannot be opened", "dir", deckAbs, "err", err)
					continue
				}
			}
			themes := themesDir != "" && (b.Rescan || anyUnder(b.Paths, themesAbs))
			start := time.Now()
			changed, err := s.reload(themes)
			if err != nil {
				s.log.Warn("reload failed; still serving the last good deck", "err", err)
				continue
			}
			if changed {
				s.log.Info("reloaded", "version", s.cur.Load().version, "took", time.Since(start).Round(time.Microsecond))
			}
		}
	}
}

// deckFiles is the deck folder as requests read it.
type deckFiles struct {
	fs   fs.FS
	root *os.Root // when the server opened it, to close
}

// deckGone tells presenters that the deck folder was moved away or deleted:
// the last good deck keeps serving, and the watcher waits for a folder of
// that name to come back.
func (s *Server) deckGone(dir string) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	s.gone = dir + ": the deck folder was moved away or deleted; the last good deck " +
		"keeps showing until a folder of that name is back"
	s.log.Warn("the deck folder is gone; still serving the last good deck", "dir", dir)
	s.hub.SetProblems(s.problemLines(nil))
}

// reopen reads the deck from the folder now at dir, a new one: the old
// folder, still open, may live on elsewhere (moved away) and must not be
// served any more. The reload that follows tells presenters how it went.
func (s *Server) reopen(dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	s.gone = ""
	fsys := DeckDir(root)
	s.loader = deck.NewLoaderWith(fsys, s.opts)
	if old := s.files.Swap(&deckFiles{fs: fsys, root: root}); old.root != nil {
		old.root.Close()
	}
	s.log.Info("the deck folder was replaced; reading the new one", "dir", dir)
	return nil
}

func anyUnder(paths []string, dir string) bool {
	for _, p := range paths {
		if p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
