package deck

import (
	"bytes"
	"io"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/net/html"
)

// Raw HTML (html: true) is written to the page as the author wrote it,
// except where a dialect gives its tags a meaning podium has its own
// markup for: Slidev's v-click attributes become data-step, its
// root-relative src attributes public/'s asset URLs. Those edits are made
// on the tags, with an HTML tokenizer, never by searching the HTML's
// text, and kept on the node (rawKey) for the renderer (comments.go); the
// rest of the node's bytes are kept as written.

// rawKey is the node attribute that holds an HTML block's or inline
// HTML's rewritten HTML. goldmark renders no attribute of these nodes.
const rawKey = "podium-raw-html"

// rawHTML is the HTML n (an *ast.HTMLBlock or *ast.RawHTML) writes to
// the page: its rewritten form if it has one, else its source.
func rawHTML(n ast.Node, src []byte) []byte {
	if v, ok := n.AttributeString(rawKey); ok {
		return v.([]byte)
	}
	var b bytes.Buffer
	switch n := n.(type) {
	case *ast.HTMLBlock:
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			b.Write(seg.Value(src))
		}
		if n.HasClosure() {
			b.Write(n.ClosureLine.Value(src))
		}
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			b.Write(seg.Value(src))
		}
	}
	return b.Bytes()
}

// editTags calls edit with every start tag of n's HTML, in order, and
// keeps n's HTML rewritten when edit changed a tag (it returns true).
// end, when not nil, is called with every end tag's name.
func editTags(n ast.Node, src []byte, edit func(t *html.Token) bool, end func(name string)) {
	h := rawHTML(n, src)
	z := html.NewTokenizer(bytes.NewReader(h))
	var out bytes.Buffer
	changed := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return // cannot happen on a bytes.Reader; keep the HTML as it is
			}
			break
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			// Raw is valid until the next Next: copy it before Token.
			kept := append([]byte(nil), raw...)
			t := z.Token()
			if edit(&t) {
				changed = true
				out.WriteString(t.String())
				continue
			}
			out.Write(kept)
			continue
		case html.EndTagToken:
			if end != nil {
				name, _ := z.TagName()
				end(string(name))
			}
		}
		out.Write(raw)
	}
	if changed {
		n.SetAttributeString(rawKey, out.Bytes())
	}
}

// setAttr sets a token's attribute, adding it when it has none of that
// name.
func setAttr(t *html.Token, key, val string) {
	for i := range t.Attr {
		if t.Attr[i].Key == key {
			t.Attr[i].Val = val
			return
		}
	}
	t.Attr = append(t.Attr, html.Attribute{Key: key, Val: val})
}
