package deck

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// hostile are the inputs that make goldmark's inline parsers quadratic,
// by the number of repeats that make a paragraph of about size bytes.
func hostile(size int) map[string]string {
	return map[string]string{
		"unclosed links":         strings.Repeat("[a](b", size/5),
		"unclosed angle links":   strings.Repeat("[a](<b", size/6),
		"nested brackets":        strings.Repeat("[", size/2) + strings.Repeat("]", size/2),
		"unmatched emphasis":     "a**b" + strings.Repeat("c* ", size/3),
		"linkify e-mail run":     " " + strings.Repeat("a_", size/2),
		"unclosed code spans":    strings.Repeat("`a``", size/4),
		"unclosed autolinks":     strings.Repeat("<a ", size/3),
		"unclosed strikethrough": "a~~b" + strings.Repeat("c~ ", size/3),
	}
}

// TestGuardRefusesHostileParagraphs: each hostile paragraph of 1 MB is
// refused with its file and line, not parsed for minutes.
func TestGuardRefusesHostileParagraphs(t *testing.T) {
	t.Parallel()
	for name, para := range hostile(MaxFileSize - 100) {
		t.Run(name, func(t *testing.T) {
			_, err := Load(deckFS(t, "01.md", "# Title\n\n---\n\nfine\n\n"+para+"\n"))
			want := fmt.Sprintf("01.md:7: paragraph too complex: %d bytes with ", len(strings.TrimSpace(para)))
			if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("err = %.300v, want one problem starting %q", err, want)
			}
		})
	}
}

// TestGuardMessage pins the problem exactly, as an author sees it.
func TestGuardMessage(t *testing.T) {
	t.Parallel()
	_, err := Load(deckFS(t, "01.md", "# T\n\n"+strings.Repeat("[a](b", 5000)+"\n"))
	want := "01.md:3: paragraph too complex: 25000 bytes with 15000 markup characters ([]!(<*_~`); " +
		"the chapter's paragraphs total 375000000 bytes × markup characters (limit 300000000): split long paragraphs with blank lines"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	if _, err := Load(deckFS(t, "01.md", "# T\n\n"+strings.Repeat("[a](b", 4000)+"\n")); err != nil {
		t.Errorf("just under the budget: %v", err)
	}
}

// TestGuardAcceptsOrdinaryDecks: a big realistic deck and a paragraph of
// 14 KB of nothing but markup load as before.
func TestGuardAcceptsOrdinaryDecks(t *testing.T) {
	t.Parallel()
	// One chapter of about 1 MiB: the realistic deck's second chapter,
	// 70 times over (1,750 slides).
	fsys := benchDeck(t)
	ch := string(fsys["02-chapter.md"].Data)
	fsys = fstest.MapFS{"img/diagram.png": fsys["img/diagram.png"], "01.md": {Data: []byte(strings.Repeat(ch+"\n\n---\n\n", 69) + ch)}}
	if n := len(fsys["01.md"].Data); n > MaxFileSize || n < MaxFileSize*8/10 {
		t.Fatalf("chapter of %d bytes", n)
	}
	l := NewLoader(fsys)
	if _, err := l.Load(); err != nil {
		t.Errorf("big deck: %v", err)
	}
	var cost int64
	for _, c := range l.cache {
		cost += c.guard
	}
	t.Logf("a realistic chapter of %d bytes costs %d (%.1f%% of the budget)", len(fsys["01.md"].Data), cost, 100*float64(cost)/guardBudget)
	for name, para := range hostile(14_000) {
		if _, err := Load(deckFS(t, "01.md", para+"\n")); err != nil && strings.Contains(err.Error(), "too complex") {
			t.Errorf("%s, 14 KB: %v", name, err)
		}
	}
}

// TestGuardCountsCachedSlides: a chapter's cost includes its slides
// rendered on an earlier load, so a reload refuses what a cold load
// (podium check) refuses.
func TestGuardCountsCachedSlides(t *testing.T) {
	t.Parallel()
	slide := strings.Repeat("*a ", 6300) // 19 KB, 6,300 marks: 40% of the budget
	if c := int64(len(slide)) * 6300; c*5 < guardBudget*2-guardBudget/10 || c*2 > guardBudget {
		t.Fatalf("slide costs %d of %d", c, guardBudget)
	}
	two := slides(slide+"1", slide+"2")
	three := slides(slide+"1", slide+"2", slide+"3")
	if _, err := Load(deckFS(t, "01.md", three)); err == nil || !strings.Contains(err.Error(), "01.md:1: paragraph too complex") {
		t.Fatalf("cold load of three: %v", err)
	}
	fsys := deckFS(t, "01.md", two)
	l := NewLoader(fsys)
	mustLoad(t, l)
	fsys["01.md"].Data = []byte(three)
	if _, err := l.Load(); err == nil || !strings.Contains(err.Error(), "01.md:1: paragraph too complex") {
		t.Errorf("reload adding a third: %v", err)
	}
}

// BenchmarkHostile checks each hostile chapter of 1 MB (refused) and each
// just under the guard's budget (accepted): the worst cases of a check.
func BenchmarkHostile(b *testing.B) {
	for name, para := range hostile(MaxFileSize - 100) {
		b.Run("1MB/"+name, func(b *testing.B) { benchLoad(b, para) })
	}
	// The largest single paragraph within the budget for each shape.
	for name := range hostile(0) {
		size := 1000
		for {
			p := hostile(size * 2)[name]
			if int64(len(p))*int64(marks(p)) > guardBudget {
				break
			}
			size *= 2
		}
		for int64(len(hostile(size)[name]))*int64(marks(hostile(size)[name])) <= guardBudget {
			size += size / 20
		}
		size -= size / 20
		b.Run("budget/"+name, func(b *testing.B) { benchLoad(b, hostile(size)[name]) })
	}
}

func marks(s string) (n int) {
	for i := range len(s) {
		if isGuardMark(s[i]) {
			n++
		}
	}
	return n
}

func benchLoad(b *testing.B, chapter string) {
	fsys := deckFS(b, "01.md", chapter+"\n")
	defer reportCPU(b)()
	for b.Loop() {
		Load(fsys)
	}
}
