// Package themes holds podium's themes, one folder each: theme.css (CSS
// custom properties and slide styling on top of web/podium.css) and
// theme.json naming the chroma style that colours code blocks. The server
// appends that style's CSS to theme.css once at start.
package themes

import "embed"

// FS is the themes folder: <name>/theme.css and <name>/theme.json.
//
//go:embed */theme.css */theme.json
var FS embed.FS
