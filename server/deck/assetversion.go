package deck

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// Asset is a file of the deck folder that a slide shows or links to.
type Asset struct {
	// Version names the file's content: the slides' URLs of the file carry
	// it (/deck/img/x.png?v=Version), so an edit of the file is an edit of
	// the slides that use it, and a browser may cache each URL for good.
	Version string
	// Size and ModTime are the file's when Version was computed: a server
	// serving the file can tell that it still is that version.
	Size    int64
	ModTime time.Time
}

// maxHashed is the largest asset whose bytes are hashed for its version
// (64 MiB): a linked video is named by its size and time instead, so that a
// reload never reads a gigabyte.
const maxHashed = 64 << 20

// assetVersions remembers the version of each asset file by what a stat of
// it shows (size and modification time, as make and rsync compare files), so
// a reload hashes only the files that changed. Safe for concurrent use.
type assetVersions struct {
	mu    sync.Mutex
	known map[string]Asset
}

// get returns the asset's current version, or the zero Asset when name is
// no regular file of fsys (or a chapter, whose URL is never served).
func (a *assetVersions) get(fsys fs.FS, name string) Asset {
	if fsys == nil || !fs.ValidPath(name) || strings.EqualFold(path.Ext(name), ".md") {
		return Asset{}
	}
	fi, err := fs.Stat(fsys, name)
	if err != nil || !fi.Mode().IsRegular() {
		return Asset{}
	}
	a.mu.Lock()
	old, ok := a.known[name]
	a.mu.Unlock()
	if ok && old.Size == fi.Size() && old.ModTime.Equal(fi.ModTime()) {
		return old
	}
	v := Asset{Size: fi.Size(), ModTime: fi.ModTime()}
	h := sha256.New()
	if fi.Size() > maxHashed {
		fmt.Fprintf(h, "%d %d", fi.Size(), fi.ModTime().UnixNano())
	} else {
		f, err := fsys.Open(name)
		if err != nil {
			return Asset{}
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return Asset{}
		}
	}
	v.Version = hex.EncodeToString(h.Sum(nil)[:4])
	a.mu.Lock()
	if a.known == nil {
		a.known = make(map[string]Asset)
	}
	a.known[name] = v
	a.mu.Unlock()
	return v
}

// assetRef is an asset a slide uses, as it was when the slide was rendered.
type assetRef struct {
	name string
	Asset
	// source: a file of Markdown the slide is made of (a Slidev import),
	// tracked for reloads but no asset of the deck.
	source bool
}

// current reports whether every asset of refs is still the version the
// slide was rendered with (and exists, or still does not).
func (a *assetVersions) current(fsys fs.FS, refs []assetRef) bool {
	for _, r := range refs {
		if a.get(fsys, r.name).Version != r.Version {
			return false
		}
	}
	return true
}

// assetURL is the URL of asset name (a clean slash path) at version v, with
// the query and fragment the author wrote (suffix, "?…#…" or "").
func assetURL(name, v, suffix string) string {
	u := (&url.URL{Path: "/deck/" + name}).EscapedPath()
	if v == "" {
		return u + suffix
	}
	query, frag, _ := strings.Cut(suffix, "#")
	if frag != "" || strings.HasSuffix(suffix, "#") {
		frag = "#" + frag
	}
	query = strings.TrimPrefix(query, "?")
	if query != "" {
		query = "&" + query
	}
	return u + "?v=" + v + query + frag
}
