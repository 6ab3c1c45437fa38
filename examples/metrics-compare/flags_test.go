package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"

	"github.com/hookscope/hookscope-go/examples/internal/maintest"
)

func TestMain(m *testing.M) { maintest.Main(m, main) }

// TestFlags: -h prints usage naming HOOKSCOPE_API_KEY, HOOKSCOPE_BASE_URL and
// the flags, and exits 0; a bad flag or argument exits 2 with the reason.
func TestFlags(t *testing.T) {
	maintest.CheckFlags(t, "-window", "-json")
}

// TestCompareJSON: -json prints the figures of the table, totals included.
func TestCompareJSON(t *testing.T) {
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(3000),
		mockserver.WithClock(func() time.Time { return testNow }))
	defer srv.Close()
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var table, doc bytes.Buffer
	if err := run(ctx, c, &table, testNow, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := runJSON(ctx, c, &doc, testNow, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	var rep jsonReport
	if err := json.Unmarshal(doc.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc.String())
	}
	if !rep.PriorTo.Equal(rep.From) || rep.To.Sub(rep.From) != 24*time.Hour {
		t.Errorf("window %s..%s, prior %s..%s", rep.From, rep.To, rep.PriorFrom, rep.PriorTo)
	}
	tot := rep.Total
	want := fmt.Sprintf("TOTAL  %d  %d", tot.Delivered.Total, tot.Delivered.Prior)
	if !strings.Contains(strings.Join(strings.Fields(table.String()), "  "), want) || tot.Delivered.Total == 0 {
		t.Errorf("JSON totals %+v do not match the table:\n%s", tot, table.String())
	}
	var sum int64
	for _, e := range rep.Endpoints {
		sum += e.Failed.Total
	}
	if sum != tot.Failed.Total {
		t.Errorf("Σ failed %d, total %d", sum, tot.Failed.Total)
	}
}
