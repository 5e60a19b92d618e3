package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/podium-talks/podium/server/deck"
)

// Site is the static copy of a talk: file name (slash path) → contents.
// It holds index.html (the deck inside), podium.css, theme.css, podium.js
// (web/static.js and its modules as a classic script) and the deck's
// assets under deck/; never the chapter sources, the notes or the
// presenter pages.
type Site map[string][]byte

var siteTemplate = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="{{.Lang}}" data-theme="{{.Theme}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>{{.Title}}</title>
{{if .Author}}<meta name="author" content="{{.Author}}">
{{end}}<link rel="icon" href="data:,">
<link rel="stylesheet" href="podium.css">
<link rel="stylesheet" href="theme.css">
<script type="application/json" id="podium-deck">{{.Deck}}</script>
<script src="podium.js" defer></script>
</head>
<body>
<main id="podium" class="podium" aria-roledescription="presentation" aria-label="{{.Title}}">
<noscript><p class="noscript">This presentation needs JavaScript. 演示需要启用 JavaScript。</p></noscript>
</main>
</body>
</html>
`))

// HTML builds the static copy of the talk. Its pages load from file://
// and from any static host: relative URLs only, one classic script, the
// deck embedded in index.html.
func (t *Talk) HTML() (Site, error) {
	js, err := bundle(t.Web, "static.js")
	if err != nil {
		return nil, err
	}
	css, err := fs.ReadFile(t.Web, "podium.css")
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	// The slides name their assets /deck/NAME, an absolute path that a
	// file:// page or a site in a subfolder cannot resolve; the copy has
	// them at deck/NAME beside index.html.
	rel := strings.NewReplacer(`src="/deck/`, `src="deck/`, `href="/deck/`, `href="deck/`)
	vd := t.viewDeck(func(s string) string {
		if rest, ok := strings.CutPrefix(s, "/deck/"); ok {
			return "deck/" + rest // a background image's URL
		}
		return rel.Replace(s)
	})
	dj, err := json.Marshal(vd)
	if err != nil {
		return nil, err
	}
	var page bytes.Buffer
	m := t.Deck.Meta
	err = siteTemplate.Execute(&page, map[string]any{
		"Lang": m.Lang, "Theme": t.Theme, "Title": m.Title, "Author": m.Author,
		// json.Marshal escapes <, > and &, so the JSON cannot end the script.
		"Deck": template.JS(dj),
	})
	if err != nil {
		return nil, err
	}
	site := Site{"index.html": page.Bytes(), "podium.css": css, "theme.css": t.ThemeCSS, "podium.js": js}
	// Only the assets the slides name: a deck folder may hold drafts and
	// other files that were never meant to be published.
	var refs []string
	for _, m := range assetRE.FindAllSubmatch(dj, -1) {
		refs = append(refs, string(m[1]))
	}
	for _, sl := range vd.Slides {
		if sl.Background != nil {
			if rest, ok := strings.CutPrefix(sl.Background.Image, "deck/"); ok {
				rest, _, _ = strings.Cut(rest, "?") // the version (?v=) names the content
				refs = append(refs, rest)
			}
		}
	}
	for _, ref := range refs {
		// What the server would serve under /deck/, and nothing else: the
		// same allowlist, and only regular files (a FIFO would hang the copy).
		name, err := url.PathUnescape(ref)
		if _, ok := deck.AssetType(name); err != nil || !ok || site["deck/"+name] != nil {
			continue
		}
		if fi, err := fs.Stat(t.Files, name); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		data, err := fs.ReadFile(t.Files, name)
		if err != nil {
			return nil, fmt.Errorf("deck asset %s: %w", name, err)
		}
		site["deck/"+name] = data
	}
	return site, nil
}

// assetRE finds the deck assets in the slides' HTML (as JSON: quotes
// escaped), after the rewrite to deck/NAME. The URL ends at the quote or
// at a query or fragment.
var assetRE = regexp.MustCompile(`(?:src|href)=\\"deck/([^"\\?#]+)`)

// Write writes the site into the folder dir, creating it. Files of an
// earlier export that the site no longer has are left alone.
func (s Site) Write(dir string) error {
	for name, data := range s {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writeFile(p, data); err != nil {
			return err
		}
	}
	return nil
}
