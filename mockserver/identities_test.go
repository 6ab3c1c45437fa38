package mockserver_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// sumByGroup sums a webhook metric over the whole generated history, by endpoint.
func sumByGroup(t *testing.T, c *hookscope.Client, metric hookscope.Metric) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	params := &hookscope.WebhookMetricsParams{Metric: metric, GroupBy: hookscope.GroupByEndpointID,
		Granularity: hookscope.GranularityHour, From: fixedNow.Add(-mockserver.History - time.Hour), To: fixedNow, Limit: 5000}
	for b, err := range c.Metrics.WebhookBuckets(context.Background(), params) {
		must(t, err)
		out[b.Group] += *b.Value
	}
	return out
}

// TestIdentities checks, for several seeds, that every endpoint agrees with
// every other about each endpoint (see the package doc's definitions).
func TestIdentities(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 7, 42} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			_, c := newServer(t, mockserver.WithSeed(seed), mockserver.WithMessages(1500))
			ctx := context.Background()
			delivered := sumByGroup(t, c, hookscope.MetricDelivered)
			failed := sumByGroup(t, c, hookscope.MetricFailed)
			var totalMessages int64
			for _, wh := range collect(t, c.Webhooks.All(ctx, nil)) {
				st := wh.DeliveryStats
				var rows, succeededRows, rows24h int64
				for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{EndpointID: wh.ID, Limit: 500}) {
					must(t, err)
					rows++
					if e.Status == hookscope.StatusSucceeded {
						succeededRows++
					}
					if e.CreatedAt.After(fixedNow.Add(-24 * time.Hour)) {
						rows24h++
					}
				}
				totalMessages += rows
				eq(t, st.TotalEvents, rows, "%s: total_events = log rows", wh.Name)
				eq(t, st.SuccessfulDeliveries, succeededRows, "%s: successful_deliveries = succeeded rows", wh.Name)
				eq(t, delivered[wh.ID], st.SuccessfulDeliveries, "%s: Σ delivered buckets = successful_deliveries", wh.Name)
				eq(t, failed[wh.ID], st.FailedDeliveries, "%s: Σ failed buckets = failed_deliveries", wh.Name)
				eq(t, st.Last24hEvents, rows24h, "%s: last_24h_events", wh.Name)
				want := 0.0
				if rows > 0 {
					want = math.Round(float64(succeededRows)/float64(rows)*10000) / 100
				}
				eq(t, st.SuccessRate, want, "%s: success_rate", wh.Name)
				check(t, st.Last24hFailures <= st.FailedDeliveries, "%s: last_24h_failures <= failed", wh.Name)
				if rows > 0 {
					check(t, st.LastDelivery != nil && !st.LastDelivery.After(fixedNow), "%s: last_delivery", wh.Name)
				}
			}
			eq(t, totalMessages, int64(1500), "exactly the generated messages")

			// The status-class grouping partitions the failed attempts too.
			var byClass, byEndpoint int64
			params := &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByHTTPStatusClass,
				Granularity: hookscope.GranularityDay, From: fixedNow.Add(-8 * 24 * time.Hour), To: fixedNow}
			for b, err := range c.Metrics.WebhookBuckets(ctx, params) {
				must(t, err)
				check(t, b.Group != "2xx", "a failed attempt is never 2xx")
				byClass += *b.Value
			}
			for _, n := range failed {
				byEndpoint += n
			}
			eq(t, byClass, byEndpoint, "failed attempts by class = by endpoint")

			an, err := c.Analytics.Webhooks(ctx)
			must(t, err)
			dm := an.DayMetrics
			eq(t, dm.Total, dm.Success+dm.Failed+dm.Pending, "analytics total = success + failed + pending")
			day := fixedNow.Truncate(24 * time.Hour)
			var dayRows, daySucceeded int64
			for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{StartTime: day, EndTime: fixedNow, Limit: 500}) {
				must(t, err)
				dayRows++
				if e.Status == hookscope.StatusSucceeded {
					daySucceeded++
				}
			}
			eq(t, dm.Total, dayRows, "analytics total = the day's log rows")
			eq(t, dm.Success, daySucceeded, "analytics success = the day's succeeded rows")
		})
	}
}

// TestDeterminism: the same seed and clock give the same bytes on every
// endpoint; another seed gives other data.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	paths := func(srv *mockserver.Server) []string {
		eps := srv.EndpointIDs("")
		return []string{
			"/v1/metrics/webhooks?metric=delivered&group_by=endpoint_id",
			"/v1/metrics/messages?metric=messages.outbound.sent&compare_to=prior_period",
			"/v1/logs?limit=200",
			"/api/v0/webhooks",
			"/api/v0/webhooks/" + eps[3] + "?include_events=true&events_limit=50",
			"/v1/inbound-messages/" + srv.InboundMessageIDs()[0] + "/attempts",
			"/v1/inbound-messages/" + srv.InboundMessageIDs()[0],
			"/v1/messages/" + srv.OutboundMessageIDs()[7] + "/attempts",
			"/analytics/webhooks",
			"/v1/logs?limit=0",
		}
	}
	fetch := func(srv *mockserver.Server) []string {
		var out []string
		for _, p := range paths(srv) {
			r := get(t, srv, p)
			// response_body_url carries the listener's address, the one thing that differs.
			out = append(out, strings.ReplaceAll(string(r.body), srv.URL(), "BASE")+r.header.Get("X-Request-Id"))
		}
		return out
	}
	a := mockserver.New(mockserver.WithSeed(99), mockserver.WithClock(fixedClock))
	defer a.Close()
	b := mockserver.New(mockserver.WithSeed(99), mockserver.WithClock(fixedClock))
	defer b.Close()
	other := mockserver.New(mockserver.WithSeed(100), mockserver.WithClock(fixedClock))
	defer other.Close()
	eq(t, a.APIKey(), b.APIKey(), "same key")
	eq(t, a.OutboundMessageIDs(), b.OutboundMessageIDs(), "same ids")
	ra, rb := fetch(a), fetch(b)
	for i := range ra {
		eq(t, ra[i], rb[i], "response %d", i)
	}
	check(t, a.APIKey() != other.APIKey(), "another seed: another key")
	ro := fetch(other)
	for i := range 4 {
		check(t, ra[i] != ro[i], "another seed: another response %d", i)
	}
}

// TestLogPaging: limit 7 and limit 500 walk the same rows, none repeated,
// also with filters.
func TestLogPaging(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	for _, params := range []hookscope.LogListParams{
		{},
		{EndpointID: srv.EndpointIDs("")[3]},
		{Status: hookscope.StatusSucceeded, StartTime: fixedNow.Add(-3 * 24 * time.Hour)},
		{StartTime: fixedNow.Add(-2 * 24 * time.Hour), EndTime: fixedNow.Add(-24 * time.Hour)},
	} {
		small, big := params, params
		small.Limit, big.Limit = 7, 500
		var a, b []string
		for e, err := range c.Logs.All(ctx, &small) {
			must(t, err)
			a = append(a, e.MessageID)
		}
		for e, err := range c.Logs.All(ctx, &big) {
			must(t, err)
			b = append(b, e.MessageID)
		}
		eq(t, a, b, "limit 7 and 500 (%+v)", params)
		seen := map[string]bool{}
		for _, id := range a {
			check(t, !seen[id], "row %s repeated", id)
			seen[id] = true
		}
		if params == (hookscope.LogListParams{}) {
			eq(t, len(a), mockserver.DefaultMessages, "every message")
			eq(t, a, srv.OutboundMessageIDs(), "the order of OutboundMessageIDs")
		}
	}
}

// TestPagingWhileInserting: rows inserted while a client pages (at the head
// and in the middle of the history) never make it skip or repeat a row that
// existed before.
func TestPagingWhileInserting(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(3000))
	before := srv.OutboundMessageIDs()
	eps := srv.EndpointIDs("")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil && i < 3000; i++ {
			at := fixedNow.Add(-time.Duration(i*97%(7*24*60)) * time.Minute)
			if i%2 == 0 {
				at = fixedNow.Add(time.Duration(i) * time.Millisecond)
			}
			_, err := srv.AddMessage(mockserver.Message{EndpointID: eps[i%len(eps)], CreatedAt: at,
				Attempts: []mockserver.AttemptSpec{{Status: 200}}})
			if err != nil {
				t.Errorf("AddMessage: %v", err)
				return
			}
		}
	})
	seen := map[string]int{}
	for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{Limit: 11}) {
		must(t, err)
		seen[e.MessageID]++
	}
	cancel()
	wg.Wait()
	for _, id := range before {
		eq(t, seen[id], 1, "pre-existing row %s seen once", id)
	}
	for id, n := range seen {
		check(t, n == 1, "row %s seen %d times", id, n)
	}
}

// TestDrillDown: a log row, its attempts and its webhook's recent events
// tell the same story.
func TestDrillDown(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	ctx := context.Background()
	page, err := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 300})
	must(t, err)
	for _, e := range page.Data {
		l, err := c.Attempts.ListOutbound(ctx, e.MessageID)
		must(t, err)
		need(t, len(l.Data) == e.AttemptCount, "%s: attempt_count %d, attempts %d", e.MessageID, e.AttemptCount, len(l.Data))
		if e.AttemptCount == 0 {
			continue
		}
		last := l.Data[len(l.Data)-1]
		eq(t, last.ResponseStatus, e.ResponseStatus, "%s: response_status of the last attempt", e.MessageID)
		eq(t, last.ResponseLatencyMS, e.ResponseLatencyMS, "%s: latency of the last attempt", e.MessageID)
		if e.Status == hookscope.StatusSucceeded {
			check(t, last.Succeeded(), "%s: succeeded by its last attempt", e.MessageID)
			eq(t, *e.DeliveredAt, last.CreatedAt, "%s: delivered_at", e.MessageID)
		} else {
			check(t, !last.Succeeded(), "%s: no 2xx", e.MessageID)
			eq(t, e.LastError, last.ErrorText, "%s: last_error", e.MessageID)
		}
		if e.Status == hookscope.StatusPendingRetry {
			check(t, e.NextAttemptAt.After(last.CreatedAt), "%s: next attempt after the last", e.MessageID)
			need(t, last.RetryAfterSeconds != nil, "%s: retry_after_seconds", e.MessageID)
		}
		for i := 1; i < len(l.Data); i++ {
			prev := l.Data[i-1]
			need(t, prev.RetryAfterSeconds != nil, "a retried attempt has retry_after_seconds")
			check(t, !l.Data[i].CreatedAt.Before(prev.CreatedAt.Add(time.Duration(*prev.RetryAfterSeconds)*time.Second)),
				"%s: attempt %d waits its backoff", e.MessageID, i+1)
		}
	}

	for _, wh := range collect(t, c.Webhooks.All(ctx, nil)) {
		full, err := c.Webhooks.Get(ctx, wh.ID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 50})
		must(t, err)
		rows, err := c.Logs.List(ctx, &hookscope.LogListParams{EndpointID: wh.ID, Limit: 50})
		must(t, err)
		need(t, len(full.RecentEvents) == len(rows.Data), "%s: recent events = newest log rows", wh.Name)
		for i, ev := range full.RecentEvents {
			row := rows.Data[i]
			eq(t, ev.ID, row.MessageID, "%s: event %d id", wh.Name, i)
			want := map[hookscope.MessageStatus]hookscope.DeliveryStatus{
				hookscope.StatusSucceeded: hookscope.DeliveryDelivered, hookscope.StatusFailedPermanent: hookscope.DeliveryFailed,
			}[row.Status]
			if want == "" {
				want = hookscope.DeliveryPending
			}
			eq(t, ev.DeliveryStatus, want, "%s: event %d status", wh.Name, i)
			eq(t, ev.RetryCount, max(row.AttemptCount-1, 0), "%s: retry_count", wh.Name)
			eq(t, ev.ResponseCode, row.ResponseStatus, "%s: response_code", wh.Name)
		}
	}
}
