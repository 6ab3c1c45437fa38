package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hookscope/hookscope-go/examples/internal/exampleenv"

	"github.com/hookscope/hookscope-go/examples/internal/maintest"
)

func TestMain(m *testing.M) { maintest.Main(m, main) }

// TestFlags: -h prints usage naming HOOKSCOPE_API_KEY, HOOKSCOPE_BASE_URL and
// the flags, and exits 0; a bad flag or argument exits 2 with the reason.
func TestFlags(t *testing.T) {
	maintest.CheckFlags(t, "-inbound", "-json")
}

// TestQuickstartJSON: -json prints the report's figures, which reconcile:
// the endpoints' successful attempts add up to the total, and the plan
// gate's sum over every bucket equals it.
func TestQuickstartJSON(t *testing.T) {
	t.Setenv("HOOKSCOPE_API_KEY", "")
	env, err := exampleenv.Connect(3000)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var out bytes.Buffer
	if err := runReport(context.Background(), &out, env, nil, true); err != nil {
		t.Fatal(err)
	}
	var rep jsonReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	var ok int64
	for _, e := range rep.Endpoints {
		ok += e.OKAttempts
	}
	if ok != rep.OKAttempts || rep.OKAttempts == 0 {
		t.Errorf("Σ endpoints %d, total %d", ok, rep.OKAttempts)
	}
	if g := rep.PlanGate; g.OKAttempts != rep.OKAttempts || g.Used != "day" || g.Refused == "" {
		t.Errorf("plan gate %+v, total %d", g, rep.OKAttempts)
	}
	if rep.Today == nil || len(rep.Slowest) == 0 || len(rep.Inbound) == 0 || rep.To.Sub(rep.From) != 24*time.Hour {
		t.Errorf("report incomplete: %+v", rep)
	}
}
