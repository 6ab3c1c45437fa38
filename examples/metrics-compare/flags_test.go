package main

import (
	"testing"

	"github.com/hookscope/hookscope-go/examples/internal/maintest"
)

func TestMain(m *testing.M) { maintest.Main(m, main) }

// TestFlags: -h prints usage naming HOOKSCOPE_API_KEY, HOOKSCOPE_BASE_URL and
// the flags, and exits 0; a bad flag or argument exits 2 with the reason.
func TestFlags(t *testing.T) {
	maintest.CheckFlags(t, "-window")
}
