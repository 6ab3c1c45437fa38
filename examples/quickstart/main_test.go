package main

import (
	"bytes"
	"context"
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
	for _, want := range []string{"Endpoints", "Slowest attempts", "Inbound messages", "has_more", "Today (UTC)", "Plan gate", "(day)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
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
	if n := len(api.Requests()); n < 10 {
		t.Errorf("only %d requests reached HOOKSCOPE_BASE_URL", n)
	}
}
