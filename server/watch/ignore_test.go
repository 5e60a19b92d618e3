package watch_test

import (
	"testing"

	"github.com/podium-talks/podium/server/watch"
)

func TestIgnored(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"02-standards.md", false},
		{"/talk/img/logo.svg", false},
		{"theme.css", false},
		{"README", false},
		{"2024-results.png", false},
		{"sed.md", false},
		{"sediment.md", false},
		{"#hashtags.md", false},
		{"slides.swift", false},

		{".02-standards.md.swp", true}, // vim swap
		{".02-standards.md.swx", true}, // vim swap, when .swp is taken
		{"02-standards.md.swo", true},  // vim swap of a hidden file's sibling
		{"4913", true},                 // vim's probe
		{"5036", true},                 // vim's probe, when 4913 is taken
		{"02-standards.md~", true},     // vim and emacs backup
		{".#02-standards.md", true},    // emacs lock
		{"#02-standards.md#", true},    // emacs auto-save
		{"02-standards.md___jb_tmp___", true},
		{"02-standards.md___jb_old___", true},
		{".goutputstream-3KQ7Z2", true}, // gedit
		{"sedK3xQ9a", true},             // sed -i
		{".git", true},
		{"/talk/.DS_Store", true},
	}
	for _, tt := range tests {
		if got := watch.Ignored(tt.name); got != tt.want {
			t.Errorf("Ignored(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
