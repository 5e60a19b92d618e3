package main

// Restart tests of the real binary (the test binary run as podium: see
// TestMain), started as a speaker
// starts it, killed with SIGKILL (a crash: nothing gets to say goodbye or
// save), started again with the same command.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	bt "github.com/podium-talks/podium/server/browsertest"
)

// wait bounds every wait for the server or a frame.
const wait = 15 * time.Second

// TestMain makes the test binary the command too: started through the
// link buildPodium makes (named "podium"), it runs main instead of the
// tests. The process tests then run the code under test, built once with
// the tests' flags (-race included), instead of building the command
// again with a cold cache on every fresh machine. The tests share one
// Chromium for the browser test of the command (see browsertest.Main).
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "podium" {
		main()
	}
	bt.Main(m)
}

// buildPodium returns a path that runs the command: a link named podium
// to this test binary (see TestMain).
func buildPodium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the command as a process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "podium")
	if err := os.Symlink(exe, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is one run of the binary.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	addr, token    string
}

var tokenInURL = regexp.MustCompile(`presenter\?token=(\S+)`)

// startPodium runs bin with args (which must hold --addr addr), in an
// environment without PODIUM_TOKEN and with the state folder in home,
// and waits until it serves.
func startPodium(t *testing.T, bin, addr, home string, args ...string) *proc {
	t.Helper()
	p := &proc{stdout: &syncBuffer{}, stderr: &syncBuffer{}, addr: addr}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PODIUM_TOKEN=") && !strings.HasPrefix(kv, "XDG_STATE_HOME=") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Env = append(p.cmd.Env, "XDG_STATE_HOME="+home)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.kill)
	for deadline := time.Now().Add(wait); ; time.Sleep(20 * time.Millisecond) {
		if m := tokenInURL.FindStringSubmatch(p.stdout.String()); m != nil {
			if resp, err := http.Get("http://" + addr + "/api/deck"); err == nil {
				resp.Body.Close()
				p.token = m[1]
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("podium %s never served\nstdout: %s\nstderr: %s", strings.Join(args, " "), p.stdout, p.stderr)
		}
	}
}

// kill ends the process with SIGKILL and waits for it.
func (p *proc) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

type frame map[string]any

func (f frame) num(k string) int { v, _ := f[k].(float64); return int(v) }

// wsClient is a websocket client of p, a presenter with token.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func dialWS(t *testing.T, addr, token string) *wsClient {
	t.Helper()
	u := "ws://" + addr + "/ws"
	if token != "" {
		u += "?token=" + token
	}
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	t.Cleanup(func() { c.Close() })
	return &wsClient{t: t, conn: c}
}

func (c *wsClient) read() frame {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(wait))
	var f frame
	if err := c.conn.ReadJSON(&f); err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *wsClient) until(typ string, ok func(frame) bool) frame {
	c.t.Helper()
	for {
		if f := c.read(); f["type"] == typ && (ok == nil || ok(f)) {
			return f
		}
	}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

// restartDeck writes a 25-slide talk whose slide 21 has three steps.
func restartDeck(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= 25; i++ {
		if i > 1 {
			b.WriteString("\n---\n\n")
		}
		fmt.Fprintf(&b, "# Slide %d\n\n", i)
		if i == 21 {
			b.WriteString("* one\n* two\n* three\n\nNote: the notes of slide 21\n")
		}
	}
	return writeDeck(t, map[string]string{"01-talk.md": b.String()})
}

// savedState polls the state file until ok accepts it.
func savedState(t *testing.T, path string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
		var s map[string]any
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &s) == nil && ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			b, err := os.ReadFile(path)
			t.Fatalf("state file %s never reached the expected state: %s %v", path, b, err)
		}
	}
}

func TestRestartKeepsTheTalk(t *testing.T) {
	t.Parallel()
	bin := buildPodium(t)
	deck := restartDeck(t)
	home := t.TempDir()
	state := filepath.Join(t.TempDir(), "talk.json")
	addr := freeAddr(t)
	args := []string{"serve", "--addr", addr, "--state", state, deck}

	t.Run("SIGKILL keeps slide, step, blackout, timer and token", func(t *testing.T) {
		p1 := startPodium(t, bin, addr, home, args...)
		pres := dialWS(t, addr, p1.token)
		if h := pres.read(); h["role"] != "presenter" {
			t.Fatalf("hello %v, want presenter", h)
		}
		pres.send(frame{"type": "goto", "index": 20, "step": 2})
		pres.send(frame{"type": "timer", "action": "start", "target": 1800})
		pres.send(frame{"type": "blackout", "on": true})
		before := pres.until("state", func(f frame) bool { return f["blackout"] == true })
		if before.num("index") != 20 || before.num("step") != 2 {
			t.Fatalf("state before the kill: %v", before)
		}
		started := time.Now()
		savedState(t, state, func(s map[string]any) bool {
			tm, _ := s["timer"].(map[string]any)
			return s["blackout"] == true && tm["running"] == true
		})
		p1.kill()
		if !strings.Contains(p1.stdout.String(), "state:      "+state) {
			t.Errorf("the banner does not say where the state is:\n%s", p1.stdout)
		}

		p2 := startPodium(t, bin, addr, home, args...)
		if p2.token != p1.token {
			t.Errorf("token after restart %q, want the kept %q", p2.token, p1.token)
		}
		aud := dialWS(t, addr, "")
		aud.read() // hello
		st := aud.read()
		if st["type"] != "state" || st["slide"] != before["slide"] || st.num("index") != 20 || st.num("step") != 2 || st["blackout"] != true {
			t.Errorf("audience after restart: %v, want %v", st, before)
		}
		pres2 := dialWS(t, addr, p1.token)
		if h := pres2.read(); h["role"] != "presenter" {
			t.Errorf("the old token after restart: hello %v, want presenter", h)
		}
		tm := pres2.until("timer", nil)
		if tm["running"] != true || tm.num("target") != 1800 || time.Duration(tm.num("elapsed"))*time.Millisecond < time.Since(started)-time.Second {
			t.Errorf("timer after restart: %v, want running with target 1800 and the downtime counted (≥ %v)", tm, time.Since(started))
		}
		// Over HTTP: the audience's deck has that slide at that index, and
		// the old token still opens the presenter's notes.
		var d struct {
			Slides []struct{ ID string } `json:"slides"`
		}
		getJSON(t, "http://"+addr+"/api/deck", "", &d)
		if len(d.Slides) != 25 || d.Slides[20].ID != st["slide"] {
			t.Errorf("/api/deck slide 21 = %+v, want id %v", d.Slides[20:21], st["slide"])
		}
		var notes struct{ Notes map[string]string }
		getJSON(t, "http://"+addr+"/api/notes", p1.token, &notes)
		if notes.Notes[d.Slides[20].ID] == "" {
			t.Errorf("/api/notes with the kept token: %v", notes)
		}
		fi, err := os.Stat(state)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("state file: %v %v, want mode 0600", fi.Mode(), err)
		}
		p2.kill()
	})

	t.Run("--token wins and stays out of the file", func(t *testing.T) {
		p := startPodium(t, bin, addr, home, append([]string{"serve", "--token", "speaker-chose-a-token", "--addr", addr, "--state", state}, deck)...)
		if p.token != "speaker-chose-a-token" {
			t.Errorf("token %q, want the one given", p.token)
		}
		aud := dialWS(t, addr, "")
		aud.read()
		if st := aud.read(); st.num("index") != 20 || st.num("step") != 2 {
			t.Errorf("state with --token: %v, want slide 21 step 2 still", st)
		}
		savedState(t, state, func(s map[string]any) bool { return s["token"] == nil })
		if b, _ := os.ReadFile(state); bytes.Contains(b, []byte("speaker-chose-a-token")) {
			t.Errorf("the chosen token reached the state file: %s", b)
		}
		p.kill()
	})

	t.Run("--fresh starts over", func(t *testing.T) {
		p := startPodium(t, bin, addr, home, append([]string{"serve", "--fresh"}, args[1:]...)...)
		aud := dialWS(t, addr, "")
		aud.read()
		if st := aud.read(); st.num("index") != 0 || st.num("step") != 0 || st["blackout"] != false {
			t.Errorf("state with --fresh: %v, want slide 1", st)
		}
		savedState(t, state, func(s map[string]any) bool { return s["index"] == 0.0 && s["token"] == p.token })
		p.kill()
	})

	t.Run("a corrupt state file is a warning and a fresh start", func(t *testing.T) {
		if err := os.WriteFile(state, []byte(`{"slide":"x","index":`), 0o600); err != nil {
			t.Fatal(err)
		}
		p := startPodium(t, bin, addr, home, args...)
		aud := dialWS(t, addr, "")
		aud.read()
		if st := aud.read(); st.num("index") != 0 {
			t.Errorf("state after a corrupt file: %v, want slide 1", st)
		}
		if !strings.Contains(p.stderr.String(), "cannot read the saved presentation state; starting fresh") ||
			!strings.Contains(p.stderr.String(), state+": not a state file") {
			t.Errorf("stderr lacks the warning naming the file:\n%s", p.stderr)
		}
		savedState(t, state, func(s map[string]any) bool { return s["token"] == p.token }) // replaced by a good one
		p.kill()
	})

	t.Run("default state file, per deck folder", func(t *testing.T) {
		noState := []string{"serve", "--addr", addr, deck}
		p1 := startPodium(t, bin, addr, home, noState...)
		pres := dialWS(t, addr, p1.token)
		pres.send(frame{"type": "goto", "index": 7})
		pres.until("state", func(f frame) bool { return f.num("index") == 7 })
		var files []string
		for deadline := time.Now().Add(wait); len(files) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			files, _ = filepath.Glob(filepath.Join(home, "podium", "*.json"))
		}
		if len(files) != 1 {
			t.Fatalf("state files under $XDG_STATE_HOME/podium: %v, want one", files)
		}
		savedState(t, files[0], func(s map[string]any) bool { return s["index"] == 7.0 })
		p1.kill()
		p2 := startPodium(t, bin, addr, home, noState...)
		aud := dialWS(t, addr, "")
		aud.read()
		if st := aud.read(); st.num("index") != 7 || p2.token != p1.token {
			t.Errorf("after restart: %v, token kept %v; want slide 8 and the same token", st, p2.token == p1.token)
		}
		p2.kill()
	})
}

func getJSON(t *testing.T, url, token string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "podium_token", Value: token})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func TestDefaultStatePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_STATE_HOME", home)
	deck := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(deck, link); err != nil {
		t.Fatal(err)
	}
	p1, err := defaultStatePath(deck)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(filepath.Join(home, "podium")) + `/[0-9a-f]{16}\.json$`).MatchString(p1) {
		t.Errorf("state path %s, want $XDG_STATE_HOME/podium/<16 hex digits>.json", p1)
	}
	if p2, _ := defaultStatePath(link); p2 != p1 {
		t.Errorf("the same folder through a symlink: %s, want %s", p2, p1)
	}
	if p3, _ := defaultStatePath(t.TempDir()); p3 == p1 {
		t.Error("two deck folders share a state file")
	}
	if p, _ := defaultStatePath(builtIn); p != filepath.Join(home, "podium", "built-in.json") {
		t.Errorf("built-in talk: %s", p)
	}
	t.Setenv("XDG_STATE_HOME", "relative/dir") // ignored, as the XDG spec says
	t.Setenv("HOME", home)
	if p, _ := defaultStatePath(builtIn); p != filepath.Join(home, ".local", "state", "podium", "built-in.json") {
		t.Errorf("with a relative XDG_STATE_HOME: %s, want under ~/.local/state", p)
	}
}
