package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// newControlsMock starts a small mock with a fixed seed and clock and
// returns it with a client of its key; opts are the client's.
func newControlsMock(opts ...hookscope.Option) (*mockserver.Server, *hookscope.Client) {
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(300),
		mockserver.WithClock(func() time.Time { return time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC) }))
	all := append([]hookscope.Option{hookscope.WithBaseURL(srv.URL()),
		hookscope.WithRetryWait(10*time.Millisecond, 50*time.Millisecond)}, opts...)
	c, err := hookscope.NewClient(srv.APIKey(), all...)
	if err != nil {
		log.Fatal(err)
	}
	return srv, c
}

// Options given to a call apply over the client's, for that call only.
func ExampleOption_perCall() {
	srv, c := newControlsMock(hookscope.WithMaxRetries(0), hookscope.WithTimeout(10*time.Second))
	defer srv.Close()
	ctx := context.Background()
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 1})

	// This call may retry, and bounds each try to 2 s; the client's other
	// calls keep no retries and 10 s.
	page, err := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 3},
		hookscope.WithMaxRetries(2), hookscope.WithTimeout(2*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Data), "rows")

	// An option that configures the whole client is refused on a call.
	_, err = c.Logs.List(ctx, nil, hookscope.WithBaseURL("https://elsewhere.example"))
	fmt.Println(err)
	// Output:
	// 3 rows
	// hookscope: WithBaseURL configures the client: give it to NewClient, not to a call
}

// A create that a process may repeat after a restart carries a key of the
// caller's: the API answers the repeat with the webhook the first one made.
func ExampleWithIdempotencyKey() {
	srv, c := newControlsMock()
	defer srv.Close()
	ctx := context.Background()
	params := &hookscope.WebhookCreateParams{Name: "orders", URL: "https://shop.example/hooks/orders"}

	first, err := c.Webhooks.Create(ctx, params, hookscope.WithIdempotencyKey("provision-shop-42-orders"))
	if err != nil {
		log.Fatal(err)
	}
	// … the process restarts and runs its provisioning again …
	again, err := c.Webhooks.Create(ctx, params, hookscope.WithIdempotencyKey("provision-shop-42-orders"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("same webhook:", first.ID == again.ID)

	// The same key for another request is refused, not applied.
	other := &hookscope.WebhookCreateParams{Name: "refunds", URL: "https://shop.example/hooks/refunds"}
	_, err = c.Webhooks.Create(ctx, other, hookscope.WithIdempotencyKey("provision-shop-42-orders"))
	var apiErr *hookscope.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, errors.Is(err, hookscope.ErrInvalidRequest))
	}
	// Output:
	// same webhook: true
	// 422 IDEMPOTENCY_KEY_REUSED true
}

// WithResponseInto reports the HTTP answer behind a call: its status, how
// many tries it took, its request id for support, and the rate-limit budget
// when the API sends one.
func ExampleWithResponseInto() {
	srv, c := newControlsMock()
	defer srv.Close()
	srv.InjectFault(mockserver.Fault{Path: "/analytics/webhooks", Status: 502, Times: 1})

	var resp hookscope.Response
	_, err := c.Analytics.Webhooks(context.Background(), hookscope.WithResponseInto(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, "after", resp.Tries, "tries; request id set:", resp.RequestID != "")
	// Output:
	// 200 after 2 tries; request id set: true
}

// A middleware wraps each try, so it sees retries; RouteTemplate names the
// route without its ids.
func ExampleWithMiddleware() {
	logTries := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		resp, err := next(req)
		if err == nil {
			fmt.Printf("%s %s try %d: %d\n", req.Method, hookscope.RouteTemplate(req.Context()),
				hookscope.TryNumber(req.Context()), resp.StatusCode)
		}
		return resp, err
	}
	srv, c := newControlsMock(hookscope.WithMiddleware(logTries))
	defer srv.Close()
	id := srv.EndpointIDs("")[0]
	srv.InjectFault(mockserver.Fault{Path: "/api/v0/webhooks/" + id, Status: 503, Times: 1})

	if _, err := c.Webhooks.Get(context.Background(), id, nil); err != nil {
		log.Fatal(err)
	}
	// Output:
	// GET /api/v0/webhooks/{webhook_id} try 1: 503
	// GET /api/v0/webhooks/{webhook_id} try 2: 200
}

// A limiter shared by every client of one API key keeps them under its
// budget: here the starter plan's 600 requests a minute, in bursts of 10.
func ExampleWithRateLimiter() {
	limiter := rate.NewLimiter(rate.Limit(600.0/60), 10)
	srv, c := newControlsMock(hookscope.WithRateLimiter(limiter))
	defer srv.Close()

	n := 0
	for _, err := range c.Logs.All(context.Background(), &hookscope.LogListParams{Limit: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "rows, every page request paced by the limiter")
	// Output:
	// 300 rows, every page request paced by the limiter
}

// WithHeader adds a header of your own to a call or to every call.
func ExampleWithHeader() {
	srv, c := newControlsMock(hookscope.WithHeader("X-Team", "payments"))
	defer srv.Close()
	_, err := c.Logs.List(context.Background(), nil, hookscope.WithHeader("X-Correlation-Id", "job-7781"))
	if err != nil {
		log.Fatal(err)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	fmt.Println(last.Header.Get("X-Team"), last.Header.Get("X-Correlation-Id"))

	_, err = c.Logs.List(context.Background(), nil, hookscope.WithHeader("Authorization", "Bearer other"))
	fmt.Println(err)
	// Output:
	// payments job-7781
	// hookscope: WithHeader: Authorization is not settable: the client sends the API key it was created with
}
