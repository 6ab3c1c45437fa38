package mockserver_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// A test of your own retry handling: the mock fails the way the real API
// would, and Requests shows what your client did about it. In a _test.go
// file the prints would be assertions.
func ExampleServer_InjectFault() {
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(200),
		mockserver.WithClock(func() time.Time { return now }))
	defer srv.Close()
	// Your retry policy: three retries, short waits (so the test is fast),
	// and at most 30 s of Retry-After.
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()),
		hookscope.WithMaxRetries(3), hookscope.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		hookscope.WithMaxRetryAfter(30*time.Second))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	// tries counts the requests that reached the server with each status
	// (0: dropped with no answer).
	tries := func() map[int]int {
		out := map[int]int{}
		for _, r := range srv.Requests() {
			out[r.Status]++
		}
		return out
	}

	// Two 503s, then the normal answer: the client retries through them.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 2})
	_, err = c.Logs.List(ctx, nil)
	fmt.Println("503 twice:", err, tries())

	// A 429 asking for longer than the client will wait: the error comes
	// back at once, with the server's Retry-After to schedule a retry.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 429, RetryAfter: 2 * time.Minute, Times: 1})
	_, err = c.Logs.List(ctx, nil)
	if apiErr, ok := errors.AsType[*hookscope.APIError](err); ok {
		fmt.Println("429:", errors.Is(err, hookscope.ErrRateLimited), apiErr.RetryAfter)
	}

	// A connection closed with no answer is retried too.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Drop: true, Times: 1})
	_, err = c.Logs.List(ctx, nil)
	fmt.Println("dropped once:", err, tries())

	// A slow answer and the caller's deadline: the deadline wins.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Delay: time.Second, Times: 1})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c.Logs.List(short, nil)
	fmt.Println("slow answer:", errors.Is(err, context.DeadlineExceeded))
	// Output:
	// 503 twice: <nil> map[200:1 503:2]
	// 429: true 2m0s
	// dropped once: <nil> map[0:1 200:2 429:1 503:2]
	// slow answer: true
}
