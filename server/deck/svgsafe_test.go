package deck

import (
	"os"
	"strings"
	"testing"
)

// TestSanitizeSVG: what an inlined SVG could use to run script, fetch
// something or restyle the page is gone, whatever its spelling; drawing
// stays, with its ids prefixed and the references to them too.
func TestSanitizeSVG(t *testing.T) {
	t.Parallel()
	evil, err := os.ReadFile("testdata/golden/layouts/img/evil.svg")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, in string
		gone     []string // (lower-case) substrings the output must not have
		kept     []string
	}{
		{"the golden's evil.svg", string(evil),
			[]string{"<script", "alert", "onload", "onclick", "<style", "foreignobject", "<div", "javascript:", "<image", "evil.example", "<animate", "<set", "<a ", "boom", `id="podium"`},
			[]string{"link text", `fill="url(#P-ok)"`, `id="P-podium"`}},
		{"upper-case handlers and namespaced script", `<svg xmlns="http://www.w3.org/2000/svg" ONLOAD="x()"><svg:script xmlns:svg="http://www.w3.org/2000/svg">x()</svg:script><g OnMouseOver="x()"/></svg>`,
			[]string{"onload", "onmouseover", "script", "x()"}, []string{"<g>"}},
		{"xlink and href to elsewhere", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="data:image/svg+xml,&lt;svg onload=x()&gt;"/><use href="//evil.example/a.svg#x"/><use href="#ok"/></svg>`,
			[]string{"data:", "evil", "onload"}, []string{`href="#P-ok"`}},
		{"url() in CSS, escaped or spaced", `<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:URL( 'https://evil.example/' )"/><rect filter="url(https://evil.example/f)"/><rect style="fill:\75rl(x)"/><rect style="mask: url( #m )"/></svg>`,
			[]string{"evil", `\75`}, []string{"url(#P-m"}},
		{"html in svg namespace tricks", `<svg xmlns="http://www.w3.org/2000/svg"><title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title><iframe src="https://evil.example"/><desc><![CDATA[</desc><img src=x onerror=x()>]]></desc></svg>`,
			[]string{"<script", "<iframe", "<img", "evil"}, []string{"&lt;script&gt;"}},
		{"a style in a dropped element", `<svg xmlns="http://www.w3.org/2000/svg"><script><style>x</style></script><foreignObject><style>y</style></foreignObject></svg>`, []string{"style"}, nil},
		{"content after the root", `<svg xmlns="http://www.w3.org/2000/svg"></svg><script>x()</script>`, []string{"script"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := sanitizeSVG([]byte(c.in), "P-", "")
			if err != nil {
				t.Fatalf("sanitizeSVG: %v", err)
			}
			lower := strings.ToLower(string(out))
			for _, g := range c.gone {
				if strings.Contains(lower, g) {
					t.Errorf("output has %q:\n%s", g, out)
				}
			}
			for _, k := range c.kept {
				if !strings.Contains(string(out), k) {
					t.Errorf("output lacks %q:\n%s", k, out)
				}
			}
		})
	}
	for _, bad := range []string{
		`<html><svg/></html>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><g></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg">&undefined;</svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat("<g>", 100) + strings.Repeat("</g>", 100) + `</svg>`,
		``,
		`<svg xmlns="http://www.w3.org/2000/svg"><style>text { fill: red }</style></svg>`, // errStyled
	} {
		if out, _, err := sanitizeSVG([]byte(bad), "P-", ""); err == nil {
			t.Errorf("sanitizeSVG(%.40q) = %q, want an error", bad, out)
		}
	}
}
