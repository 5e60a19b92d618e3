package server

import (
	"testing"

	bt "github.com/podium-talks/podium/server/browsertest"
	"github.com/podium-talks/podium/server/diagram"
)

// TestMain shares one Chromium among the package's browser tests; each
// test gets a fresh browser context of its own (see browsertest.Main).
func TestMain(m *testing.M) { bt.Main(m) }

// testDiagrams renders the tests' Mermaid diagrams in a tab of that
// Chromium, for every server the tests start with diagrams (and with its
// cache: a diagram is drawn once per theme in the whole package).
var testDiagrams = diagram.NewIn(bt.Browser)
