package server

import (
	"testing"
	"testing/fstest"

	bt "github.com/podium-talks/podium/server/browsertest"
)

// TestSlideSettingsInPage: in a real Chromium, each slide's wrapper
// carries its layout (data-layout), its classes and its background, so
// the themes' CSS can style it; an edit that changes the settings
// re-dresses the wrapper in place.
func TestSlideSettingsInPage(t *testing.T) {
	t.Parallel()
	ctx := bt.New(t)
	fsys := fstest.MapFS{
		"01.md":      {Data: []byte("# Cover\n\n---\nlayout: statement\nclass: big dim\nbackground: img/bg.svg\nbackground-size: contain\n---\n\n# 十年磨一剑\n\n---\nbackground: \"#123456\"\n---\n\n# Plain\n")},
		"02.md":      {Data: []byte("# Opener\n")},
		"img/bg.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)},
	}
	s, ts := newTestServer(t, fsys)
	tab := newTab(t, ctx)
	bt.Open(t, tab, ts.URL+"/")
	type wrapper struct {
		Layout, Class, Image, Color, Size string
	}
	read := `[...document.querySelectorAll("section.slide")].map((e) => ({
		Layout: e.dataset.layout, Class: [...e.classList].filter((c) => c !== "slide" && c !== "current").join(" "),
		Image: e.style.backgroundImage.replace(/\?v=[0-9a-f]+/, "?v=V"), Color: e.style.backgroundColor, Size: e.style.backgroundSize}))`
	got := bt.Eval[[]wrapper](t, tab, read)
	want := []wrapper{
		{Layout: "cover"},
		{Layout: "statement", Class: "big dim", Image: `url("/deck/img/bg.svg?v=V")`, Size: "contain"},
		{Layout: "default", Color: "rgb(18, 52, 86)"},
		{Layout: "section"},
	}
	if len(got) != len(want) {
		t.Fatalf("wrappers = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("slide %d wrapper = %+v, want %+v", i, got[i], want[i])
		}
	}
	fsys["01.md"].Data = []byte("# Cover\n\n---\nlayout: center\n---\n\n# 十年磨一剑\n\n---\n\n# Plain\n")
	if _, err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	bt.WaitFor(t, tab, `document.querySelectorAll("section.slide")[1]?.dataset.layout === "center"`, "the edited layout")
	got = bt.Eval[[]wrapper](t, tab, read)
	if (got[1] != wrapper{Layout: "center"}) || (got[2] != wrapper{Layout: "default"}) {
		t.Errorf("after the edit: %+v", got)
	}
}
