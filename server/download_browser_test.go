package server

import (
	"net/http"
	"testing"

	bt "github.com/podium-talks/podium/server/browsertest"
)

// TestDownloadLinkFollowsSwitch: a phone shows "download the slides" only
// while the presenter offers them, without a reload, and the link gets the
// file (the zip here: no browser is configured for the server).
func TestDownloadLinkFollowsSwitch(t *testing.T) {
	t.Parallel()
	s, url := startAudience(t, "", nil)
	ctx := bt.New(t)
	tab := newTab(t, ctx)
	bt.Do(t, tab, bt.Viewport(bt.PhoneSize))
	bt.Open(t, tab, url+"/")
	const visible = `(() => { const a = document.querySelector(".download-link"); return !!a && !a.hidden && a.offsetWidth > 0; })()`
	if bt.Eval[bool](t, tab, visible) {
		t.Fatal("the download link shows before the presenter offers the slides")
	}
	s.setDownload(true)
	bt.WaitFor(t, tab, visible, "the download link to appear")
	if got := bt.Eval[string](t, tab, `document.querySelector(".download-link").textContent`); got != "下载幻灯片" {
		t.Errorf("link text %q, want the deck language's 下载幻灯片", got)
	}
	status := bt.Eval[int](t, tab, `fetch(document.querySelector(".download-link").href).then((r) => r.status)`)
	if status != http.StatusOK {
		t.Errorf("the link answers %d", status)
	}
	s.setDownload(false)
	bt.WaitFor(t, tab, `document.querySelector(".download-link").hidden`, "the download link to go")
}
