package deck

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// benchDeck generates a realistic deck: 8 chapters, 200 slides, about
// 100 KB of Markdown with 50 code blocks, headings, lists, tables and mixed
// Chinese and English text.
func benchDeck(tb testing.TB) fstest.MapFS {
	tb.Helper()
	fsys := fstest.MapFS{"img/diagram.png": {Data: []byte("png")}}
	code := []string{
		"```go {3-4|6}\npackage main\n\nimport (\n\t\"fmt\"\n)\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(\"hello, 世界\", i)\n\t}\n}\n```",
		"```python\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\nprint([fib(i) for i in range(10)])\n```",
		"```yaml {2}\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"80:80\"\n    restart: always\n```",
		"```sh\ndocker run --rm -it -v \"$PWD:/src\" golang:1.26 go test ./...\nrkt run coreos.com/etcd:v3.5.0\n```",
		"```js\nexport function next(state) {\n  return {...state, step: state.step + 1};\n}\n```",
	}
	para := "容器技术在二〇一四年迎来了爆发，Docker 与 CoreOS 围绕镜像格式和运行时标准展开了激烈的竞争。\n" +
		"This paragraph mixes **English** and `code` with a [link](https://example.com) and\n" +
		"一段换行的中文文字，检验软换行。\n"
	n := 0
	for c := 1; c <= 8; c++ {
		var slides []string
		if c == 1 {
			slides = append(slides, "---\ntitle: 基准测试 Benchmark deck\nauthor: podium\nlang: zh-CN\n---\n\n# 开场 Opening\n\n"+para)
		}
		for len(slides) < 25 {
			var b strings.Builder
			fmt.Fprintf(&b, "## 第%d章 Slide %d: containers and standards\n\n", c, n)
			b.WriteString(para)
			b.WriteString("\n* 镜像格式 image format\n* 运行时 runtime **spec**\n* 分发 distribution\n\n")
			switch n % 4 {
			case 0:
				b.WriteString(code[n%len(code)] + "\n")
			case 1:
				b.WriteString("| 项目 | Year | Notes |\n|---|---:|---|\n| Docker | 2013 | 容器引擎 |\n| rkt | 2014 | CoreOS |\n| OCI | 2015 | 标准 |\n")
			case 2:
				b.WriteString("1) 第一步 first\n2) second step\n\n. . .\n\n> A quote with ~~strike~~ and ![d](img/diagram.png)\n")
			case 3:
				b.WriteString("- plain list\n- of things\n  - nested item\n")
			}
			b.WriteString("\nNote: 讲者备注 speaker notes for this slide, with *emphasis*.\n")
			slides = append(slides, b.String())
			n++
		}
		fsys[fmt.Sprintf("%02d-chapter.md", c)] = &fstest.MapFile{Data: []byte(strings.Join(slides, "\n\n---\n\n"))}
	}
	return fsys
}

func TestBenchDeckShape(t *testing.T) {
	t.Parallel()
	fsys := benchDeck(t)
	d, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	size, blocks := 0, 0
	for name, f := range fsys {
		if strings.HasSuffix(name, ".md") {
			size += len(f.Data)
			blocks += strings.Count(string(f.Data), "```") / 2
		}
	}
	t.Logf("bench deck: %d bytes", size)
	if len(d.Slides) != 200 || len(d.Chapters) != 8 || blocks != 50 || size < 90_000 || size > 130_000 {
		t.Errorf("bench deck: %d slides, %d chapters, %d code blocks, %d bytes", len(d.Slides), len(d.Chapters), blocks, size)
	}
}

// reportCPU adds a cpu-ns/op metric (process CPU time, GC included) to a
// benchmark; call it right before the loop.
func reportCPU(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	fsys := benchDeck(b)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := Load(fsys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReloadOneChapter(b *testing.B) {
	fsys := benchDeck(b)
	l := NewLoader(fsys)
	if _, err := l.Load(); err != nil {
		b.Fatal(err)
	}
	orig := fsys["03-chapter.md"].Data
	b.ReportAllocs()
	defer reportCPU(b)()
	i := 0
	for b.Loop() {
		i++
		fsys["03-chapter.md"].Data = fmt.Appendf(append([]byte(nil), orig...), "\n\nedit %d\n", i)
		if _, err := l.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDuplicateIDs is the hostile deck of 20,000 equal slides: a cold
// load, then a reload that reconciles every ID with the previous deck.
func BenchmarkDuplicateIDs(b *testing.B) {
	fsys := fstest.MapFS{"01.md": {Data: []byte(strings.Repeat("a\n\n---\n\n", 19999) + "a\n")}}
	defer reportCPU(b)()
	for b.Loop() {
		l := NewLoader(fsys)
		if _, err := l.Load(); err != nil {
			b.Fatal(err)
		}
		fsys["01.md"].Data = append(fsys["01.md"].Data, '\n')
		if _, err := l.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssignIDs is duplicate-ID resolution alone for 20,000 equal
// slides: fresh (a cold load) and reconciled with the previous deck after
// a slide was inserted at the top (so nothing is skipped by samePublic).
func BenchmarkAssignIDs(b *testing.B) {
	mk := func(n int) *Deck {
		d := &Deck{Chapters: []*Chapter{{File: "01.md"}}}
		for i := range n {
			s := &Slide{ID: "0badf00d", pub: "0badf00d", Index: i, File: "01.md", norm: "a", sum: srcSum{1}}
			d.Slides = append(d.Slides, s)
			d.Chapters[0].Slides = append(d.Chapters[0].Slides, s)
		}
		return d
	}
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			assignIDs(mk(20000), nil)
		}
	})
	b.Run("reconciled", func(b *testing.B) {
		prev := mk(20000)
		assignIDs(prev, nil)
		for b.Loop() {
			d := mk(20001)
			d.Slides[0].pub, d.Slides[0].ID, d.Slides[0].sum = "0000cafe", "0000cafe", srcSum{2}
			assignIDs(d, prev)
		}
	})
}
