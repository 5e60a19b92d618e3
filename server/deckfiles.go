package server

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/podium-talks/podium/server/deck"
)

// svgPolicy is the Content-Security-Policy of SVG assets. An SVG opened
// on its own (a link in a slide, a tab the speaker opens) is a document of
// podium's origin that could run script, read /api/notes and drive the
// presenter websocket; sandbox gives it an opaque origin and no script.
// As an <img> in a slide it renders as before: images never run script,
// and inline styles stay allowed.
const svgPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"

// errNotAsset is every refusal of openAsset; the handler answers 404
// whatever the reason, so a probe learns nothing about what exists.
var errNotAsset = errors.New("not a servable deck asset")

// maxLinkHops bounds symlink resolution, as the kernel's ELOOP does.
const maxLinkHops = 16

// resolveAsset follows symlinks in name element by element inside fsys
// and returns the path it finally names, refusing it unless every name on
// the way (each link target included) passes deck.AssetType's rules: a
// harmless-looking "pic.png" that links to "01-intro.md" or into
// "_drafts/" is refused. The os.Root beneath refuses links that leave the
// deck folder anyway; here such a link is refused by name first.
func resolveAsset(fsys fs.FS, name string) (string, error) {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return name, nil // no symlinks in this file system
	}
	rest := strings.Split(name, "/")
	cur := ""
	for hops := 0; len(rest) > 0; {
		p := path.Join(cur, rest[0])
		if cur == "" {
			p = rest[0]
		}
		fi, err := rl.Lstat(p)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur, rest = p, rest[1:]
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", errNotAsset
		}
		target, err := rl.ReadLink(p)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) || strings.Contains(target, `\`) {
			return "", errNotAsset
		}
		next := path.Join(path.Dir(p), target)
		if !fs.ValidPath(next) || next == "." {
			return "", errNotAsset
		}
		for _, el := range strings.Split(next, "/") {
			if deck.HiddenName(el) {
				return "", errNotAsset
			}
		}
		rest = append(strings.Split(next, "/"), rest[1:]...)
		cur = ""
	}
	if _, ok := deck.AssetType(cur); !ok {
		return "", errNotAsset
	}
	return cur, nil
}

// nonblockOpener is a deck file system that can open without blocking
// (DeckDir's): a FIFO named pic.png then cannot hold a thread in open(2)
// even if it replaces a regular file between the check and the open.
type nonblockOpener interface {
	openNonblock(name string) (*os.File, error)
}

// openAsset opens the deck asset name for an audience request, or fails
// with errNotAsset (or a not-exist error) when it must not be served. It
// checks the name, resolves symlinks by name, requires a regular file
// before opening (lstat) and after (fstat, the same file), and refuses
// any file that is one of the chapters (a hard link, or a link the name
// rules missed). chapters are the chapters' FileInfos, from the reload.
func openAsset(fsys fs.FS, name string, chapters []fs.FileInfo) (fs.File, fs.FileInfo, string, error) {
	ctype, ok := deck.AssetType(name)
	if !ok {
		return nil, nil, "", errNotAsset
	}
	real, err := resolveAsset(fsys, name)
	if err != nil {
		return nil, nil, "", err
	}
	if rl, ok := fsys.(fs.ReadLinkFS); ok {
		fi, err := rl.Lstat(real)
		if err != nil {
			return nil, nil, "", err
		}
		if !fi.Mode().IsRegular() {
			return nil, nil, "", errNotAsset
		}
	} else if fi, err := fs.Stat(fsys, real); err != nil || !fi.Mode().IsRegular() {
		return nil, nil, "", errNotAsset
	}
	var f fs.File
	if nb, ok := fsys.(nonblockOpener); ok {
		f, err = nb.openNonblock(real)
	} else {
		f, err = fsys.Open(real)
	}
	if err != nil {
		return nil, nil, "", err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || isChapter(st, chapters) {
		f.Close()
		return nil, nil, "", errNotAsset
	}
	return f, st, ctype, nil
}

func isChapter(st fs.FileInfo, chapters []fs.FileInfo) bool {
	if st.Sys() == nil {
		return false // no identity to compare (embedded or in-memory files)
	}
	for _, c := range chapters {
		if os.SameFile(st, c) {
			return true
		}
	}
	return false
}

// chapterStats returns the FileInfos of d's chapter files for openAsset;
// files that cannot be stat'ed are skipped (the name rules still hold).
func chapterStats(fsys fs.FS, files []string) []fs.FileInfo {
	var out []fs.FileInfo
	for _, f := range files {
		if fi, err := fs.Stat(fsys, f); err == nil && fi.Sys() != nil {
			out = append(out, fi)
		}
	}
	return out
}

// DeckDir returns the deck folder opened as root, as the server's
// Config.Deck: an fs.FS confined to the folder (os.Root refuses "..", and
// symlinks that leave it) that also lets /deck/ open files without
// blocking, so that a FIFO in the folder cannot hang a request.
func DeckDir(root *os.Root) fs.FS { return &deckDir{fsys: root.FS(), root: root} }

// deckDir is DeckDir's file system: root.FS() plus a non-blocking open.
type deckDir struct {
	fsys fs.FS
	root *os.Root
}

func (d *deckDir) Open(name string) (fs.File, error) { return d.fsys.Open(name) }
func (d *deckDir) Stat(name string) (fs.FileInfo, error) {
	return d.fsys.(fs.StatFS).Stat(name)
}
func (d *deckDir) ReadFile(name string) ([]byte, error) {
	return d.fsys.(fs.ReadFileFS).ReadFile(name)
}
func (d *deckDir) ReadDir(name string) ([]fs.DirEntry, error) {
	return d.fsys.(fs.ReadDirFS).ReadDir(name)
}
func (d *deckDir) ReadLink(name string) (string, error) {
	return d.fsys.(fs.ReadLinkFS).ReadLink(name)
}
func (d *deckDir) Lstat(name string) (fs.FileInfo, error) {
	return d.fsys.(fs.ReadLinkFS).Lstat(name)
}

func (d *deckDir) openNonblock(name string) (*os.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	return d.root.OpenFile(name, os.O_RDONLY|oNonblock, 0)
}
