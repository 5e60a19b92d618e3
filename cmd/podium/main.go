// Command podium serves a folder of Markdown chapters, or one deck file,
// as a live web presentation.
//
//	podium                       serve ./slides, or the talk built into the binary
//	podium DIR | FILE            serve that deck folder or deck file
//	podium serve [flags] [DIR|FILE]   the same, with flags
//	podium check DIR|FILE        report every problem as file:line: message
//	podium export [flags] [DIR|FILE]  write the deck as a PDF or a static HTML folder
//	podium new [--lang L] DIR    write a starter talk into DIR
//	podium convert SRC -o DIR    write the deck SRC as a podium deck folder
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
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/podium-talks/podium/server"
	"github.com/podium-talks/podium/server/cluster"
	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/server/export"
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
	// exitInterrupted: SIGINT or SIGTERM came before the deck had loaded
	// (the shell's 128+SIGINT). A check cut short must not look clean.
	exitInterrupted = 130
)

const usage = `podium serves a folder of Markdown chapters, or one deck file, as a live web presentation.

Usage:
  podium                       serve ./slides if it exists, else the built-in talk
  podium DIR | FILE            serve that deck folder, or that deck file (podium slides.md)
  podium serve [flags] [DIR|FILE]   serve the deck in DIR, or the deck FILE
  podium check [DIR|FILE]      print every problem in the deck as file:line: message
  podium export [flags] [DIR|FILE]  write the deck as a PDF (default) or a static HTML folder
  podium new [--lang en|zh-CN] DIR  write a starter talk into DIR (new or empty)
  podium convert SRC -o DIR    write the deck SRC as a podium deck folder DIR
  podium help                  show this help

A deck FILE is a .md, a .Rmd (xaringan), a Go present .slide or a remark .html page;
--dialect NAME reads it as podium, marp, slidev, remark, reveal or present Markdown.
Run "podium serve --help", "podium check --help" or "podium export --help" for their flags.
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
		return check(ctx, args, stdout, stderr)
	case "export":
		return exportDeck(ctx, args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "new":
		return newDeck(args, stdout, stderr)
	case "convert":
		return convert(ctx, args, stdout, stderr)
	default:
		// podium mytalk, podium slides.md: serve that folder or file.
		if _, err := os.Stat(cmd); err == nil {
			return serve(ctx, append([]string{cmd}, args...), stdout, stderr)
		}
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
	perIP    int
	dev      bool
	state    string
	fresh    bool
	download bool
	browser  string
	dialect  deck.Dialect
	dir      string
	nats     cluster.Config
}

func parseServe(args []string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (0.0.0.0:8080 for every interface)")
	fl.StringVar(&c.theme, "theme", "", "theme `name`, overriding the deck's (light, dark)")
	fl.StringVar(&c.token, "token", os.Getenv("PODIUM_TOKEN"), "presenter `token` (default $PODIUM_TOKEN, else the one kept in the state file, else random)")
	fl.IntVar(&c.maxConns, "max-conns", live.DefaultMaxConns, "most audience `connections` at once; more are refused with 503 (presenters always get in)")
	fl.IntVar(&c.perIP, "max-conns-per-ip", live.DefaultMaxConnsPerIP, "most audience `connections` from one address (0: no cap; loopback and presenters are never capped)")
	fl.BoolVar(&c.dev, "dev", false, "serve web/ and themes/ from the working directory instead of the binary")
	fl.StringVar(&c.state, "state", "", "`file` that keeps the slide, step, blackout, hold, timer and random token across restarts (default: in the user's state folder, one per deck folder)")
	fl.BoolVar(&c.fresh, "fresh", false, "start the talk over: ignore the saved state (and a kept token), and replace it")
	fl.BoolVar(&c.download, "download", false, "start with the slides offered to the audience (the presenter view has the switch)")
	fl.StringVar(&c.browser, "browser", "", "Chromium `path` that prints the audience's PDF (default: chromium, chromium-browser or google-chrome on PATH; none: a zip of the static HTML)")
	fl.StringVar(&c.nats.URLs, "nats", "", "join the NATS `URL[,URL...]` as one replica of the talk (state, deck and presence shared; without DIR, serve the deck the origin publishes)")
	fl.StringVar(&c.nats.Listen, "nats-listen", "", "run a NATS server with JetStream inside this podium at `host:port` (its store beside the state file); other replicas join with --nats")
	fl.StringVar(&c.nats.Talk, "nats-talk", "podium", "`name` of the talk on NATS: replicas of one talk share it, two talks on one NATS must not")
	fl.StringVar(&c.nats.Name, "nats-name", "", "this replica's `name` for the presenter's device counts (default host:pid)")
	fl.StringVar(&c.nats.User, "nats-user", "", "NATS `user` (with --nats-password)")
	fl.StringVar(&c.nats.Password, "nats-password", os.Getenv("PODIUM_NATS_PASSWORD"), "NATS `password` (default $PODIUM_NATS_PASSWORD)")
	fl.StringVar(&c.nats.Token, "nats-token", os.Getenv("PODIUM_NATS_TOKEN"), "NATS auth `token` (default $PODIUM_NATS_TOKEN)")
	fl.StringVar(&c.nats.Creds, "nats-creds", "", "NATS credentials `file` (.creds: JWT and NKey seed)")
	fl.StringVar(&c.nats.CA, "nats-ca", "", "CA certificate `file` to verify the NATS servers' TLS")
	fl.StringVar(&c.nats.Cert, "nats-cert", "", "client certificate `file` for NATS TLS (with --nats-key)")
	fl.StringVar(&c.nats.Key, "nats-key", "", "client key `file` for NATS TLS")
	dialect := dialectFlag(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: podium serve [flags] [DIR|FILE]\n\nServes the deck in DIR (default ./slides, else the built-in talk), or the deck FILE\n(a .md or .Rmd, a Go present .slide, a remark .html page) with the images beside it.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	rest, err := parseAnywhere(fl, args)
	if err != nil {
		return c, err
	}
	if c.dialect, err = deck.ParseDialect(*dialect); err != nil {
		return c, fmt.Errorf("--dialect: %v", err)
	}
	if c.maxConns < 1 {
		return c, fmt.Errorf("--max-conns must be at least 1, got %d", c.maxConns)
	}
	if c.perIP < 0 {
		return c, fmt.Errorf("--max-conns-per-ip must be 0 (no cap) or more, got %d", c.perIP)
	}
	if c.token != "" && len(c.token) < live.MinTokenLen {
		return c, fmt.Errorf("the presenter token (--token or $PODIUM_TOKEN) must be at least %d characters, got %d: "+
			"anyone on the network could guess a short one; leave it out for a random one", live.MinTokenLen, len(c.token))
	}
	switch len(rest) {
	case 0:
	case 1:
		c.dir = rest[0]
	default:
		fl.Usage()
		return c, fmt.Errorf("serve takes one folder or file, got %d arguments", len(rest))
	}
	if c.nats.URLs != "" && c.nats.Listen != "" {
		return c, errors.New("--nats and --nats-listen: give one (the replica that runs NATS needs no --nats)")
	}
	if (c.nats.Cert == "") != (c.nats.Key == "") {
		return c, errors.New("--nats-cert and --nats-key go together")
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
	clustered := c.nats.URLs != "" || c.nats.Listen != ""
	follower := c.nats.URLs != "" && c.dir == ""
	var deckFS fs.FS
	var file string
	where := "the cluster's deck (published by the origin)"
	if !follower {
		if deckFS, where, file, err = openDeck(c.dir); err != nil {
			fmt.Fprintln(stderr, "podium:", err)
			return exitError
		}
	}
	state := c.state
	if state == "" {
		// One state per deck: a single file's is its own, not its folder's.
		if state, err = defaultStatePath(filepath.Join(where, file)); err != nil {
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
	perIP := c.perIP
	if perIP == 0 {
		perIP = -1 // the flag's 0 is "no cap"
	} else {
		// TCP connections per address: its websockets plus room for a
		// few browsers' page and API requests.
		ln = server.LimitListener(ln, perIP+httpPerIP)
	}
	// The audience's download is a PDF when there is a browser to print
	// it, else the static HTML as a zip.
	browser, err := export.FindBrowser(c.browser)
	if err != nil && c.browser != "" {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	cfg := server.Config{
		Deck: deckFS, Theme: c.theme, Token: c.token, AudienceURL: urls[0],
		MaxConns: audienceCap(log, c.maxConns), MaxConnsPerIP: perIP,
		Store: live.NewFileStore(state), Fresh: c.fresh,
		Web: web.FS, Themes: themes.FS, Logger: log, Download: c.download, Browser: browser,
		File: file, Dialect: c.dialect,
	}
	if clustered {
		node, err := joinCluster(ctx, c.nats, state, follower, &cfg, stdout)
		if err != nil {
			fmt.Fprintln(stderr, "podium:", err)
			return exitError
		}
		defer node.Close()
		state = "in NATS (talk " + c.nats.Talk + ")"
	}
	if c.dev {
		cfg.Web, cfg.Themes = os.DirFS("web"), os.DirFS("themes")
	}
	srv, err := load(ctx, cfg)
	if errors.Is(err, errInterrupted) {
		fmt.Fprintln(stderr, "podium: interrupted while loading the deck")
		return exitInterrupted
	}
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
	announce(stdout, file, d)
	fmt.Fprintf(stdout, "podium: %q, %d slides from %s\n\n", d.Meta.Title, len(d.Slides), filepath.Join(where, file))
	for _, u := range urls {
		fmt.Fprintf(stdout, "  audience:   %s\n", u)
	}
	fmt.Fprintf(stdout, "  presenter:  %spresenter?token=%s\n", urls[0], srv.PresenterToken())
	fmt.Fprintf(stdout, "  remote:     %sremote?token=%s\n", urls[0], srv.PresenterToken())
	fmt.Fprintf(stdout, "  state:      %s\n", state)
	if c.download {
		kind := "PDF"
		if browser == "" {
			kind = "static HTML as a zip (no Chromium to print a PDF)"
		}
		fmt.Fprintf(stdout, "  download:   %sdownload (%s)\n", urls[0], kind)
	}
	fmt.Fprintln(stdout)
	if qr, err := server.QRText(urls[0]); err == nil {
		fmt.Fprint(stdout, qr)
	}

	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	go srv.RunCluster(ctx)
	if where != builtIn && !follower {
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

// joinCluster connects to NATS (or starts the embedded server, its store
// beside the state file) and makes cfg a replica's; a follower waits
// for the origin's deck.
func joinCluster(ctx context.Context, nc cluster.Config, state string, follower bool, cfg *server.Config, stdout io.Writer) (*cluster.Node, error) {
	nc.Logger = cfg.Logger
	if nc.Listen != "" {
		nc.StoreDir = strings.TrimSuffix(state, filepath.Ext(state)) + ".nats"
	}
	node, err := cluster.Start(ctx, nc)
	if err != nil {
		return nil, err
	}
	if u := node.ClientURL(); u != "" {
		fmt.Fprintf(stdout, "podium: NATS for the other replicas at %s (--nats %s)\n", u, u)
	}
	cfg.Cluster, cfg.Store = node, nil
	if follower {
		fmt.Fprintln(stdout, "podium: waiting for the origin to publish the deck...")
		d, err := node.FetchDeck(ctx)
		if err != nil {
			node.Close()
			return nil, err
		}
		cfg.Deck, cfg.FromCluster = d, true
	}
	return node, nil
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

// deckFileExts are the files podium FILE reads: Markdown (and R
// Markdown: xaringan), Go present and remark's HTML page.
var deckFileExts = []string{".md", ".markdown", ".rmd", ".slide", ".html", ".htm"}

// openDeck returns the deck folder as a file system confined to it, a
// name for it in messages (the folder, which also prefixes problems'
// files), and, when arg is a file (podium slides.md), that file's name
// in the folder: the deck is then that file, its images beside it. An
// empty arg means ./slides when it exists, else the talk built into the
// binary.
func openDeck(arg string) (fsys fs.FS, where, file string, err error) {
	dir := arg
	if dir == "" {
		if st, err := os.Stat("slides"); err == nil && st.IsDir() {
			dir = "slides"
		} else {
			return slides.FS, builtIn, "", nil
		}
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", "", fmt.Errorf("%s does not exist: give a deck folder or a deck file (%s)", dir, strings.Join(deckFileExts, ", "))
	case err != nil:
		return nil, "", "", err
	case st.Mode().IsRegular():
		if !slices.Contains(deckFileExts, strings.ToLower(filepath.Ext(dir))) {
			return nil, "", "", fmt.Errorf("%s is not a deck file: give a folder, or a file ending in %s", dir, strings.Join(deckFileExts, ", "))
		}
		dir, file = filepath.Dir(dir), filepath.Base(dir)
	case !st.IsDir():
		return nil, "", "", fmt.Errorf("%s is neither a folder nor a deck file", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, "", "", err
	}
	return server.DeckDir(root), dir, file, nil
}

// announce is the start-up line that says how the deck is read, when it
// is not podium's own folder of chapters: "reading slides.md as a Slidev
// deck (headmatter key drawings)".
func announce(w io.Writer, file string, d *deck.Deck) {
	if file == "" && (d.Dialect == "" || d.Dialect == deck.DialectPodium) {
		return
	}
	name := file
	if name == "" {
		name = "the deck"
	}
	why := ""
	if d.DialectReason != "" {
		why = " (" + d.DialectReason + ")"
	}
	fmt.Fprintf(w, "podium: reading %s as a %s deck%s\n", name, d.Dialect.Tool(), why)
}

// dialectFlag adds --dialect to fl.
func dialectFlag(fl *flag.FlagSet) *string {
	names := make([]string, 0, 6)
	for _, d := range deck.Dialects() {
		names = append(names, string(d))
	}
	return fl.String("dialect", "", "read the deck as `name`'s Markdown ("+strings.Join(names, ", ")+"), instead of detecting it")
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

// errInterrupted is load's error when a signal came first.
var errInterrupted = errors.New("interrupted")

// load runs server.New, which reads and renders the whole deck, and
// returns as soon as ctx ends (SIGINT, SIGTERM) instead of when the load
// does: a hostile or huge deck must not make podium deaf to Ctrl-C. The
// abandoned load goes on in its goroutine until the process exits, which
// the caller does at once.
func load(ctx context.Context, cfg server.Config) (*server.Server, error) {
	type result struct {
		srv *server.Server
		err error
	}
	done := make(chan result, 1)
	go func() {
		srv, err := server.New(cfg)
		done <- result{srv, err}
	}()
	select {
	case r := <-done:
		return r.srv, r.err
	case <-ctx.Done():
		return nil, errInterrupted
	}
}

// httpPerIP is how many TCP connections one client address may hold
// beyond its --max-conns-per-ip websockets: browsers open up to six per
// host for pages and API requests, and a presenter's laptop runs a few
// tabs.
const httpPerIP = 64

// Descriptors kept for everything but audience websockets: presenters,
// page and asset requests, deck files being served, the watcher, the
// listener and stdio. A tenth of the limit, and never fewer than
// minReserve.
const minReserve = 128

// audienceCap raises the open-files limit and caps audience websockets
// at what it leaves after the reserve, so that a full room can never
// lock out the presenter or the pages (accept: too many open files). It
// logs the figures.
func audienceCap(log *slog.Logger, maxConns int) int {
	limit, was, err := raiseOpenFiles()
	if err != nil || limit == 0 {
		if err != nil {
			log.Warn("cannot read the open-files limit; the audience cap stays --max-conns", "max_conns", maxConns, "err", err)
		}
		return maxConns
	}
	reserve := max(uint64(minReserve), limit/10)
	avail := 1
	if limit > reserve {
		avail = int(min(limit-reserve, uint64(1<<30)))
	}
	if avail < maxConns {
		log.Warn("open files limit caps the audience below --max-conns; raise it with ulimit -n (or the service's LimitNOFILE)",
			"open_files", limit, "raised_from", was, "reserve", reserve, "audience_cap", avail, "max_conns", maxConns)
		return avail
	}
	log.Info("audience cap", "audience_cap", maxConns, "open_files", limit, "raised_from", was, "reserve", reserve)
	return maxConns
}

func check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	theme := fl.String("theme", "", "also check that the deck serves with theme `name`")
	dialect := dialectFlag(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: podium check [DIR|FILE]\n\nPrints every problem of the deck in DIR (default ./slides, else the built-in talk),\nor of the deck FILE (.md, .Rmd, .slide, remark .html), as file:line: message, then its warnings (unknown front matter keys, say).\nExit status 1 when there are problems, 0 when it loads (warnings or not).\n\nFlags:\n")
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
	dia, err := deck.ParseDialect(*dialect)
	if err != nil {
		fmt.Fprintln(stderr, "podium: --dialect:", err)
		return exitUsage
	}
	deckFS, where, file, err := openDeck(fl.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	srv, err := load(ctx, server.Config{Deck: deckFS, Theme: *theme, Web: web.FS, Themes: themes.FS, File: file, Dialect: dia})
	if errors.Is(err, errInterrupted) {
		fmt.Fprintln(stderr, "podium: interrupted while checking the deck")
		return exitInterrupted
	}
	if err != nil {
		printErr(stdout, where, err)
		return exitError
	}
	defer srv.Shutdown(context.Background()) // stops the diagram browser, if one started
	d := srv.Deck()
	announce(stdout, file, d)
	if len(d.Warnings) > 0 {
		printErr(stdout, where, deck.Problems(d.Warnings))
	}
	fmt.Fprintf(stdout, "%s: ok: %d chapters, %d slides", filepath.Join(where, file), len(d.Chapters), len(d.Slides))
	if n := len(d.Warnings); n > 0 {
		fmt.Fprintf(stdout, ", %d warning(s)", n)
	}
	fmt.Fprintln(stdout)
	return exitOK
}

// parseExport parses the command line of "podium export" into an
// export.Config, without the file systems.
func parseExport(args []string, stderr io.Writer) (export.Config, error) {
	var c export.Config
	fl := flag.NewFlagSet("export", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&c.Format, "format", "pdf", "`pdf` (printed by headless Chromium) or html (a static folder that works from file://)")
	fl.BoolVar(&c.Steps, "steps", false, "PDF: one page per step instead of one per slide at its last step")
	fl.BoolVar(&c.Notes, "notes", false, "PDF: a handout, each slide with its speaker notes below it")
	fl.StringVar(&c.Theme, "theme", "", "theme `name`, overriding the deck's (light, dark)")
	fl.StringVar(&c.Out, "o", "", "output `path`: the PDF file, or the HTML folder (default NAME.pdf or NAME-html, NAME the deck folder's)")
	fl.StringVar(&c.Browser, "browser", "", "Chromium executable `path` (default: chromium, chromium-browser or google-chrome on PATH)")
	dialect := dialectFlag(fl)
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: podium export [flags] [DIR|FILE]\n\nWrites the deck in DIR (default ./slides, else the built-in talk), or the deck\nFILE (.md, .Rmd, .slide, remark .html), as a PDF or a static HTML folder. Speaker notes appear only with --notes.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	dirs, err := parseAnywhere(fl, args)
	if err != nil {
		return c, err
	}
	if len(dirs) > 1 {
		fl.Usage()
		return c, fmt.Errorf("export takes one folder, got %d: %s", len(dirs), strings.Join(dirs, " "))
	}
	if len(dirs) == 1 {
		c.DeckName = dirs[0]
	}
	if c.DeckOptions.Dialect, err = deck.ParseDialect(*dialect); err != nil {
		return c, fmt.Errorf("--dialect: %v", err)
	}
	return c, nil
}

func exportDeck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseExport(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitUsage
	}
	deckFS, where, file, err := openDeck(c.DeckName)
	if file != "" {
		// One deck file: the deck is that file, with its folder's assets.
		c.DeckOptions.File = file
		c.DeckName = strings.TrimSuffix(c.DeckName, filepath.Ext(c.DeckName))
	}
	if err != nil {
		fmt.Fprintln(stderr, "podium:", err)
		return exitError
	}
	if c.DeckName == "" && where != builtIn {
		c.DeckName = where
	}
	c.Deck, c.Themes, c.Web, c.Progress = deckFS, themes.FS, web.FS, stderr
	if err := export.Run(ctx, c); err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "podium: export interrupted; nothing written")
			return exitError
		}
		printErr(stderr, where, err)
		return exitError
	}
	return exitOK
}

// parseAnywhere parses fl's flags wherever they stand among the
// arguments, before or after the deck (podium slides.md --addr
// 0.0.0.0:8080, podium export slides -o talk.pdf), and returns the
// arguments that are not flags, in order.
func parseAnywhere(fl *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		if fl.NArg() == 0 {
			return rest, nil
		}
		rest, args = append(rest, fl.Arg(0)), fl.Args()[1:]
	}
}
