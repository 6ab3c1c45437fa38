// Command retry-testing is a tiny program with a retry policy of its own,
// and main_test.go shows how to test that policy against mockserver with
// InjectFault: 503s that clear up, a 429 whose Retry-After is longer than the
// program will wait, a dropped connection, and a slow answer against the
// caller's deadline.
//
//	go run ./examples/retry-testing          # the program
//	go test ./examples/retry-testing -v      # its retry tests
//
// With HOOKSCOPE_API_KEY set the program reads the API at HOOKSCOPE_BASE_URL
// (default hookscope.DefaultBaseURL); without it, an in-process mock server
// with a fixed seed.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/examples/internal/exampleenv"
	"github.com/hookscope/hookscope-go/mockserver"
)

// The program's retry policy.
const (
	// maxRetries is how many times a failed request is retried (429, 5xx,
	// connection errors), after the first try.
	maxRetries = 3
	// retryWaitMin and retryWaitMax bound the backoff between retries.
	retryWaitMin = 100 * time.Millisecond
	retryWaitMax = 2 * time.Second
	// maxRetryAfter is the longest Retry-After the program sleeps; a longer
	// one is returned to the caller at once, as a *RetryLaterError.
	maxRetryAfter = 10 * time.Second
	// tryTimeout bounds each try.
	tryTimeout = 5 * time.Second
)

func main() {
	log.SetFlags(0)
	fs := exampleenv.NewFlags("retry-testing", "Shows the SDK's retry policy against injected faults (see also\ngo test -v ./examples/retry-testing).")
	exampleenv.ParseOrExit(fs)
	key, base := os.Getenv("HOOKSCOPE_API_KEY"), cmp.Or(os.Getenv("HOOKSCOPE_BASE_URL"), hookscope.DefaultBaseURL)
	now := time.Now()
	if key == "" {
		srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(5000))
		defer srv.Close()
		key, base = srv.APIKey(), srv.URL()
		fmt.Println("against an in-process mock (HOOKSCOPE_API_KEY is unset)")
	}
	c, err := newClient(key, base)
	if err != nil {
		log.Fatalf("retry-testing: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, c, os.Stdout, now); err != nil {
		cancel()
		log.Fatalf("retry-testing: %v", err)
	}
}

// newClient returns a client with the program's retry policy; extra options
// come after it (the tests add a logger that shows each try's decision).
func newClient(apiKey, baseURL string, extra ...hookscope.Option) (*hookscope.Client, error) {
	return hookscope.NewClient(apiKey, append([]hookscope.Option{
		hookscope.WithBaseURL(baseURL),
		hookscope.WithMaxRetries(maxRetries),
		hookscope.WithRetryWait(retryWaitMin, retryWaitMax),
		hookscope.WithMaxRetryAfter(maxRetryAfter),
		hookscope.WithTimeout(tryTimeout),
	}, extra...)...)
}

// RetryLaterError says the API asked for a longer wait than the program
// sleeps: the caller should schedule the call again after After.
type RetryLaterError struct {
	After time.Duration
	Err   error
}

func (e *RetryLaterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.After, e.Err)
}

func (e *RetryLaterError) Unwrap() error { return e.Err }

// failedSince returns the messages that failed permanently since the given
// time, newest first. The client retries what it can within the policy; a
// rate limit it will not wait out becomes a *RetryLaterError.
func failedSince(ctx context.Context, c *hookscope.Client, since time.Time) ([]hookscope.LogEntry, error) {
	var rows []hookscope.LogEntry
	params := &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent, StartTime: since, Limit: hookscope.LogsMaxLimit}
	for e, err := range c.Logs.All(ctx, params) {
		if err != nil {
			if apiErr, ok := errors.AsType[*hookscope.APIError](err); ok && apiErr.RetryAfter > 0 {
				return rows, &RetryLaterError{After: apiErr.RetryAfter, Err: err}
			}
			return rows, err
		}
		rows = append(rows, *e)
	}
	return rows, nil
}

// run prints the failures of the 24 hours before now.
func run(ctx context.Context, c *hookscope.Client, out io.Writer, now time.Time) error {
	rows, err := failedSince(ctx, c, now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d deliveries failed permanently in the last 24 h\n", len(rows))
	for _, e := range rows[:min(5, len(rows))] {
		fmt.Fprintf(out, "  %s  %s  attempts: %d  %s\n", e.CreatedAt.Format(time.RFC3339), e.Endpoint, e.AttemptCount, e.LastError)
	}
	return nil
}
