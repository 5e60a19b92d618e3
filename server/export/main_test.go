package export

import (
	"testing"

	"github.com/podium-talks/podium/server/browsertest"
)

// TestMain shares one Chromium among the package's browser tests; each
// test gets a fresh browser context of its own (see browsertest.Main).
// The PDF tests start browsers of their own, as podium export does.
func TestMain(m *testing.M) { browsertest.Main(m) }
