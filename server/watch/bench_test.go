package watch_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/podium-talks/podium/server/watch"
)

// BenchmarkSaveToBatch measures what an author waits for: from the end of a
// save (an in-place write) to the batch, with the default debounce. It
// reports the median and the 90th percentile; ns/op is the same wait plus
// the write itself.
func BenchmarkSaveToBatch(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "02-standards.md")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	w, err := watch.New([]string{dir}, watch.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()

	var lat []time.Duration
	i := 0
	for b.Loop() {
		if err := os.WriteFile(file, fmt.Appendf(nil, "version %d", i), 0o644); err != nil {
			b.Fatal(err)
		}
		saved := time.Now()
		select {
		case <-w.Batches():
		case <-time.After(patience):
			b.Fatal("no batch")
		}
		lat = append(lat, time.Since(saved))
		i++
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "ms-p50")
	b.ReportMetric(ms(lat[len(lat)*9/10]), "ms-p90")
}
