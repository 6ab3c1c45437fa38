package mockserver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

func TestGeneratedHistory(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 5, 8, 333} {
		srv := mockserver.New(mockserver.WithMessages(n), mockserver.WithClock(fixedClock))
		ids := srv.OutboundMessageIDs()
		eq(t, len(ids), n, "exactly n messages")
		if n == 0 {
			eq(t, len(srv.InboundMessageIDs()), 0, "no inbound messages either")
		}
		srv.Close()
	}

	srv, c := newServer(t)
	ctx := context.Background()
	statuses := map[hookscope.MessageStatus]int{}
	var oldest, newest time.Time
	for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{Limit: 500}) {
		must(t, err)
		statuses[e.Status]++
		if oldest.IsZero() || e.CreatedAt.Before(oldest) {
			oldest = e.CreatedAt
		}
		if e.CreatedAt.After(newest) {
			newest = e.CreatedAt
		}
		check(t, strings.HasPrefix(e.Endpoint, "https://"), "https endpoint %s", e.Endpoint)
		check(t, e.MessageID[14] == '7', "UUIDv7 %s", e.MessageID)
	}
	for _, st := range []hookscope.MessageStatus{hookscope.StatusQueued, hookscope.StatusDelivering, hookscope.StatusSucceeded, hookscope.StatusPendingRetry, hookscope.StatusFailedPermanent} {
		check(t, statuses[st] > 0, "status %s present: %v", st, statuses)
	}
	check(t, statuses[hookscope.StatusSucceeded] > statuses[hookscope.StatusFailedPermanent]*5, "mostly successes: %v", statuses)
	check(t, !oldest.Before(fixedNow.Add(-mockserver.History)) && !newest.After(fixedNow), "within the 7 days: %s..%s", oldest, newest)
	check(t, oldest.Before(fixedNow.Add(-6*24*time.Hour)), "spread over the week: oldest %s", oldest)

	// Status classes: 2xx, 4xx, 5xx and network errors all happen.
	m, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByHTTPStatusClass,
		Granularity: hookscope.GranularityDay, From: fixedNow.Add(-8 * 24 * time.Hour), To: fixedNow})
	must(t, err)
	classes := map[string]int64{}
	for _, b := range m.Buckets {
		classes[b.Group] += *b.Value
	}
	for _, class := range []string{"4xx", "5xx", "network_error"} {
		check(t, classes[class] > 0, "failed attempts of class %s: %v", class, classes)
	}

	// Inbound messages have 1..N attempts; the newest-first order holds.
	in := srv.InboundMessageIDs()
	check(t, len(in) >= mockserver.DefaultMessages/10, "inbound messages: %d", len(in))
	var prev time.Time
	for i, id := range in[:50] {
		msg, err := c.Attempts.GetInboundMessage(ctx, id)
		must(t, err)
		if i > 0 {
			check(t, !msg.CreatedAt.After(prev), "inbound newest first")
		}
		prev = msg.CreatedAt
		if msg.Status != hookscope.StatusQueued {
			check(t, msg.AttemptCount >= 1, "attempts of %s", id)
		}
	}
}

// TestGenerate200k checks a large history end to end. It asserts no time:
// BenchmarkGenerate measures how long generation takes.
func TestGenerate200k(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	t.Parallel()
	srv := mockserver.New(mockserver.WithMessages(200000), mockserver.WithClock(fixedClock))
	defer srv.Close()
	eq(t, len(srv.OutboundMessageIDs()), 200000, "messages generated")
	c := newClient(t, srv, srv.APIKey())
	ctx := context.Background()
	ep := srv.EndpointIDs("")[2]
	var cursor string
	for range 20 {
		page, err := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 100, EndpointID: ep, Status: hookscope.StatusSucceeded, Cursor: cursor})
		must(t, err)
		need(t, len(page.Data) == 100, "a full page: %d rows", len(page.Data))
		for _, e := range page.Data {
			check(t, e.Status == hookscope.StatusSucceeded, "status filter: %s", e.Status)
		}
		need(t, page.Meta.NextCursor != "", "more pages")
		cursor = page.Meta.NextCursor
		m, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, GroupBy: hookscope.GroupByEndpointID})
		must(t, err)
		var total int64
		for _, b := range m.Buckets {
			if b.Value != nil {
				total += *b.Value
			}
		}
		check(t, total > 0, "deliveries in the last 24 h")
	}
}
