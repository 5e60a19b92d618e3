package live

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CookieName is the cookie that carries the presenter token after the first
// visit with ?token=.
const CookieName = "podium_token"

// TokenParam is the query parameter that carries the presenter token on a
// first visit and on websocket URLs of clients without cookies (clickers).
const TokenParam = "token"

// NewToken returns a fresh random presenter token (128 bits, URL-safe).
func NewToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("live: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// MinTokenLen is the shortest presenter token the command line accepts:
// 16 characters. Auth itself takes any (tests use short ones).
const MinTokenLen = 16

// Auth decides who may drive the presentation. It holds only the SHA-256 of
// the token so that comparisons take the same time whatever the length or
// content of the guess, and it limits wrong guesses per client address
// (LoginBurst, LoginEvery), logging them.
type Auth struct {
	token string
	sum   [sha256.Size]byte
	fails failures
	log   *slog.Logger
}

// NewAuth returns an Auth for token; an empty token gets a random one
// (see Token to print it).
func NewAuth(token string) *Auth {
	if token == "" {
		token = NewToken()
	}
	return &Auth{token: token, sum: sha256.Sum256([]byte(token)),
		fails: failures{burst: LoginBurst, every: LoginEvery}, log: slog.New(slog.DiscardHandler)}
}

// SetLogger sends failed logins and blocked addresses to l.
func (a *Auth) SetLogger(l *slog.Logger) {
	if l != nil {
		a.log = l
	}
}

// verify checks a token presented by r. A client address that has used
// up its failures is not checked at all (limited): were the right token
// accepted meanwhile, a guesser could go on guessing at full speed.
func (a *Auth) verify(r *http.Request, guess string) (ok, limited bool) {
	if guess == "" {
		return false, false
	}
	ip := ClientIP(r)
	now := time.Now()
	if a.fails.blocked(ip, now) {
		return false, true
	}
	g := sha256.Sum256([]byte(guess))
	if subtle.ConstantTimeCompare(g[:], a.sum[:]) == 1 {
		a.fails.forgive(ip)
		return true, false
	}
	counted, blocked := a.fails.fail(ip, g, now)
	if counted {
		a.log.Warn("wrong presenter token", "ip", ip, "path", r.URL.Path)
	}
	if blocked {
		a.log.Warn("too many wrong presenter tokens: this address is refused for a while",
			"ip", ip, "burst", a.fails.burst, "one more every", a.fails.every)
	}
	return false, false
}

// Token returns the presenter token, for the startup banner and QR code.
func (a *Auth) Token() string { return a.token }

// Check reports whether guess is the presenter token, in constant time.
func (a *Auth) Check(guess string) bool {
	if guess == "" {
		return false
	}
	g := sha256.Sum256([]byte(guess))
	return subtle.ConstantTimeCompare(g[:], a.sum[:]) == 1
}

// IsPresenter reports whether r carries the presenter token, in the
// podium_token cookie or in the token query parameter. A nil Auth has no
// presenters.
func (a *Auth) IsPresenter(r *http.Request) bool {
	if a == nil {
		return false
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if ok, _ := a.verify(r, c.Value); ok {
			return true
		}
	}
	ok, _ := a.verify(r, r.URL.Query().Get(TokenParam))
	return ok
}

// Login is the first step of every page handler. When the request carries
// ?token=, Login answers it and returns true: a valid token is stored in an
// HttpOnly, SameSite=Strict cookie and the browser is redirected (303) to the
// same URL without the token, so it leaves the address bar and history; an
// invalid token gets 403, and 429 once the client's address has made too
// many wrong guesses (see LoginBurst). Without ?token= Login writes
// nothing and returns false.
//
// Browsers do not send SameSite=Strict cookies on the redirected request when
// the link was followed from another site (a chat message, say): that first
// page load looks like the audience's, but the page's own websocket does
// carry the cookie, so pages should take their role from the hello frame
// rather than from the HTML they were served.
func (a *Auth) Login(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query()
	if !q.Has(TokenParam) {
		return false
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if a == nil {
		http.Error(w, "403 forbidden: invalid presenter token", http.StatusForbidden)
		return true
	}
	ok, limited := a.verify(r, q.Get(TokenParam))
	if limited {
		w.Header().Set("Retry-After", strconv.Itoa(int(a.fails.every.Seconds()+0.5)))
		http.Error(w, "429 too many wrong presenter tokens from your address; wait a moment", http.StatusTooManyRequests)
		return true
	}
	if !ok {
		http.Error(w, "403 forbidden: invalid presenter token", http.StatusForbidden)
		return true
	}
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    a.token,
		Path:     "/",
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
	q.Del(TokenParam)
	http.Redirect(w, r, cleanLocation(r.URL.EscapedPath(), q.Encode()), http.StatusSeeOther)
	return true
}

// cleanLocation builds a same-origin path for a redirect. A path starting
// with // or /\ would be read by browsers as another host, so leading
// slashes and backslashes collapse to one.
func cleanLocation(path, rawQuery string) string {
	path = "/" + strings.TrimLeft(path, `/\`)
	if rawQuery != "" {
		path += "?" + rawQuery
	}
	return path
}

// Require wraps next so that only presenters reach it; others get 403.
// Use it for /api/notes and any other presenter-only endpoint.
func (a *Auth) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.IsPresenter(r) {
			http.Error(w, "403 forbidden: presenter token required", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
