package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// newMock starts a mock with a fixed clock and points the example at it
// through HOOKSCOPE_API_KEY and HOOKSCOPE_BASE_URL, as a user points it at
// the real API. It returns the ids of the failed_permanent messages, newest
// first.
func newMock(t *testing.T) []string {
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(3000),
		mockserver.WithClock(func() time.Time { return now }))
	t.Cleanup(srv.Close)
	t.Setenv("HOOKSCOPE_API_KEY", srv.APIKey())
	t.Setenv("HOOKSCOPE_BASE_URL", srv.URL())

	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for e, err := range c.Logs.All(context.Background(), &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent, Limit: 500}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.MessageID)
	}
	if len(ids) < 100 {
		t.Fatalf("only %d failed_permanent messages in the mock", len(ids))
	}
	return ids
}

func stopped() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

// TestExportNDJSON exports to stdout and checks every line.
func TestExportNDJSON(t *testing.T) {
	want := newMock(t)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-limit", "100"}, &stdout, &stderr, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	var got []string
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var e hookscope.LogEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d is not a log entry: %v: %s", len(got)+1, err, sc.Text())
		}
		if e.Status != hookscope.StatusFailedPermanent || e.AttemptCount == 0 || e.LastError == "" || e.Endpoint == "" {
			t.Errorf("line %d: %+v", len(got)+1, e)
		}
		got = append(got, e.MessageID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("exported %d rows, want the %d failed_permanent messages in log order", len(got), len(want))
	}
	progress := stderr.String()
	for _, s := range []string{"from " + os.Getenv("HOOKSCOPE_BASE_URL"), "rows/s", ", complete"} {
		if !strings.Contains(progress, s) {
			t.Errorf("stderr lacks %q:\n%s", s, progress)
		}
	}
	if !strings.Contains(progress, "\r"+strconv.Itoa(len(want))+" rows, ") {
		t.Errorf("the last progress line does not count %d rows:\n%q", len(want), progress)
	}
}

// TestExportCSVResume interrupts a CSV export twice and resumes it from the
// state file: the file ends with every row once and one header.
func TestExportCSVResume(t *testing.T) {
	want := newMock(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "failed.csv"), filepath.Join(dir, "state.json")
	args := []string{"-format", "csv", "-out", out, "-state", state, "-limit", "40"}

	// Two runs stopped after their first page, as Ctrl-C would.
	for i, wantRows := range []int{40, 80} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, &stdout, &stderr, stopped()); err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("run %d wrote to stdout with -out", i+1)
		}
		if !strings.Contains(stderr.String(), "stopped; run the same command again") {
			t.Errorf("run %d did not say it stopped:\n%s", i+1, stderr.String())
		}
		if i == 1 && !strings.Contains(stderr.String(), "resuming after 40 rows") {
			t.Errorf("run 2 did not resume:\n%s", stderr.String())
		}
		b, err := os.ReadFile(state)
		if err != nil {
			t.Fatalf("run %d left no state file: %v", i+1, err)
		}
		var st exportState
		if err := json.Unmarshal(b, &st); err != nil || st.Cursor == "" || st.Rows != wantRows || st.Format != "csv" {
			t.Fatalf("run %d state %s (err %v)", i+1, b, err)
		}
	}
	// A resume in another format is refused rather than mixing formats.
	if err := run(context.Background(), []string{"-out", out, "-state", state}, new(bytes.Buffer), new(bytes.Buffer), nil); err == nil ||
		!strings.Contains(err.Error(), "csv export") {
		t.Errorf("resume as ndjson: %v", err)
	}

	// The third run goes to the end and removes the state.
	var stderr bytes.Buffer
	if err := run(context.Background(), args, new(bytes.Buffer), &stderr, nil); err != nil {
		t.Fatalf("run 3: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("state file left after a complete export: %v", err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(records[0], ",") != strings.Join(csvHeader, ",") {
		t.Errorf("header %v", records[0])
	}
	var got []string
	for i, rec := range records[1:] {
		if rec[0] == "message_id" {
			t.Fatalf("a second header at record %d", i+1)
		}
		if rec[2] != "failed_permanent" || rec[4] == "" || rec[9] == "" {
			t.Errorf("record %d: %v", i+1, rec)
		}
		got = append(got, rec[0])
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after two resumes the file has %d rows, want the %d failed_permanent messages once each, in order", len(got), len(want))
	}
}
