package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

var testNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

// TestCompare runs the comparison against the mock and checks its figures
// against queries made here without grouping or without the comparison.
func TestCompare(t *testing.T) {
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(3000),
		mockserver.WithClock(func() time.Time { return testNow }))
	defer srv.Close()
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, c, &out, testNow, 24*time.Hour); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	report := out.String()
	t.Log("\n" + report)
	fields := func(name string) []string {
		t.Helper()
		for _, l := range strings.Split(report, "\n") {
			if strings.HasPrefix(l, name+"  ") {
				return strings.Fields(strings.TrimPrefix(l, name))
			}
		}
		t.Fatalf("no row for %q", name)
		return nil
	}
	sum := func(metric hookscope.Metric, groupBy hookscope.GroupBy, group string, compare bool) (now, prior int64) {
		t.Helper()
		p := &hookscope.WebhookMetricsParams{Metric: metric, GroupBy: groupBy, From: testNow.Add(-24 * time.Hour), To: testNow}
		if compare {
			p.CompareTo = hookscope.ComparePriorPeriod
		}
		for b, err := range c.Metrics.WebhookBuckets(ctx, p) {
			if err != nil {
				t.Fatal(err)
			}
			if b.Group != group {
				continue
			}
			if b.Value != nil {
				now += *b.Value
			}
			if b.PriorValue != nil {
				prior += *b.PriorValue
			}
		}
		return now, prior
	}
	i64 := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%q is not a count", s)
		}
		return n
	}

	// TOTAL: the window's figures are those of the ungrouped series; its
	// prior figures add up the endpoints' rows, which leave out an endpoint
	// with attempts in the prior period but none in the window (the API
	// gives it no row).
	total := fields("TOTAL")
	d, _ := sum(hookscope.MetricDelivered, "", "", true)
	f, _ := sum(hookscope.MetricFailed, "", "", true)
	if d == 0 || f == 0 {
		t.Fatal("no delivered or failed attempts in the mock's last 24 h")
	}
	var dPrior, fPrior int64
	for wh, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		_, p := sum(hookscope.MetricDelivered, hookscope.GroupByEndpointID, wh.ID, true)
		dPrior += p
		_, p = sum(hookscope.MetricFailed, hookscope.GroupByEndpointID, wh.ID, true)
		fPrior += p
	}
	if i64(total[0]) != d || i64(total[1]) != dPrior || total[2] != change(d, dPrior) ||
		i64(total[3]) != f || i64(total[4]) != fPrior || total[5] != change(f, fPrior) {
		t.Errorf("TOTAL %v, want delivered %d (prior %d), failed %d (prior %d)", total, d, dPrior, f, fPrior)
	}

	// Each endpoint: its grouped series without the comparison, and a
	// sparkline of one character per hourly bucket (25 for 24 h).
	for wh, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		row := fields(wh.Name)
		d, _ := sum(hookscope.MetricDelivered, hookscope.GroupByEndpointID, wh.ID, false)
		f, _ := sum(hookscope.MetricFailed, hookscope.GroupByEndpointID, wh.ID, false)
		if i64(row[0]) != d || i64(row[3]) != f {
			t.Errorf("%s: %v, want %d delivered and %d failed", wh.Name, row, d, f)
		}
		var sparks []string
		for _, s := range row[6:] {
			if strings.ContainsAny(s, string(sparkBars)) {
				sparks = append(sparks, s)
			}
		}
		want := 0
		for _, n := range []int64{d, f} {
			if n > 0 {
				want++
			}
		}
		if len(sparks) != want {
			t.Errorf("%s: %d sparklines, want %d: %v", wh.Name, len(sparks), want, row)
		}
		for _, s := range sparks {
			if utf8.RuneCountInString(s) != 25 {
				t.Errorf("%s: sparkline %q has %d hours, want 25", wh.Name, s, utf8.RuneCountInString(s))
			}
		}
	}
	if row := fields("Legacy CRM"); row[0] != "0" || row[1] != "-" || row[3] == "0" {
		t.Errorf("the dead endpoint: %v", row)
	}
	if !strings.Contains(report, "Window 2026-05-05T15:04:05Z to 2026-05-06T15:04:05Z, hourly, against 2026-05-04T15:04:05Z to 2026-05-05T15:04:05Z.") {
		t.Error("the report does not state its windows")
	}
}

func TestSparkline(t *testing.T) {
	vals := func(vs ...int64) *series {
		s := &series{}
		for _, v := range vs {
			s.Hourly = append(s.Hourly, new(v))
		}
		return s
	}
	for _, tc := range []struct {
		s    *series
		want string
	}{
		{vals(0, 1, 2, 3, 4, 5, 6, 7), "▁▂▃▄▅▆▇█"},
		{vals(0, 70, 35), "▁█▅"},
		{vals(0, 0), "▁▁"},
		{&series{Hourly: []*int64{new(int64(4)), nil}}, "█ "},
		{nil, ""},
	} {
		if got := sparkline(tc.s); got != tc.want {
			t.Errorf("sparkline = %q, want %q", got, tc.want)
		}
	}
}

func TestChange(t *testing.T) {
	for _, tc := range []struct {
		now, prior int64
		want       string
	}{
		{110, 100, "+10.0%"}, {50, 200, "-75.0%"}, {3, 3, "+0.0%"}, {5, 0, "new"}, {0, 0, "-"}, {0, 4, "-100.0%"},
	} {
		if got := change(tc.now, tc.prior); got != tc.want {
			t.Errorf("change(%d, %d) = %q, want %q", tc.now, tc.prior, got, tc.want)
		}
	}
}

func TestBadWindow(t *testing.T) {
	if err := run(context.Background(), nil, new(bytes.Buffer), testNow, 90*time.Minute); err == nil {
		t.Error("a window of 90m was accepted")
	}
}
