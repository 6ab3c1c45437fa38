package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// cursorPages answers by the request's cursor query parameter: pages maps a
// cursor ("" for the first page) to a responder.
func cursorPages(t *testing.T, pages map[string]httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		cur := req.URL.Query().Get("cursor")
		r, ok := pages[cur]
		if !ok {
			t.Errorf("unexpected cursor %q", cur)
			return httpmock.NewStringResponse(http.StatusTeapot, "unexpected cursor"), nil
		}
		return r(req)
	}
}

// logsPage is a /v1/logs body with one row per id.
func logsPage(next string, hasMore bool, ids ...string) httpmock.Responder {
	rows := make([]string, len(ids))
	for i, id := range ids {
		rows[i] = fmt.Sprintf(`{"message_id":%q,"endpoint":"https://customer.app/webhooks","status":"succeeded","attempt_count":1,"created_at":"2025-12-06T12:00:00Z"}`, id)
	}
	nc := "null"
	if next != "" {
		nc = fmt.Sprintf("%q", next)
	}
	return respond(200, fmt.Sprintf(`{"data":[%s],"meta":{"request_id":"req","next_cursor":%s,"has_more":%t}}`, strings.Join(rows, ","), nc, hasMore))
}

func cursorsSent(f *fakeAPI) []string {
	var out []string
	for _, r := range f.requests() {
		out = append(out, r.URL.Query().Get("cursor"))
	}
	return out
}

// threeLogPages: 2 rows, a short page of 1 row that still has a cursor, 2 rows.
func threeLogPages(t *testing.T, f *fakeAPI) {
	f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
		"":   logsPage("c2", true, "m1", "m2"),
		"c2": logsPage("c3", true, "m3"),
		"c3": logsPage("", false, "m4", "m5"),
	}))
}

// collect ranges over seq to its end and returns key of every row and every
// error, in order; an error must come with a nil row.
func collect[T, K any](t *testing.T, seq iter.Seq2[*T, error], key func(*T) K) ([]K, []error) {
	var keys []K
	var errs []error
	for row, err := range seq {
		if err != nil {
			require.Nil(t, row, "an error comes with a nil row")
			errs = append(errs, err)
			continue
		}
		keys = append(keys, key(row))
	}
	return keys, errs
}

func collectLogIDs(t *testing.T, seq iter.Seq2[*hookscope.LogEntry, error]) ([]string, []error) {
	return collect(t, seq, func(e *hookscope.LogEntry) string { return e.MessageID })
}

func TestLogsAllIsLazyFollowsCursorsAndRestarts(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	threeLogPages(t, f)

	it := c.Logs.All(context.Background(), &hookscope.LogListParams{Limit: 2, Status: hookscope.StatusSucceeded})
	assert.Equal(t, 0, f.count(), "creating the iterator sends nothing")

	ids, errs := collectLogIDs(t, it)
	assert.Empty(t, errs)
	assert.Equal(t, []string{"m1", "m2", "m3", "m4", "m5"}, ids, "a short page with a next cursor is followed")
	assert.Equal(t, 3, f.count())
	assert.Equal(t, []string{"", "c2", "c3"}, cursorsSent(f))
	for _, r := range f.requests() {
		assert.Equal(t, "2", r.URL.Query().Get("limit"), "params are kept on every page")
		assert.Equal(t, "succeeded", r.URL.Query().Get("status"))
	}

	// Ranging the same value again starts over.
	ids2, errs := collectLogIDs(t, it)
	assert.Empty(t, errs)
	assert.Equal(t, ids, ids2)
	assert.Equal(t, 6, f.count())
	assert.Equal(t, []string{"", "c2", "c3", "", "c2", "c3"}, cursorsSent(f))
}

func TestLogsAllEarlyBreakSendsNothingMore(t *testing.T) {
	t.Parallel()
	for _, stopAfter := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(stopAfter), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			threeLogPages(t, f)
			n := 0
			for e, err := range c.Logs.All(context.Background(), nil) {
				require.NoError(t, err)
				require.NotNil(t, e)
				n++
				if n == stopAfter {
					break
				}
			}
			assert.Equal(t, stopAfter, n)
			wantRequests := map[int]int{1: 1, 2: 1, 3: 2}[stopAfter]
			assert.Equal(t, wantRequests, f.count(), "no page is fetched past the break")
		})
	}
}

func TestLogsAllHasMoreFalseEndsEvenWithCursor(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
		"": logsPage("dangling", false, "m1"),
	}))
	ids, errs := collectLogIDs(t, c.Logs.All(context.Background(), nil))
	assert.Empty(t, errs)
	assert.Equal(t, []string{"m1"}, ids)
	assert.Equal(t, 1, f.count())
}

func TestLogsAllEmptyPageWithCursorIsFollowed(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
		"":   logsPage("c2", true),
		"c2": logsPage("", false, "m1"),
	}))
	ids, errs := collectLogIDs(t, c.Logs.All(context.Background(), nil))
	assert.Empty(t, errs)
	assert.Equal(t, []string{"m1"}, ids)
	assert.Equal(t, 2, f.count())
}

func TestLogsAllRepeatedCursor(t *testing.T) {
	t.Parallel()
	t.Run("server repeats its own cursor", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
			"":   logsPage("c2", true, "m1", "m2"),
			"c2": logsPage("c2", true, "m3"),
		}))
		ids, errs := collectLogIDs(t, c.Logs.All(context.Background(), nil))
		assert.Equal(t, []string{"m1", "m2", "m3"}, ids, "rows come before the error")
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrRepeatedCursor)
		assert.Equal(t, 2, f.count())
	})
	t.Run("server cycles back to an earlier cursor", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
			"":   logsPage("c2", true, "m1"),
			"c2": logsPage("c3", true, "m2"),
			"c3": logsPage("c2", true, "m3"),
		}))
		ids, errs := collectLogIDs(t, c.Logs.All(context.Background(), nil))
		assert.Equal(t, []string{"m1", "m2", "m3"}, ids)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrRepeatedCursor)
		assert.Equal(t, 3, f.count())
	})
	t.Run("server returns the start cursor", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
			"saved": logsPage("saved", true, "m9"),
		}))
		ids, errs := collectLogIDs(t, c.Logs.All(context.Background(), &hookscope.LogListParams{Cursor: "saved"}))
		assert.Equal(t, []string{"m9"}, ids)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrRepeatedCursor)
		assert.Equal(t, 1, f.count())
	})
}

func TestLogsAllErrorOnPage3(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
	f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
		"":   logsPage("c2", true, "m1", "m2"),
		"c2": logsPage("c3", true, "m3", "m4"),
		"c3": respondFile(t, 500, "seed003_error_500_internal_error.json"),
	}))
	var ids []string
	var errs []error
	yieldsAfterErr := 0
	for e, err := range c.Logs.All(context.Background(), nil) {
		if len(errs) > 0 {
			yieldsAfterErr++
		}
		if err != nil {
			errs = append(errs, err)
			continue // keep ranging: the iterator must stop by itself
		}
		ids = append(ids, e.MessageID)
	}
	assert.Equal(t, []string{"m1", "m2", "m3", "m4"}, ids)
	require.Len(t, errs, 1, "the error is yielded once")
	assert.Equal(t, 0, yieldsAfterErr, "nothing after the error")
	assert.ErrorIs(t, errs[0], hookscope.ErrServer)
	apiErr, ok := errors.AsType[*hookscope.APIError](errs[0])
	require.True(t, ok)
	assert.Equal(t, "INTERNAL_ERROR", apiErr.Code)
	assert.Equal(t, 3, f.count())
}

func TestLogsAllHasMoreWithoutCursor(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", logsPage("", true, "m1", "m2"))
	ids, errs := collectLogIDs(t, c.Logs.All(context.Background(), nil))
	assert.Equal(t, []string{"m1", "m2"}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], hookscope.ErrIncompletePage)
	assert.Equal(t, 1, f.count())
}

func TestLogsPagesExposeCursorAndResume(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	threeLogPages(t, f)

	var saved string
	pages := 0
	for page, err := range c.Logs.Pages(context.Background(), &hookscope.LogListParams{Limit: 2}) {
		require.NoError(t, err)
		pages++
		assert.Equal(t, "req", page.Meta.RequestID)
		if pages == 1 {
			assert.Equal(t, "c2", page.Meta.NextCursor)
			assert.True(t, page.Meta.HasMore)
			assert.Len(t, page.Data, 2)
		}
		if pages == 2 {
			saved = page.Meta.NextCursor
			break // checkpoint
		}
	}
	require.Equal(t, "c3", saved)
	assert.Equal(t, 2, f.count())

	// Resume from the checkpoint: the first request carries the saved cursor.
	var ids []string
	for page, err := range c.Logs.Pages(context.Background(), &hookscope.LogListParams{Limit: 2, Cursor: saved}) {
		require.NoError(t, err)
		for _, e := range page.Data {
			ids = append(ids, e.MessageID)
		}
		assert.Empty(t, page.Meta.NextCursor)
		assert.False(t, page.Meta.HasMore)
	}
	assert.Equal(t, []string{"m4", "m5"}, ids)
	assert.Equal(t, []string{"", "c2", "c3"}, cursorsSent(f))
}

func TestIteratorCanceledContextSendsNothing(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	threeLogPages(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ids, errs := collectLogIDs(t, c.Logs.All(ctx, nil))
	assert.Empty(t, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Equal(t, 0, f.count())
}

func TestIteratorStopsWhenContextCanceledBetweenPages(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	threeLogPages(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ids []string
	var errs []error
	for e, err := range c.Logs.All(ctx, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, e.MessageID)
		if e.MessageID == "m2" {
			cancel()
		}
	}
	assert.Equal(t, []string{"m1", "m2"}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Equal(t, 1, f.count())
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

// webhooksPage is a GET /api/v0/webhooks body with one webhook per name.
func webhooksPage(next string, hasMore bool, names ...string) httpmock.Responder {
	rows := make([]string, len(names))
	for i, n := range names {
		rows[i] = strings.Replace(bodyWebhook, `"name":"n"`, fmt.Sprintf(`"name":%q`, n), 1)
	}
	nc := "null"
	if next != "" {
		nc = fmt.Sprintf("%q", next)
	}
	return respond(200, fmt.Sprintf(`{"data":[%s],"meta":{"next_cursor":%s,"has_more":%t}}`, strings.Join(rows, ","), nc, hasMore))
}

func TestWebhooksAll(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*hookscope.Client, *fakeAPI) {
		c, f := newFakeAPI(t)
		f.on("GET", "/api/v0/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   webhooksPage("w2", true, "a", "b"),
			"w2": webhooksPage("w3", true, "c"),
			"w3": webhooksPage("", false, "d"),
		}))
		return c, f
	}
	names := func(t *testing.T, c *hookscope.Client, p *hookscope.WebhookListParams) ([]string, []error) {
		return collect(t, c.Webhooks.All(context.Background(), p), func(wh *hookscope.Webhook) string { return wh.Name })
	}
	t.Run("lazy, every page, restart", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		it := c.Webhooks.All(context.Background(), &hookscope.WebhookListParams{Limit: 2})
		assert.Equal(t, 0, f.count())
		var got []string
		for wh, err := range it {
			require.NoError(t, err)
			got = append(got, wh.Name)
		}
		assert.Equal(t, []string{"a", "b", "c", "d"}, got)
		assert.Equal(t, []string{"", "w2", "w3"}, cursorsSent(f))
		for range it {
		}
		assert.Equal(t, 6, f.count())
		for _, r := range f.requests() {
			assert.Equal(t, "2", r.URL.Query().Get("limit"))
		}
	})
	t.Run("early break", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		for wh, err := range c.Webhooks.All(context.Background(), nil) {
			require.NoError(t, err)
			if wh.Name == "c" {
				break
			}
		}
		assert.Equal(t, 2, f.count())
	})
	t.Run("resume from cursor", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		got, errs := names(t, c, &hookscope.WebhookListParams{Cursor: "w3"})
		assert.Empty(t, errs)
		assert.Equal(t, []string{"d"}, got)
		assert.Equal(t, []string{"w3"}, cursorsSent(f))
	})
	t.Run("repeated cursor", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/api/v0/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   webhooksPage("w2", true, "a"),
			"w2": webhooksPage("w2", true, "b"),
		}))
		got, errs := names(t, c, nil)
		assert.Equal(t, []string{"a", "b"}, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrRepeatedCursor)
		assert.Equal(t, 2, f.count())
	})
	t.Run("error on page 3", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
		f.on("GET", "/api/v0/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   webhooksPage("w2", true, "a"),
			"w2": webhooksPage("w3", true, "b"),
			"w3": respond(401, `{"error":{"code":"UNAUTHORIZED","message":"authentication failed","request_id":"r"}}`),
		}))
		got, errs := names(t, c, nil)
		assert.Equal(t, []string{"a", "b"}, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrUnauthorized)
		assert.Equal(t, 3, f.count())
	})
}

// attemptsPage is an attempts body with attempt numbers from..to.
func attemptsPage(next string, hasMore bool, nos ...int) httpmock.Responder {
	rows := make([]string, len(nos))
	for i, n := range nos {
		rows[i] = fmt.Sprintf(`{"id":"01935abc-def0-7123-4567-%012d","attempt_no":%d,"response_status":500,"created_at":"2025-12-06T12:00:00Z"}`, n, n)
	}
	nc := ""
	if next != "" {
		nc = fmt.Sprintf(`"next_cursor":%q,`, next)
	}
	return respond(200, fmt.Sprintf(`{"data":[%s],"meta":{"request_id":"req",%s"has_more":%t}}`, strings.Join(rows, ","), nc, hasMore))
}

func TestAttemptsAllInbound(t *testing.T) {
	t.Parallel()
	path := "/v1/inbound-messages/" + testMessageID + "/attempts"
	attemptNos := func(t *testing.T, c *hookscope.Client) ([]int, []error) {
		return collect(t, c.Attempts.AllInbound(context.Background(), testMessageID), func(a *hookscope.Attempt) int { return a.AttemptNo })
	}
	t.Run("complete list", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, attemptsPage("", false, 1, 2, 3))
		it := c.Attempts.AllInbound(context.Background(), testMessageID)
		assert.Equal(t, 0, f.count(), "lazy")
		_ = it
		nos, errs := attemptNos(t, c)
		assert.Empty(t, errs)
		assert.Equal(t, []int{1, 2, 3}, nos)
		assert.Equal(t, 1, f.count())
		assert.Empty(t, f.last().URL.RawQuery)
	})
	t.Run("has_more without cursor: rows then ErrIncompletePage", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, attemptsPage("", true, 1, 2))
		nos, errs := attemptNos(t, c)
		assert.Equal(t, []int{1, 2}, nos)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrIncompletePage)
		assert.Equal(t, 1, f.count())
	})
	t.Run("a future server's next_cursor is followed", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, cursorPages(t, map[string]httpmock.Responder{
			"":   attemptsPage("a2", true, 1, 2),
			"a2": attemptsPage("", false, 3),
		}))
		nos, errs := attemptNos(t, c)
		assert.Empty(t, errs)
		assert.Equal(t, []int{1, 2, 3}, nos)
		assert.Equal(t, []string{"", "a2"}, cursorsSent(f))
	})
	t.Run("early break", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, cursorPages(t, map[string]httpmock.Responder{
			"":   attemptsPage("a2", true, 1, 2),
			"a2": attemptsPage("", false, 3),
		}))
		for a, err := range c.Attempts.AllInbound(context.Background(), testMessageID) {
			require.NoError(t, err)
			if a.AttemptNo == 2 {
				break
			}
		}
		assert.Equal(t, 1, f.count())
	})
	t.Run("outbound path", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/messages/"+testMessageID+"/attempts", attemptsPage("", false, 1))
		n := 0
		for _, err := range c.Attempts.AllOutbound(context.Background(), testMessageID) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 1, n)
	})
}

// A param error is yielded on the first iteration, once, with no request.
func TestIteratorParamErrorYieldedOnce(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	calls := 0
	for e, err := range c.Logs.All(context.Background(), &hookscope.LogListParams{Limit: 501}) {
		calls++
		assert.Nil(t, e)
		pe, ok := errors.AsType[*hookscope.ParamError](err)
		require.True(t, ok)
		assert.Equal(t, "limit", pe.Param)
	}
	assert.Equal(t, 1, calls)
	calls = 0
	for p, err := range c.Logs.Pages(context.Background(), &hookscope.LogListParams{Status: "nope"}) {
		calls++
		assert.Nil(t, p)
		assert.ErrorIs(t, err, hookscope.ErrInvalidRequest)
	}
	assert.Equal(t, 1, calls)
	assert.Equal(t, 0, f.count())
}

// All state lives in the range call, so one iterator value can be ranged by
// several goroutines at once (run with -race).
func TestIteratorRangedConcurrently(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	threeLogPages(t, f)
	it := c.Logs.All(context.Background(), nil)
	results := make(chan []string, 4)
	for range 4 {
		go func() {
			ids, errs := collectLogIDs(t, it)
			assert.Empty(t, errs)
			results <- ids
		}()
	}
	for range 4 {
		assert.Equal(t, []string{"m1", "m2", "m3", "m4", "m5"}, <-results)
	}
	assert.Equal(t, 12, f.count())
}
