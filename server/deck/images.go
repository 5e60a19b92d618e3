package deck

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// images is the goldmark extension that lets images fit their layout.
// The page's CSS scales every image into the space its layout gives it;
// this extension does what CSS cannot:
//
//   - size hints: a deck image's query "w" and "h" ("x.svg?w=60%",
//     "x.png?h=300") become its width or height, in percent of the space
//     or in pixels of the 1280×720 stage, and leave its URL;
//   - the side image of image-left and image-right: the slide's "image"
//     key, else its first paragraph that is only an image, goes into a
//     <figure class="side-image"> and the rest of the slide into a
//     <div class="side-text">, the two halves of the layout;
//   - the image of full: the same, in a <figure class="full-image">.
type images struct{}

func (images) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(imagesTransformer{}, 290)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(imagesRenderer{}, 100)))
}

// figure is the side or full image of a slide: the paragraph that held
// the image, or, from the "image" key, src.
type figure struct {
	ast.BaseBlock
	class string
	src   string // an asset URL, when the image is the slide's key
}

var kindFigure = ast.NewNodeKind("PodiumFigure")

func (n *figure) Kind() ast.NodeKind { return kindFigure }
func (n *figure) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"class": n.class, "src": n.src}, nil)
}

type imagesTransformer struct{}

func (imagesTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	cs := chapterOf(pc)
	if cs == nil {
		return
	}
	src := reader.Source()
	eachSlide(doc, func(s *slideNode) {
		walkSlide(s, func(n ast.Node, _ bool) ast.WalkStatus {
			if img, ok := n.(*ast.Image); ok {
				sizeHint(img)
			}
			return ast.WalkContinue
		})
		switch s.settings.layout {
		case "image-left", "image-right":
			if f := s.figure("side-image", src); f != nil {
				text := &columnBox{class: "side-text"}
				for c := f.NextSibling(); c != nil && c != ast.Node(s.notes); {
					next := c.NextSibling()
					s.RemoveChild(s, c)
					text.AppendChild(text, c)
					c = next
				}
				s.InsertAfter(s, f, text)
			}
		case "full":
			s.figure("full-image", src)
		}
	})
}

// figure makes the slide's image the first block of the slide, in a
// figure of class; nil when the slide has no image.
func (s *slideNode) figure(class string, src []byte) *figure {
	f := &figure{class: class, src: s.settings.image}
	if f.src == "" {
		var p ast.Node
		for c := s.FirstChild(); c != nil && c != ast.Node(s.notes); c = c.NextSibling() {
			if onlyImage(c, src) {
				p = c
				break
			}
		}
		if p == nil {
			return nil
		}
		s.RemoveChild(s, p)
		f.AppendChild(f, p)
	}
	if first := s.FirstChild(); first != nil {
		s.InsertBefore(s, first, f)
	} else {
		s.AppendChild(s, f)
	}
	return f
}

// onlyImage reports whether block c is a paragraph of one image (a linked
// one too) and blanks.
func onlyImage(c ast.Node, src []byte) bool {
	if _, ok := c.(*ast.Paragraph); !ok {
		return false
	}
	images := 0
	for n := c.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Image:
			images++
		case *ast.Link:
			if n.ChildCount() != 1 || n.FirstChild().Kind() != ast.KindImage {
				return false
			}
			images++
		case *ast.Text:
			if strings.TrimSpace(string(n.Segment.Value(src))) != "" {
				return false
			}
		default:
			return false
		}
	}
	return images == 1
}

// sizeHint moves the w and h of a relative image target's query into its
// style. A target with a scheme keeps its query: it is someone else's.
func sizeHint(img *ast.Image) {
	d := string(img.Destination)
	if d == "" || hasScheme(d) || strings.HasPrefix(d, "//") {
		return
	}
	path, rest, ok := strings.Cut(d, "?")
	if !ok {
		return
	}
	query, frag, _ := strings.Cut(rest, "#")
	var keep []string
	var style []string
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if u, err := url.QueryUnescape(v); err == nil {
			v = u // "60%25"; "60%" is not an escape, and stays "60%"
		}
		if k == "w" || k == "h" {
			if css := hintLength(v); css != "" {
				if k == "w" {
					style = append(style, "width:"+css)
				} else {
					style = append(style, "height:"+css, "width:auto")
				}
				continue
			}
		}
		keep = append(keep, kv)
	}
	if len(style) == 0 {
		return
	}
	d = path
	if len(keep) > 0 {
		d += "?" + strings.Join(keep, "&")
	}
	if frag != "" {
		d += "#" + frag
	}
	img.Destination = []byte(d)
	img.SetAttributeString("class", []byte("sized"))
	img.SetAttributeString("style", []byte(strings.Join(style, ";")))
}

// hintLength is a size hint's CSS: "60%" or "60" / "60px" (pixels of the
// stage); "" for anything else, which stays in the URL.
func hintLength(v string) string {
	num, pct := strings.CutSuffix(v, "%")
	if !pct {
		num = strings.TrimSuffix(num, "px")
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 || f > 10000 || pct && f > 100 {
		return ""
	}
	n := strconv.FormatFloat(f, 'f', -1, 64)
	if pct {
		return n + "%"
	}
	return n + "px"
}

type imagesRenderer struct{}

func (imagesRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*figure)
		if !entering {
			_, _ = w.WriteString("</figure>\n")
			return ast.WalkContinue, nil
		}
		_, _ = w.WriteString(`<figure class="`)
		_, _ = w.WriteString(n.class)
		_, _ = w.WriteString("\">")
		if n.src != "" {
			_, _ = w.WriteString(`<img src="`)
			_, _ = w.WriteString(html.EscapeString(n.src))
			_, _ = w.WriteString(`" alt="">`)
		}
		_, _ = w.WriteString("\n")
		return ast.WalkContinue, nil
	})
}
