package tex

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// formula is one formula of the corpus.
type formula struct {
	tex         string
	displayOnly bool
}

// corpus reads the formula corpus shared with the deck and server tests:
// one formula a line, "%" lines are comments, " % display only" marks
// what TeX allows only in display math.
func corpus(tb testing.TB) []formula {
	tb.Helper()
	b, err := os.ReadFile("../../testdata/math/corpus.tex")
	if err != nil {
		tb.Fatal(err)
	}
	var fs []formula
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "%") {
			t, only := strings.CutSuffix(l, " % display only")
			fs = append(fs, formula{t, only})
		}
	}
	return fs
}

// TestCorpus converts every formula of the corpus, inline and display.
func TestCorpus(t *testing.T) {
	c := New()
	fs := corpus(t)
	if len(fs) < 150 {
		t.Fatalf("corpus has %d formulas, want at least 150", len(fs))
	}
	for _, ft := range fs {
		f := ft.tex
		for _, display := range []bool{false, true} {
			m, err := c.Convert(f, display)
			if ft.displayOnly && !display {
				if err == nil {
					t.Errorf("%s: converts inline, but is marked display only", f)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s (display %t): %v", f, display, err)
				continue
			}
			if !strings.HasPrefix(m, "<math") || !strings.HasSuffix(m, "</math>") {
				t.Errorf("%s: not a <math> element: %.80s", f, m)
			}
			if display != strings.Contains(m, `display="block"`) {
				t.Errorf("%s: display %t, got %.80s", f, display, m)
			}
		}
	}
}

// TestErrors pins what a bad formula says and where.
func TestErrors(t *testing.T) {
	c := New()
	tests := []struct {
		tex, msg string
		pos      int
	}{
		{`\frac{a}{`, `Unexpected end of input in a macro argument, expected '}' at end of input: \frac{a}{`, 9},
		{`x + \nosuch`, `Unsupported function name: \nosuch at position 5: x + \nosuch`, 4},
		{`\left( x`, `Expected '\right', got 'EOF' at end of input: \left( x`, 8},
		{`\def\a{\a}\a`, `Too many expansions: infinite loop or need to increase maxExpand setting`, -1},
		{`\href{javascript:alert(1)}{x}`, `Unsupported function name: \href at position 1: \href{javascript:ale…`, 0},
		{strings.Repeat("x", MaxInput+1), fmt.Sprintf("formula too long: %d bytes (limit %d)", MaxInput+1, MaxInput), -1},
	}
	for _, tt := range tests {
		_, err := c.Convert(tt.tex, false)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%.40s: err = %v (%T), want *Error", tt.tex, err, err)
			continue
		}
		if e.Msg != tt.msg || e.Pos != tt.pos {
			t.Errorf("%.40s: got %q at %d, want %q at %d", tt.tex, e.Msg, e.Pos, tt.msg, tt.pos)
		}
	}
}

// TestTimeout: a conversion that runs past its limit is stopped, is an
// error, and leaves the converter working.
func TestTimeout(t *testing.T) {
	c := New()
	c.timeout = 1 // nanosecond: the timer fires as soon as the runtime looks
	// A formula long enough (tens of ms) that the timer always fires while
	// it converts: a short one could finish before the runtime runs the
	// timer at all, on a busy machine (it failed once so).
	_, err := c.Convert(strings.Repeat(`\sum_{i=0}^n \frac{x^i}{i!} + `, 400)+`1`, true)
	if err == nil || !strings.Contains(err.Error(), "takes too long") {
		t.Fatalf("err = %v, want a time-out", err)
	}
	c.timeout = Timeout
	if _, err := c.Convert(`x^2`, false); err != nil {
		t.Fatalf("after a time-out: %v", err)
	}
	// A time-out is not remembered: the formula converts next time.
	if _, err := c.Convert(`\sum_{i=0}^n \frac{x^i}{i!}`, true); err != nil {
		t.Fatalf("the formula that timed out, again: %v", err)
	}
}

// TestConcurrent converts from many goroutines at once (run with -race):
// the pool hands each runtime to one goroutine at a time.
func TestConcurrent(t *testing.T) {
	c := New()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				want := fmt.Sprintf("<mn>%d</mn>", g*100+i)
				m, err := c.Convert(fmt.Sprintf("x_{%d}", g*100+i), false)
				if err != nil || !strings.Contains(m, want) {
					t.Errorf("x_%d: %v %s", g*100+i, err, m)
				}
			}
		})
	}
	wg.Wait()
	if c.made > c.max {
		t.Errorf("%d runtimes alive, want at most %d", c.made, c.max)
	}
}

// TestCacheBound: the cache forgets the least recently used formulas
// once it holds more than maxCacheBytes.
func TestCacheBound(t *testing.T) {
	c := New()
	c.maxBytes = 4096
	for i := range 200 {
		if _, err := c.Convert(fmt.Sprintf("x_{%d}", i), false); err != nil {
			t.Fatal(err)
		}
	}
	if c.bytes > c.maxBytes || len(c.cache) != c.lru.Len() || len(c.cache) == 0 {
		t.Errorf("cache: %d bytes (limit %d), %d entries, %d in LRU", c.bytes, c.maxBytes, len(c.cache), c.lru.Len())
	}
	if _, ok := c.cached(key{"x_{199}", false}); !ok {
		t.Error("the newest formula is not cached")
	}
	if _, ok := c.cached(key{"x_{0}", false}); ok {
		t.Error("the oldest formula is still cached")
	}
}

// benchFormulas is 200 distinct formulas: the corpus, then variants.
func benchFormulas(tb testing.TB) []string {
	var fs []string
	for _, f := range corpus(tb) {
		if !f.displayOnly {
			fs = append(fs, f.tex)
		}
	}
	for i := 0; len(fs) < 200; i++ {
		fs = append(fs, fmt.Sprintf(`\frac{x_{%d}^2}{\sqrt{y+%d}} + \sum_{k=1}^{%d} k`, i, i, i))
	}
	return fs[:200]
}

// BenchmarkCold converts 200 formulas with a new Converter each time:
// temml compiled, runtimes started (one per core), nothing cached. The
// first load of a deck with math, in a fresh process.
func BenchmarkCold(b *testing.B) {
	fs := benchFormulas(b)
	reportCPU(b)
	for b.Loop() {
		c := New()
		c.compile = compileTemml // as in a fresh process
		convertAll(b, c, fs)
	}
}

// BenchmarkColdCache converts 200 formulas with temml loaded but nothing
// cached: a reload in which every formula changed.
func BenchmarkColdCache(b *testing.B) {
	fs := benchFormulas(b)
	c := New()
	convertAll(b, c, fs)
	b.ResetTimer()
	reportCPU(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c.cmu.Lock()
		clear(c.cache)
		c.lru.Init()
		c.bytes = 0
		c.cmu.Unlock()
		b.StartTimer()
		convertAll(b, c, fs)
	}
}

// BenchmarkWarm converts 200 formulas that are all cached: a reload in
// which no formula changed.
func BenchmarkWarm(b *testing.B) {
	fs := benchFormulas(b)
	c := New()
	convertAll(b, c, fs)
	reportCPU(b)
	for b.Loop() {
		convertAll(b, c, fs)
	}
}

// convertAll converts fs on all cores, as the deck loader does.
func convertAll(b *testing.B, c *Converter, fs []string) {
	var wg sync.WaitGroup
	next := make(chan string)
	for range c.max {
		wg.Go(func() {
			for f := range next {
				if _, err := c.Convert(f, false); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for _, f := range fs {
		next <- f
	}
	close(next)
	wg.Wait()
}

// reportCPU reports the CPU time per op (cpu-ms/op) when b ends: on a
// shared machine the wall clock measures the neighbours too.
func reportCPU(b *testing.B) {
	start, ok := cpuTime()
	b.Cleanup(func() {
		if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N)/1e6, "cpu-ms/op")
		}
	})
}
