package deck

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file reads a remark deck's HTML page: remark's slides are the
// Markdown in the page's <textarea id="source">. The page is read with an
// HTML tokenizer (a textarea's text is raw text to HTML: "<" and "---" in
// it are the Markdown's), and the lines of the Markdown keep their line
// numbers in the page.

// translateRemarkHTML returns the Markdown of the remark page's source
// textarea: the one with id "source", else the first one.
func translateRemarkHTML(file, text string) (*translated, []Problem) {
	z := html.NewTokenizer(strings.NewReader(text))
	off := 0 // byte offset of the current token
	found, any := -1, false
	var md string
	for {
		tt := z.Next()
		raw := len(z.Raw())
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return nil, []Problem{{File: file, Line: lineAt([]byte(text), off), Msg: "remark page: " + z.Err().Error()}}
			}
			break
		}
		if tt == html.StartTagToken {
			name, hasAttr := z.TagName()
			if atom.Lookup(name) == atom.Textarea {
				isSource := false
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "id" && string(v) == "source" {
						isSource = true
					}
				}
				if isSource || !any {
					start := off + raw
					off = start
					// The textarea's text is the next token (raw text up to </textarea>).
					if z.Next() == html.TextToken {
						md, found = string(z.Text()), start
						raw = len(z.Raw())
					} else {
						md, found, raw = "", start, len(z.Raw())
					}
					any = true
					if isSource {
						off += raw
						break
					}
				}
			}
		}
		off += raw
	}
	if found < 0 {
		return nil, []Problem{{File: file, Msg: `remark page: no <textarea id="source"> holding the slides' Markdown (a deck that loads it with sourceUrl: serve that Markdown file instead)`}}
	}
	tag := lineAt([]byte(text), found)
	first := tag
	// HTML drops a newline right after <textarea>.
	if strings.HasPrefix(md, "\n") {
		md = md[1:]
		first++
	}
	if strings.TrimSpace(md) == "" {
		return nil, []Problem{{File: file, Line: tag, Msg: "remark page: the source textarea is empty"}}
	}
	n := bytes.Count([]byte(md), []byte("\n")) + 1
	t := &translated{text: md, lines: make([]int, n), dialect: DialectRemark, why: `a remark page: its <textarea id="source">`}
	for i := range t.lines {
		t.lines[i] = first + i
	}
	return t, nil
}
