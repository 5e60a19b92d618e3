package deck

import (
	"io/fs"
	"path"
	"strings"
)

// assetTypes is the allowlist of what the server serves under /deck/ and what an export copies, by lower-cased
// extension: images, fonts, audio, video and PDF. Everything else in the
// deck folder (chapters, drafts, editor leftovers, notes in .txt, HTML
// pages, scripts) stays on the author's disk. The types are spelled out
// rather than taken from the system's MIME table so that a machine's
// /etc/mime.types cannot change what a slide receives.
var assetTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".avif": "image/avif", ".svg": "image/svg+xml", ".ico": "image/x-icon",
	".bmp":  "image/bmp",
	".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
	".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
	".wav": "audio/wav", ".m4a": "audio/mp4", ".aac": "audio/aac", ".flac": "audio/flac",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg",
	".mov": "video/quicktime",
	".pdf": "application/pdf",
}

// AssetType reports whether name may be served by its name alone: a
// valid path whose every element is neither a dotfile nor a draft ("_x",
// "_drafts/"), whose last element is no editor leftover, and whose
// extension is on the allowlist. It returns the content type.
func AssetType(name string) (ctype string, ok bool) {
	if !fs.ValidPath(name) || name == "." {
		return "", false
	}
	for _, el := range strings.Split(name, "/") {
		if HiddenName(el) {
			return "", false
		}
	}
	base := path.Base(name)
	if leftover(base) {
		return "", false
	}
	ctype, ok = assetTypes[strings.ToLower(path.Ext(base))]
	return ctype, ok
}

// HiddenName reports a path element the deck keeps to itself: dotfiles
// (.git, .swp files, .#locks) and drafts (_drafts, _x.png).
func HiddenName(el string) bool {
	return el == "" || el[0] == '.' || el[0] == '_'
}

// leftover reports editor and merge-tool leftovers: Emacs backups (x~)
// and autosaves (#x#), git mergetool's x.orig, x.bak, vim's x.swp. They
// are copies of some other file, perhaps a chapter with its notes.
func leftover(base string) bool {
	lower := strings.ToLower(base)
	if strings.HasSuffix(lower, "~") || strings.HasPrefix(lower, "#") || strings.HasSuffix(lower, "#") {
		return true
	}
	for _, suf := range []string{".orig", ".bak", ".swp", ".swo", ".tmp", ".rej"} {
		if strings.HasSuffix(lower, suf) {
			return true
		}
	}
	return false
}
