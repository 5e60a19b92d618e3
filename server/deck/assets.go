package deck

import (
	"bytes"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// assets is the goldmark extension that resolves relative link and image
// targets in the deck folder: its transformer confines them to the folder,
// checks that images exist and rewrites them to the URLs the server serves
// them under (see assetURL).
type assets struct{}

func (assets) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(assetsTransformer{}, 300)))
}

type assetsTransformer struct{}

func (assetsTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st := state(pc)
	if st == nil {
		return
	}
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Image:
			n.Destination = st.asset(n, n.Destination, src, true)
		case *ast.Link:
			n.Destination = st.asset(n, n.Destination, src, false)
		}
		return ast.WalkContinue, nil
	})
}

// assetURL is the URL the server serves the deck folder's file clean (a
// clean slash path inside the folder) under. Every asset URL in a slide
// is built here.
func assetURL(clean string) string {
	u := url.URL{Path: "/deck/" + clean}
	return u.EscapedPath()
}

// asset rewrites a relative link or image target to its asset URL and
// reports targets that escape the deck folder, name a dotfile or (images)
// do not exist.
func (st *renderState) asset(n ast.Node, dest, src []byte, image bool) []byte {
	d := string(dest)
	if d == "" || d[0] == '#' || hasScheme(d) || strings.HasPrefix(d, "//") {
		return dest
	}
	off := nodeOffset(n, src, dest)
	what := "link"
	if image {
		what = "image"
	}
	if d[0] == '/' || d[0] == '\\' {
		st.problem(off, "%s %q: absolute path; use a path relative to the deck folder", what, d)
		return dest
	}
	p, suffix := d, ""
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		p, suffix = d[:i], d[i:]
	}
	if up, err := url.PathUnescape(p); err == nil {
		p = up
	} else {
		st.problem(off, "%s %q: bad %%-escape", what, d)
		return dest
	}
	clean := path.Join(path.Dir(st.file), p)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		st.problem(off, "%s %q escapes the deck folder", what, d)
		return dest
	}
	for _, el := range strings.Split(clean, "/") {
		if strings.HasPrefix(el, ".") {
			st.problem(off, "%s %q names a dotfile or the deck folder itself", what, d)
			return dest
		}
	}
	if image {
		st.images = append(st.images, clean)
		if !regularFile(st.fsys, clean) {
			st.problem(off, "image %q not found (looked for %s in the deck folder)", d, clean)
		}
	}
	return []byte(assetURL(clean) + suffix)
}

func regularFile(fsys fs.FS, name string) bool {
	if fsys == nil || !fs.ValidPath(name) {
		return false
	}
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

// hasScheme reports whether d starts with a URL scheme ("https:", "data:").
func hasScheme(d string) bool {
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':':
			return i > 0
		default:
			return false
		}
	}
	return false
}

// nodeOffset finds where an inline node is in src: at its first text, else
// where its destination is written, else at its block.
func nodeOffset(n ast.Node, src, dest []byte) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		return off
	}
	start := 0
	for b := n.Parent(); b != nil; b = b.Parent() {
		if b.Type() == ast.TypeBlock && b.Lines().Len() > 0 {
			start = b.Lines().At(0).Start
			break
		}
	}
	if i := bytes.Index(src[start:], dest); i >= 0 && len(dest) > 0 {
		return start + i
	}
	return start
}
