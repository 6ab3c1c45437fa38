package mockserver_test

import (
	"context"
	"fmt"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// A large history serves its logs at once; its aggregates (metrics,
// analytics, delivery_stats) are built on the first request that needs
// them, or ahead of it with BuildAggregates, in the background while logs
// are served.
func ExampleServer_BuildAggregates() {
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	srv := mockserver.New(mockserver.WithMessages(50_000), mockserver.WithClock(func() time.Time { return now }))
	defer srv.Close()
	go srv.BuildAggregates()
	c, _ := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	ctx := context.Background()

	page, _ := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 1}) // does not wait for the build
	fmt.Println(len(page.Data), "row")
	var sent int64
	for b, err := range c.Metrics.MessageBuckets(ctx, &hookscope.MessageMetricsParams{
		Metric: hookscope.MetricOutboundSent, Granularity: hookscope.GranularityDay,
		From: now.Add(-7 * 24 * time.Hour), To: now}) { // waits for the build if it runs
		if err != nil {
			fmt.Println(err)
			return
		}
		sent += *b.Value
	}
	fmt.Println(sent, "messages sent in 7 days")
	// Output:
	// 1 row
	// 50000 messages sent in 7 days
}
