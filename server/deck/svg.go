package deck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// svgs is the goldmark extension that inlines a slide's deck-local SVG
// images (![alt](x.svg)) drawn to follow the theme into its HTML,
// sanitised (svgsafe.go), so that they are drawn with the page's CSS: an
// SVG whose strokes and fills are currentColor or the theme's variables
// (var(--fg), var(--accent), var(--muted), var(--surface)…) follows the
// theme, light or dark, which an <img> cannot. Any other SVG stays an
// <img>, as its author drew it. An SVG with its own <style> stays an <img> (see
// errStyled); one that cannot be inlined (not well-formed, too large)
// too, with a warning. Images in the notes stay images.
type svgs struct{}

func (svgs) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(svgTransformer{}, 295)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(svgRenderer{}, 100)))
}

// inlineSVG is an SVG image, inlined.
type inlineSVG struct {
	ast.BaseInline
	markup []byte
}

var kindInlineSVG = ast.NewNodeKind("PodiumInlineSVG")

func (n *inlineSVG) Kind() ast.NodeKind         { return kindInlineSVG }
func (n *inlineSVG) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

type svgTransformer struct{}

func (svgTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil {
		return
	}
	src := reader.Source()
	eachSlide(doc, func(s *slideNode) {
		var imgs []*ast.Image
		walkSlide(s, func(n ast.Node, notes bool) ast.WalkStatus {
			if img, ok := n.(*ast.Image); ok && !notes && isDeckSVG(string(img.Destination)) {
				imgs = append(imgs, img)
			}
			return ast.WalkContinue
		})
		sum := sha256.Sum256([]byte(s.norm + "\x00" + strconv.Itoa(s.line)))
		for i, img := range imgs {
			prefix := "svg" + hex.EncodeToString(sum[:4]) + strconv.Itoa(i) + "-"
			cs.inline(s, img, src, prefix)
		}
	})
}

// isDeckSVG reports whether an image target is a relative .svg path.
func isDeckSVG(d string) bool {
	if d == "" || hasScheme(d) || strings.HasPrefix(d, "//") || d[0] == '/' {
		return false
	}
	p, _, _ := strings.Cut(d, "?")
	p, _, _ = strings.Cut(p, "#")
	return strings.HasSuffix(strings.ToLower(p), ".svg")
}

// inline replaces img with its SVG, when the file can be read and
// sanitised; a target that cannot be resolved is left for assets.go to
// report.
func (cs *chapterState) inline(s *slideNode, img *ast.Image, src []byte, prefix string) {
	_, ref, msg := cs.fm.as.resolve(string(img.Destination), true)
	if msg != "" || ref.name == "" {
		return
	}
	fsys, _ := cs.files()
	data, err := readLimited(fsys, ref.name, maxSVGSize+1)
	if err != nil || !followsTheme(data) {
		return // an image, as its author drew it (assets.go reports errors)
	}
	var attrs strings.Builder
	class := "deck-svg"
	if c, ok := img.AttributeString("class"); ok {
		class += " " + string(c.([]byte))
	}
	attrs.WriteString(` class="` + html.EscapeString(class) + `"`)
	if st, ok := img.AttributeString("style"); ok {
		attrs.WriteString(` style="` + html.EscapeString(string(st.([]byte))) + `"`)
	}
	alt := string(img.Text(src)) //nolint:staticcheck // the alt text, as goldmark renders it
	attrs.WriteString(` role="img"`)
	if alt != "" {
		attrs.WriteString(` aria-label="` + html.EscapeString(alt) + `"`)
	}
	markup, _, err := sanitizeSVG(data, prefix, attrs.String())
	if errors.Is(err, errStyled) {
		return // drawn with its own stylesheet, not the theme's: an image
	}
	if err != nil {
		off := nodeOffset(img, src, img.Destination)
		cs.fm.warnings = append(cs.fm.warnings, Problem{File: cs.fm.as.file, Line: cs.lines.line(off),
			Msg: "image " + strconv.Quote(ref.name) + " is not inlined (" + err.Error() + "): it is shown as an image, and does not follow the theme"})
		return
	}
	s.assets = append(s.assets, ref)
	p := img.Parent()
	p.ReplaceChild(p, img, &inlineSVG{markup: markup})
}

// followsTheme reports whether an SVG is drawn to follow the page's
// colours: it names currentColor or a CSS variable (var(--…)). Only such
// an SVG is inlined; any other is shown as its author drew it, an image.
func followsTheme(svg []byte) bool {
	lower := bytes.ToLower(svg)
	return bytes.Contains(lower, []byte("currentcolor")) || bytes.Contains(lower, []byte("var(--"))
}

// readLimited reads at most limit bytes of a file.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

type svgRenderer struct{}

func (svgRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindInlineSVG, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.Write(n.(*inlineSVG).markup)
		}
		return ast.WalkSkipChildren, nil
	})
}
