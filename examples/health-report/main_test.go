package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

var testNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

func newClient(t *testing.T) *hookscope.Client {
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(3000),
		mockserver.WithClock(func() time.Time { return testNow }))
	t.Cleanup(srv.Close)
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReport runs the report against the mock and checks its rows against
// figures computed here from the same API.
func TestReport(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	var out bytes.Buffer
	cfg := config{Now: testNow, Window: 24 * time.Hour, PerEndpoint: 20}
	if err := run(ctx, c, &out, cfg); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	report := out.String()
	t.Log("\n" + report)
	lines := strings.Split(report, "\n")
	row := func(name string) []string {
		t.Helper()
		for _, l := range lines {
			if strings.HasPrefix(l, name+"  ") {
				return strings.Fields(strings.TrimPrefix(l, name))
			}
		}
		t.Fatalf("no row for %q", name)
		return nil
	}

	if !strings.Contains(report, "at most 20 messages per endpoint created in the 24h before 2026-05-06T15:04:05Z") {
		t.Error("the report does not state its bounds")
	}
	n := 0
	for wh, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		full, err := c.Webhooks.Get(ctx, wh.ID, &hookscope.WebhookGetParams{IncludeEvents: true})
		if err != nil {
			t.Fatal(err)
		}
		h := full.Health()
		// KIND, RATE, CLASS, RESPONSE TIME, ACTIVITY, SAMPLE (4 words), 5 phases.
		f := row(wh.Name)
		if len(f) != 14 {
			t.Fatalf("%s: %d fields: %v", wh.Name, len(f), f)
		}
		if f[0] != string(wh.Kind) || f[2] != h.SuccessRate.String() || f[3] != h.ResponseTime.String() || f[4] != h.Activity.String() {
			t.Errorf("%s: %v, want kind %s and classes %s %s %s", wh.Name, f, wh.Kind, h.SuccessRate, h.ResponseTime, h.Activity)
		}

		// The sample and its TTFB percentiles, computed independently: the
		// newest 20 messages of the window and all their attempts.
		page, err := c.Logs.List(ctx, &hookscope.LogListParams{EndpointID: wh.ID, StartTime: testNow.Add(-24 * time.Hour), EndTime: testNow, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		var ttfb []int64
		attempts := 0
		for _, e := range page.Data {
			for a, err := range c.Attempts.AllOutbound(ctx, e.MessageID) {
				if err != nil {
					t.Fatal(err)
				}
				attempts++
				if a.TTFBMS != nil {
					ttfb = append(ttfb, *a.TTFBMS)
				}
			}
		}
		if f[5] != strconv.Itoa(len(page.Data)) || f[7] != strconv.Itoa(attempts) {
			t.Errorf("%s: sample %v, want %d msgs, %d attempts", wh.Name, f[5:9], len(page.Data), attempts)
		}
		if want := p50p95(ttfb); f[12] != want {
			t.Errorf("%s: TTFB %s, want %s", wh.Name, f[12], want)
		}
	}
	if n < 8 {
		t.Errorf("%d endpoints", n)
	}
	if !strings.Contains(report, strconv.Itoa(n)+" endpoints.") {
		t.Errorf("the report does not count %d endpoints", n)
	}

	// The mock's healthy endpoint and its dead one (network errors only:
	// DNS and TCP times but no TLS, TTFB or transfer).
	if f := row("Orders service"); f[1] != "100.00%" || f[2] != "excellent" || f[3] != "fast" || f[4] != "active" {
		t.Errorf("Orders service: %v", f)
	}
	if f := row("Legacy CRM"); f[2] != "critical" || f[4] != "failing" || f[11] != "-" || f[12] != "-" || f[13] != "-" || f[9] == "-" {
		t.Errorf("Legacy CRM: %v", f)
	}
	if f := row("Paused staging hook"); f[4] != "idle" || f[5] != "0" {
		t.Errorf("Paused staging hook: %v", f)
	}
}

func TestPercentile(t *testing.T) {
	var vs []int64
	for i := int64(20); i >= 1; i-- {
		vs = append(vs, i)
	}
	if got := p50p95(vs); got != "10/19" {
		t.Errorf("p50p95(1..20) = %s, want 10/19", got)
	}
	if got := p50p95([]int64{7}); got != "7/7" {
		t.Errorf("p50p95(7) = %s", got)
	}
	if got := p50p95(nil); got != "-" {
		t.Errorf("p50p95() = %s", got)
	}
}
