package deck
import ("testing";"fmt";"strings")
func TestDbg(t *testing.T) {
	for _, dk := range sharedDecks {
		o := Options{}
		if strings.HasSuffix(dk.main, ".Rmd") || strings.HasSuffix(dk.main, ".html") { o.Dialect = dk.dialect }
		d, err := NewLoaderWith(sharedFS(t, dk, false), o).Load()
		if err != nil { t.Fatal(err) }
		fmt.Printf("== %s %s (%s) slides=%d warnings=%d\n", dk.dir, d.Dialect, d.DialectReason, len(d.Slides), len(d.Warnings))
		for _, s := range d.Slides { fmt.Printf("  %2d %-40.40q steps=%d layout=%s class=%q bg=%v notes=%d\n", s.Index+1, s.Title, s.Steps, s.Layout, s.Class, s.Background, len(s.Notes)) }
		for _, w := range d.Warnings { fmt.Printf("  W %s\n", w) }
	}
}
