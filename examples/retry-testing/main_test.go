package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// These tests are the point of this example: how to test your own retry
// handling. Each starts a mock with a fixed seed and clock, makes it fail on
// /v1/logs with InjectFault, calls the program's own function with the
// program's own client (its real retry policy), and checks the result, what
// reached the server (srv.Requests), and the client's decision about each
// try (its debug log: whether it retries and after what wait). No test
// times anything with a stopwatch: on a loaded machine that only fails.

var testNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

// try is the client's debug record of one try.
type try struct {
	status     int // 0: no answer
	retry      bool
	retryAfter time.Duration // the wait before the retry, when retry
}

// tryLog is a slog.Handler that keeps the client's per-try records.
type tryLog struct {
	mu   sync.Mutex
	recs []try
}

func (l *tryLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *tryLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *tryLog) WithGroup(string) slog.Handler            { return l }
func (l *tryLog) Handle(_ context.Context, r slog.Record) error {
	var t try
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "status":
			t.status = int(a.Value.Int64())
		case "retry":
			t.retry = a.Value.Bool()
		case "retry_after":
			t.retryAfter = a.Value.Duration()
		}
		return true
	})
	l.mu.Lock()
	l.recs = append(l.recs, t)
	l.mu.Unlock()
	return nil
}

// tries returns the records after the first skip.
func (l *tryLog) tries(skip int) []try {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]try(nil), l.recs[skip:]...)
}

func (l *tryLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recs)
}

// setup returns a mock, a client with the program's policy (and a log of
// its tries), and the rows failedSince returns when nothing goes wrong.
func setup(t *testing.T) (*mockserver.Server, *hookscope.Client, *tryLog, []hookscope.LogEntry) {
	t.Helper()
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(2000),
		mockserver.WithClock(func() time.Time { return testNow }))
	t.Cleanup(srv.Close)
	log := &tryLog{}
	c, err := newClient(srv.APIKey(), srv.URL(), hookscope.WithLogger(slog.New(log)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if err != nil || len(rows) == 0 {
		t.Fatalf("no baseline: %d rows, %v", len(rows), err)
	}
	return srv, c, log, rows
}

// statuses returns the statuses of the requests to /v1/logs after the first
// skip requests (0: no answer).
func statuses(srv *mockserver.Server, skip int) []int {
	var out []int
	for _, r := range srv.Requests()[skip:] {
		if r.Path == "/v1/logs" {
			out = append(out, r.Status)
		}
	}
	return out
}

func sameRows(a, b []hookscope.LogEntry) bool {
	return slices.EqualFunc(a, b, func(x, y hookscope.LogEntry) bool { return x.MessageID == y.MessageID })
}

// Two 503s, then the server recovers: the retries hide the outage.
func TestRetriesThroughTwo503s(t *testing.T) {
	srv, c, _, want := setup(t)
	before := len(srv.Requests())
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 2})

	rows, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if err != nil {
		t.Fatalf("failedSince: %v", err)
	}
	if !sameRows(rows, want) {
		t.Errorf("%d rows after the retries, want the same %d rows as without faults", len(rows), len(want))
	}
	if got := statuses(srv, before); !slices.Equal(got, []int{503, 503, 200}) {
		t.Errorf("requests answered %v, want [503 503 200]", got)
	}
}

// A server that stays down: the policy gives up after maxRetries retries
// with the last answer's error.
func TestGivesUpAfterMaxRetries(t *testing.T) {
	srv, c, _, _ := setup(t)
	before := len(srv.Requests())
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 500})

	_, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if !errors.Is(err, hookscope.ErrServer) {
		t.Fatalf("err = %v, want ErrServer", err)
	}
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	if !ok || apiErr.StatusCode != 500 || apiErr.Code != hookscope.CodeInternalError || apiErr.RequestID == "" {
		t.Errorf("err = %#v, want the last 500 with its code and request id", apiErr)
	}
	if got := statuses(srv, before); len(got) != maxRetries+1 {
		t.Errorf("%d tries %v, want %d", len(got), got, maxRetries+1)
	}
}

// A 429 asking for longer than maxRetryAfter is not slept: it comes back at
// once as a RetryLaterError carrying the server's Retry-After.
func TestLongRetryAfterReturnsAtOnce(t *testing.T) {
	srv, c, log, _ := setup(t)
	before, logged := len(srv.Requests()), log.len()
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 429, RetryAfter: 2 * time.Minute, Times: 1})

	_, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	var later *RetryLaterError
	if !errors.As(err, &later) || later.After != 2*time.Minute {
		t.Fatalf("err = %v, want a RetryLaterError after 2m", err)
	}
	if !errors.Is(err, hookscope.ErrRateLimited) {
		t.Errorf("err = %v, want it to match ErrRateLimited", err)
	}
	if got := statuses(srv, before); !slices.Equal(got, []int{429}) {
		t.Errorf("requests answered %v, want one 429", got)
	}
	if got := log.tries(logged); !slices.Equal(got, []try{{status: 429}}) {
		t.Errorf("the client decided %+v, want no retry (and so no wait) after the 429", got)
	}
}

// A short Retry-After, within the policy, is the wait before the retry.
func TestShortRetryAfterIsHonoured(t *testing.T) {
	srv, c, log, want := setup(t)
	logged := log.len()
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 429, RetryAfter: time.Second, Times: 1})

	rows, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if err != nil || !sameRows(rows, want) {
		t.Fatalf("failedSince: %d rows, %v", len(rows), err)
	}
	got := log.tries(logged)
	if len(got) == 0 || got[0] != (try{status: 429, retry: true, retryAfter: time.Second}) {
		t.Errorf("the client decided %+v, want a retry after the server's 1 s first", got)
	}
}

// A connection closed without an answer is retried like a 503.
func TestRetriesADroppedConnection(t *testing.T) {
	srv, c, _, want := setup(t)
	before := len(srv.Requests())
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Drop: true, Times: 1})

	rows, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if err != nil || !sameRows(rows, want) {
		t.Fatalf("failedSince: %d rows, %v", len(rows), err)
	}
	got := statuses(srv, before)
	if !slices.Equal(got, []int{0, 200}) {
		t.Errorf("requests answered %v, want [0 200] (0: dropped)", got)
	}
}

// A slow server and the caller's deadline: the deadline wins, and no retry
// is scheduled past it.
func TestDeadlineBeatsASlowAnswer(t *testing.T) {
	srv, c, log, _ := setup(t)
	logged := log.len()
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Delay: 3 * time.Second})

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := failedSince(ctx, c, testNow.Add(-24*time.Hour))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	for _, tr := range log.tries(logged) {
		if tr.retry {
			t.Errorf("the client scheduled a retry %+v after the deadline", tr)
		}
	}
}

// The program's report, against the mock.
func TestRun(t *testing.T) {
	_, c, _, want := setup(t)
	var out bytes.Buffer
	if err := run(context.Background(), c, &out, testNow); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1+min(5, len(want)) {
		t.Fatalf("report:\n%s", out.String())
	}
	if head := fmt.Sprintf("%d deliveries failed permanently in the last 24 h", len(want)); lines[0] != head {
		t.Errorf("first line %q, want %q", lines[0], head)
	}
	for i, e := range want[:len(lines)-1] {
		for _, s := range []string{e.CreatedAt.Format(time.RFC3339), e.Endpoint, e.LastError, fmt.Sprintf("attempts: %d", e.AttemptCount)} {
			if !strings.Contains(lines[i+1], s) {
				t.Errorf("row %d %q lacks %q", i+1, lines[i+1], s)
			}
		}
	}
}
