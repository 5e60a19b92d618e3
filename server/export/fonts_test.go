package export

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	"golang.org/x/image/font/sfnt"

	"github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// fontDeck sets text in every face the themes name for CJK: the sans
// face regular and bold, the mono face in code. 秘 is in its notes only.
var fontDeck = fstest.MapFS{
	"01-a.md": {Data: []byte("---\ntitle: 字体\nlang: zh-CN\n---\n\n# 容器的故事\n\n" +
		"正文里有 **加粗的字** 和 `代码`。\n\n```go\n// 注释：调度\nfunc main() {}\n```\n\n" +
		"Note: 秘\n")},
}

// printFaces is the faces the print page gets for tk; it skips (fails
// under CI, which installs them) where fontconfig or the Noto CJK faces
// are missing.
func printFaces(t *testing.T, tk *Talk) []printFace {
	t.Helper()
	faces := findFaces(t.Context(), tk.families())
	var have []string
	for _, f := range faces {
		have = append(have, f.family+" "+f.style+" "+strconv.Itoa(f.weight))
	}
	for _, want := range []string{"Noto Sans CJK SC normal 400", "Noto Sans CJK SC normal 700", "Noto Sans Mono CJK SC normal 400"} {
		if !slices.Contains(have, want) {
			if os.Getenv("CI") == "true" {
				t.Fatalf("fontconfig lists no %s among %q (CI installs fontconfig and fonts-noto-cjk)", want, have)
			}
			t.Skipf("no %s here (%q); apt-get install fontconfig fonts-noto-cjk", want, have)
		}
	}
	return faces
}

// The print page draws its text with the subsets, not the system's
// files: every face it uses is a web font that loaded, and each is a
// fraction of the file it was cut from.
func TestPrintPageUsesSubsets(t *testing.T) {
	t.Parallel()
	tk, err := Load(fontDeck, themes.FS, web.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	faces := printFaces(t, tk)
	doc, err := tk.printPage(tk.pages(false), false, true)
	if err != nil {
		t.Fatal(err)
	}
	ph := &printHandler{t: tk, faces: faces, chars: printChars(doc, tk.Web)}
	ph.doc.Store(&doc)
	srv := httptest.NewServer(ph.handler())
	defer srv.Close()

	for i, f := range faces {
		if f.family != "Noto Sans CJK SC" || f.weight != 400 {
			continue
		}
		res, err := http.Get(srv.URL + "/fonts/" + strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		font, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fi, err := os.Stat(f.file)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || len(font) > int(fi.Size()/10) {
			t.Fatalf("/fonts/%d: %s, %d bytes from a file of %d", i, res.Status, len(font), fi.Size())
		}
		// Notes are secret: a character only the notes have is not in
		// the font the page gets.
		sf, err := sfnt.Parse(font)
		if err != nil {
			t.Fatal(err)
		}
		var b sfnt.Buffer
		for _, c := range []struct {
			r    rune
			want bool
		}{{'容', true}, {'粗', true}, {'秘', false}} {
			if g, _ := sf.GlyphIndex(&b, c.r); (g != 0) != c.want {
				t.Errorf("%q in the subset: %v, want %v", c.r, g != 0, c.want)
			}
		}
	}

	ctx := browsertest.New(t)
	browsertest.Do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	browsertest.WaitFor(t, ctx, `document.documentElement.dataset.ready === "true"`, "the print page to lay out")
	loaded := browsertest.Eval[[]string](t, ctx,
		`[...document.fonts].filter((f) => f.status !== "unloaded").map((f) => f.family.replaceAll('"', "") + " " + f.weight + " " + f.status)`)
	slices.Sort(loaded)
	want := []string{"Noto Sans CJK SC 400 loaded", "Noto Sans CJK SC 700 loaded", "Noto Sans Mono CJK SC 400 loaded"}
	if !slices.Equal(loaded, want) {
		t.Errorf("the page's web fonts: %q, want %q", loaded, want)
	}
}

// The subsets change nothing on the page: the PDF printed with them and
// the one printed with the system's files have the same text and the
// same pixels.
func TestPDFSubsetsLookTheSame(t *testing.T) {
	t.Parallel()
	tk, err := Load(fontDeck, themes.FS, web.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	printFaces(t, tk)
	b := StartBrowser(t.Context(), browser(t), "")
	defer b.Close()
	dir := t.TempDir()
	var pngs [2][]byte
	var texts [2]string
	for i, system := range []bool{false, true} {
		pdf, err := tk.PDF(t.Context(), PDFOptions{Session: b, SystemFonts: system})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strconv.Itoa(i)+".pdf")
		if err := os.WriteFile(p, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		texts[i] = poppler(t, "pdftotext", p, "-")
		poppler(t, "pdftoppm", "-r", "96", "-png", "-singlefile", p, filepath.Join(dir, strconv.Itoa(i)))
		if pngs[i], err = os.ReadFile(filepath.Join(dir, strconv.Itoa(i)+".png")); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(squash(texts[0]), "加粗的字") || texts[0] != texts[1] {
		t.Errorf("the text differs:\nsubsets: %q\nsystem:  %q", texts[0], texts[1])
	}
	if !bytes.Equal(pngs[0], pngs[1]) {
		t.Errorf("the page at 96 dpi differs with the subsets (%s/0.png) and with the system fonts (%s/1.png)", dir, dir)
	}
}

func TestCSSFamilies(t *testing.T) {
	t.Parallel()
	got := cssFamilies([]byte(`:root { --font-sans: "Noto Sans CJK SC", 'PingFang SC', sans-serif; --font-heading: var(--font-sans); }
h1 { font-family: Georgia, "Noto Serif CJK SC", serif }`), []byte(`code { font-family: "noto sans cjk sc", monospace; }`))
	want := []string{"Noto Sans CJK SC", "PingFang SC", "Georgia", "Noto Serif CJK SC"}
	if !slices.Equal(got, want) {
		t.Errorf("cssFamilies = %q, want %q", got, want)
	}
	for fc, css := range map[float64]int{0: 100, 50: 300, 80: 400, 100: 500, 180: 600, 200: 700, 210: 900, 215: 1000} {
		if got := cssWeight(fc); got != css {
			t.Errorf("cssWeight(%v) = %d, want %d", fc, got, css)
		}
	}
	css := string(fontCSS([]printFace{{family: `A "B"`, weight: 700, style: "normal", local: []string{"AB-Bold", "A B Bold"}}}))
	if want := `@font-face { font-family: "A \22 B\22 "; src: url(/fonts/0) format("opentype"), local("AB-Bold"), local("A B Bold"); font-weight: 700; font-style: normal; }`; strings.TrimSpace(css) != want {
		t.Errorf("fontCSS:\n%s\nwant\n%s", css, want)
	}
}
