package deck

import (
	"bytes"
	"fmt"
	"golang.org/x/net/html"
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
// them under, which carry the file's version (see assetURL and Asset).
type assets struct{}

func (assets) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(assetsTransformer{}, 300)))
}

type assetsTransformer struct{}

func (assetsTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil {
		return
	}
	src := reader.Source()
	eachSlide(doc, func(s *slideNode) {
		s.assets = append(s.assets, s.settings.assets...)
		walkSlide(s, func(n ast.Node, _ bool) ast.WalkStatus {
			switch n := n.(type) {
			case *ast.Image:
				n.Destination = cs.asset(s, n, n.Destination, src, true)
			case *ast.Link:
				n.Destination = cs.asset(s, n, n.Destination, src, false)
			case *ast.HTMLBlock, *ast.RawHTML:
				if cs.dia.Dialect == DialectSlidev {
					cs.publicHTML(s, n, src)
				}
			}
			return ast.WalkContinue
		})
	})
}

// assetResolver resolves the relative targets of one chapter file.
type assetResolver struct {
	fsys     fs.FS
	file     string
	versions *assetVersions // the engine's
	dia      Dialect        // Slidev's root-relative paths are public/'s
}

// resolve resolves a link or image target d written in the chapter. It
// returns d itself for targets left alone (URLs with a scheme, network
// paths, fragments); else the asset's URL (query and fragment kept) and
// the file in the deck folder at its current version (name "" for a
// target left alone); or what is wrong with d, to follow `image "x"` in a
// message.
func (r *assetResolver) resolve(d string, image bool) (u string, ref assetRef, msg string) {
	if d == "" || d[0] == '#' || hasScheme(d) || strings.HasPrefix(d, "//") {
		return d, ref, ""
	}
	if d[0] == '/' && r.dia == DialectSlidev {
		// Slidev serves its public/ folder at the root.
		d = "public" + d
		if path.Dir(r.file) != "." {
			d = strings.Repeat("../", strings.Count(r.file, "/")) + d
		}
	}
	if d[0] == '/' || d[0] == '\\' {
		return "", ref, fmt.Sprintf("%q: absolute path; use a path relative to the deck folder", d)
	}
	p, suffix := d, ""
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		p, suffix = d[:i], d[i:]
	}
	up, err := url.PathUnescape(p)
	if err != nil {
		return "", ref, fmt.Sprintf("%q: bad %%-escape", d)
	}
	clean := path.Join(path.Dir(r.file), up)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", ref, fmt.Sprintf("%q escapes the deck folder", d)
	}
	for _, el := range strings.Split(clean, "/") {
		if strings.HasPrefix(el, ".") {
			return "", ref, fmt.Sprintf("%q names a dotfile or the deck folder itself", d)
		}
	}
	ref = assetRef{name: clean, Asset: r.versions.get(r.fsys, clean)}
	if image && ref.Version == "" {
		return "", ref, fmt.Sprintf("%q not found (looked for %s in the deck folder)", d, clean)
	}
	return assetURL(clean, ref.Version, suffix), ref, ""
}

// publicHTML rewrites the root-relative src and poster attributes of a
// Slidev slide's raw HTML (<img src="/logo.png">: Slidev serves public/
// at the root) to their asset URLs, as it does for Markdown images. A
// file that is not there is a warning, the attribute kept.
func (cs *chapterState) publicHTML(s *slideNode, n ast.Node, src []byte) {
	if s.from != nil {
		src = s.from.src
	}
	editTags(n, src, func(t *html.Token) bool {
		changed := false
		for i, a := range t.Attr {
			if a.Key != "src" && a.Key != "poster" || !strings.HasPrefix(a.Val, "/") || strings.HasPrefix(a.Val, "//") {
				continue
			}
			u, ref, msg := cs.fm.as.resolve(a.Val, true)
			if ref.name != "" {
				s.assets = append(s.assets, ref)
			}
			if msg != "" {
				line := s.line
				if s.from == nil {
					line = cs.lines.line(max(rawStart(n), 0))
				}
				cs.fm.warn(line, "image %s", msg)
				continue
			}
			t.Attr[i].Val, changed = u, true
		}
		return changed
	}, nil)
}

// rawStart is where an HTML block or inline HTML starts in its source.
func rawStart(n ast.Node) int {
	if r, ok := n.(*ast.RawHTML); ok && r.Segments.Len() > 0 {
		return r.Segments.At(0).Start
	}
	return n.Pos()
}

// asset rewrites a relative link or image target of slide s to its asset
// URL and reports targets that escape the deck folder, name a dotfile or
// (images) do not exist.
func (cs *chapterState) asset(s *slideNode, n ast.Node, dest, src []byte, image bool) []byte {
	what := "link"
	if image {
		what = "image"
	}
	u, ref, msg := cs.fm.as.resolve(string(dest), image)
	if ref.name != "" {
		s.assets = append(s.assets, ref)
	}
	if msg != "" && ref.name != "" && cs.dia.foreign() {
		// Its own tool shows a broken image: the deck loads, and says so.
		cs.fm.warn(cs.lines.line(nodeOffset(n, src, dest)), "%s %s", what, msg)
		if img, ok := n.(*ast.Image); ok {
			from, to := imageSpan(img, src)
			s.podium.dropInline(src, from, to) // podium's form has none
		}
		return dest
	}
	if msg != "" {
		cs.problem(nodeOffset(n, src, dest), "%s %s", what, msg)
		return dest
	}
	if i := strings.IndexAny(string(dest), "?#"); ref.name != "" {
		p, suffix := string(dest), ""
		if i >= 0 {
			p, suffix = p[:i], p[i:]
		}
		if to := (&url.URL{Path: ref.name}).EscapedPath(); p != to {
			// Written from another folder (an imported file's) or from
			// Slidev's public/: podium's form names it from the deck folder.
			s.podium.rewrite(n, src, dest, to+suffix)
		}
	}
	return []byte(u)
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
