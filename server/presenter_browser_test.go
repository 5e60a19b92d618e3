package server

// Browser tests of the presenter view (/presenter), the phone remote
// (/remote) and the audience page following them over the websocket, in
// a real headless Chromium (server/browsertest; they skip
// without a browser, and fail without one under CI=true).
//
// The presenter, the remote and the audience each get their own browser
// context (their own cookies), as on three devices; the audience is a
// phone. What is checked is what people see: the audience's slide and
// step follow the presenter's keys and the remote's buttons, blackout
// reaches everyone, notes reach the presenter and never the audience's
// page, a second presenter tab stays in step, and a restarted server is
// followed again without a reload.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/deck"
)

// presenterToken is the token of the test servers.
const presenterToken = "t"

// startLive serves the shipped talk with the web and themes folders on
// disk and presenter token "t", listening on addr ("127.0.0.1:0" for any
// port). Stop it with stopLive (or let the test's cleanup do it).
func startLive(t testing.TB, addr string) (*Server, *httptest.Server) {
	t.Helper()
	return startLiveDir(t, addr, "../slides")
}

// startLiveDir is startLive with the deck in folder dir.
func startLiveDir(t testing.TB, addr, dir string) (*Server, *httptest.Server) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s, err := New(Config{Deck: root.FS(), Web: os.DirFS("../web"), Themes: os.DirFS("../themes"), Token: presenterToken})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	// The same address again right after a restart: the port may still be
	// in use for a moment.
	var ln net.Listener
	for deadline := time.Now().Add(5 * time.Second); ; {
		if ln, err = net.Listen("tcp", addr); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(func() { stopLive(s, ts) })
	return s, ts
}

// stopLive shuts the server down as podium does: websockets get a close
// frame (1001 going away), then the listener closes. httptest's Close
// alone would leave the upgraded connections open.
func stopLive(s *Server, ts *httptest.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Shutdown(ctx)
	ts.Close()
}

var tags = regexp.MustCompile(`<[^>]*>`)

func TestPresenterDrivesAudience(t *testing.T) {
	t.Parallel()
	srv, ts := startLive(t, "127.0.0.1:0")
	url := ts.URL
	d := srv.Deck()
	ctx := bt.New(t)

	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, url+"/presenter?token="+presenterToken)
	if got := bt.Eval[string](t, pres, `location.search`); got != "" {
		t.Errorf("presenter URL keeps %q after login, want the token gone from the address bar", got)
	}
	aud := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.OpenFollower(t, aud, url)
	bt.WaitAt(t, pres, "presenter", 0, 0)
	bt.WaitAt(t, aud, "audience", 0, 0)
	bt.WaitFor(t, pres, `document.querySelector('[data-out="people"]').textContent === "1"`, "the presenter to count one audience device")

	// Walk with → to the second step of the first slide with steps: slide
	// changes and step changes, each seen by the audience within a second.
	k := -1
	for i, s := range d.Slides {
		if s.Steps >= 2 {
			k = i
			break
		}
	}
	if k < 0 {
		t.Fatal("the talk has no slide with two steps")
	}
	i, s := 0, 0
	for i != k || s != 2 {
		i, s = next(d, i, s)
		bt.Press(t, pres, kb.ArrowRight)
		took := bt.WaitAt(t, aud, "audience", i, s)
		// How fast is the benchmarks' to measure (BenchmarkPhoneLatency);
		// on a shared machine a test asserts only that it arrives.
		t.Logf("slide %d step %d reached the audience in %v", i+1, s, took.Round(time.Millisecond))
		bt.WaitAt(t, pres, "presenter", i, s)
	}
	bt.Press(t, pres, kb.ArrowLeft)
	s--
	bt.WaitAt(t, aud, "audience", i, s)

	// The next-step preview shows what → will reveal.
	bt.WaitFor(t, pres, fmt.Sprintf(`podium.preview.index === %d && podium.preview.step === %d`, i, s+1), "the preview of the next step")

	// Notes: the presenter sees the current slide's; the audience's page
	// holds no notes at all, in its DOM or anywhere in its JavaScript.
	var snippets []string
	mine := ""
	for j, sl := range d.Slides {
		text := []rune(strings.Join(strings.Fields(tags.ReplaceAllString(sl.Notes, " ")), " "))
		if len(text) < 16 {
			continue
		}
		snip := string(text[len(text)/2-6 : len(text)/2+6])
		if strings.Contains(tags.ReplaceAllString(sl.HTML, ""), snip) {
			continue // the slide says it too
		}
		snippets = append(snippets, snip)
		if j == i {
			mine = snip
		}
	}
	if len(snippets) == 0 || mine == "" {
		t.Fatalf("the talk needs notes on slide %d for this test", i+1)
	}
	bt.WaitFor(t, pres, fmt.Sprintf(`document.querySelector('[data-out="notes"]').textContent.includes(%q)`, mine),
		"the presenter view to show the slide's notes")
	js, _ := json.Marshal(snippets)
	leaked := bt.Eval[[]string](t, aud, fmt.Sprintf(`(() => {
		const html = document.documentElement.outerHTML + JSON.stringify(podium.view.deck);
		return %s.filter((s) => html.includes(s));
	})()`, js))
	if len(leaked) > 0 {
		t.Errorf("the audience page contains speaker notes: %q", leaked)
	}
	if res, err := http.Get(url + "/api/notes"); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("GET /api/notes without the token = %v %v, want 403", res.Status, err)
	} else {
		res.Body.Close()
	}

	// Blackout, for everyone, and back.
	bt.Press(t, pres, "b")
	bt.WaitFor(t, aud, `!document.querySelector(".blackout").hidden`, "the audience screen to go black")
	bt.WaitFor(t, pres, `document.querySelector('[data-act="blackout"]').getAttribute("aria-pressed") === "true" &&
		!document.querySelector('[data-out="blackbadge"]').hidden`, "the presenter to see blackout on")
	bt.Press(t, pres, "b")
	bt.WaitFor(t, aud, `document.querySelector(".blackout").hidden`, "the audience screen to come back")

	// A second presenter tab (same browser, cookie) shows the same, and
	// drives everyone.
	pres2 := bt.Tab(t, pres)
	bt.WatchConsole(t, pres2, bt.ServerAway)
	bt.OpenPresenter(t, pres2, url+"/presenter")
	bt.WaitAt(t, pres2, "second presenter tab", i, s)
	bt.Press(t, pres2, kb.ArrowRight)
	s++
	bt.WaitAt(t, pres, "first presenter tab", i, s)
	bt.WaitAt(t, aud, "audience", i, s)

	// The talk clock is the server's: started in one tab, it runs in both.
	bt.TapOn(t, pres, `[data-act="timer-toggle"]`)
	bt.WaitFor(t, pres2, `document.querySelector('[data-out="elapsed"]').classList.contains("pz-running")`, "the second tab's clock to run")

	// G goes to a slide by number, for everyone; so does a chapter.
	bt.Press(t, pres, "g")
	bt.WaitFor(t, pres, `document.activeElement?.matches(".overlay-goto input")`, "the go-to dialog")
	bt.Press(t, pres, "3")
	bt.Press(t, pres, kb.Enter)
	bt.WaitAt(t, aud, "audience", 2, 0)
	bt.WaitAt(t, pres, "presenter", 2, 0)
	if len(d.Chapters) > 1 {
		c := d.Chapters[len(d.Chapters)-1]
		first := -1
		for j, sl := range d.Slides {
			if sl.ID == c.Slides[0].ID {
				first = j
				break
			}
		}
		bt.Eval[chromedp.Void](t, pres, fmt.Sprintf(`document.querySelector('[data-chapter="%d"] button').click()`, len(d.Chapters)-1))
		bt.WaitAt(t, aud, "audience", first, 0)
		bt.WaitFor(t, pres, fmt.Sprintf(`document.querySelector('[data-chapter="%d"]').getAttribute("aria-current") === "true"`, len(d.Chapters)-1),
			"the chapter list to mark the current chapter")
	}
	i, s = 2, 0
	bt.Eval[chromedp.Void](t, pres, `podium.driver.show(2, 0)`)
	bt.WaitAt(t, aud, "audience", i, s)

	// The phone remote's next button moves the audience.
	rem := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.Do(t, rem, chromedp.Navigate(url+"/remote?token="+presenterToken))
	bt.WaitFor(t, rem, `podium.sync.role === "presenter" && !!podium.model.deck && !document.querySelector(".rm-main").hidden`, "the remote to connect")
	bt.WaitFor(t, rem, fmt.Sprintf(`podium.model.index === %d && podium.model.step === %d`, i, s), "the remote to show the position")
	i, s = next(d, i, s)
	bt.TapOn(t, rem, `[data-act="next"]`)
	bt.WaitAt(t, aud, "audience", i, s)
	bt.WaitAt(t, pres, "presenter", i, s)
	bt.WaitFor(t, rem, fmt.Sprintf(`document.querySelector('[data-out="count"]').textContent === "%d / %d"`, i+1, len(d.Slides)), "the remote's slide number")

	// Without the token, /presenter says so and offers no controls.
	anon := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.Do(t, anon, chromedp.Navigate(url+"/presenter"))
	bt.WaitFor(t, anon, `!document.querySelector('[data-msg="denied"]').hidden && document.querySelector(".pz-dash").hidden`,
		"the presenter view to refuse a visitor without the token")
	if n := bt.Eval[int](t, anon, `[...document.querySelectorAll("button")].filter((b) => b.offsetParent).length`); n != 0 {
		t.Errorf("the refused presenter view shows %d buttons, want none", n)
	}
	bt.Press(t, anon, kb.ArrowRight)
	bt.WaitAt(t, aud, "audience", i, s) // nothing moved
}

// TestPresenterServerRestart restarts the server on the same address: the
// audience page and the presenter view reconnect by themselves, without
// a reload, and show the new server's state.
func TestPresenterServerRestart(t *testing.T) {
	t.Parallel()
	srv, ts := startLive(t, "127.0.0.1:0")
	url, addr := ts.URL, ts.Listener.Addr().String()
	ctx := bt.New(t)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, url+"/presenter?token="+presenterToken)
	aud := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.OpenFollower(t, aud, url)
	bt.Press(t, pres, kb.End)
	last := len(srv.Deck().Slides) - 1
	bt.WaitAt(t, aud, "audience", last, 0)
	bt.Eval[chromedp.Void](t, aud, `window.beforeRestart = 42`)

	stopLive(srv, ts)
	bt.WaitFor(t, aud, `podium.sync.status === "reconnecting"`, "the audience page to notice the server is gone")
	bt.WaitFor(t, pres, `document.querySelector('[data-out="status"]').dataset.status === "reconnecting"`, "the presenter view to say it is reconnecting")

	srv2, _ := startLive(t, addr)
	srv2.hub.Goto(3, 0) // the new server's own state
	bt.WaitAt(t, aud, "audience", 3, 0)
	bt.WaitAt(t, pres, "presenter", 3, 0)
	bt.WaitFor(t, aud, `podium.sync.status === "live"`, "the audience page to be live again")
	if v := bt.Eval[int](t, aud, `window.beforeRestart ?? 0`); v != 42 {
		t.Errorf("the audience page was reloaded (a variable set before the restart is gone)")
	}
	// And it follows the new server.
	bt.Press(t, pres, kb.ArrowRight)
	i, s := next(srv2.Deck(), 3, 0)
	bt.WaitAt(t, aud, "audience", i, s)
}

// next is where the next command goes from slide i, step s.
func next(d *deck.Deck, i, s int) (int, int) {
	if s < d.Slides[i].Steps {
		return i, s + 1
	}
	return min(i+1, len(d.Slides)-1), 0
}

// TestPresenterHoldPublish adds a slide right after the current one while
// the presenter holds edits: the presenter keeps navigating the deck the
// audience sees (the next preview, → and G all agree with it) and sees
// the new slide listed as pending; Publish sends it to everyone, without
// a reload, and → then reaches it.
func TestPresenterHoldPublish(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../slides")); err != nil {
		t.Fatal(err)
	}
	srv, ts := startLiveDir(t, "127.0.0.1:0", dir)
	d := srv.Deck()
	// k is the last slide of its chapter: a slide appended to its file
	// comes right after it.
	k := 0
	for k+1 < len(d.Slides) && d.Slides[k+1].File == d.Slides[k].File {
		k++
	}
	if k+1 >= len(d.Slides) {
		t.Fatal("the talk has one chapter: no slide follows the last of the first")
	}
	ctx := bt.New(t)
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, ts.URL+"/presenter?token="+presenterToken)
	aud := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.OpenFollower(t, aud, ts.URL)
	bt.Eval[chromedp.Void](t, aud, `window.beforeEdit = 1`)
	srv.hub.Goto(k, d.Slides[k].Steps)
	bt.WaitAt(t, pres, "presenter", k, d.Slides[k].Steps)

	bt.TapOn(t, pres, `[data-act="hold"]`)
	bt.WaitFor(t, pres, `document.querySelector('[data-act="hold"]').getAttribute("aria-pressed") === "true"`, "hold to be on")

	const added = "Held new slide"
	file := dir + "/" + d.Slides[k].File
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, append(src, "\n\n---\n\n## "+added+"\n\nWritten during the talk.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if changed, err := srv.Reload(); err != nil || !changed {
		t.Fatalf("Reload = %v, %v; want a changed deck", changed, err)
	}
	has := fmt.Sprintf(`podium.view.deck.slides.some((s) => s.title === %q)`, added)
	bt.WaitFor(t, pres, fmt.Sprintf(`(() => {
		const box = document.querySelector('[data-out="pending"]');
		return !box.hidden && [...box.querySelectorAll('li[data-kind="added"]')].some((li) => li.textContent.includes(%q)) &&
			document.body.classList.contains("pz-pending") && !document.querySelector('[data-act="publish"]').disabled;
	})()`, added), "the presenter to see the new slide listed as pending")
	if bt.Eval[bool](t, pres, has) || bt.Eval[bool](t, aud, has) {
		t.Fatal("a held slide reached the deck a page shows")
	}
	if pv, av := bt.Eval[string](t, pres, `podium.view.deck.version`), bt.Eval[string](t, aud, `podium.view.deck.version`); pv != av {
		t.Errorf("while held the presenter shows deck %s, the audience %s", pv, av)
	}
	nextID := d.Slides[k+1].ID
	bt.WaitFor(t, pres, fmt.Sprintf(`podium.preview.index === %d && podium.preview.deck.slides[%[1]d].id === %q`, k+1, nextID),
		"the next preview to show the audience's next slide")
	bt.Press(t, pres, kb.ArrowRight)
	bt.WaitAt(t, pres, "presenter", k+1, 0)
	bt.WaitAt(t, aud, "audience", k+1, 0)
	bt.Press(t, pres, "g")
	bt.WaitFor(t, pres, `document.activeElement?.matches("dialog.overlay-goto input")`, "the go-to dialog")
	bt.Do(t, pres, bt.Key("Held new"))
	bt.WaitFor(t, pres, `document.querySelector("dialog.overlay-goto .none") && !document.querySelector("dialog.overlay-goto [role=option]")`,
		"go-to to find no held slide")
	bt.Press(t, pres, kb.Escape)
	bt.WaitFor(t, pres, `!document.querySelector("dialog.overlay-goto")?.open`, "the go-to dialog to close")

	bt.TapOn(t, pres, `[data-act="publish"]`)
	bt.WaitFor(t, aud, has, "the audience to get the published slide")
	bt.WaitFor(t, pres, has+` && document.querySelector('[data-out="pending"]').hidden &&
		document.querySelector('[data-act="hold"]').getAttribute("aria-pressed") === "false"`, "the presenter to see hold released")
	// The same slide as before publishing, one further down now.
	bt.WaitAt(t, aud, "audience", k+2, 0)
	bt.Press(t, pres, kb.ArrowLeft)
	bt.WaitAt(t, pres, "presenter", k+1, 0)
	bt.WaitAt(t, aud, "audience", k+1, 0)
	if got := bt.Eval[string](t, aud, `podium.view.deck.slides[podium.view.index].title`); got != added {
		t.Errorf("after publish ← shows %q, want the new slide %q", got, added)
	}
	if bt.Eval[int](t, aud, `window.beforeEdit ?? 0`) != 1 {
		t.Error("the audience page was reloaded to get the edit")
	}
}
