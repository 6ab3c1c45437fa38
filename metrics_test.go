package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

func TestSeed000MetricsWebhooksDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/metrics/webhooks",
		respondFile(t, 200, "seed000_metrics_webhooks_200.json", "X-Request-Id", "req_metrics_hdr", "Cache-Control", "private, max-age=30"))

	s, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	require.NoError(t, err)
	require.Equal(t, 1, f.count())

	// data
	assert.Equal(t, hookscope.MetricInboundReceived, s.Metric) // the seed's example carries a message metric
	assert.Equal(t, hookscope.Metric("messages.inbound.received"), s.Metric)
	assert.Equal(t, hookscope.GranularityHour, s.Granularity)
	requireTime(t, utcTime(2026, 5, 5, 0, 0, 0), s.From, "from")
	requireTime(t, utcTime(2026, 5, 6, 0, 0, 0), s.To, "to")
	assert.Nil(t, s.PriorFrom, "prior_from is absent")
	assert.Nil(t, s.PriorTo, "prior_to is absent")

	require.Len(t, s.Buckets, 3)
	wantStarts := []int{0, 1, 24}
	for i, h := range wantStarts {
		requireTime(t, utcTime(2026, 5, 5, 0, 0, 0).Add(timeHours(h)), s.Buckets[i].BucketStart, "bucket_start")
		assert.Empty(t, s.Buckets[i].Group, "group is absent")
		assert.Nil(t, s.Buckets[i].PriorValue, "prior_value is absent")
	}
	require.NotNil(t, s.Buckets[0].Value)
	assert.Equal(t, int64(14), *s.Buckets[0].Value)
	require.NotNil(t, s.Buckets[1].Value)
	assert.Equal(t, int64(9), *s.Buckets[1].Value)
	assert.Nil(t, s.Buckets[2].Value, `"value": null must stay nil, not 0`)

	// meta
	requireTime(t, utcTime(2026, 5, 5, 23, 59, 43), s.Meta.AsOf, "as_of")
	assert.Equal(t, 1000, s.Meta.Limit)
	assert.Empty(t, s.Meta.NextCursor, "next_cursor null")
	assert.Equal(t, "req_metrics_hdr", s.Meta.RequestID, "metrics' envelope has no request id: X-Request-Id")
}

func TestMetricsNullBucketIsNotZero(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/metrics/webhooks", respond(200, `{"success":true,"data":{"metric":"failed","granularity":"day",
		"from":"2026-05-01T00:00:00Z","to":"2026-05-03T00:00:00Z","prior_from":"2026-04-29T00:00:00Z","prior_to":"2026-05-01T00:00:00Z",
		"buckets":[{"bucket_start":"2026-05-01T00:00:00Z","value":0,"group":"ep_550e8400e29b41d4a716446655440000","prior_value":3},
		{"bucket_start":"2026-05-02T00:00:00Z","value":null,"group":"5xx","prior_value":null}]},
		"meta":{"as_of":"2026-05-01T12:00:00Z","limit":2,"next_cursor":"Y3Vyc29y"}}`))

	s, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed})
	require.NoError(t, err)
	assert.Equal(t, hookscope.MetricFailed, s.Metric)
	assert.Equal(t, hookscope.GranularityDay, s.Granularity)
	requireTimePtr(t, utcTime(2026, 4, 29, 0, 0, 0), s.PriorFrom, "prior_from")
	requireTimePtr(t, utcTime(2026, 5, 1, 0, 0, 0), s.PriorTo, "prior_to")
	require.Len(t, s.Buckets, 2)
	require.NotNil(t, s.Buckets[0].Value, "0 is a value, not null")
	assert.Equal(t, int64(0), *s.Buckets[0].Value)
	assert.Equal(t, testEndpointID, s.Buckets[0].Group)
	require.NotNil(t, s.Buckets[0].PriorValue)
	assert.Equal(t, int64(3), *s.Buckets[0].PriorValue)
	assert.Nil(t, s.Buckets[1].Value)
	assert.Equal(t, "5xx", s.Buckets[1].Group)
	assert.Nil(t, s.Buckets[1].PriorValue)
	assert.Equal(t, 2, s.Meta.Limit)
	assert.Equal(t, "Y3Vyc29y", s.Meta.NextCursor)
}

func TestGranularityDuration(t *testing.T) {
	t.Parallel()
	assert.Equal(t, time.Minute, hookscope.GranularityMinute.Duration())
	assert.Equal(t, time.Hour, hookscope.GranularityHour.Duration())
	assert.Equal(t, 24*time.Hour, hookscope.GranularityDay.Duration())
	assert.Equal(t, time.Duration(0), hookscope.Granularity("week").Duration())
}

// metricsPage is a /v1/metrics/webhooks body with one bucket per hour offset.
func metricsPage(next string, hours ...int) httpmock.Responder {
	rows := make([]string, len(hours))
	for i, h := range hours {
		rows[i] = fmt.Sprintf(`{"bucket_start":"2026-05-05T%02d:00:00Z","value":%d}`, h, h*10)
	}
	nc := "null"
	if next != "" {
		nc = fmt.Sprintf("%q", next)
	}
	return respond(200, fmt.Sprintf(`{"success":true,"data":{"metric":"delivered","granularity":"hour","from":"2026-05-05T00:00:00Z",
		"to":"2026-05-06T00:00:00Z","buckets":[%s]},"meta":{"as_of":"2026-05-05T23:00:00Z","limit":2,"next_cursor":%s}}`, strings.Join(rows, ","), nc))
}

func TestMetricsWebhookBuckets(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*hookscope.Client, *fakeAPI) {
		c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
		f.on("GET", "/v1/metrics/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   metricsPage("m2", 0, 1),
			"m2": metricsPage("m3", 2),
			"m3": metricsPage("", 3, 4),
		}))
		return c, f
	}
	params := &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 2, Granularity: hookscope.GranularityHour}
	values := func(t *testing.T, c *hookscope.Client) ([]int64, []error) {
		return collect(t, c.Metrics.WebhookBuckets(context.Background(), params), func(b *hookscope.MetricBucket) int64 {
			require.NotNil(t, b.Value)
			assert.Equal(t, 0, b.BucketStart.Minute())
			return *b.Value
		})
	}

	t.Run("lazy, every page, restart", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		it := c.Metrics.WebhookBuckets(context.Background(), params)
		assert.Equal(t, 0, f.count())
		_ = it
		vals, errs := values(t, c)
		assert.Empty(t, errs)
		assert.Equal(t, []int64{0, 10, 20, 30, 40}, vals)
		assert.Equal(t, []string{"", "m2", "m3"}, cursorsSent(f))
		for _, r := range f.requests() {
			assert.Equal(t, "delivered", r.URL.Query().Get("metric"))
			assert.Equal(t, "2", r.URL.Query().Get("limit"))
			assert.Equal(t, "hour", r.URL.Query().Get("granularity"))
		}
		n := 0
		for range it {
			n++
		}
		assert.Equal(t, 5, n)
		n = 0
		for range it {
			n++
		}
		assert.Equal(t, 5, n, "the same value ranges again from the start")
		assert.Equal(t, 9, f.count())
	})
	t.Run("early break", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		for _, err := range c.Metrics.WebhookBuckets(context.Background(), params) {
			require.NoError(t, err)
			break
		}
		assert.Equal(t, 1, f.count())
	})
	t.Run("pages resume from a cursor", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		p := *params
		p.Cursor = "m3"
		var got []string
		for page, err := range c.Metrics.WebhookPages(context.Background(), &p) {
			require.NoError(t, err)
			got = append(got, page.Meta.NextCursor)
			assert.Len(t, page.Buckets, 2)
		}
		assert.Equal(t, []string{""}, got)
		assert.Equal(t, []string{"m3"}, cursorsSent(f))
	})
	t.Run("repeated cursor", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/metrics/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   metricsPage("m2", 0),
			"m2": metricsPage("m2", 1),
		}))
		vals, errs := values(t, c)
		assert.Equal(t, []int64{0, 10}, vals)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrRepeatedCursor)
		assert.Equal(t, 2, f.count())
	})
	t.Run("error on page 3", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
		f.on("GET", "/v1/metrics/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   metricsPage("m2", 0),
			"m2": metricsPage("m3", 1),
			"m3": respondFile(t, 403, "seed000_error_403_granularity_not_available.json"),
		}))
		vals, errs := values(t, c)
		assert.Equal(t, []int64{0, 10}, vals)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrGranularityNotAvailable)
		assert.Equal(t, 3, f.count())
	})
}

func TestMessageBucketsPath(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/metrics/messages", metricsPage("", 1, 2))
	n := 0
	for _, err := range c.Metrics.MessageBuckets(context.Background(), &hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
	assert.Equal(t, "metric=messages.outbound.sent", f.last().URL.RawQuery)
}

// MessagePages walks GET /v1/metrics/messages page by page: lazily, with
// the params on every page, each page's cursor exposed, resumable from a
// saved cursor, and a bad metric refused before any request.
func TestMetricsMessagePages(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*hookscope.Client, *fakeAPI) {
		c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
		f.on("GET", "/v1/metrics/messages", cursorPages(t, map[string]httpmock.Responder{
			"":   metricsPage("m2", 0, 1),
			"m2": metricsPage("m3", 2),
			"m3": metricsPage("", 3, 4),
		}))
		return c, f
	}
	params := &hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundFailed, Limit: 2}
	t.Run("every page, then resume from a saved cursor", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		it := c.Metrics.MessagePages(context.Background(), params)
		assert.Equal(t, 0, f.count(), "creating the iterator sends nothing")
		var cursors []string
		var buckets []int
		for page, err := range it {
			require.NoError(t, err)
			cursors = append(cursors, page.Meta.NextCursor)
			buckets = append(buckets, len(page.Buckets))
		}
		assert.Equal(t, []string{"m2", "m3", ""}, cursors)
		assert.Equal(t, []int{2, 1, 2}, buckets)
		for _, r := range f.requests() {
			assert.Equal(t, "messages.outbound.failed", r.URL.Query().Get("metric"))
			assert.Equal(t, "2", r.URL.Query().Get("limit"))
		}

		p := *params
		p.Cursor = "m3"
		n := 0
		for page, err := range c.Metrics.MessagePages(context.Background(), &p) {
			require.NoError(t, err)
			assert.Empty(t, page.Meta.NextCursor)
			n++
		}
		assert.Equal(t, 1, n)
		assert.Equal(t, []string{"", "m2", "m3", "m3"}, cursorsSent(f))
		assert.Equal(t, "m3", p.Cursor, "the caller's params are not modified")
	})
	t.Run("early break", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		for _, err := range c.Metrics.MessagePages(context.Background(), params) {
			require.NoError(t, err)
			break
		}
		assert.Equal(t, 1, f.count())
	})
	t.Run("a webhook metric is refused before any request", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		calls := 0
		for page, err := range c.Metrics.MessagePages(context.Background(), &hookscope.MessageMetricsParams{Metric: hookscope.MetricDelivered}) {
			calls++
			assert.Nil(t, page)
			pe, ok := errors.AsType[*hookscope.ParamError](err)
			require.True(t, ok, "got %v", err)
			assert.Equal(t, "metric", pe.Param)
		}
		assert.Equal(t, 1, calls)
		assert.Equal(t, 0, f.count())
	})
}

// Metrics params the SDK can check fail before any request, with a *ParamError
// naming the parameter.
func TestMetricsInvalidParamsSendNoRequest(t *testing.T) {
	t.Parallel()
	requireParamErrors(t, []paramCase{
		{"metrics nil params", "metric", metricsCall(nil)},
		{"metrics no metric", "metric", metricsCall(&hookscope.WebhookMetricsParams{})},
		{"metrics unknown metric", "metric", metricsCall(&hookscope.WebhookMetricsParams{Metric: "delivered_ok"})},
		{"metrics message metric on webhooks", "metric", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricInboundReceived})},
		{"metrics granularity", "granularity", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: "week"})},
		{"metrics granularity case", "granularity", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: "Hour"})},
		{"metrics group_by", "group_by", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, GroupBy: "status"})},
		{"metrics compare_to", "compare_to", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, CompareTo: "prior_year"})},
		{"metrics limit 0-1", "limit", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: -1})},
		{"metrics limit 5001", "limit", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 5001})},
		{"metrics from == to", "from", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, From: paramT0, To: paramT0})},
		{"metrics from after to", "from", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, From: paramT1, To: paramT0})},
		{"metrics from after to across zones", "from", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
			From: paramT0.In(time.FixedZone("X", 5*3600)), To: paramT0.Add(-time.Second).In(time.FixedZone("Y", -7*3600))})},
		{"messages webhook metric", "metric", messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricDelivered})},
		{"messages nil", "metric", messagesCall(nil)},
		{"messages limit 5001", "limit", messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent, Limit: 5001})},
		{"messages granularity", "granularity", messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent, Granularity: "second"})},
		{"Metrics.WebhookBuckets metric", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.WebhookBuckets(ctx, &hookscope.WebhookMetricsParams{}))
		}},
		{"Metrics.WebhookBuckets nil", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.WebhookBuckets(ctx, nil))
		}},
		{"Metrics.WebhookPages limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.WebhookPages(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, Limit: 5001}))
		}},
		{"Metrics.MessageBuckets metric", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.MessageBuckets(ctx, &hookscope.MessageMetricsParams{Metric: hookscope.MetricRetried}))
		}},
		{"Metrics.MessagePages nil", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.MessagePages(ctx, nil))
		}},
	})
}

// The values at each of the metrics ranges' boundaries are accepted and sent.
func TestMetricsParamBoundariesAreAccepted(t *testing.T) {
	t.Parallel()
	requireBoundariesAccepted(t, []boundaryCase{
		{"metrics limit 1", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty, "limit", "1",
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 1})},
		{"metrics limit 5000", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty, "limit", "5000",
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 5000})},
		{"messages limit 5000", "GET", "/v1/metrics/messages", bodyMetricsEmpty, "limit", "5000",
			messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundFailed, Limit: 5000})},
		{"metrics from 1s before to", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty, "from", "2026-05-05T09:59:59Z",
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, From: paramT0.Add(-time.Second), To: paramT0})},
	})
}

// Every metrics parameter reaches the wire under its name, times in UTC.
func TestMetricsQueryEncoding(t *testing.T) {
	t.Parallel()
	from, to, withNanos := queryTimes()
	requireQueries(t, []queryCase{
		{"metrics zero values", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered}),
			"metric=delivered"},
		{"metrics every param", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricRetried, From: from, To: to,
				Granularity: hookscope.GranularityMinute, GroupBy: hookscope.GroupByHTTPStatusClass,
				CompareTo: hookscope.ComparePriorPeriod, Limit: 5000, Cursor: "eyJpZCI6MX0="}),
			"compare_to=prior_period&cursor=eyJpZCI6MX0%3D&from=2026-05-05T00%3A00%3A00Z&granularity=minute" +
				"&group_by=http_status_class&limit=5000&metric=retried&to=2026-05-06T00%3A30%3A15Z"},
		{"metrics group_by endpoint_id, day", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByEndpointID, Granularity: hookscope.GranularityDay}),
			"granularity=day&group_by=endpoint_id&metric=failed"},
		{"metrics group_by kind, hour, only to", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByKind, Granularity: hookscope.GranularityHour, To: to}),
			"granularity=hour&group_by=kind&metric=failed&to=2026-05-06T00%3A30%3A15Z"},
		{"metrics sub-second from", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, From: withNanos}),
			"from=2026-05-05T10%3A00%3A00.5Z&metric=failed"},
		{"messages every param", "GET", "/v1/metrics/messages", bodyMetricsEmpty,
			messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundDelivered, From: from, To: to,
				Granularity: hookscope.GranularityHour, GroupBy: hookscope.GroupByKind, CompareTo: hookscope.ComparePriorPeriod, Limit: 1, Cursor: "c"}),
			"compare_to=prior_period&cursor=c&from=2026-05-05T00%3A00%3A00Z&granularity=hour&group_by=kind&limit=1" +
				"&metric=messages.outbound.delivered&to=2026-05-06T00%3A30%3A15Z"},
	})
}

// A metrics window whose bucket count is known from from, to and the
// granularity, and is over 10,000, is refused before any request, the way
// the server would.
func TestMetricsWindowOverMaxBucketsIsAParamError(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/metrics/webhooks", respond(200, bodyMetricsEmpty))
	// 10,000 minute buckets: from 00:00 through the bucket holding 166:39.
	okTo := from.Add(9999 * time.Minute).Add(30 * time.Second)
	_, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute, From: from, To: okTo})
	require.NoError(t, err)
	require.Equal(t, 1, f.count())

	_, err = c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute, From: from, To: okTo.Add(time.Minute)})
	pe, isParam := errors.AsType[*hookscope.ParamError](err)
	require.True(t, isParam, "%v", err)
	assert.ErrorIs(t, err, hookscope.ErrTooManyBuckets)
	assert.ErrorIs(t, err, hookscope.ErrInvalidRequest)
	assert.Contains(t, pe.Message, "10001")
	_, err = c.Metrics.Messages(context.Background(), &hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent, From: from, To: from.AddDate(2, 0, 0)})
	assert.ErrorIs(t, err, hookscope.ErrTooManyBuckets, "the default granularity is hour")
	assert.Equal(t, 1, f.count(), "nothing more was sent")
	_ = http.MethodGet
}

// A metrics answer without data or buckets is ErrUnexpectedResponse, never
// an empty series.
func TestMetricsAnswerWithoutBucketsIsUnexpected(t *testing.T) {
	t.Parallel()
	requireUnexpectedAnswers(t, "Metrics.Webhooks", map[string]string{
		"empty object": `{}`,
		"no buckets":   `{"success":true,"data":{"metric":"delivered"},"meta":{"limit":1}}`,
	})
	requireUnexpectedAnswers(t, "Metrics.Messages", map[string]string{
		"empty object": `{}`,
		"null data":    `{"success":true,"data":null}`,
	})
}
