package mockserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestMetricsPartialBucketLikeForLike: a window ending at 13:00 has a last day
// bucket of 13 hours; its prior_value counts the same 13 hours of the prior
// period (the span shifted back by to − from), never a whole day, and no
// bucket counts an event outside the window.
func TestMetricsPartialBucketLikeForLike(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	srv.AddKey(mockserver.Key{Token: "am_test_window", Org: "window", Plan: mockserver.PlanPro, Scopes: mockserver.AllScopes()})
	c := newClient(t, srv, "am_test_window")
	ctx := context.Background()
	wh, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "w", URL: "https://w.example/hook"})
	require.NoError(t, err)

	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return tm
	}
	from, to := at("2026-05-05T00:00:00Z"), at("2026-05-06T13:00:00Z") // 37 h: a whole day, then 13 hours
	// Delivered attempts (one each), by where they fall.
	for _, s := range []string{
		"2026-05-06T05:00:00Z", "2026-05-06T12:59:59Z", // last bucket, inside the window
		"2026-05-06T13:00:00Z", "2026-05-06T14:30:00Z", // last bucket's day, after to: not counted
		"2026-05-05T10:00:00Z", "2026-05-05T23:59:59Z", "2026-05-05T00:00:00Z", // first bucket
		"2026-05-04T12:00:00Z",                         // prior of the last bucket: [05-04 11:00, 05-05 00:00)
		"2026-05-04T06:00:00Z", "2026-05-03T11:00:00Z", // prior of the first bucket: [05-03 11:00, 05-04 11:00)
		"2026-05-03T10:59:59Z", // before the prior period
	} {
		tm := at(s)
		_, err := srv.AddMessage(mockserver.Message{EndpointID: wh.ID, CreatedAt: tm.Add(-time.Second),
			Attempts: []mockserver.AttemptSpec{{At: tm, Status: 200}}})
		require.NoError(t, err)
	}

	got, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
		Granularity: hookscope.GranularityDay, From: from, To: to, CompareTo: hookscope.ComparePriorPeriod})
	require.NoError(t, err)
	require.Len(t, got.Buckets, 2)
	require.NotNil(t, got.PriorFrom)
	require.NotNil(t, got.PriorTo)
	assert.Equal(t, at("2026-05-03T11:00:00Z"), *got.PriorFrom, "prior_from = from − (to − from)")
	assert.Equal(t, from, *got.PriorTo, "prior_to = to − (to − from)")

	first, last := got.Buckets[0], got.Buckets[1]
	assert.Equal(t, from, first.BucketStart)
	assert.Equal(t, int64(3), *first.Value, "the whole first day")
	assert.Equal(t, int64(2), *first.PriorValue, "the first day shifted back 37 h: [05-03 11:00, 05-04 11:00)")
	assert.Equal(t, at("2026-05-06T00:00:00Z"), last.BucketStart)
	assert.Equal(t, int64(2), *last.Value, "the last bucket stops at to (13 hours)")
	assert.Equal(t, int64(1), *last.PriorValue, "the same 13 hours of the prior period, not a whole day")

	// The prior period queried as a window of its own counts what the prior
	// values add up to.
	prior, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
		Granularity: hookscope.GranularityHour, From: *got.PriorFrom, To: *got.PriorTo})
	require.NoError(t, err)
	var sum int64
	for _, b := range prior.Buckets {
		sum += *b.Value
	}
	assert.Equal(t, *first.PriorValue+*last.PriorValue, sum, "Σ prior_value = the prior window's count")
}

// TestMetricsWindowIdentity: over the default 24-hour window, whose first and
// last hourly buckets are partial, Σ delivered = the successful attempts
// made in [from, to), read from the logs' delivered_at.
func TestMetricsWindowIdentity(t *testing.T) {
	t.Parallel()
	_, c := newServer(t, mockserver.WithMessages(3000))
	ctx := context.Background()
	series, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 5000})
	require.NoError(t, err)
	require.Len(t, series.Buckets, 25, "24 hours not on the hour: 25 buckets")
	var sum int64
	for _, b := range series.Buckets {
		sum += *b.Value
	}
	var want int64
	for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{StartTime: series.From.Add(-48 * time.Hour), Limit: 500}) {
		require.NoError(t, err)
		if d := e.DeliveredAt; d != nil && !d.Before(series.From) && d.Before(series.To) {
			want++
		}
	}
	require.Positive(t, want)
	assert.Equal(t, want, sum, "Σ delivered buckets over [%s, %s)", series.From, series.To)
}
