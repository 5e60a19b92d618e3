package server

// A browser test of a crash in mid-talk: the real podium binary, killed
// with SIGKILL and started again with the same command, while a presenter
// view, a phone remote and an audience phone stay open. Every page must
// come back by itself, without a reload, on the same slide, step,
// blackout and timer, and the presenter's devices keep their rights.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	bt "github.com/podium-talks/podium/internal/browsertest"
)

// lockedBuffer collects a child process's output for a test to read.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// podiumProc runs the real podium binary and returns the presenter token
// it printed once it serves on addr; the process is killed when the test
// ends if it is still running.
func podiumProc(t *testing.T, bin, addr string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	cmd.Env = append(os.Environ(), "PODIUM_TOKEN=", "XDG_STATE_HOME="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	re := regexp.MustCompile(`presenter\?token=(\S+)`)
	for deadline := time.Now().Add(bt.Timeout); ; time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			if res, err := http.Get("http://" + addr + "/api/deck"); err == nil {
				res.Body.Close()
				return cmd, m[1]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("podium never served on %s\n%s\n%s", addr, out, errOut)
		}
	}
}

func TestRestartAfterCrashKeepsEveryPage(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t) // skips without a browser, before the build
	bin := filepath.Join(t.TempDir(), "podium")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/podium").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// 25 slides; slide 21 has three steps.
	deckDir := t.TempDir()
	var md strings.Builder
	for i := 1; i <= 25; i++ {
		if i > 1 {
			md.WriteString("\n---\n\n")
		}
		fmt.Fprintf(&md, "# Slide %d\n\n", i)
		if i == 21 {
			md.WriteString("* one\n* two\n* three\n")
		}
	}
	must(t, os.WriteFile(filepath.Join(deckDir, "01-talk.md"), []byte(md.String()), 0o644))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close()
	state := filepath.Join(t.TempDir(), "state.json")
	args := []string{"serve", "--addr", addr, "--state", state, deckDir}
	url := "http://" + addr

	proc, token := podiumProc(t, bin, addr, args...)
	pres := liveTab(t, ctx, bt.DesktopSize)
	openPresenter(t, pres, url+"/presenter?token="+token)
	rem := liveTab(t, ctx, bt.PhoneSize)
	bt.Do(t, rem, chromedp.Navigate(url+"/remote?token="+token))
	bt.WaitFor(t, rem, `podium.sync.role === "presenter" && !!podium.model.deck`, "the remote to connect")
	aud := liveTab(t, ctx, bt.PhoneSize)
	openFollower(t, aud, url)

	// Slide 21 step 2, the clock running towards 30 minutes, blackout:
	// all from the presenter view, as a speaker does it.
	bt.Eval[chromedp.Void](t, pres, `podium.driver.show(20, 2)`)
	waitAt(t, aud, "audience", 20, 2)
	tapOn(t, pres, `[data-act="timer-toggle"]`)
	started := time.Now()
	bt.Eval[chromedp.Void](t, pres, `(() => {
		const i = document.querySelector('[data-in="target"]');
		i.value = "30";
		i.dispatchEvent(new Event("change", {bubbles: true}));
	})()`)
	press(t, pres, "b")
	bt.WaitFor(t, aud, `!document.querySelector(".blackout").hidden`, "the audience screen to go black")
	bt.Eval[chromedp.Void](t, pres, `window.beforeRestart = 42`)
	bt.Eval[chromedp.Void](t, rem, `window.beforeRestart = 42`)
	bt.Eval[chromedp.Void](t, aud, `window.beforeRestart = 42`)

	// Wait until the state is on disk, then crash.
	for deadline := time.Now().Add(bt.Timeout); ; time.Sleep(10 * time.Millisecond) {
		var s struct {
			Index, Step int
			Blackout    bool
			Timer       struct {
				Running bool
				Target  int
			}
		}
		if b, err := os.ReadFile(state); err == nil && json.Unmarshal(b, &s) == nil &&
			s.Index == 20 && s.Step == 2 && s.Blackout && s.Timer.Running && s.Timer.Target == 1800 {
			break
		}
		if time.Now().After(deadline) {
			b, err := os.ReadFile(state)
			t.Fatalf("the state never reached the disk: %s %v", b, err)
		}
	}
	must(t, proc.Process.Signal(syscall.SIGKILL))
	proc.Wait()
	bt.WaitFor(t, aud, `podium.sync.status === "reconnecting"`, "the audience page to notice the crash")

	_, token2 := podiumProc(t, bin, addr, args...)
	if token2 != token {
		t.Errorf("the restarted server prints token %q, want the kept %q", token2, token)
	}
	bt.WaitFor(t, aud, `podium.sync.status === "live"`, "the audience page to be live again")
	waitAt(t, aud, "audience", 20, 2)
	bt.WaitFor(t, aud, `!document.querySelector(".blackout").hidden`, "the audience screen to be black still")

	bt.WaitFor(t, pres, `document.body.dataset.role === "presenter" &&
		document.querySelector('[data-out="status"]').dataset.status === "live"`, "the presenter view to be a presenter again")
	waitAt(t, pres, "presenter", 20, 2)
	bt.WaitFor(t, pres, `document.querySelector('[data-act="blackout"]').getAttribute("aria-pressed") === "true"`, "the presenter to see blackout on")
	bt.WaitFor(t, pres, `document.querySelector('[data-out="elapsed"]').classList.contains("pz-running") &&
		document.querySelector('[data-in="target"]').value === "30"`, "the presenter's clock to run with its target")
	// The clock counts the downtime: it shows at least the time since the
	// start, to the second it rounds to.
	if got, min := bt.Eval[float64](t, pres,
		`document.querySelector('[data-out="elapsed"]').textContent.split(":").reduce((a, b) => a * 60 + Number(b), 0)`), time.Since(started).Seconds()-1.5; got < min {
		t.Errorf("presenter clock %v s after the restart, want ≥ %.1f s (the downtime counts)", got, min)
	}

	bt.WaitFor(t, rem, `podium.sync.role === "presenter" && podium.model.index === 20 && podium.model.step === 2 &&
		document.querySelector('[data-act="blackout"]').getAttribute("aria-pressed") === "true"`, "the remote on slide 21 step 2, blackout on")

	for _, tc := range []struct {
		name string
		v    int
	}{
		{"presenter", bt.Eval[int](t, pres, `window.beforeRestart ?? 0`)},
		{"remote", bt.Eval[int](t, rem, `window.beforeRestart ?? 0`)},
		{"audience", bt.Eval[int](t, aud, `window.beforeRestart ?? 0`)},
	} {
		if tc.v != 42 {
			t.Errorf("the %s page was reloaded", tc.name)
		}
	}
	// And the talk goes on from there, for everyone.
	press(t, pres, "b")
	press(t, pres, kb.ArrowRight)
	waitAt(t, aud, "audience", 20, 3)
}
