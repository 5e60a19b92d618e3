package server

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// firstPaintDeck has, on every slide, a note that must not reach the
// audience, and on its second slide every thing the view adjusts: steps,
// a stepped code highlight, a table, a quotation with its author.
var firstPaintDeck = fstest.MapFS{
	"01-intro.md": {Data: []byte("---\ntitle: First paint\nlang: en\ntheme: dark\n---\n\n# Opening\n\nNote: " + secretNote + " one\n\n" +
		"---\n\n# Steps\n\n* one\n* two\n\n```go {1|2}\nfmt.Println(1)\nfmt.Println(2)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> Words.\n>\n> — Someone\n\nNote: " + secretNote + " two\n\n" +
		"---\n\n# Last\n\nNote: " + secretNote + " three\n")},
}

// dataStep finds the steps in a slide's HTML (the deck's own output).
var dataStep = regexp.MustCompile(`data-step="(\d+)"`)

// futureClass finds the elements the page hides as future steps.
var futureClass = regexp.MustCompile(`class="[^"]*\bfuture\b`)

// TestFirstPaintAtLivePosition: GET / carries the slide the presenter is
// on, at their step, for every position of the deck; never a note, nor its
// hash or the chapter file's name; and the response is revalidated, its
// ETag naming the position.
func TestFirstPaintAtLivePosition(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, firstPaintDeck)
	d := s.Deck()
	etags := map[string]string{}
	for i, sl := range d.Slides {
		for step := 0; step <= sl.Steps; step++ {
			s.hub.Goto(i, step)
			resp, body := get(t, ts.URL+"/")
			at := fmt.Sprintf("slide %d step %d", i+1, step)
			if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("%s: %d, Cache-Control %q", at, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
			for _, leak := range []string{secretNote, "01-intro", s.cur.Load().notesVersion, d.PresenterVersion} {
				if bytes.Contains(body, []byte(leak)) {
					t.Errorf("%s: the page holds %q", at, leak)
				}
			}
			page := string(body)
			for _, want := range []string{
				`data-id="` + sl.ID + `"`, `data-index="` + fmt.Sprint(i) + `"`, `data-step="` + fmt.Sprint(step) + `"`,
				`data-version="` + s.cur.Load().version + `"`, `<title>First paint</title>`, `data-theme="dark"`,
				fmt.Sprintf(`<span class="count">%d / %d</span>`, i+1, len(d.Slides)),
			} {
				if !strings.Contains(page, want) {
					t.Errorf("%s: no %s in\n%s", at, want, page)
				}
			}
			if n := strings.Count(page, "<section"); n != 1 {
				t.Errorf("%s: %d slides in the page, want the current one only", at, n)
			}
			want := 0
			for _, m := range dataStep.FindAllStringSubmatch(sl.HTML, -1) {
				if n, _ := strconv.Atoi(m[1]); n > step {
					want++
				}
			}
			if got := len(futureClass.FindAllString(page, -1)); got != want {
				t.Errorf("%s: %d hidden steps, want %d", at, got, want)
			}
			etag := resp.Header.Get("ETag")
			if prev, ok := etags[etag]; ok {
				t.Errorf("%s has the ETag of %s", at, prev)
			}
			etags[etag] = at
			if resp, _ := get(t, ts.URL+"/", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
				t.Errorf("%s: revalidation got %d, want 304", at, resp.StatusCode)
			}
		}
	}
}

// TestFirstPaintSlideAsTheViewShowsIt: the server marks up the slide as
// view.js would (its enhance, steps and highlight); the browser test
// TestFirstPaintHydrates checks that the view finds nothing to change.
func TestFirstPaintSlideAsTheViewShowsIt(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, firstPaintDeck)
	s.hub.Goto(1, 1)
	_, body := get(t, ts.URL+"/")
	page := string(body)
	for _, want := range []string{
		`<li data-step="1">one</li>`, `<li data-step="2" class="future">two</li>`,
		`<div class="table-wrap"><table>`, `class="attribution"`,
		`class="line hl"`, `has-hl`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("no %s in\n%s", want, page)
		}
	}
	if n := strings.Count(page, `class="line hl"`); n != 1 {
		t.Errorf("%d highlighted lines, want 1 (line 1 until step 3)", n)
	}
}

// TestFirstPaintHeld: while the presenter holds edits back, the audience
// page carries the published deck's slide, never the pending one; once
// published, the new one.
func TestFirstPaintHeld(t *testing.T) {
	t.Parallel()
	l := newLiveDeck(t, map[string]string{"01.md": "# Shown\n\nNote: " + secretNote + "\n\n---\n\n# B\n"})
	l.srv.hub.Hold()
	old := l.srv.cur.Load().version
	l.write(t, "01.md", "# Pending edit\n\nNote: "+secretNote+"\n\n---\n\n# B\n")
	if _, err := l.srv.Reload(); err != nil || l.srv.cur.Load().version == old {
		t.Fatalf("the edit did not load: %v", err)
	}
	_, body := get(t, l.ts.URL+"/")
	if !bytes.Contains(body, []byte("<h1>Shown</h1>")) || bytes.Contains(body, []byte("Pending")) || bytes.Contains(body, []byte(secretNote)) {
		t.Errorf("held: the audience page is not of the published deck:\n%s", body)
	}
	l.srv.hub.Publish()
	_, body = get(t, l.ts.URL+"/")
	if !bytes.Contains(body, []byte("<h1>Pending edit</h1>")) || bytes.Contains(body, []byte(secretNote)) {
		t.Errorf("published: the audience page is not of the new deck:\n%s", body)
	}
}

// TestFirstPaintLogin: the ?token= exchange for the presenter cookie still
// comes first on /, and the page a driver then gets is the audience's.
func TestFirstPaintLogin(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t, firstPaintDeck)
	resp, _ := get(t, ts.URL+"/?token="+s.PresenterToken())
	if resp.StatusCode/100 != 3 || !strings.Contains(resp.Header.Get("Set-Cookie"), "podium_token=") {
		t.Fatalf("login: %d, Set-Cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	_, driver := get(t, ts.URL+"/", "Cookie", "podium_token="+s.PresenterToken())
	_, audience := get(t, ts.URL+"/")
	if !bytes.Equal(driver, audience) || bytes.Contains(driver, []byte(secretNote)) {
		t.Errorf("a driver's page differs from the audience's, or holds a note")
	}
}

// TestFirstPaintModeGuess: a phone's browser gets the reading column
// (as view.js lays out a phone held upright), others the stage.
func TestFirstPaintModeGuess(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t, firstPaintDeck)
	for _, c := range []struct {
		header []string
		want   string
	}{
		{nil, "stage"},
		{[]string{"Sec-CH-UA-Mobile", "?1"}, "flow"},
		{[]string{"Sec-CH-UA-Mobile", "?0", "User-Agent", "Mobile"}, "stage"},
		{[]string{"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"}, "flow"},
	} {
		resp, body := get(t, ts.URL+"/", c.header...)
		if !bytes.Contains(body, []byte(`data-mode="`+c.want+`" data-version`)) {
			t.Errorf("%v: not %s", c.header, c.want)
		}
		if v := resp.Header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "User-Agent") {
			t.Errorf("Vary %v", v)
		}
	}
}
