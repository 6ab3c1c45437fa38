package mockserver_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// A test talks to the mock through the SDK, as it would to the real API.
func Example() {
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(500),
		mockserver.WithClock(func() time.Time { return now }))
	defer srv.Close()
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	page, err := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 3})
	if err != nil {
		panic(err)
	}
	for _, e := range page.Data {
		fmt.Println(e.Status, e.AttemptCount)
	}

	// Faults exercise a caller's error handling: here two 503s, which the
	// client retries.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 2})
	_, err = c.Logs.List(ctx, nil)
	fmt.Println("after two 503s:", err)

	// Another organization on the free plan sees none of this data and
	// gets day granularity at best.
	srv.AddKey(mockserver.Key{Token: "am_test_free", Org: "org_free", Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()})
	free, _ := hookscope.NewClient("am_test_free", hookscope.WithBaseURL(srv.URL()))
	_, err = free.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	var apiErr *hookscope.APIError
	if errors.Is(err, hookscope.ErrGranularityNotAvailable) && errors.As(err, &apiErr) {
		fmt.Println("finest granularity on free:", apiErr.MaxGranularity())
	}
	// Output:
	// queued 0
	// delivering 0
	// pending_retry 5
	// after two 503s: <nil>
	// finest granularity on free: day
}
