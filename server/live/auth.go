package live

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
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

// Auth decides who may drive the presentation. It holds only the SHA-256 of
// the token so that comparisons take the same time whatever the length or
// content of the guess.
type Auth struct {
	token string
	sum   [sha256.Size]byte
}

// NewAuth returns an Auth for token; an empty token gets a random one
// (see Token to print it).
func NewAuth(token string) *Auth {
	if token == "" {
		token = NewToken()
	}
	return &Auth{token: token, sum: sha256.Sum256([]byte(token))}
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
	if c, err := r.Cookie(CookieName); err == nil && a.Check(c.Value) {
		return true
	}
	return a.Check(r.URL.Query().Get(TokenParam))
}

// Login is the first step of every page handler. When the request carries
// ?token=, Login answers it and returns true: a valid token is stored in an
// HttpOnly, SameSite=Strict cookie and the browser is redirected (303) to the
// same URL without the token, so it leaves the address bar and history; an
// invalid token gets 403. Without ?token= Login writes nothing and returns
// false.
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
	if a == nil || !a.Check(q.Get(TokenParam)) {
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
