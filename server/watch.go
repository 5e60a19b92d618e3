package server

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/podium-talks/podium/server/watch"
)

// Watch reloads the deck whenever a file under deckDir changes, and the
// themes too when themesDir (the folder Config.Themes reads) is not empty,
// until ctx ends. Each burst of saves gives one reload; a broken save keeps
// the last good deck and tells the presenters why.
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
	themesAbs, _ := filepath.Abs(themesDir)
	for {
		select {
		case <-ctx.Done():
			return nil
		case b, ok := <-w.Batches():
			if !ok {
				return nil
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

func anyUnder(paths []string, dir string) bool {
	for _, p := range paths {
		if p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
