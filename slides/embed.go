// Package slides holds the talk that ships with podium,
// "Kubernetes 横空出世背后的秘密".
package slides

import "embed"

// FS is the talk the binary carries as a fallback: the chapter files and
// the images and the style sheet they use, served when no deck folder is given.
//
//go:embed *.md *.svg *.css
var FS embed.FS
