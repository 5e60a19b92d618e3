package server

import (
	"net/http"
	"strings"
)

// baseHeaders go on every response. nosniff keeps a browser from taking
// a deck file for a script or a page; no-referrer keeps the presenter's
// URLs (and a token someone pasted) out of other sites' logs; DENY is
// frame-ancestors for browsers without CSP 3. The default policy suits
// every response that is not a page (JSON, scripts, stylesheets, the QR
// code): opened on its own it can load and run nothing. Pages and deck
// assets replace it (pagePolicy, svgPolicy, none for media).
func baseHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
}

// pagePolicy is the Content-Security-Policy of podium's pages. Script
// comes only from podium's own files (web/ has no inline script), so
// markup in a slide or a deck file cannot run any; no page may be framed,
// so a page on another port of the same host (same site, so it would
// get the SameSite cookie) cannot put the presenter view in a frame and
// click it. Style attributes are allowed (goldmark writes table
// alignment as style="text-align:..."), <style> elements are not. Slides
// may show images, audio and video from the web, as Markdown allows.
// The websocket is named by host as well as by 'self' for browsers whose
// 'self' does not cover ws: (Safari before 15.4).
//
// styles are the hashes ('sha256-…') of the <style> elements a page
// carries (the audience page's stylesheets, see firstpaint.go): those and
// no other run.
func pagePolicy(host string, styles ...string) string {
	connect := "'self'"
	if safeHost(host) {
		connect += " ws://" + host + " wss://" + host
	}
	style := "'self'"
	for _, h := range styles {
		style += " " + h
	}
	return "default-src 'self'; script-src 'self'; style-src " + style + "; style-src-attr 'unsafe-inline'; " +
		"img-src 'self' data: https: http:; media-src 'self' https: http:; font-src 'self' data:; " +
		"connect-src " + connect + "; frame-src https:; object-src 'none'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}

// safeHost reports whether host (from the request) can go into a policy
// as it is: a name or address and a port, nothing that could end or add
// a directive.
func safeHost(host string) bool {
	if host == "" || len(host) > 255 {
		return false
	}
	return strings.Trim(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == ""
}
