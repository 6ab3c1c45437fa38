package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestQuickstartRuns runs the whole report, as `go run ./examples/quickstart` does.
func TestQuickstartRuns(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Endpoints", "Slowest attempts", "Inbound messages", "has_more", "Today (UTC)", "Plan gate", "(day)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
