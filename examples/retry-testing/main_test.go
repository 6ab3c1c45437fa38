package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// These tests are the point of this example: how to test your own retry
// handling. Each starts a mock with a fixed seed and clock, makes it fail on
// /v1/logs with InjectFault, calls the program's own function with the
// program's own client (its real retry policy), and checks both the result
// and what reached the server (srv.Requests).

var testNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

// setup returns a mock, a client with the program's policy, and the rows
// failedSince returns when nothing goes wrong.
func setup(t *testing.T) (*mockserver.Server, *hookscope.Client, []hookscope.LogEntry) {
	t.Helper()
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(2000),
		mockserver.WithClock(func() time.Time { return testNow }))
	t.Cleanup(srv.Close)
	c, err := newClient(srv.APIKey(), srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if err != nil || len(rows) == 0 {
		t.Fatalf("no baseline: %d rows, %v", len(rows), err)
	}
	return srv, c, rows
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
	srv, c, want := setup(t)
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
	srv, c, _ := setup(t)
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
	srv, c, _ := setup(t)
	before := len(srv.Requests())
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 429, RetryAfter: 2 * time.Minute, Times: 1})

	start := time.Now()
	_, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("took %s: the 2-minute Retry-After was slept", elapsed)
	}
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
}

// A short Retry-After, within the policy, is slept and retried.
func TestShortRetryAfterIsHonoured(t *testing.T) {
	srv, c, want := setup(t)
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 429, RetryAfter: time.Second, Times: 1})

	start := time.Now()
	rows, err := failedSince(context.Background(), c, testNow.Add(-24*time.Hour))
	if err != nil || !sameRows(rows, want) {
		t.Fatalf("failedSince: %d rows, %v", len(rows), err)
	}
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond {
		t.Errorf("retried after %s, before the 1 s Retry-After", elapsed)
	}
}

// A connection closed without an answer is retried like a 503.
func TestRetriesADroppedConnection(t *testing.T) {
	srv, c, want := setup(t)
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
// outlives it.
func TestDeadlineBeatsASlowAnswer(t *testing.T) {
	srv, c, _ := setup(t)
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Delay: 3 * time.Second})

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := failedSince(ctx, c, testNow.Add(-24*time.Hour))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("returned after %s, long past the 200 ms deadline", elapsed)
	}
}

// The program's report, against the mock.
func TestRun(t *testing.T) {
	_, c, want := setup(t)
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
