package server

import (
	"testing"

	bt "github.com/podium-talks/podium/server/internal/browsertest"
)

// TestMain shares one Chromium among the package's browser tests; each
// test gets a fresh browser context of its own (see browsertest.Main).
func TestMain(m *testing.M) { bt.Main(m) }
