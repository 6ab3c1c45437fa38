package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hookscope/hookscope-go/examples/internal/exampleenv"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestQuickstartRuns runs the whole report, as `go run ./examples/quickstart` does.
func TestQuickstartRuns(t *testing.T) {
	t.Setenv("HOOKSCOPE_API_KEY", "")
	env, err := exampleenv.Connect(3000)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var out bytes.Buffer
	if err := run(context.Background(), &out, env, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Endpoints", "Slowest attempts", "Inbound messages", "has_more", "Today (UTC)", "Plan gate", "(day)",
		"MESSAGES OK", "24H OK ATTEMPTS", "24H FAILED ATTEMPTS", "messages: ", "failed messages: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	checkReconciles(t, out.String(), 1, 2) // 2 unless the window starts at midnight
}

// checkReconciles: the plan gate's successful attempts, summed over every
// page of its buckets, equal the TOTAL of the endpoints' 24H OK ATTEMPTS
// column: both count the same 24 hours.
func checkReconciles(t *testing.T, report string, buckets ...int) {
	t.Helper()
	total := regexp.MustCompile(`(?m)^  TOTAL\s+(\d+)\s+(\d+)$`).FindStringSubmatch(report)
	gate := regexp.MustCompile(`(\d+) buckets over the last 24 h, (\d+) successful attempts`).FindStringSubmatch(report)
	if total == nil || gate == nil {
		t.Fatalf("report lacks the TOTAL row or the plan gate's figures:\n%s", report)
	}
	if gate[2] != total[1] || total[1] == "0" {
		t.Errorf("plan gate counts %s successful attempts, the endpoints' total is %s:\n%s", gate[2], total[1], report)
	}
	if !slices.Contains(buckets, atoi(t, gate[1])) {
		t.Errorf("plan gate read %s buckets, want one of %v (every page):\n%s", gate[1], buckets, report)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestQuickstartAgainstAnAPI runs the report as it runs against an account:
// HOOKSCOPE_API_KEY and HOOKSCOPE_BASE_URL set (here to a mock standing in
// for the API), inbound ids given, the plan gate tried with the user's key.
func TestQuickstartAgainstAnAPI(t *testing.T) {
	api := mockserver.New(mockserver.WithSeed(7), mockserver.WithMessages(800))
	defer api.Close()
	t.Setenv("HOOKSCOPE_API_KEY", api.APIKey())
	t.Setenv("HOOKSCOPE_BASE_URL", api.URL())
	env, err := exampleenv.Connect(3000)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if env.Mock != nil {
		t.Fatal("an in-process mock was started although HOOKSCOPE_API_KEY is set")
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, env, api.InboundMessageIDs()[:2]); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"against " + api.URL(), api.InboundMessageIDs()[0], "Plan gate: minute metrics are allowed with your key"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	// 24 hours of minutes: 1441 buckets (1440 when the window starts on the
	// minute), two pages of the default 1000.
	checkReconciles(t, out.String(), 1440, 1441)
	if n := len(api.Requests()); n < 10 {
		t.Errorf("only %d requests reached HOOKSCOPE_BASE_URL", n)
	}
}

// run writes the report to out as text. inboundIDs are the inbound
// messages to report; with none given, an in-process mock's own are used.
func run(ctx context.Context, out io.Writer, env *exampleenv.Env, inboundIDs []string) error {
	return runReport(ctx, out, env, inboundIDs, false)
}
