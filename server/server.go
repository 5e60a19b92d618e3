// Package server wires podium's rooms into one HTTP server: the deck engine
// (server/deck) renders the talk, the hub (server/live) keeps every browser
// on the presenter's slide, the watcher (server/watch) turns edits into
// reloads. This file holds the routes; the rooms hold the logic.
package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/podium-talks/podium/server/cluster"
	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/server/diagram"
	"github.com/podium-talks/podium/server/live"
)

// Config is everything the server needs; cmd/podium fills it from flags.
type Config struct {
	// Deck is the deck folder. Use os.Root's FS for a folder on disk so
	// that no request can escape it through "..", or a symlink.
	Deck fs.FS
	// Theme overrides the deck's theme when not empty.
	Theme string
	// Web and Themes are the browser files and the themes: the embedded
	// copies, or the folders on disk with --dev.
	Web    fs.FS
	Themes fs.FS
	// Token is the presenter token; empty means the one Store kept, else
	// a random one (which Store then keeps).
	Token string
	// AudienceURL is the address phones should open, shown as a QR code on
	// the presenter view. Empty means the address the presenter's browser
	// used, which suits a server bound to one LAN address.
	AudienceURL string
	// MaxConns caps audience websockets (presenters always get in); 0
	// means live.DefaultMaxConns.
	MaxConns int
	// MaxConnsPerIP caps audience websockets from one client address;
	// 0 means live.DefaultMaxConnsPerIP, <0 no cap.
	MaxConnsPerIP int
	// Store keeps the presentation state (slide, step, blackout, hold,
	// timer) and a random token across restarts; nil keeps nothing. What
	// it holds cannot be read is a warning and a fresh start.
	Store live.Store
	// Fresh starts the talk over: what Store holds is not read, and is
	// replaced at once.
	Fresh bool
	// Heartbeat is the live connections' heartbeat period; 0 means
	// live.DefaultHeartbeat. Tests shorten it to stay fast.
	Heartbeat time.Duration
	// Download starts with the slides offered to the audience (the
	// presenter's switch turns it on and off). Browser is the Chromium
	// that prints the download; empty means the audience gets the static
	// HTML copy as a zip instead.
	Download bool
	Browser  string
	Logger   *slog.Logger
	// ClientDiagrams leaves Mermaid diagrams to the page, which then
	// loads the vendored Mermaid, instead of rendering them to SVG in a
	// headless Chromium here. It is what happens anyway where no
	// Chromium is found.
	ClientDiagrams bool
	// Diagrams renders the Mermaid diagrams when set: a renderer shared
	// by several servers (its cache too), the caller's to close. Nil: the
	// server has its own, started at the first diagram and closed with
	// the server. Not used with ClientDiagrams.
	Diagrams *diagram.Renderer
	// Cluster, when set, makes this server one replica of the talk: the
	// presentation state lives in the cluster (Store is not used), the
	// presenter token is the cluster's, and RunCluster keeps the hub in
	// step. With FromCluster, Deck is the cluster's copy (a
	// *cluster.DeckFS from FetchDeck) and follows what the origin
	// publishes; else this server is the origin and publishes every good
	// version of Deck.
	Cluster     *cluster.Node
	FromCluster bool
	// File makes the deck one file of the Deck folder (podium FILE), and
	// Dialect names the dialect to read it in ("" detects it); see
	// deck.Options.
	File    string
	Dialect deck.Dialect
}

// Server serves one deck. Create it with New; it is an http.Handler.
type Server struct {
	cfg    Config
	log    *slog.Logger
	mux    *http.ServeMux
	bundle *bundle
	pages  *template.Template
	themes map[string]*theme // guarded by loadMu after New
	auth   *live.Auth
	hub    *live.Hub
	gz     gzipper
	dl     *downloads

	// loadMu serialises reloads: the loader is for one goroutine at a time.
	loadMu sync.Mutex
	loader *deck.Loader
	opts   deck.Options // the loader's, for a new loader of a replaced folder
	// files is the deck folder requests are served from: Config.Deck,
	// until the folder is replaced on disk (see Watch).
	files atomic.Pointer[deckFiles]
	// gone, when not empty, tells presenters the deck folder is gone;
	// lost, that the deck version a held talk's audience is kept on cannot
	// be had here (see wantDeck); loadErr is the last reload's error. All
	// three are guarded by loadMu.
	gone, lost string
	loadErr    error
	// diagrams renders Mermaid to SVG; nil with ClientDiagrams. The
	// server closes it when it made it (ownDiagrams).
	diagrams    *diagram.Renderer
	ownDiagrams bool
	mermaid     struct {
		once sync.Once
		blob *blob
	}
	// cur is the last good deck, swapped whole on each successful reload,
	// so a broken edit never reaches a reader.
	cur atomic.Pointer[published]
	// history keeps the last few decks, to send pages what changed since
	// the one they have.
	history recentDecks
	// held keeps the deck the audience was last shown while the presenter
	// holds edits back (see live.Hub.Held), so it can still be served.
	held atomic.Pointer[published]
}

// published is one good deck with every response derived from it,
// prepared once per reload rather than once per request.
type published struct {
	deck    *deck.Deck
	theme   *theme
	version string // what the hub and audience devices know this deck as
	// notesVersion is the version of the notes (/api/notes): it changes
	// with version and with every notes-only edit, which audience devices
	// must not hear of.
	notesVersion string
	// files is the cluster's name of the files it was read from
	// (cluster.Pack.Version, live.Deck.Files); empty outside a cluster.
	files string
	data  pageData // what the page templates were rendered with
	pages map[string]*blob
	// chapters identify the chapter files on disk, so that /deck/ can
	// refuse them under any other name (a hard link, say).
	chapters []fs.FileInfo
	// The JSON responses are made on the first request for them, not at
	// the reload: after an edit, pages fetch only what changed (a delta),
	// and the reload that the audience waits for does not encode and
	// compress the whole deck first.
	z      *gzipper
	api    lazyBlob // GET /api/deck: no notes, ever
	notes  lazyBlob // GET /api/notes: presenters only
	mu     sync.Mutex
	deltas map[string]*blob // GET /api/deck?since=V, by V
	// first holds GET / by live position (see handleAudience).
	first firstPages
}

// lazyBlob is a response made once, when first asked for.
type lazyBlob struct {
	once sync.Once
	b    *blob
	err  error
}

func (l *lazyBlob) get(build func() (*blob, error)) (*blob, error) {
	l.once.Do(func() { l.b, l.err = build() })
	return l.b, l.err
}

// New loads the deck and prepares every response. It fails with
// deck.Problems when the deck has errors.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, log: cfg.Logger, dl: newDownloads(cfg.Browser)}
	opts := deck.Options{File: cfg.File, Dialect: cfg.Dialect}
	if !cfg.ClientDiagrams {
		s.diagrams = cfg.Diagrams
		if s.diagrams == nil {
			// Starts a browser only when a deck has a diagram.
			s.diagrams = diagram.New()
			s.ownDiagrams = true
		}
		opts.Diagram = s.diagrams.Render
	}
	s.opts = opts
	s.loader = deck.NewLoaderWith(cfg.Deck, opts)
	s.files.Store(&deckFiles{fs: cfg.Deck})
	var err error
	if s.bundle, err = newBundle(&s.gz, cfg.Web); err != nil {
		return nil, fmt.Errorf("web files: %w", err)
	}
	if s.pages, err = template.ParseFS(cfg.Web, "*.html"); err != nil {
		return nil, fmt.Errorf("web templates: %w", err)
	}
	for _, name := range pageNames {
		if s.pages.Lookup(name) == nil {
			return nil, fmt.Errorf("web templates: %s is missing", name)
		}
	}
	if s.themes, err = loadThemes(&s.gz, cfg.Themes); err != nil {
		return nil, err
	}
	if cfg.Theme != "" && s.themes[cfg.Theme] == nil {
		return nil, fmt.Errorf("unknown theme %q (have %s)", cfg.Theme, themeNames(s.themes))
	}
	// The hub comes last: from its start it may save the state.
	restore := s.loadState()
	token := cfg.Token
	if token == "" {
		token = restore.Token
	}
	hubOpts := live.Options{MaxConns: cfg.MaxConns, MaxConnsPerIP: cfg.MaxConnsPerIP, Heartbeat: cfg.Heartbeat, Logger: cfg.Logger,
		Store: cfg.Store, Restore: restore, KeepToken: cfg.Token == ""}
	if cfg.Cluster != nil {
		if err := s.joinCluster(&hubOpts, &token); err != nil {
			s.closeDiagrams()
			return nil, err
		}
	}
	s.auth = live.NewAuth(token)
	s.auth.SetLogger(cfg.Logger)
	hubOpts.Auth = s.auth
	s.hub = live.New(hubOpts)
	if cfg.Cluster != nil {
		s.startHeld(hubOpts.Restore)
	}
	if _, err := s.Reload(); err != nil {
		s.hub.Close()
		s.closeDiagrams()
		return nil, err
	}
	if restore.Slide != "" {
		st := s.hub.State()
		s.log.Info("resuming the talk where it was", "slide", st.Index+1, "step", st.Step, "blackout", st.Blackout)
	}
	s.routes()
	if cfg.Download {
		s.setDownload(true)
	}
	return s, nil
}

// loadState reads what Config.Store kept, unless Config.Fresh. A store
// that cannot be read must not keep the talk from starting: it is a
// warning, and the talk starts at the beginning.
func (s *Server) loadState() live.Snapshot {
	if s.cfg.Store == nil || s.cfg.Fresh || s.cfg.Cluster != nil {
		return live.Snapshot{}
	}
	snap, err := s.cfg.Store.Load()
	if err != nil {
		s.log.Warn("cannot read the saved presentation state; starting fresh", "err", err)
		return live.Snapshot{}
	}
	return snap
}

// pageNames are the templates of web/ that the routes serve.
var pageNames = []string{"audience.html", "presenter.html", "remote.html"}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.handleAudience)
	m.HandleFunc("GET /presenter", s.page("presenter.html"))
	m.HandleFunc("GET /remote", s.page("remote.html"))
	m.Handle("GET /ws", s.hub)
	m.HandleFunc("GET /api/deck", s.handleDeck)
	m.HandleFunc("GET /vendor/mermaid-"+diagram.Version+".js", s.handleMermaid)
	m.Handle("GET /api/notes", s.auth.Require(http.HandlerFunc(s.handleNotes)))
	m.HandleFunc("GET /qr.svg", s.handleQR)
	m.HandleFunc("GET /assets/{hash}/{file...}", s.handleAsset)
	m.HandleFunc("GET /theme/{hash}/{file}", s.handleTheme)
	m.HandleFunc("GET /deck/{file...}", s.handleDeckFile)
	m.HandleFunc("GET /download", s.handleDownload)
	m.HandleFunc("GET /api/download", s.handleDownloadInfo)
	m.Handle("POST /api/download", s.auth.Require(http.HandlerFunc(s.handleSetDownload)))
	s.mux = m
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	baseHeaders(w.Header())
	s.mux.ServeHTTP(w, r)
}

// Deck returns the newest good deck (the presenter's).
func (s *Server) Deck() *deck.Deck { return s.cur.Load().deck }

// PresenterToken is the token that grants presenter rights.
func (s *Server) PresenterToken() string { return s.auth.Token() }

// Shutdown sends every websocket a close frame and waits for them to go,
// at most until ctx ends. Call it beside http.Server.Shutdown, which does
// not track upgraded connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.dl.stop() // a download being printed is not worth waiting for
	s.closeDiagrams()
	return s.hub.Shutdown(ctx)
}

func (s *Server) closeDiagrams() {
	if s.ownDiagrams {
		s.diagrams.Close()
	}
}

// Reload re-reads the deck folder. On success the new deck replaces the
// old one for every later request and changed reports whether anything
// rendered differs; on failure the last good deck keeps serving and the
// error (usually deck.Problems) says what is wrong. Presenters are told
// either way; the audience only ever sees good decks.
func (s *Server) Reload() (changed bool, err error) { return s.reload(false) }

// reload is Reload, re-reading the themes first when themes is set.
func (s *Server) reload(themes bool) (changed bool, err error) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	defer func() { s.loadErr = err; s.hub.SetProblems(s.problemLines(err)) }()
	if themes {
		t, err := loadThemes(&s.gz, s.cfg.Themes)
		if err != nil {
			return false, err
		}
		s.themes = t
	}
	d, err := s.loader.Load()
	if err != nil {
		return false, err
	}
	warnings := make([]string, len(d.Warnings))
	for i, w := range d.Warnings {
		warnings[i] = w.Error()
	}
	s.hub.SetWarnings(warnings)
	t, err := s.themeFor(d)
	if err != nil {
		return false, err
	}
	old := s.cur.Load()
	var last *theme
	if old != nil {
		last = old.theme
	}
	t = withStyle(&s.gz, t, d.Style, last)
	if old != nil && old.version == version(d, t) && old.notesVersion == d.PresenterVersion {
		return false, nil
	}
	for _, w := range d.Warnings {
		s.log.Warn("deck", "warning", w.Error())
	}
	p, err := s.publish(d, t)
	if err != nil {
		return false, err
	}
	pack := s.pack(p)
	if old != nil && old.version == p.version {
		// Only notes changed: presenters refetch them, the audience
		// hears nothing (same hub deck, same /api/deck bytes and ETag).
		s.cur.Store(p)
		s.hub.SetNotes(p.notesVersion)
		s.announce(pack)
		return true, nil
	}
	if old != nil {
		if _, published, _ := s.hub.Held(); old.version == published {
			s.held.Store(old)
		}
		// Every page showing the old deck asks for this as soon as it
		// hears of the new one: have it ready (well under a millisecond
		// for 200 slides, BenchmarkDelta).
		if _, err := p.delta(old); err != nil {
			return false, err
		}
	}
	s.cur.Store(p)
	s.history.add(p)
	s.hub.SetDeck(hubDeck(p))
	if s.hub.State().Download {
		s.dl.get(s, s.public()) // the new version's download, in the background
	}
	s.announce(pack)
	return true, nil
}

// version names what browsers must refetch: the deck, and the theme's
// stylesheet, so that a theme edit reaches them like a slide edit.
func version(d *deck.Deck, t *theme) string {
	return d.Version + "-" + strings.Trim(t.css.etag, `"`)[:8]
}

// problemLines is what presenters are told after a reload: that the deck
// folder is gone, and what is wrong with the deck.
func (s *Server) problemLines(err error) []string {
	var lines []string
	for _, l := range []string{s.gone, s.lost} {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return append(lines, problemLines(err)...)
}

func problemLines(err error) []string {
	if err == nil {
		return nil
	}
	var ps deck.Problems
	if !errors.As(err, &ps) {
		return []string{err.Error()}
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return lines
}

// public is the deck audience devices are served: the one the hub has
// published, which is the newest unless the presenter holds edits back.
func (s *Server) public() *published {
	cur := s.cur.Load()
	_, published, _ := s.hub.Held()
	if published == cur.version {
		return cur
	}
	if h := s.held.Load(); h != nil && h.version == published {
		return h
	}
	if p := s.recent(published); p != nil {
		return p // a held version fetched from the cluster, just installed
	}
	return cur
}

func hubDeck(p *published) live.Deck {
	h := live.Deck{Version: p.version, Files: p.files, Slides: make([]live.Slide, len(p.deck.Slides))}
	for i, sl := range p.deck.Slides {
		h.Slides[i] = live.Slide{ID: sl.ID, Steps: sl.Steps}
	}
	return h
}

// themeFor picks the deck's theme: the --theme flag, else the deck's own.
func (s *Server) themeFor(d *deck.Deck) (*theme, error) {
	name := s.cfg.Theme
	if name == "" {
		name = d.Meta.Theme
	}
	if name == "" {
		name = "light"
	}
	t := s.themes[name]
	if t == nil {
		f := ""
		if len(d.Chapters) > 0 {
			f = d.Chapters[0].File
		}
		return nil, deck.Problems{{File: f, Msg: fmt.Sprintf("unknown theme %q (have %s)", name, themeNames(s.themes))}}
	}
	return t, nil
}

// publish prepares every response derived from a good deck.
func (s *Server) publish(d *deck.Deck, t *theme) (*published, error) {
	p := &published{deck: d, theme: t, version: version(d, t), notesVersion: d.PresenterVersion, pages: make(map[string]*blob)}
	p.data = pageData{
		Title:       d.Meta.Title,
		Lang:        d.Meta.Lang,
		Theme:       t.name,
		ThemeCSS:    "/theme/" + strings.Trim(t.css.etag, `"`) + "/" + t.name + ".css",
		Assets:      "/assets/" + s.bundle.hash + "/",
		AudienceURL: s.cfg.AudienceURL,
	}
	p.z = &s.gz
	files := make([]string, len(d.Chapters))
	for i, c := range d.Chapters {
		files[i] = c.File
	}
	p.chapters = chapterStats(s.files.Load().fs, files)
	if old := s.cur.Load(); old != nil && old.data == p.data {
		p.pages = old.pages // a slide edit: the pages are the same
		return p, nil
	}
	for _, tmpl := range s.pages.Templates() {
		if tmpl.Name() == "audience.html" {
			continue // rendered per live position (handleAudience)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, p.data); err != nil {
			return nil, fmt.Errorf("page %s: %w", tmpl.Name(), err)
		}
		p.pages[tmpl.Name()] = newBlob(&s.gz, buf.Bytes(), "text/html; charset=utf-8")
	}
	return p, nil
}

// apiDeck is the JSON of GET /api/deck. It has no field for notes: they
// must never reach an audience device.
type apiDeck struct {
	Title    string               `json:"title"`
	Lang     string               `json:"lang"`
	Author   string               `json:"author,omitempty"`
	Date     string               `json:"date,omitempty"`
	Subtitle string               `json:"subtitle,omitempty"`
	Event    string               `json:"event,omitempty"`
	Theme    string               `json:"theme"`
	CSS      string               `json:"css"` // the theme's stylesheet URL, the deck's style.css in it
	Version  string               `json:"version"`
	Chapters []deck.PublicChapter `json:"chapters"`
	Slides   []deck.PublicSlide   `json:"slides"`
}

// apiNotes is the JSON of GET /api/notes, for presenters only: the notes
// by slide id and each chapter's file name, in chapter order.
type apiNotes struct {
	Version string            `json:"version"`
	Notes   map[string]string `json:"notes"`
	Files   []string          `json:"files"`
}

func newAPIDeck(p *published) apiDeck {
	d := p.deck
	a := apiDeck{
		Title: d.Meta.Title, Lang: d.Meta.Lang, Author: d.Meta.Author, Date: d.Meta.Date, Subtitle: d.Meta.Subtitle, Event: d.Meta.Event,
		Theme: p.theme.name, CSS: p.data.ThemeCSS, Version: p.version,
	}
	a.Chapters, a.Slides = d.Public()
	return a
}

// pageData is what every page template gets.
type pageData struct {
	Title       string
	Lang        string
	Theme       string
	ThemeCSS    string
	Assets      string
	AudienceURL string // may be empty: then the page's own origin
}

// page serves a template rendered at the last reload. Pages change with
// the deck's title and theme, so browsers revalidate them (ETag). A
// ?token= in the address is exchanged for the presenter cookie first.
// Every page is of the published deck: while edits are held the
// presenter navigates the deck the audience sees (the presenter view
// lists the pending edits apart, from /api/deck?live).
func (s *Server) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.auth.Login(w, r) {
			return
		}
		p := s.public()
		w.Header().Set("Content-Security-Policy", pagePolicy(r.Host))
		p.pages[name].serve(w, r, "no-cache")
	}
}

// handleDeck serves the deck the hub has published to the audience, the
// one every page shows and navigates. The presenter view asks for the
// newest with ?live (they differ only while edits are held) to list the
// pending edits; no page shows it, so a projector that shares the
// presenter's cookie still shows the published deck.
func (s *Server) handleDeck(w http.ResponseWriter, r *http.Request) {
	p := s.public()
	if r.URL.Query().Has("live") && s.auth.IsPresenter(r) {
		p = s.cur.Load()
	}
	var b *blob
	var err error
	if since := r.URL.Query().Get("since"); since != "" {
		b, err = p.delta(s.recent(since))
	} else {
		b, err = p.apiBlob()
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b.serve(w, r, "no-cache")
}

// handleQR draws the audience URL as a QR code for the presenter view.
func (s *Server) handleQR(w http.ResponseWriter, r *http.Request) {
	url := s.cfg.AudienceURL
	if url == "" {
		url = "http://" + r.Host + "/"
	}
	svg, err := qrSVG(url)
	if err != nil {
		http.Error(w, "cannot draw a QR code for "+url, http.StatusBadRequest)
		return
	}
	newBlob(&s.gz, svg, "image/svg+xml").serve(w, r, "no-cache")
}

func (s *Server) handleNotes(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Cookie")
	b, err := s.cur.Load().notesBlob()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b.serve(w, r, "private, no-cache")
}

const immutable = "public, max-age=31536000, immutable"

func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	f := s.bundle.files[r.PathValue("file")]
	if f == nil || r.PathValue("hash") != s.bundle.hash {
		// A stale hash after an upgrade is served without the long cache.
		if f != nil {
			f.serve(w, r, "no-cache")
			return
		}
		http.NotFound(w, r)
		return
	}
	f.serve(w, r, immutable)
}

// handleTheme serves the stylesheet of the deck's theme: the newest
// deck's, or the held one's while the audience is kept on it.
func (s *Server) handleTheme(w http.ResponseWriter, r *http.Request) {
	name, _ := strings.CutSuffix(r.PathValue("file"), ".css")
	for _, p := range []*published{s.cur.Load(), s.public()} {
		if p.theme.name != name {
			continue
		}
		cache := immutable
		if r.PathValue("hash") != strings.Trim(p.theme.css.etag, `"`) {
			cache = "no-cache" // an old page after a theme edit: no long cache
		}
		p.theme.css.serve(w, r, cache)
		return
	}
	http.NotFound(w, r)
}

// handleDeckFile serves the deck's assets: only the types on the
// allowlist (images, fonts, audio, video, PDF), only regular files, never
// a chapter, a draft, an editor leftover or a dotfile, whatever the name
// or link it is reached by (see openAsset). Anything else is 404.
func (s *Server) handleDeckFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	chapters := s.cur.Load().chapters
	if p := s.public(); p != s.cur.Load() {
		chapters = append(chapters[:len(chapters):len(chapters)], p.chapters...)
	}
	f, st, ctype, err := openAsset(s.files.Load().fs, name, chapters)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "read failed", http.StatusInternalServerError)
			return
		}
		rs = strings.NewReader(string(data))
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", s.deckFileCache(name, r.URL.Query().Get("v"), st))
	if ctype == "image/svg+xml" {
		h.Set("Content-Security-Policy", svgPolicy)
	} else {
		// Media and fonts cannot run script; a PDF viewer (Chromium's is
		// an extension) may refuse to work under a policy.
		h.Del("Content-Security-Policy")
	}
	http.ServeContent(w, r, "", st.ModTime(), rs)
}

// deckFileCache is how long browsers may keep a deck file: for good under
// the URL a slide uses (its ?v= names the content) while the file still is
// that version; anything else is revalidated, since the file may change.
func (s *Server) deckFileCache(name, v string, st fs.FileInfo) string {
	if v == "" {
		return "no-cache"
	}
	for _, p := range []*published{s.cur.Load(), s.public()} {
		if a, ok := p.deck.Assets[name]; ok && a.Version == v && a.Size == st.Size() && a.ModTime.Equal(st.ModTime()) {
			return immutable
		}
	}
	return "no-cache"
}

// handleMermaid serves the vendored Mermaid to pages whose deck has
// diagrams the server did not render (no Chromium here). It is prepared
// on the first request: a deck without diagrams never pays for it.
func (s *Server) handleMermaid(w http.ResponseWriter, r *http.Request) {
	s.mermaid.once.Do(func() {
		s.mermaid.blob = newBlob(&s.gz, []byte(diagram.Script()), "text/javascript; charset=utf-8")
	})
	s.mermaid.blob.serve(w, r, "public, max-age=31536000, immutable")
}
