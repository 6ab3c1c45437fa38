package main

import (
	"strings"
	"testing"

	"github.com/hookscope/hookscope-go/examples/internal/maintest"
)

func TestMain(m *testing.M) { maintest.Main(m, main) }

// TestFlags: -h prints usage naming HOOKSCOPE_API_KEY, HOOKSCOPE_BASE_URL and
// the flags, and exits 0; a bad flag or argument exits 2 with the reason.
func TestFlags(t *testing.T) {
	maintest.CheckFlags(t, "-format", "-out", "-state", "-since", "-limit")
}

// TestFormatUsageError: a -format the example does not write is a usage
// error (exit 2), before any request.
func TestFormatUsageError(t *testing.T) {
	code, _, errOut := maintest.Run(t, "-format", "xml")
	if code != 2 || !strings.Contains(errOut, `-format "xml": want ndjson or csv`) {
		t.Errorf("-format xml: exit %d, stderr %q", code, errOut)
	}
}
