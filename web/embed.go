// Package web holds podium's browser side: the page templates (*.html,
// Go html/template), the ES modules and the common stylesheet. The files
// are embedded so the binary carries them; cmd/podium hands FS to the
// server, and --dev swaps in the folder on disk instead.
package web

import "embed"

// FS is the web folder: templates, JS modules, CSS and vendored
// libraries with their licences. The server serves every file that is not
// a template or Go source under one content-hashed prefix.
//
//go:embed *.html *.js *.css vendor
var FS embed.FS
