//go:build ignore

// gendeck writes the decks of the export benchmarks (docs/benchmarks.md,
// "Export") into a folder: the 200-slide deck of server/deck's benchmarks
// (8 chapters, 50 code blocks) and the talk in slides/, each as a podium
// folder and as one Markdown file for Marp and for Slidev (notes as HTML
// comments, which both take for speaker notes; pauses dropped).
//
//	go run server/export/testdata/gendeck.go /tmp/decks
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	out := os.Args[1]
	big := benchDeck()
	write(out, "big", big, "基准测试 Benchmark deck")
	talk := map[string]string{}
	files, _ := filepath.Glob("slides/*.md")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		talk[filepath.Base(f)] = string(b)
	}
	svg, _ := os.ReadFile("slides/lmctfy-docker.svg")
	write(out, "talk", talk, "Kubernetes 横空出世背后的秘密")
	for _, d := range []string{"talk/podium", "talk"} {
		os.WriteFile(filepath.Join(out, d, "lmctfy-docker.svg"), svg, 0o644)
	}
}

var (
	frontRE = regexp.MustCompile(`(?s)\A---\n.*?\n---\n`)
	noteRE  = regexp.MustCompile(`(?ms)^Note:\s*(.*?)(\n---\n|\z)`)
	pauseRE = regexp.MustCompile(`(?m)^\. \. \.\n`)
	// settingsRE is a slide's own front matter (Slidev's form), which
	// Slidev reads as is and Marp would take for two slide breaks.
	settingsRE = regexp.MustCompile(`(?m)^---\n((?:[a-z][a-z-]*:.*\n)+)---\n`)
	layoutRE   = regexp.MustCompile(`(?m)^layout: *(\S+)`)
)

// write puts chapters into DIR/NAME/podium/ and joins them into
// DIR/NAME/marp.md and DIR/NAME/slidev.md.
func write(dir, name string, chapters map[string]string, title string) {
	pd := filepath.Join(dir, name, "podium")
	os.MkdirAll(pd, 0o755)
	var names []string
	for n := range chapters {
		names = append(names, n)
	}
	sort.Strings(names)
	var body []string
	for _, n := range names {
		os.WriteFile(filepath.Join(pd, n), []byte(chapters[n]), 0o644)
		c := frontRE.ReplaceAllString(chapters[n], "")
		c = pauseRE.ReplaceAllString(c, "")
		c = noteRE.ReplaceAllStringFunc(c, func(m string) string {
			sub := noteRE.FindStringSubmatch(m)
			return "<!--\n" + strings.ReplaceAll(sub[1], "--", "—") + "\n-->\n" + sub[2]
		})
		body = append(body, strings.TrimSpace(c))
	}
	joined := strings.Join(body, "\n\n---\n\n") + "\n"
	// Marp: a slide's settings become its class (a local directive), and
	// the two-cols column marker goes.
	marp := settingsRE.ReplaceAllStringFunc(joined, func(m string) string {
		if l := layoutRE.FindStringSubmatch(m); l != nil {
			return "---\n\n<!-- _class: " + l[1] + " -->\n"
		}
		return "---\n"
	})
	marp = strings.ReplaceAll(marp, "\n::right::\n", "\n")
	os.WriteFile(filepath.Join(dir, name, "marp.md"), []byte("---\nmarp: true\ntitle: "+title+"\nsize: 16:9\n---\n\n"+marp), 0o644)
	os.WriteFile(filepath.Join(dir, name, "slidev.md"), []byte("---\ntitle: "+title+"\nlayout: default\n---\n\n"+joined), 0o644)
}

// benchDeck is server/deck's benchDeck (bench_test.go), as files.
func benchDeck() map[string]string {
	fsys := map[string]string{}
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
				b.WriteString("1) 第一步 first\n2) second step\n\n. . .\n\n> A quote with ~~strike~~\n")
			case 3:
				b.WriteString("- plain list\n- of things\n  - nested item\n")
			}
			b.WriteString("\nNote: 讲者备注 speaker notes for this slide, with *emphasis*.\n")
			slides = append(slides, b.String())
			n++
		}
		fsys[fmt.Sprintf("%02d-chapter.md", c)] = strings.Join(slides, "\n\n---\n\n")
	}
	return fsys
}
