package export

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/podium-talks/podium/server/fontsubset"
)

// The print page gets the large font faces its stylesheets name as web
// fonts cut down to the characters of the deck (server/fontsubset), under
// the same family names, so that Chromium's print path copies a few MB
// of font instead of the whole 20 MB file of each face: ~100 MB off the
// export's peak for a deck set in Noto Sans CJK (docs/benchmarks.md,
// "export (wave 5)"). The glyphs, metrics and shaping are the face's
// own, so the pages are the same; a character the subset lacks falls
// through to the system font, as it would without it.
//
// Faces are found as Chromium finds them, through fontconfig (fc-list).
// Without fontconfig's tools, or for a face that is not CFF, small, or
// unreadable, the print page uses the system font as before.

// minSubset is the size of font file below which a face is left to the
// system: Chromium's copies of it cost less than the subset's work.
const minSubset = 1 << 20

// printFace is one face of a family the print page's CSS names.
type printFace struct {
	family string
	file   string
	index  int
	weight int    // CSS font-weight
	style  string // CSS font-style
	// local are the face's PostScript and full names, for the CSS src
	// to fall back on the system's face if the subset does not load.
	local []string
}

// familiesRE finds the font lists of the stylesheets: font-family
// declarations and the --font-* custom properties the themes set.
var familiesRE = regexp.MustCompile(`(?:font-family|--font-[\w-]+)\s*:\s*([^;{}]+)`)

// cssFamilies lists the family names the stylesheets name, generic
// families and var() references left out.
func cssFamilies(sheets ...[]byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, css := range sheets {
		for _, m := range familiesRE.FindAllSubmatch(css, -1) {
			for f := range strings.SplitSeq(string(m[1]), ",") {
				f = strings.Trim(strings.TrimSpace(f), `"'`)
				switch strings.ToLower(f) {
				case "", "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math",
					"emoji", "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded", "inherit", "initial", "unset":
					continue
				}
				if strings.Contains(f, "(") || seen[strings.ToLower(f)] {
					continue
				}
				seen[strings.ToLower(f)] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// findFaces asks fontconfig for the installed faces of families that are
// worth subsetting: CFF outlines, in a file of at least minSubset bytes.
func findFaces(ctx context.Context, families []string) []printFace {
	if len(families) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "fc-list", "-f",
		`%{family}\t%{file}\t%{index}\t%{fontformat}\t%{weight}\t%{slant}\t%{postscriptname}\t%{fullname}\n`).Output()
	if err != nil {
		return nil // no fontconfig tools: the system fonts, as before
	}
	want := map[string]string{}
	for _, f := range families {
		want[strings.ToLower(f)] = f
	}
	var faces []printFace
	size := map[string]int64{}
	for line := range strings.SplitSeq(string(out), "\n") {
		p := strings.Split(line, "\t")
		if len(p) != 8 || p[3] != "CFF" {
			continue
		}
		index, err1 := strconv.Atoi(p[2])
		weight, err2 := strconv.ParseFloat(p[4], 64)
		slant, err3 := strconv.Atoi(p[5])
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		if _, ok := size[p[1]]; !ok {
			size[p[1]] = -1
			if fi, err := os.Stat(p[1]); err == nil && fi.Mode().IsRegular() {
				size[p[1]] = fi.Size()
			}
		}
		if size[p[1]] < minSubset {
			continue
		}
		for name := range strings.SplitSeq(p[0], ",") {
			family, ok := want[strings.ToLower(name)]
			if !ok {
				continue
			}
			style := "normal"
			if slant >= 100 { // FC_SLANT_ITALIC, FC_SLANT_OBLIQUE
				style = "italic"
			}
			local := []string{p[6]}
			if full, _, _ := strings.Cut(p[7], ","); full != "" && full != p[6] {
				local = append(local, full)
			}
			faces = append(faces, printFace{family: family, file: p[1], index: index,
				weight: cssWeight(weight), style: style, local: local})
		}
	}
	return faces
}

// cssWeight is fontconfig's weight on the CSS (OpenType) scale, as
// fontconfig's own FcWeightToOpenType maps it.
func cssWeight(fc float64) int {
	fcs := []float64{0, 40, 50, 55, 75, 80, 100, 180, 200, 205, 210, 215}
	css := []float64{100, 200, 300, 350, 380, 400, 500, 600, 700, 800, 900, 1000}
	if fc <= fcs[0] {
		return 100
	}
	for i := 1; i < len(fcs); i++ {
		if fc <= fcs[i] {
			w := css[i-1] + (fc-fcs[i-1])*(css[i]-css[i-1])/(fcs[i]-fcs[i-1])
			return int(w + .5)
		}
	}
	return 1000
}

// fontCSS is the print page's @font-face rules, face i served at
// /fonts/i. Should a subset not load (the browser refusing it, say), the
// rule's next source is the system's own face by name, so the page looks
// the same either way.
func fontCSS(faces []printFace) []byte {
	var b bytes.Buffer
	for i, f := range faces {
		fmt.Fprintf(&b, "@font-face { font-family: %s; src: url(/fonts/%d) format(\"opentype\")", cssString(f.family), i)
		for _, l := range f.local {
			fmt.Fprintf(&b, ", local(%s)", cssString(l))
		}
		fmt.Fprintf(&b, "; font-weight: %d; font-style: %s; }\n", f.weight, f.style)
	}
	return b.Bytes()
}

// cssString quotes s as a CSS string.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' || r < ' ' {
			fmt.Fprintf(&b, "\\%x ", r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// printChars is every character the print page can show: the text of its
// data (slides, titles, notes of a handout), the words of the web files
// it runs, and the ASCII, Latin-1 and CJK punctuation any text may come
// to need, so that no character falls through to another font for want
// of being foreseen.
func printChars(doc []byte, web fs.FS) []rune {
	seen := map[rune]bool{}
	add := func(s string) {
		for _, r := range html.UnescapeString(s) {
			if r >= ' ' && r != utf8.RuneError {
				seen[r] = true
			}
		}
	}
	for r := rune(0x20); r < 0x7F; r++ {
		seen[r] = true
	}
	for _, rg := range [][2]rune{{0xA0, 0x17F}, {0x2000, 0x206F}, {0x2190, 0x21FF}, {0x3000, 0x303F}, {0xFF00, 0xFFEF}} {
		for r := rg[0]; r <= rg[1]; r++ {
			seen[r] = true
		}
	}
	// The page's data is JSON whose strings hold the slides' HTML; JSON
	// escapes only ASCII there (json.Marshal's <, >, &), so the page's
	// characters and character references are the text's.
	add(string(doc))
	fs.WalkDir(web, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(name, ".js") {
			if b, err := fs.ReadFile(web, name); err == nil {
				add(string(b))
			}
		}
		return nil
	})
	out := make([]rune, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	return out
}

// serveSubset writes face f cut down to chars; a face it cannot cut is a
// 404, and the page falls through to the system font.
func serveSubset(w http.ResponseWriter, r *http.Request, f printFace, chars []rune) {
	fh, err := os.Open(f.file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		http.NotFound(w, r)
		return
	}
	font, _, err := fontsubset.Subset(fh, st.Size(), f.index, chars)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "font/otf")
	w.Write(font)
}

// families are the font families the print page's stylesheets name.
func (t *Talk) families() []string {
	podium, _ := fs.ReadFile(t.Web, "podium.css")
	print, _ := fs.ReadFile(t.Web, "print.css")
	return cssFamilies(podium, t.ThemeCSS, print)
}
