package watch

import (
	"errors"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"
)

// stat is what the poller compares. A folder's size and time change with its
// entries, which are reported on their own, so folders record only that they
// exist.
type stat struct {
	dir   bool
	size  int64
	mtime time.Time
}

// snapshot is the poller's view of the roots. Polling cannot see a rewrite
// that keeps a file's size within one tick of the file system's clock; it is
// the fallback, not the rule.
type snapshot struct {
	log   *slog.Logger
	files map[string]stat
}

// update walks the roots and returns the paths that appeared, disappeared
// or changed since the last update.
func (s *snapshot) update(roots []string) []string {
	now := make(map[string]stat, len(s.files))
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					s.log.Warn("watch: poll", "path", p, "err", err)
				}
				return nil
			}
			if p != root && skip(p, d.IsDir()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				now[p] = stat{dir: true}
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return nil // removed since the folder was read
			}
			now[p] = stat{size: fi.Size(), mtime: fi.ModTime()}
			return nil
		})
		if err != nil {
			s.log.Warn("watch: poll", "root", root, "err", err)
		}
	}
	var changed []string
	if s.files != nil {
		for p, st := range now {
			if old, ok := s.files[p]; !ok || !old.mtime.Equal(st.mtime) || old.size != st.size || old.dir != st.dir {
				changed = append(changed, p)
			}
		}
		for p := range s.files {
			if _, ok := now[p]; !ok {
				changed = append(changed, p)
			}
		}
	}
	s.files = now
	return changed
}
