package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestNotesOnlyEditReachesOnlyPresenters: saving an edit of speaker notes
// alone sends the presenter a notes frame and audience devices nothing:
// no frame on the websocket, the same /api/deck bytes and ETag. The next
// frame the audience sees is the one of a later, visible edit.
func TestNotesOnlyEditReachesOnlyPresenters(t *testing.T) {
	t.Parallel()
	l := newLiveDeck(t, map[string]string{"01.md": "# A\n\nNote: old note\n\n---\n\n# B\n"})
	p := l.dial(t, true)
	a := l.dial(t, false)
	p.until("state", nil)
	version := a.until("state", nil)["version"]
	cookie := "podium_token=" + testToken
	resp, deck := get(t, l.ts.URL+"/api/deck")
	etag := resp.Header.Get("ETag")
	ids := []string{l.srv.Deck().Slides[0].ID, l.srv.Deck().Slides[1].ID}

	l.write(t, "01.md", "# A\n\nNote: PIN is 4831\n\n---\n\n# B\n\nNote: a new one\n")
	f := p.until("notes", nil)
	_, body := get(t, l.ts.URL+"/api/notes", "Cookie", cookie)
	var notes apiNotes
	must(t, json.Unmarshal(body, &notes))
	if notes.Version != f["version"] || !strings.Contains(notes.Notes[ids[0]], "PIN is 4831") || !strings.Contains(notes.Notes[ids[1]], "a new one") {
		t.Errorf("notes frame %v, /api/notes %s", f, body)
	}
	resp2, deck2 := get(t, l.ts.URL+"/api/deck")
	if resp2.Header.Get("ETag") != etag || string(deck2) != string(deck) {
		t.Errorf("/api/deck changed: ETag %s → %s", etag, resp2.Header.Get("ETag"))
	}
	if got := []string{l.srv.Deck().Slides[0].ID, l.srv.Deck().Slides[1].ID}; got[0] != ids[0] || got[1] != ids[1] {
		t.Errorf("IDs %v → %v", ids, got)
	}

	// A visible edit now: the audience's very next frame, heartbeats
	// aside, is its deck frame.
	l.write(t, "01.md", "# A2\n\nNote: PIN is 4831\n\n---\n\n# B\n\nNote: a new one\n")
	a.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var b []byte
	var next map[string]any
	for next == nil || next["type"] == "beat" {
		var err error
		_, b, err = a.conn.ReadMessage()
		must(t, err)
		next = nil
		must(t, json.Unmarshal(b, &next))
	}
	if next["type"] != "deck" || next["version"] == version {
		t.Errorf("the audience's first frame after a notes-only edit: %s", b)
	}
	if strings.Contains(string(b), "PIN") {
		t.Errorf("a frame to the audience holds a note: %s", b)
	}
}
