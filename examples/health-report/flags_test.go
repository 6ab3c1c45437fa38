package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hookscope/hookscope-go/examples/internal/maintest"
)

func TestMain(m *testing.M) { maintest.Main(m, main) }

// TestFlags: -h prints usage naming HOOKSCOPE_API_KEY, HOOKSCOPE_BASE_URL and
// the flags, and exits 0; a bad flag or argument exits 2 with the reason.
func TestFlags(t *testing.T) {
	maintest.CheckFlags(t, "-window", "-messages", "-json")
}

// TestReportJSON: -json prints the same figures as one JSON document.
func TestReportJSON(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, c, &out, config{Now: testNow, Window: 24 * time.Hour, PerEndpoint: 20, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var rep jsonReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(rep.Endpoints) == 0 || rep.Window != "24h" {
		t.Fatalf("report: %+v", rep)
	}
	sampled := 0
	for _, e := range rep.Endpoints {
		wh, err := c.Webhooks.Get(ctx, e.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != wh.Name || e.SuccessRatePct != wh.DeliveryStats.SuccessRate {
			t.Errorf("%s: %+v, API says %s %.2f", e.ID, e, wh.Name, wh.DeliveryStats.SuccessRate)
		}
		if e.SampleMessages > 20 {
			t.Errorf("%s: %d messages sampled, at most 20", e.Name, e.SampleMessages)
		}
		if p := e.Phases["ttfb"]; p.P50 != nil {
			sampled++
			if p.P95 == nil || *p.P95 < *p.P50 {
				t.Errorf("%s: ttfb p50 %d, p95 %v", e.Name, *p.P50, p.P95)
			}
		}
	}
	if sampled == 0 {
		t.Error("no endpoint has a ttfb sample")
	}
}
