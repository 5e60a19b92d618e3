package main

// A browser test of a crash in mid-talk: the real binary (the test binary
// run as podium: see TestMain), killed with SIGKILL and started again with
// the same command, while a presenter view, a phone remote and an
// audience phone stay open. Every page must come back by itself, without
// a reload, on the same slide, step, blackout and timer, and the
// presenter's devices keep their rights.

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	bt "github.com/podium-talks/podium/server/browsertest"
)

func TestRestartAfterCrashKeepsEveryPage(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	bin := buildPodium(t)
	// 25 slides; slide 21 has three steps.
	deckDir := restartDeck(t)
	addr := freeAddr(t)
	state := filepath.Join(t.TempDir(), "state.json")
	args := []string{"serve", "--addr", addr, "--state", state, deckDir}
	url := "http://" + addr

	// Each run has a state folder of its own: the token is kept by the
	// state file.
	proc := startPodium(t, bin, addr, t.TempDir(), args...)
	token := proc.token
	pres := bt.LiveTab(t, ctx, bt.DesktopSize)
	bt.OpenPresenter(t, pres, url+"/presenter?token="+token)
	rem := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.Do(t, rem, chromedp.Navigate(url+"/remote?token="+token))
	bt.WaitFor(t, rem, `podium.sync.role === "presenter" && !!podium.model.deck`, "the remote to connect")
	aud := bt.LiveTab(t, ctx, bt.PhoneSize)
	bt.OpenFollower(t, aud, url)

	// Slide 21 step 2, the clock running towards 30 minutes, blackout:
	// all from the presenter view, as a speaker does it.
	bt.Eval[chromedp.Void](t, pres, `podium.driver.show(20, 2)`)
	bt.WaitAt(t, aud, "audience", 20, 2)
	bt.TapOn(t, pres, `[data-act="timer-toggle"]`)
	started := time.Now()
	bt.Eval[chromedp.Void](t, pres, `(() => {
		const i = document.querySelector('[data-in="target"]');
		i.value = "30";
		i.dispatchEvent(new Event("change", {bubbles: true}));
	})()`)
	bt.Press(t, pres, "b")
	bt.WaitFor(t, aud, `!document.querySelector(".blackout").hidden`, "the audience screen to go black")
	bt.Eval[chromedp.Void](t, pres, `window.beforeRestart = 42`)
	bt.Eval[chromedp.Void](t, rem, `window.beforeRestart = 42`)
	bt.Eval[chromedp.Void](t, aud, `window.beforeRestart = 42`)

	// Wait until the state is on disk, then crash.
	savedState(t, state, func(s map[string]any) bool {
		tm, _ := s["timer"].(map[string]any)
		return s["index"] == 20.0 && s["step"] == 2.0 && s["blackout"] == true && tm["running"] == true && tm["target"] == 1800.0
	})
	proc.kill()
	bt.WaitFor(t, aud, `podium.sync.status === "reconnecting"`, "the audience page to notice the crash")

	token2 := startPodium(t, bin, addr, t.TempDir(), args...).token
	if token2 != token {
		t.Errorf("the restarted server prints token %q, want the kept %q", token2, token)
	}
	bt.WaitFor(t, aud, `podium.sync.status === "live"`, "the audience page to be live again")
	bt.WaitAt(t, aud, "audience", 20, 2)
	bt.WaitFor(t, aud, `!document.querySelector(".blackout").hidden`, "the audience screen to be black still")

	bt.WaitFor(t, pres, `document.body.dataset.role === "presenter" &&
		document.querySelector('[data-out="status"]').dataset.status === "live"`, "the presenter view to be a presenter again")
	bt.WaitAt(t, pres, "presenter", 20, 2)
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
	bt.Press(t, pres, "b")
	bt.Press(t, pres, kb.ArrowRight)
	bt.WaitAt(t, aud, "audience", 20, 3)
}
