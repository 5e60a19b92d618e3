// Package slides holds the talk that ships with podium,
// "kubernetes横空出世背后的秘密".
package slides

import "embed"

// FS is the talk the binary carries as a fallback: the chapter files and
// the images they use, served when no deck folder is given.
//
//go:embed *.md *.svg
var FS embed.FS
