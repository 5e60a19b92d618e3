// Package server wires podium's rooms into one HTTP server: the deck engine
// (server/deck) renders the talk, the hub (server/live) keeps every browser
// on the presenter's slide, the watcher (server/watch) turns edits into
// reloads. This file holds the routes; the rooms hold the logic.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"

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
	// Store keeps the presentation state (slide, step, blackout, hold,
	// timer) and a random token across restarts; nil keeps nothing. What
	// it holds cannot be read is a warning and a fresh start.
	Store live.Store
	// Fresh starts the talk over: what Store holds is not read, and is
	// replaced at once.
	Fresh  bool
	Logger *slog.Logger
	// ClientDiagrams leaves Mermaid diagrams to the page, which then
	// loads the vendored Mermaid, instead of rendering them to SVG in a
	// headless Chromium here. It is what happens anyway where no
	// Chromium is found.
	ClientDiagrams bool
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

	// loadMu serialises reloads: the loader is for one goroutine at a time.
	loadMu sync.Mutex
	loader *deck.Loader
	// diagrams renders Mermaid to SVG; nil with ClientDiagrams.
	diagrams *diagram.Renderer
	mermaid  struct {
		once sync.Once
		blob *blob
	}
	// cur is the last good deck, swapped whole on each successful reload,
	// so a broken edit never reaches a reader.
	cur atomic.Pointer[published]
	// held keeps the deck the audience was last shown while the presenter
	// holds edits back (see live.Hub.Held), so it can still be served.
	held atomic.Pointer[published]
}

// published is one good deck with every response derived from it,
// prepared once per reload rather than once per request.
type published struct {
	deck    *deck.Deck
	theme   *theme
	version string   // what the hub and the browsers know this deck as
	api     *blob    // GET /api/deck: no notes, ever
	notes   *blob    // GET /api/notes: presenters only
	data    pageData // what the page templates were rendered with
	pages   map[string]*blob
}

// New loads the deck and prepares every response. It fails with
// deck.Problems when the deck has errors.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	var opts deck.Options
	if !cfg.ClientDiagrams {
		// Starts a browser only when a deck has a diagram.
		s.diagrams = diagram.New()
		opts.Diagram = s.diagrams.Render
	}
	s.loader = deck.NewLoaderWith(cfg.Deck, opts)
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
	s.auth = live.NewAuth(token)
	s.hub = live.New(live.Options{Auth: s.auth, MaxConns: cfg.MaxConns, Logger: cfg.Logger,
		Store: cfg.Store, Restore: restore, KeepToken: cfg.Token == ""})
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
	return s, nil
}

// loadState reads what Config.Store kept, unless Config.Fresh. A store
// that cannot be read must not keep the talk from starting: it is a
// warning, and the talk starts at the beginning.
func (s *Server) loadState() live.Snapshot {
	if s.cfg.Store == nil || s.cfg.Fresh {
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
	m.HandleFunc("GET /{$}", s.page("audience.html", false))
	m.HandleFunc("GET /presenter", s.page("presenter.html", true))
	m.HandleFunc("GET /remote", s.page("remote.html", true))
	m.Handle("GET /ws", s.hub)
	m.HandleFunc("GET /api/deck", s.handleDeck)
	m.HandleFunc("GET /vendor/mermaid-"+diagram.Version+".js", s.handleMermaid)
	m.Handle("GET /api/notes", s.auth.Require(http.HandlerFunc(s.handleNotes)))
	m.HandleFunc("GET /qr.svg", s.handleQR)
	m.HandleFunc("GET /assets/{hash}/{file...}", s.handleAsset)
	m.HandleFunc("GET /theme/{hash}/{file}", s.handleTheme)
	m.HandleFunc("GET /deck/{file...}", s.handleDeckFile)
	s.mux = m
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	s.closeDiagrams()
	return s.hub.Shutdown(ctx)
}

func (s *Server) closeDiagrams() {
	if s.diagrams != nil {
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
	defer func() { s.hub.SetProblems(problemLines(err)) }()
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
	t, err := s.themeFor(d)
	if err != nil {
		return false, err
	}
	old := s.cur.Load()
	if old != nil && old.version == version(d, t) {
		return false, nil
	}
	p, err := s.publish(d, t)
	if err != nil {
		return false, err
	}
	if old != nil {
		if _, published, _ := s.hub.Held(); old.version == published {
			s.held.Store(old)
		}
	}
	s.cur.Store(p)
	s.hub.SetDeck(hubDeck(p))
	return true, nil
}

// version names what browsers must refetch: the deck, and the theme's
// stylesheet, so that a theme edit reaches them like a slide edit.
func version(d *deck.Deck, t *theme) string {
	return d.Version + "-" + strings.Trim(t.css.etag, `"`)[:8]
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
	if _, published, _ := s.hub.Held(); published != cur.version {
		if h := s.held.Load(); h != nil && h.version == published {
			return h
		}
	}
	return cur
}

func hubDeck(p *published) live.Deck {
	h := live.Deck{Version: p.version, Slides: make([]live.Slide, len(p.deck.Slides))}
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
	p := &published{deck: d, theme: t, version: version(d, t), pages: make(map[string]*blob)}
	p.data = pageData{
		Title:       d.Meta.Title,
		Lang:        d.Meta.Lang,
		Theme:       t.name,
		ThemeCSS:    "/theme/" + strings.Trim(t.css.etag, `"`) + "/" + t.name + ".css",
		Assets:      "/assets/" + s.bundle.hash + "/",
		AudienceURL: s.cfg.AudienceURL,
	}
	api, err := json.Marshal(newAPIDeck(p))
	if err != nil {
		return nil, err
	}
	notes := apiNotes{Version: p.version, Notes: make(map[string]string)}
	for _, sl := range d.Slides {
		if sl.Notes != "" {
			notes.Notes[sl.ID] = sl.Notes
		}
	}
	nj, err := json.Marshal(notes)
	if err != nil {
		return nil, err
	}
	p.api = newBlob(&s.gz, api, "application/json")
	p.notes = newBlob(&s.gz, nj, "application/json")
	for _, tmpl := range s.pages.Templates() {
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
	Title    string       `json:"title"`
	Lang     string       `json:"lang"`
	Author   string       `json:"author,omitempty"`
	Date     string       `json:"date,omitempty"`
	Theme    string       `json:"theme"`
	CSS      string       `json:"css"` // the theme's stylesheet URL
	Version  string       `json:"version"`
	Chapters []apiChapter `json:"chapters"`
	Slides   []apiSlide   `json:"slides"`
}

type apiChapter struct {
	Title  string   `json:"title"`
	File   string   `json:"file"`
	Slides []string `json:"slides"`
}

type apiSlide struct {
	ID      string `json:"id"`
	Chapter int    `json:"chapter"`
	Title   string `json:"title"`
	HTML    string `json:"html"`
	Steps   int    `json:"steps"`
}

type apiNotes struct {
	Version string            `json:"version"`
	Notes   map[string]string `json:"notes"`
}

func newAPIDeck(p *published) apiDeck {
	d := p.deck
	a := apiDeck{
		Title: d.Meta.Title, Lang: d.Meta.Lang, Author: d.Meta.Author, Date: d.Meta.Date,
		Theme: p.theme.name, CSS: p.data.ThemeCSS, Version: p.version,
		Chapters: make([]apiChapter, len(d.Chapters)),
		Slides:   make([]apiSlide, len(d.Slides)),
	}
	for i, c := range d.Chapters {
		ids := make([]string, len(c.Slides))
		for j, sl := range c.Slides {
			ids[j] = sl.ID
		}
		a.Chapters[i] = apiChapter{Title: c.Title, File: c.File, Slides: ids}
	}
	for i, sl := range d.Slides {
		a.Slides[i] = apiSlide{ID: sl.ID, Chapter: sl.Chapter, Title: sl.Title, HTML: sl.HTML, Steps: sl.Steps}
	}
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
// Speaker pages (live) show the newest deck, the audience page the
// published one, even on the speaker's own projector.
func (s *Server) page(name string, live bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.auth.Login(w, r) {
			return
		}
		p := s.public()
		if live {
			p = s.cur.Load()
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		p.pages[name].serve(w, r, "no-cache")
	}
}

// handleDeck serves the deck the hub has published to the audience. The
// presenter view asks for the newest with ?live (they differ only while
// edits are held); the audience page never does, so a projector that
// shares the presenter's cookie still shows the published deck.
func (s *Server) handleDeck(w http.ResponseWriter, r *http.Request) {
	p := s.public()
	if r.URL.Query().Has("live") && s.auth.IsPresenter(r) {
		p = s.cur.Load()
	}
	p.api.serve(w, r, "no-cache")
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
	s.cur.Load().notes.serve(w, r, "private, no-cache")
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

// handleDeckFile serves the deck's assets (images and the like). Chapter
// sources are refused, since they hold the speaker notes, and so are
// dotfiles and anything outside the deck folder (fs.ValidPath rejects
// "..", and the folder's os.Root refuses symlinks that leave it).
func (s *Server) handleDeckFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !servableAsset(name) {
		http.NotFound(w, r)
		return
	}
	f, err := s.cfg.Deck.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "read failed", http.StatusInternalServerError)
			return
		}
		rs = strings.NewReader(string(data))
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", st.ModTime(), rs)
}

func servableAsset(name string) bool {
	if !fs.ValidPath(name) || name == "." {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return path.Ext(name) != ".md"
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
