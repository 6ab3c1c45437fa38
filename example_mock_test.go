package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// These examples run against mockserver with a fixed seed and clock, so
// their output is the same on every run. A real program creates its client
// with hookscope.NewClient(apiKey) and talks to hookscope.DefaultBaseURL.

// exampleNow is the mock's clock in the examples.
var exampleNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

// newExampleMock starts a mock with 1,500 messages and returns it with a
// client of its pro-plan key.
func newExampleMock() (*mockserver.Server, *hookscope.Client) {
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(1500),
		mockserver.WithClock(func() time.Time { return exampleNow }))
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	return srv, c
}

// A client of an in-process mock: the same SDK calls a program makes against
// the real API.
func ExampleNewClient_mockserver() {
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(1500),
		mockserver.WithClock(func() time.Time { return exampleNow }))
	defer srv.Close()

	c, err := hookscope.NewClient(srv.APIKey(),
		hookscope.WithBaseURL(srv.URL()), // plain http is accepted for a loopback host
		hookscope.WithUserAgent("example/1.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 4})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range page.Data {
		fmt.Println(e.CreatedAt.Format(time.RFC3339), e.Status, e.AttemptCount)
	}
	fmt.Println("has more:", page.Meta.HasMore)
	// Output:
	// 2026-05-06T15:04:04Z queued 0
	// 2026-05-06T15:04:02Z delivering 0
	// 2026-05-06T14:44:05Z pending_retry 5
	// 2026-05-06T14:30:44Z succeeded 1
	// has more: true
}

// Every failed_permanent delivery of the last 24 hours, across as many pages
// as it takes.
func ExampleLogsService_All_mockserver() {
	srv, c := newExampleMock()
	defer srv.Close()

	params := &hookscope.LogListParams{
		Status:    hookscope.StatusFailedPermanent,
		StartTime: exampleNow.Add(-24 * time.Hour),
		Limit:     10, // small pages, to show that All follows the cursors
	}
	byEndpoint := map[string]int{}
	n := 0
	for entry, err := range c.Logs.All(context.Background(), params) {
		if err != nil {
			log.Fatal(err)
		}
		if n < 3 {
			fmt.Println(entry.MessageID, entry.Endpoint, entry.LastError)
		}
		n++
		byEndpoint[entry.Endpoint]++
	}
	fmt.Println(n, "failed permanently, on", len(byEndpoint), "endpoints")
	// Output:
	// 019dfb61-b9f1-7eef-9241-54d9c7c4f969 https://hooks.salesdesk.example/numbers/442079460321 HTTP 410 Gone
	// 019dfaa3-3994-7d68-a979-9a4167f572b0 https://crm.oldcorp.example/webhook dial tcp: lookup crm.oldcorp.example: no such host
	// 019dfa83-29f3-79ee-8f3c-1a8c4fa75d90 https://crm.oldcorp.example/webhook dial tcp: lookup crm.oldcorp.example: no such host
	// 10 failed permanently, on 3 endpoints
}

// A long export reads page by page and checkpoints each page's NextCursor;
// after an interruption it resumes from the saved cursor, without a row
// skipped or repeated.
func ExampleLogsService_Pages_resume() {
	srv, c := newExampleMock()
	defer srv.Close()
	ctx := context.Background()
	params := &hookscope.LogListParams{Status: hookscope.StatusSucceeded, Limit: 200}

	// First run: two pages, then an interruption.
	var checkpoint string
	seen := map[string]bool{}
	pages := 0
	for page, err := range c.Logs.Pages(ctx, params) {
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range page.Data {
			seen[e.MessageID] = true
		}
		checkpoint = page.Meta.NextCursor // save it durably in a real export
		if pages++; pages == 2 {
			break
		}
	}
	fmt.Println("interrupted after", len(seen), "rows")

	// Second run: the same query, from the checkpoint.
	resume := *params
	resume.Cursor = checkpoint
	repeated := 0
	for page, err := range c.Logs.Pages(ctx, &resume) {
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range page.Data {
			if seen[e.MessageID] {
				repeated++
			}
			seen[e.MessageID] = true
		}
		if page.Meta.NextCursor == "" {
			fmt.Println("last page reached")
		}
	}
	fmt.Println("resumed to", len(seen), "rows,", repeated, "repeated")
	// Output:
	// interrupted after 400 rows
	// last page reached
	// resumed to 1364 rows, 0 repeated
}

// Delivered attempts per hour over the last six hours, against the six hours
// before them (compare_to=prior_period). The last bucket is the current,
// partial hour.
func ExampleMetricsService_Webhooks_priorPeriod() {
	srv, c := newExampleMock()
	defer srv.Close()

	series, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{
		Metric:      hookscope.MetricDelivered,
		Granularity: hookscope.GranularityHour,
		From:        exampleNow.Add(-6 * time.Hour),
		To:          exampleNow,
		CompareTo:   hookscope.ComparePriorPeriod,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("prior period:", series.PriorFrom.Format(time.RFC3339), "to", series.PriorTo.Format(time.RFC3339))
	var now, before int64
	for _, b := range series.Buckets {
		// Value is nil for a bucket not aggregated yet; here as_of is the
		// clock, so every bucket has one.
		fmt.Printf("%s %3d (prior %3d)\n", b.BucketStart.Format("15:04"), *b.Value, *b.PriorValue)
		now += *b.Value
		before += *b.PriorValue
	}
	fmt.Printf("total %d vs %d: %+.1f%%\n", now, before, 100*float64(now-before)/float64(before))
	// Output:
	// prior period: 2026-05-06T03:04:05Z to 2026-05-06T09:04:05Z
	// 09:00   6 (prior   7)
	// 10:00   8 (prior  10)
	// 11:00   7 (prior   9)
	// 12:00  10 (prior   8)
	// 13:00   8 (prior   7)
	// 14:00   8 (prior   5)
	// 15:00   0 (prior   3)
	// total 47 vs 49: -4.1%
}

// A plan gate: a free key asks for hourly metrics. errors.Is matches the
// sentinel; errors.AsType reads the *APIError, whose MaxGranularity says what
// the plan allows.
func ExampleAPIError_granularity() {
	srv, _ := newExampleMock()
	defer srv.Close()
	srv.AddKey(mockserver.Key{Token: "am_test_free_example", Plan: mockserver.PlanFree,
		Scopes: []string{mockserver.ScopeMetricsRead}})
	free, err := hookscope.NewClient("am_test_free_example", hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	params := &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, Granularity: hookscope.GranularityHour}
	_, err = free.Metrics.Webhooks(ctx, params)
	fmt.Println("granularity not available:", errors.Is(err, hookscope.ErrGranularityNotAvailable))
	if apiErr, ok := errors.AsType[*hookscope.APIError](err); ok {
		fmt.Println(apiErr.StatusCode, apiErr.Code, "max:", apiErr.MaxGranularity())
		params.Granularity = apiErr.MaxGranularity()
	}

	series, err := free.Metrics.Webhooks(ctx, params)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(series.Buckets), "daily buckets")
	// Output:
	// granularity not available: true
	// 403 GRANULARITY_NOT_AVAILABLE max: day
	// 2 daily buckets
}

// The health of every endpoint, from its delivery stats and recent events.
func ExampleWebhook_Health_mockserver() {
	srv, c := newExampleMock()
	defer srv.Close()
	ctx := context.Background()

	for listed, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		wh, err := c.Webhooks.Get(ctx, listed.ID, &hookscope.WebhookGetParams{IncludeEvents: true})
		if err != nil {
			log.Fatal(err)
		}
		h := wh.Health()
		fmt.Printf("%-30s %-9s %-10s %s\n", wh.Name, h.SuccessRate, h.ResponseTime, h.Activity)
	}
	// Output:
	// Paused staging hook            unknown   unknown    idle
	// Alerts +1 212 555 0187         excellent fast       active
	// Sales line +44 20 7946 0321    warning   fast       failing
	// Support line +1 415 555 0134   excellent fast       active
	// Legacy CRM                     critical  unknown    failing
	// Data warehouse ingest          good      slow       active
	// Billing sync                   warning   fast       failing
	// Orders service                 excellent fast       active
}
