package deck

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"unsafe"
)

// slides joins slide sources into a chapter.
func slides(ss ...string) string { return strings.Join(ss, "\n\n---\n\n") + "\n" }

// mustLoad runs l.Load and fails the test on problems.
func mustLoad(tb testing.TB, l *Loader) *Deck {
	tb.Helper()
	d, err := l.Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return d
}

// idOf finds the ID of the slide whose title is title.
func idOf(tb testing.TB, d *Deck, title string) string {
	tb.Helper()
	for _, s := range d.Slides {
		if s.Title == title {
			return s.ID
		}
	}
	tb.Fatalf("no slide titled %q", title)
	return ""
}

func titles(d *Deck) string {
	var t []string
	for _, s := range d.Slides {
		t = append(t, s.Title)
	}
	return strings.Join(t, ",")
}

func TestIDStability(t *testing.T) {
	t.Parallel()
	base := []string{"# A\n\na", "# B\n\nb", "# X\n\nx body\nmore", "# C\n\nc", "# D\n\nd"}
	tests := []struct {
		name string
		edit func() (ch1, ch2 string)
		// from → to: the slide titled from in the old deck must have the
		// ID of the slide titled to in the new one.
		keep [][2]string
	}{
		{"insert above", func() (string, string) {
			return slides(append([]string{"# New\n\nnew"}, base...)...), "# Z\n"
		}, [][2]string{{"A", "A"}, {"X", "X"}, {"D", "D"}}},
		{"delete above", func() (string, string) {
			return slides(base[2:]...), "# Z\n"
		}, [][2]string{{"X", "X"}, {"C", "C"}}},
		{"edit itself", func() (string, string) {
			return slides("# A\n\na", "# B\n\nb", "# X2\n\nx body changed\nmore", "# C\n\nc", "# D\n\nd"), "# Z\n"
		}, [][2]string{{"X", "X2"}, {"B", "B"}, {"C", "C"}}},
		{"rewrite itself entirely", func() (string, string) {
			return slides("# A\n\na", "# B\n\nb", "# Totally new", "# C\n\nc", "# D\n\nd"), "# Z\n"
		}, [][2]string{{"X", "Totally new"}}},
		{"edit and insert above in same gap", func() (string, string) {
			return slides("# A\n\na", "# B\n\nb", "# Ins\n\nfresh", "# X3\n\nx body\nmore\nadded", "# C\n\nc", "# D\n\nd"), "# Z\n"
		}, [][2]string{{"X", "X3"}, {"C", "C"}}},
		{"edit and insert above after anchor", func() (string, string) {
			return slides("# Ins\n\nfresh", "# A\n\na", "# B\n\nb", "# X4\n\nx body\nmore!", "# C\n\nc", "# D\n\nd"), "# Z\n"
		}, [][2]string{{"X", "X4"}, {"A", "A"}}},
		{"move", func() (string, string) {
			return slides("# X\n\nx body\nmore", "# A\n\na", "# B\n\nb", "# C\n\nc", "# D\n\nd"), "# Z\n"
		}, [][2]string{{"X", "X"}, {"A", "A"}, {"D", "D"}}},
		{"move to other chapter", func() (string, string) {
			return slides("# A\n\na", "# B\n\nb", "# C\n\nc", "# D\n\nd"), slides("# Z", "# X\n\nx body\nmore")
		}, [][2]string{{"X", "X"}, {"Z", "Z"}}},
		{"edit other chapter", func() (string, string) {
			return slides(base...), "# Z changed\n"
		}, [][2]string{{"X", "X"}, {"Z", "Z changed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := deckFS(t, "01.md", slides(base...), "02.md", "# Z\n")
			l := NewLoader(fsys)
			old := mustLoad(t, l)
			ch1, ch2 := tt.edit()
			fsys["01.md"].Data = []byte(ch1)
			fsys["02.md"].Data = []byte(ch2)
			cur := mustLoad(t, l)
			for _, k := range tt.keep {
				if o, n := idOf(t, old, k[0]), idOf(t, cur, k[1]); o != n {
					t.Errorf("%s had ID %s, %s now has %s (old %s, new %s)", k[0], o, k[1], n, titles(old), titles(cur))
				}
				if i := Nearest(old, cur, idOf(t, old, k[0])); cur.Slides[i].Title != k[1] {
					t.Errorf("Nearest(%s) = %q, want %q", k[0], cur.Slides[i].Title, k[1])
				}
			}
			checkUnique(t, cur)
		})
	}
}

func checkUnique(tb testing.TB, d *Deck) {
	tb.Helper()
	seen := map[string]int{}
	for i, s := range d.Slides {
		if len(s.ID) != 8 {
			tb.Errorf("slide %d: ID %q is not 8 hex digits", i, s.ID)
		}
		if j, ok := seen[s.ID]; ok {
			tb.Errorf("slides %d and %d share ID %s", j, i, s.ID)
		}
		seen[s.ID] = i
		if s.Index != i {
			tb.Errorf("slide %d has Index %d", i, s.Index)
		}
	}
}

func TestDuplicateSlides(t *testing.T) {
	t.Parallel()
	ch := slides("# Same", "# Other", "# Same", "# Same")
	d1, err := Load(deckFS(t, "01.md", ch))
	if err != nil {
		t.Fatal(err)
	}
	checkUnique(t, d1)
	d2, _ := Load(deckFS(t, "01.md", ch))
	for i := range d1.Slides {
		if d1.Slides[i].ID != d2.Slides[i].ID {
			t.Errorf("slide %d: ID %s then %s: not deterministic", i, d1.Slides[i].ID, d2.Slides[i].ID)
		}
	}
	// The same content in another chapter file gets another base ID.
	d3, _ := Load(deckFS(t, "01.md", "# Same\n", "02.md", "# Same\n"))
	checkUnique(t, d3)

	// Deleting the first duplicate: the remaining ones keep theirs in order.
	fsys := deckFS(t, "01.md", ch)
	l := NewLoader(fsys)
	old := mustLoad(t, l)
	fsys["01.md"].Data = []byte(slides("# Other", "# Same", "# Same"))
	cur := mustLoad(t, l)
	checkUnique(t, cur)
	if cur.Slides[0].ID != old.Slides[1].ID {
		t.Errorf("Other lost its ID")
	}
	if cur.Slides[1].ID != old.Slides[0].ID || cur.Slides[2].ID != old.Slides[2].ID {
		t.Errorf("duplicates: old %v, new %v", ids(old), ids(cur))
	}
}

func ids(d *Deck) []string {
	var out []string
	for _, s := range d.Slides {
		out = append(out, s.ID)
	}
	return out
}

func TestNearest(t *testing.T) {
	t.Parallel()
	fsys := deckFS(t, "01.md", slides("# A", "# B", "# X", "# C"), "02.md", "# D\n")
	l := NewLoader(fsys)
	old := mustLoad(t, l)
	x := idOf(t, old, "X")

	// Delete X: the viewer lands on the slide after it.
	fsys["01.md"].Data = []byte(slides("# A", "# B", "# C"))
	cur := mustLoad(t, l)
	if i := Nearest(old, cur, x); cur.Slides[i].Title != "C" {
		t.Errorf("after deleting X: Nearest = %d (%s), want C", i, cur.Slides[i].Title)
	}
	// Delete X and C: B (one before) and D (two after) survive; the
	// nearer wins.
	fsys["01.md"].Data = []byte(slides("# A", "# B"))
	cur2 := mustLoad(t, l)
	if i := Nearest(old, cur2, x); cur2.Slides[i].Title != "B" {
		t.Errorf("after deleting X and C: Nearest = %s, want B", cur2.Slides[i].Title)
	}
	// Delete everything after B: the one before.
	fsys["02.md"].Data = []byte("# B2\n")
	fsys["01.md"].Data = []byte(slides("# A", "# B"))
	cur3 := mustLoad(t, l)
	if i := Nearest(old, cur3, idOf(t, old, "D")); cur3.Slides[i].Title != "B" {
		// D's chapter was edited in place: D's ID went to B2.
		if cur3.Slides[i].Title != "B2" {
			t.Errorf("Nearest(D) = %s", cur3.Slides[i].Title)
		}
	}
	for _, c := range []struct {
		name     string
		old, cur *Deck
		id       string
	}{
		{"unknown id", old, cur, "nope"},
		{"nil old", nil, cur, x},
		{"nil cur", old, nil, x},
	} {
		if got := Nearest(c.old, c.cur, c.id); got != 0 {
			t.Errorf("%s: Nearest = %d, want 0", c.name, got)
		}
	}
	if got := Nearest(old, old, x); got != 2 {
		t.Errorf("Nearest of a present slide = %d, want 2", got)
	}
}

func TestFailedLoadKeepsBase(t *testing.T) {
	t.Parallel()
	fsys := deckFS(t, "01.md", slides("# A", "# X\n\nx"))
	l := NewLoader(fsys)
	old := mustLoad(t, l)
	fsys["01.md"].Data = []byte(slides("# A", "# X\n\nx\n\n```\nunterminated"))
	if _, err := l.Load(); err == nil {
		t.Fatal("want an error")
	}
	fsys["01.md"].Data = []byte(slides("# A", "# X\n\nx fixed"))
	cur := mustLoad(t, l)
	if idOf(t, old, "X") != idOf(t, cur, "X") {
		t.Error("X lost its ID across a failed load")
	}
}

// TestLoaderRendersOnlyChanged proves a reload re-renders only the changed
// chapter: the render counter moves by one and the unchanged chapters'
// HTML is the very same string (same backing bytes).
func TestLoaderRendersOnlyChanged(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for i := 1; i <= 4; i++ {
		fsys[fmt.Sprintf("%02d.md", i)] = &fstest.MapFile{Data: []byte(slides(fmt.Sprintf("# C%d", i), "```go {1|2}\na := 1\nb := 2\n```", "text"))}
	}
	fsys["img.png"] = &fstest.MapFile{Data: []byte("png")}
	fsys["03.md"].Data = append(fsys["03.md"].Data, "\n![i](img.png)\n"...)
	l := NewLoader(fsys)
	d1 := mustLoad(t, l)
	if l.renders != 4 {
		t.Fatalf("cold load rendered %d chapters, want 4", l.renders)
	}
	d2 := mustLoad(t, l)
	if l.renders != 4 || d2.Version != d1.Version {
		t.Errorf("unchanged reload: renders %d, version %s → %s", l.renders, d1.Version, d2.Version)
	}
	fsys["02.md"].Data = []byte(slides("# C2 edited", "more"))
	d3 := mustLoad(t, l)
	if l.renders != 5 {
		t.Errorf("after one edit rendered %d chapters in total, want 5", l.renders)
	}
	if d3.Version == d2.Version {
		t.Error("version did not change")
	}
	// A chapter's first slide is a cover or section, whose number or byline
	// assemble adds to the rendered HTML: the rendered slides after it are
	// the ones that show whether the renderer ran again.
	for _, ci := range []int{0, 2, 3} {
		a, b := d1.Chapters[ci].Slides[1], d3.Chapters[ci].Slides[1]
		if unsafe.StringData(a.HTML) != unsafe.StringData(b.HTML) {
			t.Errorf("chapter %d was re-rendered", ci)
		}
	}
	// Within a changed chapter, unchanged slides are reused too.
	fsys["04.md"].Data = []byte(slides("# C4", "```go {1|2}\na := 1\nb := 3\n```", "text"))
	d5 := mustLoad(t, l)
	if a, b := d3.Chapters[3].Slides[2], d5.Chapters[3].Slides[2]; unsafe.StringData(a.HTML) != unsafe.StringData(b.HTML) {
		t.Error("unchanged slide of a changed chapter was re-rendered")
	}
	if a, b := d3.Chapters[3].Slides[1], d5.Chapters[3].Slides[1]; a.HTML == b.HTML || a.ID != b.ID {
		t.Errorf("edited slide: HTML changed %t, ID kept %t", a.HTML != b.HTML, a.ID == b.ID)
	}
	// The old deck is untouched by the new one (the server may still be
	// serving it).
	if d1.Slides[3].Title != "C2" || d1.Slides[3].Index != 3 {
		t.Errorf("old deck mutated: %+v", d1.Slides[3])
	}
	// A deleted image invalidates the cached chapter that uses it.
	delete(fsys, "img.png")
	if _, err := l.Load(); err == nil || !strings.Contains(err.Error(), `03.md:14: image "img.png" not found`) {
		t.Errorf("deleted image: err = %v", err)
	}
	// html: true in the first chapter re-renders every chapter.
	fsys["img.png"] = &fstest.MapFile{Data: []byte("png")}
	before := l.renders
	fsys["01.md"].Data = []byte("---\nhtml: true\n---\n" + slides("# C1", "<b>raw</b>"))
	d4 := mustLoad(t, l)
	if got := l.renders - before; got != 4 {
		t.Errorf("html flag flip re-rendered %d chapters, want 4", got)
	}
	if !strings.Contains(d4.Slides[1].HTML, "<b>raw</b>") {
		t.Errorf("raw HTML not let through: %s", d4.Slides[1].HTML)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	load := func(files ...string) string {
		d, err := Load(deckFS(t, files...))
		if err != nil {
			t.Fatal(err)
		}
		return d.Version
	}
	v := load("01.md", "# A\n\nNote: n\n")
	for name, files := range map[string][]string{
		"meta":    {"01.md", "---\nauthor: me\n---\n# A\n\nNote: n\n"},
		"steps":   {"01.md", "# A\n\n* a\n\nNote: n\n"},
		"file":    {"02.md", "# A\n\nNote: n\n"},
		"chapter": {"01.md", "---\nchapter: c\n---\n# A\n\nNote: n\n"},
	} {
		if load(files...) == v {
			t.Errorf("%s change kept the version", name)
		}
	}
	if load("01.md", "# A\n\nNote: n\n") != v {
		t.Error("version is not deterministic")
	}
}

// TestNotesOnlyEdit: editing only notes (or what the audience never sees,
// like an HTML comment or a blank line) keeps every ID and the public
// Version, and changes PresenterVersion exactly when notes change.
func TestNotesOnlyEdit(t *testing.T) {
	t.Parallel()
	base := slides("# A\n\na\n\nNote: first", "# B\n\nb", "# A\n\na\n\nNote: twin")
	fsys := deckFS(t, "01.md", base, "02.md", "# C\n\nNote: c\n")
	l := NewLoader(fsys)
	old := mustLoad(t, l)
	for _, tt := range []struct {
		name, ch1, ch2 string
		notes          bool // the notes changed
	}{
		{"edit a note", slides("# A\n\na\n\nNote: PIN is 4831", "# B\n\nb", "# A\n\na\n\nNote: twin"), "# C\n\nNote: c\n", true},
		{"add a note", slides("# A\n\na\n\nNote: first", "# B\n\nb\n\nNote: new", "# A\n\na\n\nNote: twin"), "# C\n\nNote: c\n", true},
		{"drop a note", slides("# A\n\na\n\nNote: first", "# B\n\nb", "# A\n\na\n\nNote: twin"), "# C\n", true},
		{"swap twin notes", slides("# A\n\na\n\nNote: twin", "# B\n\nb", "# A\n\na\n\nNote: first"), "# C\n\nNote: c\n", true},
		{"blanks", slides("# A   \n\n\na\n\nNote: first", "# B\n\nb\n\n\n", "# A\n\na\n\nNote: twin"), "\n# C\n\nNote: c\n", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys["01.md"].Data = []byte(tt.ch1)
			fsys["02.md"].Data = []byte(tt.ch2)
			cur := mustLoad(t, l)
			if fmt.Sprint(ids(cur)) != fmt.Sprint(ids(old)) {
				t.Errorf("IDs %v → %v", ids(old), ids(cur))
			}
			if cur.Version != old.Version {
				t.Errorf("Version %s → %s", old.Version, cur.Version)
			}
			if got := cur.PresenterVersion != old.PresenterVersion; got != tt.notes {
				t.Errorf("PresenterVersion changed: %t, want %t", got, tt.notes)
			}
			// Back to the start, for the next case.
			fsys["01.md"].Data, fsys["02.md"].Data = []byte(base), []byte("# C\n\nNote: c\n")
			if back := mustLoad(t, l); back.PresenterVersion != old.PresenterVersion || fmt.Sprint(ids(back)) != fmt.Sprint(ids(old)) {
				t.Errorf("back to the start: %v %s, want %v %s", ids(back), back.PresenterVersion, ids(old), old.PresenterVersion)
			}
		})
	}
}

// TestIDsRevealNoNotes: an ID depends on what the audience sees, not on
// the notes, the chapter's file name or source the renderer drops; a cold
// load (a restart) gives the same IDs again.
func TestIDsRevealNoNotes(t *testing.T) {
	t.Parallel()
	cold := func(files ...string) []string { t.Helper(); return ids(mustLoad(t, NewLoader(deckFS(t, files...)))) }
	for _, tt := range []struct{ name, a, b string }{
		{"notes", slides("# A\n\na", "# B"), slides("# A\n\na\n\nNote: PIN is 4831", "# B\n\nNote: x")},
		// The safe renderer drops raw HTML, leaving a marker the
		// audience sees; what the comment said is in no ID.
		{"comment", slides("# A\n\n<!-- PIN is 0000 -->\n\na", "# B"), slides("# A\n\n<!-- PIN is 4831 -->\n\na", "# B")},
		{"source", slides("# A\n\na", "# B"), slides("A\n===\n\na   ", "# B #")},
	} {
		want := cold("01.md", tt.a)
		if got := cold("01.md", tt.b); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: IDs %v, want %v", tt.name, got, want)
		}
		if got := cold("07-secret-plans.md", tt.b); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s in another file: IDs %v, want %v", tt.name, got, want)
		}
	}
	// The ID is a function of the public rendering alone.
	d := mustLoad(t, NewLoader(deckFS(t, "01.md", "# A\n\na\n\nNote: n\n")))
	s := d.Slides[0]
	if s.ID != publicID(s.Title, s.HTML, s.Steps) {
		t.Errorf("ID %s is not publicID of the slide", s.ID)
	}
}

// TestManyDuplicates: 20,000 equal slides get unique IDs, the same on a
// second cold load, and keep them on a reload. (Its speed is in
// BenchmarkDuplicateIDs.)
func TestManyDuplicates(t *testing.T) {
	t.Parallel()
	ch := strings.Repeat("# Same\n\n---\n\n", 19999) + "# Same\n"
	d1 := mustLoad(t, NewLoader(deckFS(t, "01.md", ch)))
	checkUnique(t, d1)
	l := NewLoader(deckFS(t, "01.md", ch))
	d2 := mustLoad(t, l)
	d3 := mustLoad(t, l)
	if fmt.Sprint(ids(d1)) != fmt.Sprint(ids(d2)) || fmt.Sprint(ids(d2)) != fmt.Sprint(ids(d3)) {
		t.Error("IDs of duplicates differ between loads")
	}
}

// TestTwinsRenderOnce: equal slides of a chapter are rendered once on a
// cold load (they share their HTML), but each reports its own problems,
// at its own line.
func TestTwinsRenderOnce(t *testing.T) {
	t.Parallel()
	d := mustLoad(t, NewLoader(deckFS(t, "01.md", slides("# Start", "# Same\n\n* a\n* b", "# Other", "# Same\n\n* a\n* b", "# End"))))
	if a, b := d.Slides[1], d.Slides[3]; unsafe.StringData(a.HTML) != unsafe.StringData(b.HTML) || a.Steps != 2 || b.Steps != 2 {
		t.Errorf("twins rendered apart: %q (%d steps), %q (%d steps)", a.HTML, a.Steps, b.HTML, b.Steps)
	}
	_, err := Load(deckFS(t, "01.md", slides("# Start", "![x](gone.png)", "# Other", "![x](gone.png)", "# End")))
	if ps, _ := err.(Problems); len(ps) != 2 || ps[0].Line != 5 || ps[1].Line != 13 || ps[0].Msg != ps[1].Msg {
		t.Errorf("twins with a problem: %v", err)
	}
}
