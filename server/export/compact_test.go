package export

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// classic writes objs (numbered from 1) as a PDF with a classic
// cross-reference table, the shape Chromium writes.
func classic(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<<%s>>\nstartxref\n%d\n%%%%EOF\n", trailer, x)
	return b.Bytes()
}

// TestCompact repacks a one-page PDF whose strings hold the words that
// end objects and streams: poppler reads the result, with its text, and
// the Info dictionary says what the deck does.
func TestCompact(t *testing.T) {
	t.Parallel()
	content := "BT /F1 24 Tf 72 720 Td (endobj endstream trailer) Tj ET"
	in := classic([]string{
		"<</Title (old)/Producer (Skia/PDF m156)>>",
		"<</Type/Catalog/Pages 3 0 R/Lang (de)>>",
		"<</Type/Pages/Kids [4 0 R]/Count 1>>",
		"<</Type/Page/Parent 3 0 R/MediaBox [0 0 612 792]/Contents 5 0 R/Resources <</Font <</F1 6 0 R>>>>/Annots [7 0 R]>>",
		fmt.Sprintf("<</Length %d>>\nstream\n%s\nendstream", len(content), content),
		"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
		"<</Type/Annot/Subtype/Link/Rect [72 700 300 740]/A <</S/URI/URI (https://example.org/x\\)endobj)>>>>",
	}, "/Size 8/Root 2 0 R/Info 1 0 R")
	out, ok := compactPDF(in, "Über Container", "Ada")
	if !ok {
		t.Fatal("compactPDF refused a classic PDF")
	}
	if !bytes.HasPrefix(out, []byte("%PDF-1.5")) || !bytes.Contains(out, []byte("/Type/ObjStm")) || !bytes.Contains(out, []byte("/Type/XRef")) {
		t.Fatalf("not repacked:\n%s", out)
	}
	p := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	info := poppler(t, "pdfinfo", p)
	for _, want := range []string{"Title:           Über Container", "Author:          Ada", "Creator:         podium", "Producer:        Skia/PDF m156", "Pages:           1"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if text := poppler(t, "pdftotext", p, "-"); !strings.Contains(text, "endobj endstream trailer") {
		t.Errorf("pdftotext = %q", text)
	}
	if urls := poppler(t, "pdfinfo", "-url", p); !strings.Contains(urls, "https://example.org/x)endobj") {
		t.Errorf("the link did not survive:\n%s", urls)
	}
	if !bytes.Contains(inflated(t, out), []byte("/Lang (de)")) {
		t.Error("the catalog lost its /Lang")
	}
}

// TestCompactOtherShapes leaves a PDF compact cannot read as it is but
// for the Info update: one with an incremental update, say.
func TestCompactOtherShapes(t *testing.T) {
	t.Parallel()
	in := classic([]string{"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids []/Count 0>>"}, "/Size 3/Root 1 0 R/Prev 9")
	if _, ok := compactPDF(in, "T", ""); ok {
		t.Error("compactPDF repacked a PDF with an incremental update")
	}
	out, err := compact(in, "T", "")
	if err != nil || !bytes.HasPrefix(out, in) {
		t.Errorf("compact did not fall back to an incremental Info update: %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("%PDF-1.4\n"), in[:len(in)/2]} {
		if _, ok := compactPDF(bad, "T", ""); ok {
			t.Errorf("compactPDF accepted %q", bad)
		}
	}
}
