package fontsubset

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The subsets are checked with another reader, golang.org/x/image's
// sfnt: the kept characters map to the same glyphs with the same
// outlines as in the original face, every other glyph is empty, and
// characters left out are not in the cmap.

// notoFace finds the face fontconfig gives for pattern ("family" or
// "family:bold"; file and index); it fails under CI, which installs the
// fonts, and skips elsewhere when they are missing.
func notoFace(t testing.TB, pattern string) (string, int) {
	t.Helper()
	family, _, _ := strings.Cut(pattern, ":")
	out, err := exec.Command("fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern).Output()
	lines := strings.SplitN(string(out), "\n", 3)
	if err != nil || len(lines) < 3 || !strings.Contains(lines[2], family) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fc-match %q: %v %q (CI installs fontconfig and fonts-noto-cjk)", family, err, out)
		}
		t.Skipf("no %s here (fc-match: %v %q); apt-get install fontconfig fonts-noto-cjk", family, err, out)
	}
	i, err := strconv.Atoi(lines[1])
	if err != nil {
		t.Fatal(err)
	}
	return lines[0], i
}

func loadFace(t testing.TB, file string, index int) (*sfnt.Font, []byte) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if index == 0 && !bytes.HasPrefix(data, []byte("ttcf")) {
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		return f, data
	}
	c, err := sfnt.ParseCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.Font(index)
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}

// checkSubset compares sub with orig for the characters in want (which
// the face has) and in gone (which sub must not map).
func checkSubset(t *testing.T, orig *sfnt.Font, sub []byte, want, gone string) {
	t.Helper()
	s, err := sfnt.Parse(sub)
	if err != nil {
		t.Fatalf("the subset does not parse: %v", err)
	}
	if s.NumGlyphs() != orig.NumGlyphs() {
		t.Fatalf("subset has %d glyphs, the face %d: glyph IDs must not move", s.NumGlyphs(), orig.NumGlyphs())
	}
	var b1, b2 sfnt.Buffer
	kept := map[sfnt.GlyphIndex]bool{0: true}
	for _, c := range want {
		g1, err1 := orig.GlyphIndex(&b1, c)
		g2, err2 := s.GlyphIndex(&b2, c)
		if err1 != nil || err2 != nil || g1 == 0 || g1 != g2 {
			t.Fatalf("%q: glyph %d in the face, %d in the subset (%v, %v)", c, g1, g2, err1, err2)
		}
		kept[g1] = true
		p1, err1 := orig.LoadGlyph(&b1, g1, fixed.I(100), nil)
		p2, err2 := s.LoadGlyph(&b2, g2, fixed.I(100), nil)
		if err1 != nil || err2 != nil {
			t.Fatalf("%q: loading glyph %d: %v, %v", c, g1, err1, err2)
		}
		if len(p1) == 0 || !reflect.DeepEqual(p1, p2) {
			t.Fatalf("%q: glyph %d has %d segments in the face, %d in the subset, or they differ", c, g1, len(p1), len(p2))
		}
	}
	for _, c := range gone {
		if g, err := s.GlyphIndex(&b2, c); err != nil || g != 0 {
			t.Errorf("%q is in the subset's cmap (glyph %d, %v); it was not asked for", c, g, err)
		}
		g, _ := orig.GlyphIndex(&b1, c)
		if kept[g] {
			continue
		}
		if p, err := s.LoadGlyph(&b2, g, fixed.I(100), nil); err != nil || len(p) != 0 {
			t.Errorf("%q: glyph %d still has an outline (%d segments, %v)", c, g, len(p), err)
		}
	}
}

func subsetFile(t *testing.T, file string, index int, chars string) []byte {
	t.Helper()
	fh, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	sub, _, err := Subset(fh, st.Size(), index, []rune(chars))
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// CFFTest.otf is a name-keyed CFF font (one Private DICT, a charset, no
// FDArray) from golang.org/x/image's test data.
func TestSubsetNameKeyed(t *testing.T) {
	t.Parallel()
	orig, _ := loadFace(t, "testdata/CFFTest.otf", 0)
	sub := subsetFile(t, "testdata/CFFTest.otf", 0, "0")
	checkSubset(t, orig, sub, "0", "1")
}

// The Noto Sans CJK face the themes name first is CID-keyed: 65,535
// glyphs, 18 font DICTs, each with its own Private DICT and subroutines.
func TestSubsetCJK(t *testing.T) {
	t.Parallel()
	for _, pattern := range []string{"Noto Sans CJK SC", "Noto Sans CJK SC:bold", "Noto Sans Mono CJK SC"} {
		t.Run(pattern, func(t *testing.T) {
			t.Parallel()
			file, index := notoFace(t, pattern)
			orig, data := loadFace(t, file, index)
			want := "kubernetes横空出世背后的秘密，Borg「」。fi%1"
			sub := subsetFile(t, file, index, want+"\U0001F600") // the face has no emoji
			checkSubset(t, orig, sub, want, "中国zQ")
			t.Logf("%d characters: %d bytes, from a file of %d", len([]rune(want)), len(sub), len(data))
			if len(sub) > 3<<19 || len(sub) > len(data)/10 {
				t.Errorf("the subset of %d characters is %d bytes, the file %d", len([]rune(want)), len(sub), len(data))
			}
			// A subset of the subset is the same font: what it keeps is
			// decided by the characters alone.
			again, _, err := Subset(bytes.NewReader(sub), int64(len(sub)), 0, []rune(want))
			if err != nil || !bytes.Equal(again, sub) {
				t.Errorf("subsetting the subset again: %d bytes against %d, %v", len(again), len(sub), err)
			}
		})
	}
}

// A GSUB substitution's result is kept with its input: the vertical
// form of "（" (the 'vert' feature) is another glyph, which vertical text
// would draw.
func TestSubsetKeepsSubstitutions(t *testing.T) {
	t.Parallel()
	file, index := notoFace(t, "Noto Sans CJK SC")
	orig, _ := loadFace(t, file, index)
	sub := subsetFile(t, file, index, "（")
	s, err := sfnt.Parse(sub)
	if err != nil {
		t.Fatal(err)
	}
	var b sfnt.Buffer
	g, _ := orig.GlyphIndex(&b, '（')
	// The vertical form is the glyph that "︵" (U+FE35, PRESENTATION
	// FORM FOR VERTICAL LEFT PARENTHESIS) maps to in the full face.
	v, _ := orig.GlyphIndex(&b, '︵')
	if g == 0 || v == 0 || g == v {
		t.Skipf("the face maps （ to %d and ︵ to %d; no vertical form to check", g, v)
	}
	p1, _ := orig.LoadGlyph(&b, v, fixed.I(100), nil)
	p2, err := s.LoadGlyph(&b, v, fixed.I(100), nil)
	if err != nil || len(p2) == 0 || !reflect.DeepEqual(p1, p2) {
		t.Errorf("the vertical form (glyph %d) of （ lost its outline: %d segments, %v", v, len(p2), err)
	}
}

func TestSubsetRefuses(t *testing.T) {
	t.Parallel()
	otf, err := os.ReadFile("testdata/CFFTest.otf")
	if err != nil {
		t.Fatal(err)
	}
	truetype := append([]byte{0, 1, 0, 0}, otf[4:]...)
	for name, c := range map[string]struct {
		data  []byte
		index int
		want  string
	}{
		"empty":        {nil, 0, "outside the font"},
		"truetype":     {truetype, 0, ErrOutlines.Error()},
		"not a font":   {[]byte("<!doctype html><html>hello</html>"), 0, "not an OpenType font"},
		"second face":  {otf, 1, "face 1 of a single-face font"},
		"short tables": {otf[:600], 0, "runs past the end"},
	} {
		_, _, err := Subset(bytes.NewReader(c.data), int64(len(c.data)), c.index, []rune("0"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
		}
	}
}

// FuzzSubset: whatever the bytes, Subset returns an error or a font
// that Subset reads again to the very same bytes, never a panic.
func FuzzSubset(f *testing.F) {
	otf, err := os.ReadFile("testdata/CFFTest.otf")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(otf, "01")
	f.Add(otf[:1000], "0")
	f.Fuzz(func(t *testing.T, data []byte, chars string) {
		sub, have, err := Subset(bytes.NewReader(data), int64(len(data)), 0, []rune(chars))
		if err != nil {
			if errors.Is(err, ErrOutlines) || strings.HasPrefix(err.Error(), "fontsubset: ") {
				return
			}
			t.Fatalf("an error not of this package: %v", err)
		}
		again, have2, err := Subset(bytes.NewReader(sub), int64(len(sub)), 0, []rune(chars))
		if err != nil || !bytes.Equal(sub, again) || !reflect.DeepEqual(have, have2) {
			t.Fatalf("the subset does not subset to itself: %v", err)
		}
	})
}
