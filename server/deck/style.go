package deck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"unicode/utf8"
)

// StyleFile is the deck's own stylesheet, beside the chapters: CSS the
// page applies after the theme's (see "A deck's own CSS" in the package
// doc).
const StyleFile = "style.css"

// MaxStyleSize is the largest style.css Load accepts (256 KiB).
const MaxStyleSize = 256 << 10

// readStyle reads the deck folder's style.css: "" when there is none.
// The file is the author's CSS, taken as it is, but for what would stop
// it being one stylesheet: invalid UTF-8 and NUL bytes are problems.
func readStyle(fsys fs.FS) (string, *Problem) {
	fi, err := fs.Stat(fsys, StyleFile)
	if err != nil || fi.IsDir() || !fi.Mode().IsRegular() && !regularFile(fsys, StyleFile) {
		return "", nil
	}
	f, err := fsys.Open(StyleFile)
	if err != nil {
		return "", &Problem{File: StyleFile, Msg: fmt.Sprintf("cannot read: %v", err)}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxStyleSize+1))
	switch {
	case err != nil:
		return "", &Problem{File: StyleFile, Msg: fmt.Sprintf("cannot read: %v", err)}
	case len(b) > MaxStyleSize:
		return "", &Problem{File: StyleFile, Msg: fmt.Sprintf("file too large: over %d bytes (limit 256 KiB)", MaxStyleSize)}
	case !utf8.Valid(b):
		return "", &Problem{File: StyleFile, Line: lineAt(b, firstInvalid(b)), Msg: "not UTF-8"}
	case bytes.IndexByte(b, 0) >= 0:
		return "", &Problem{File: StyleFile, Line: lineAt(b, bytes.IndexByte(b, 0)), Msg: "NUL byte"}
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	return string(b), nil
}

// styleVersion names a deck's style.css for Deck.Version.
func styleVersion(css string) string {
	if css == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(css))
	return hex.EncodeToString(sum[:8])
}

// AppendStyle appends a deck's own CSS (Deck.Style) to its theme's CSS,
// as pages get it: after the theme's rules, so that it wins their ties.
// The server and the exported copy both build the stylesheet with it.
func AppendStyle(themeCSS []byte, style string) []byte {
	if style == "" {
		return themeCSS
	}
	out := make([]byte, 0, len(themeCSS)+len(style)+40)
	out = append(out, themeCSS...)
	out = append(out, "\n/* The deck's own CSS: "+StyleFile+" */\n"...)
	return append(out, style...)
}
