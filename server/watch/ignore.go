package watch

import (
	"path/filepath"
	"strings"
)

// Ignored reports whether the file named by the last element of path is
// noise that never becomes part of a talk: the scaffolding editors and tools
// put around a save. A Watcher does not report such files. The file a save
// finally renames into place is never noise, so skipping the scaffolding
// loses nothing. Folders are skipped, and not watched, only when hidden.
func Ignored(path string) bool {
	name := filepath.Base(path)
	switch {
	case strings.HasPrefix(name, "."):
		// Hidden: .git and friends, vim swap files (.x.md.swp), emacs
		// locks (.#x.md), gedit's .goutputstream-XXXXXX, atomic writers'
		// hidden temporaries, .DS_Store.
		return true
	case strings.HasSuffix(name, "~"):
		return true // vim and emacs backups: x.md~
	case len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"):
		return true // emacs auto-save: #x.md#
	case strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"):
		return true // JetBrains "safe write"
	case vimSwap(filepath.Ext(name)):
		return true // swap files when the name is not hidden
	case digits(name):
		return true // vim's probe for whether it may create files: 4913, 5036, …
	case sedTemp(name):
		return true // sed -i writes sedXXXXXX, then renames it over the file
	}
	return false
}

// vimSwap matches vim's swap extensions .swp, .swo, … .swa and .swx.
func vimSwap(ext string) bool {
	return len(ext) == 4 && strings.HasPrefix(ext, ".sw") && ('a' <= ext[3] && ext[3] <= 'p' || ext[3] == 'x')
}

func digits(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// sedTemp matches GNU sed's mkstemp template "sedXXXXXX".
func sedTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, "sed")
	if !ok || len(rest) != 6 {
		return false
	}
	for _, c := range rest {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
