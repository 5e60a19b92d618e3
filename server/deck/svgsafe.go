package deck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// This file sanitises a deck's SVG for inlining into a slide's HTML (see
// svg.go). Inline, an SVG is part of the page: what it may run or fetch,
// the page does. So the sanitiser keeps drawing and nothing else, by
// allowlist: the elements below (script, foreignObject, style, image,
// animation, iframes and anything unknown go with everything inside
// them (an SVG with a <style> is not inlined at all: errStyled); an <a> goes but keeps its content); no event handler (on*), no
// namespace but SVG's, no href but to a fragment of the same SVG, no
// url() but url(#…), no CSS escapes, no comments, processing
// instructions or DOCTYPE. Its ids get a prefix of their own, and the
// references to them follow, so that two SVGs on a page, or an SVG and
// the page, cannot clash or clobber each other's names.

// maxSVGSize is the largest SVG inlined: a diagram is a few KB; bigger
// ones stay images.
const maxSVGSize = 512 << 10

// maxSVGDepth bounds element nesting.
const maxSVGDepth = 64

// svgElements are the elements kept.
var svgElements = map[string]bool{
	"svg": true, "g": true, "defs": true, "symbol": true, "use": true, "title": true, "desc": true,
	"path": true, "rect": true, "circle": true, "ellipse": true, "line": true, "polyline": true, "polygon": true,
	"text": true, "tspan": true, "textPath": true, "marker": true, "clipPath": true, "mask": true, "pattern": true,
	"linearGradient": true, "radialGradient": true, "stop": true, "filter": true,
	"feBlend": true, "feColorMatrix": true, "feComponentTransfer": true, "feComposite": true, "feFlood": true,
	"feGaussianBlur": true, "feMerge": true, "feMergeNode": true, "feOffset": true, "feDropShadow": true,
	"feFuncR": true, "feFuncG": true, "feFuncB": true, "feFuncA": true, "feMorphology": true,
}

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
	xmlNS   = "http://www.w3.org/XML/1998/namespace"
)

// textEscaper and attrEscaper escape text and attribute values for HTML.
var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;")
)

// errStyled is the error for an SVG with a <style> element. Inline, its
// rules would apply to the whole page (and the page's policy blocks
// <style>): such an SVG, drawn for itself, stays an image.
var errStyled = errors.New("it has a <style> element")

// svgInfo is what the sanitiser tells about an SVG.
type svgInfo struct {
	hasTitle bool
}

// sanitizeSVG returns data as safe SVG markup for an HTML page, its ids
// prefixed with prefix, its root carrying attrs (already escaped) in
// place of a width and height; or why it cannot.
func sanitizeSVG(data []byte, prefix, attrs string) ([]byte, svgInfo, error) {
	var info svgInfo
	if len(data) > maxSVGSize {
		return nil, info, fmt.Errorf("over %d KB", maxSVGSize>>10)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	var out bytes.Buffer
	// kept[i] tells whether the element at depth i was written.
	var kept []bool
	root := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, info, fmt.Errorf("line %d: %s", se.Line, se.Msg)
			}
			return nil, info, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(kept) >= maxSVGDepth {
				return nil, info, fmt.Errorf("nested more than %d deep", maxSVGDepth)
			}
			name := t.Name.Local
			if root && len(kept) == 0 {
				return out.Bytes(), info, nil // after the root: not part of the SVG
			}
			if !root {
				if name != "svg" || t.Name.Space != svgNS && t.Name.Space != "" {
					return nil, info, fmt.Errorf("the root element is <%s>, not <svg>", name)
				}
				root = true
				writeRoot(&out, t, prefix, attrs)
				kept = append(kept, true)
				continue
			}
			if name == "a" && (t.Name.Space == svgNS || t.Name.Space == "") {
				kept = append(kept, false) // its content stays, the link goes
				continue
			}
			if name == "style" {
				return nil, info, errStyled
			}
			if t.Name.Space != svgNS && t.Name.Space != "" || !svgElements[name] {
				if err := d.Skip(); err != nil {
					return nil, info, err
				}
				continue
			}
			if name == "title" && len(kept) == 1 {
				info.hasTitle = true
			}
			out.WriteString("<" + name)
			for _, a := range t.Attr {
				writeAttr(&out, a, prefix)
			}
			out.WriteString(">")
			kept = append(kept, true)
		case xml.EndElement:
			if len(kept) == 0 {
				continue
			}
			if kept[len(kept)-1] {
				out.WriteString("</" + t.Name.Local + ">")
			}
			kept = kept[:len(kept)-1]
		case xml.CharData:
			if len(kept) > 0 {
				out.WriteString(textEscaper.Replace(string(t)))
			}
		}
	}
	if !root {
		return nil, info, errors.New("no <svg> element")
	}
	return out.Bytes(), info, nil
}

// writeRoot writes the <svg> start tag: its safe attributes but its size,
// a viewBox (made from the size when it has none), and attrs.
func writeRoot(out *bytes.Buffer, t xml.StartElement, prefix, attrs string) {
	var w, h string
	viewBox := false
	out.WriteString("<svg")
	for _, a := range t.Attr {
		if a.Name.Space == "" {
			switch a.Name.Local {
			case "width":
				w = a.Value
				continue
			case "height":
				h = a.Value
				continue
			case "viewBox":
				viewBox = true
			case "class", "style", "x", "y":
				continue
			}
		}
		writeAttr(out, a, prefix)
	}
	if !viewBox {
		wf, err1 := strconv.ParseFloat(strings.TrimSuffix(w, "px"), 64)
		hf, err2 := strconv.ParseFloat(strings.TrimSuffix(h, "px"), 64)
		if err1 == nil && err2 == nil && wf > 0 && hf > 0 {
			fmt.Fprintf(out, ` viewBox="0 0 %g %g"`, wf, hf)
		}
	}
	out.WriteString(attrs)
	out.WriteString(">")
}

// writeAttr writes one attribute, if it is safe, with its references to
// ids prefixed.
func writeAttr(out *bytes.Buffer, a xml.Attr, prefix string) {
	name, v := a.Name.Local, a.Value
	switch a.Name.Space {
	case "":
	case xlinkNS:
		if name != "href" {
			return
		}
	case xmlNS:
		if name != "space" && name != "lang" {
			return
		}
		name = "xml:" + name
	default:
		return // xmlns declarations and other namespaces
	}
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(lower, "on"):
		return
	case lower == "href":
		if !strings.HasPrefix(v, "#") {
			return
		}
		v = "#" + prefix + v[1:]
	case lower == "id":
		v = prefix + v
	case lower == "aria-labelledby" || lower == "aria-describedby":
		ids := strings.Fields(v)
		for i := range ids {
			ids[i] = prefix + ids[i]
		}
		v = strings.Join(ids, " ")
	default:
		var ok bool
		if v, ok = safeCSSValue(v, prefix); !ok {
			return
		}
	}
	out.WriteString(" " + name + `="` + attrEscaper.Replace(v) + `"`)
}

// safeCSSValue checks an attribute value, which may be CSS (style, fill,
// filter…): no escapes, no url() but to a fragment (which gets the
// prefix), nothing that runs or fetches.
func safeCSSValue(v, prefix string) (string, bool) {
	lower := strings.ToLower(v)
	if strings.ContainsAny(v, "\\\x00") || strings.Contains(lower, "expression") || strings.Contains(lower, "javascript:") ||
		strings.Contains(lower, "@import") || strings.Contains(lower, "-moz-binding") || strings.Contains(lower, "behavior") {
		return "", false
	}
	if !strings.Contains(lower, "url") {
		return v, true
	}
	var b strings.Builder
	for {
		i := strings.Index(strings.ToLower(v), "url")
		if i < 0 {
			b.WriteString(v)
			return b.String(), true
		}
		rest := strings.TrimLeft(v[i+3:], " \t\n")
		if !strings.HasPrefix(rest, "(") {
			return "", false
		}
		inner := strings.TrimLeft(rest[1:], " \t\n\"'")
		if !strings.HasPrefix(inner, "#") {
			return "", false
		}
		b.WriteString(v[:i])
		b.WriteString("url(#" + prefix)
		v = inner[1:]
		end := strings.IndexAny(v, ")\"'")
		if end < 0 {
			return "", false
		}
		b.WriteString(v[:end])
		v = strings.TrimLeft(v[end:], "\"'")
	}
}
