// Command podium serves a folder of Markdown chapters as a live web
// presentation.
//
//	podium                       serve ./slides, or the talk built into the binary
//	podium serve [flags] [DIR]   serve DIR
//	podium check DIR             report every problem in DIR as file:line: message
//
// Run "podium help" or "podium serve --help" for the flags.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/podium-talks/podium/server"
	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/server/live"
	"github.com/podium-talks/podium/slides"
	"github.com/podium-talks/podium/themes"
	"github.com/podium-talks/podium/web"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the deck has errors, or serving failed
	exitUsage = 2 // bad command line
)

const usage = `podium serves a folder of Markdown chapters as a live web presentation.

Usage:
  podium                       serve ./slides if it exists, else the built-in talk
  podium serve [flags] [DIR]   serve the deck in DIR
  podium check [DIR]           print every problem in the deck as file:line: message
  podium help                  show this help

Run "podium serve --help" or "podium check --help" for their flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it with their own context
// and writers.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !isFlag(args[0]) {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "check":
		return check(args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "podium: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

func isFlag(arg string) bool { return len(arg) > 1 && arg[0] == '-' }

// serveConfig is the parsed command line of "podium serve".
type serveConfig struct {
	addr     string
	theme    string
	token    string
	maxConns int
	dev      bool
	state    string
	fresh    bool
	dir      string
}

func parseServe(args []string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (0.0.0.0:8080 for every interface)")
	fl.StringVar(&c.theme, "theme", "", "theme `name`, overriding the deck's (light, dark)")
	fl.StringVar(&c.token, "token", os.Getenv("PODIUM_TOKEN"), "presenter `token` (default $PODIUM_TOKEN, else the one kept in the state file, else random)")
	fl.IntVar(&c.maxConns, "max-conns", live.DefaultMaxConns, "most audience `connections` at once; more are refused with 503 (presenters always get in)")
	fl.BoolVar(&c.dev, "dev", false, "serve web/ and themes/ from the working directory instead of the binary")
	fl.StringVar(&c.state, "state", "", "`file` that keeps the slide, step, blackout, hold, timer and random token across restarts (default: in the user's state folder, one per deck folder)")
	fl.BoolVar(&c.fresh, "fresh", false, "start the talk over: ignore the saved state (and a kept token), and replace it")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: podium serve [flags] [DIR]\n\nServes the deck in DIR (default ./slides, else the built-in talk).\n\nFlags:\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return c, err
	}
	if c.maxConns < 1 {
		return c, fmt.Errorf("--max-conns must be at least 1, got %d", c.maxConns)
	}
	switch fl.NArg() {
	case 0:
	case 1:
		c.dir = fl.Arg(0)
	default:
		fl.Usage()
		return c, fmt.Errorf("serve takes one folder, got %d arguments", fl.NArg())
	}
	return c, nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseServe(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	deckFS, where, err := openDeck(c.dir)
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	state := c.state
	if state == "" {
		if state, err = defaultStatePath(where); err != nil {
			fmt.Fprintln(stderr, "podium: no place for the state file (give one with --state):", err)
			return exitError
		}
	} else if where != builtIn && within(state, where) {
		// The deck folder's files are served to the audience, and the
		// state file holds the token; its writes would also reload the deck.
		fmt.Fprintf(stderr, "podium: --state %s is inside the deck folder %s, whose files the audience can fetch: put it elsewhere\n", state, where)
		return exitUsage
	}
	// Listen before loading the deck: phones reconnecting after a restart
	// wait in the kernel's backlog instead of being refused and backing off.
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	defer ln.Close()
	urls := audienceURLs(ln.Addr().(*net.TCPAddr))
	cfg := server.Config{
		Deck: deckFS, Theme: c.theme, Token: c.token, AudienceURL: urls[0], MaxConns: c.maxConns,
		Store: live.NewFileStore(state), Fresh: c.fresh,
		Web: web.FS, Themes: themes.FS, Logger: log,
	}
	if c.dev {
		cfg.Web, cfg.Themes = os.DirFS("web"), os.DirFS("themes")
	}
	srv, err := server.New(cfg)
	if err != nil {
		printErr(stderr, where, err)
		return exitError
	}
	// Loading renders every slide once; hand that garbage back to the OS
	// now rather than idle with it (a speaker's laptop runs other things).
	// Two collections: the first moves pooled buffers (the gzip writers'
	// megabyte of tables) to sync.Pool's victim cache, the second frees them.
	runtime.GC()
	debug.FreeOSMemory()
	hs := &http.Server{
		Handler: srv,
		// Bounds against slow clients (slow-loris); websockets clear the
		// deadlines once upgraded.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	d := srv.Deck()
	fmt.Fprintf(stdout, "podium: %q, %d slides from %s\n\n", d.Meta.Title, len(d.Slides), where)
	for _, u := range urls {
		fmt.Fprintf(stdout, "  audience:   %s\n", u)
	}
	fmt.Fprintf(stdout, "  presenter:  %spresenter?token=%s\n", urls[0], srv.PresenterToken())
	fmt.Fprintf(stdout, "  remote:     %sremote?token=%s\n", urls[0], srv.PresenterToken())
	fmt.Fprintf(stdout, "  state:      %s\n\n", state)
	if qr, err := server.QRText(urls[0]); err == nil {
		fmt.Fprint(stdout, qr)
	}

	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	if where != builtIn {
		themesDir := ""
		if c.dev {
			themesDir = "themes"
		}
		go func() {
			if err := srv.Watch(ctx, where, themesDir); err != nil {
				log.Warn("not watching for edits", "err", err)
			}
		}()
	}
	select {
	case err := <-done:
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	case <-ctx.Done():
	}
	// hs.Shutdown closes the listener at once, so reconnecting phones find
	// the port closed and retry against the next server instead of being
	// refused by this one; meanwhile the websockets get their close frames
	// (1001), and whoever has not answered within wsGrace is cut.
	const httpGrace, wsGrace = 5 * time.Second, time.Second
	shutdown, cancel := context.WithTimeout(context.Background(), httpGrace)
	defer cancel()
	httpDone := make(chan error, 1)
	go func() { httpDone <- hs.Shutdown(shutdown) }()
	wsCtx, wsCancel := context.WithTimeout(shutdown, wsGrace)
	defer wsCancel()
	if err := srv.Shutdown(wsCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(stderr, "podium: shutdown:", err)
	}
	if err := <-httpDone; err != nil {
		fmt.Fprintln(stderr, "podium: shutdown:", err)
		return exitError
	}
	return exitOK
}

// audienceURLs lists the addresses phones can open: every LAN address
// when bound to all interfaces (the first is the one for the QR code),
// else the bound address itself.
func audienceURLs(bound *net.TCPAddr) []string {
	port := bound.Port
	if !bound.IP.IsUnspecified() {
		return []string{fmt.Sprintf("http://%s/", net.JoinHostPort(bound.IP.String(), fmt.Sprint(port)))}
	}
	var urls []string
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || ipnet.IP.IsLoopback() || ipnet.IP.IsLinkLocalUnicast() {
			continue
		}
		if ipnet.IP.To4() == nil && bound.IP.To4() != nil {
			continue
		}
		urls = append(urls, fmt.Sprintf("http://%s/", net.JoinHostPort(ipnet.IP.String(), fmt.Sprint(port))))
	}
	return append(urls, fmt.Sprintf("http://%s/", net.JoinHostPort("127.0.0.1", fmt.Sprint(port))))
}

// builtIn names the talk carried by the binary in messages.
const builtIn = "the built-in talk"

// within reports whether file is in folder dir or below it.
func within(file, dir string) bool {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return p
	}
	d := abs(dir)
	f := filepath.Join(abs(filepath.Dir(file)), filepath.Base(file))
	rel, err := filepath.Rel(d, f)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// defaultStatePath is where the state of the deck at where is kept
// without --state: in the user's state folder ($XDG_STATE_HOME, else
// ~/.local/state, else the user's config folder), one file per deck
// folder, named by its absolute path, so that two talks never share a
// position and the same command finds its own again. The talk built into
// the binary has a file of its own.
func defaultStatePath(where string) (string, error) {
	base := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(base) { // the XDG spec: a relative path is to be ignored
		base = ""
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, ".local", "state")
		} else if cfg, err := os.UserConfigDir(); err == nil {
			base = cfg
		} else {
			return "", err
		}
	}
	name := "built-in"
	if where != builtIn {
		abs, err := filepath.Abs(where)
		if err != nil {
			return "", err
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		sum := sha256.Sum256([]byte(abs))
		name = hex.EncodeToString(sum[:])[:16]
	}
	return filepath.Join(base, "podium", name+".json"), nil
}

// openDeck returns the deck folder as a file system confined to it, and
// a name for it in messages. An empty dir means ./slides when it exists,
// else the talk built into the binary.
func openDeck(dir string) (fs.FS, string, error) {
	if dir == "" {
		if st, err := os.Stat("slides"); err == nil && st.IsDir() {
			dir = "slides"
		} else {
			return slides.FS, builtIn, nil
		}
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", fmt.Errorf("deck folder %s does not exist", dir)
	case err != nil:
		return nil, "", err
	case !st.IsDir():
		return nil, "", fmt.Errorf("%s is not a folder: give the folder that holds the chapter files", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, "", err
	}
	return root.FS(), dir, nil
}

// printErr prints deck problems one per line, each prefixed with the deck
// folder so that editors and terminals can jump to file:line.
func printErr(w io.Writer, where string, err error) {
	var ps deck.Problems
	if !errors.As(err, &ps) {
		fmt.Fprintln(w, "podium:", err)
		return
	}
	for _, p := range ps {
		if p.File != "" && where != builtIn {
			p.File = filepath.ToSlash(filepath.Join(where, p.File))
		} else if p.File == "" {
			p.Msg = where + ": " + p.Msg
		}
		fmt.Fprintln(w, p.Error())
	}
}

func check(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	theme := fl.String("theme", "", "also check that the deck serves with theme `name`")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: podium check [DIR]\n\nPrints every problem of the deck in DIR (default ./slides, else the built-in talk)\nas file:line: message. Exit status 1 when there are problems, 0 when clean.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fl.NArg() > 1 {
		fl.Usage()
		return exitUsage
	}
	deckFS, where, err := openDeck(fl.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	srv, err := server.New(server.Config{Deck: deckFS, Theme: *theme, Web: web.FS, Themes: themes.FS})
	if err != nil {
		printErr(stdout, where, err)
		return exitError
	}
	defer srv.Shutdown(context.Background()) // stops the diagram browser, if one started
	d := srv.Deck()
	fmt.Fprintf(stdout, "%s: ok: %d chapters, %d slides\n", where, len(d.Chapters), len(d.Slides))
	return exitOK
}
