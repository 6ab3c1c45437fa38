package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// threeLogPages: 2 rows, a short page of 1 row that still has a cursor, 2 rows.
func threeLogPages(t *testing.T, f *fakeAPI) {
	f.on("GET", "/v1/logs", cursorPages(t, map[string]httpmock.Responder{
		"":   logsPage("c2", true, "m1", "m2"),
		"c2": logsPage("c3", true, "m3"),
		"c3": logsPage("", false, "m4", "m5"),
	}))
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

// endlessEmptyPages answers every cursor with an empty page that has more,
// and a fresh cursor; after 100 pages (a client without a bound) it gives
// up with a 400, so that the test ends either way.
func endlessEmptyPages(body func(next string) string) func(*http.Request) (*http.Response, error) {
	var n atomic.Int64
	return func(req *http.Request) (*http.Response, error) {
		if n.Add(1) > 100 {
			return respond(400, `{"error":{"code":"INVALID_REQUEST","message":"enough"}}`)(req)
		}
		cur := req.URL.Query().Get("cursor")
		return respond(200, body(cur+"x"))(req)
	}
}

// A server that answers has_more with empty pages and fresh cursors would
// keep an iterator going forever, without the loop body ever running. Every
// iterator stops with ErrEmptyPages after MaxEmptyPages such pages in a row.
func TestIteratorsStopAfterConsecutiveEmptyPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	msg := testMessageID
	for _, tc := range []struct {
		name, path string
		body       func(next string) string
		run        func(c *hookscope.Client) error
	}{
		{"Logs.All", "/v1/logs", func(n string) string {
			return fmt.Sprintf(`{"data":[],"meta":{"next_cursor":%q,"has_more":true}}`, n)
		}, func(c *hookscope.Client) error { return lastErr(c.Logs.All(ctx, nil)) }},
		{"Logs.Pages", "/v1/logs", func(n string) string {
			return fmt.Sprintf(`{"data":[],"meta":{"next_cursor":%q,"has_more":true}}`, n)
		}, func(c *hookscope.Client) error { return lastErr(c.Logs.Pages(ctx, nil)) }},
		{"Webhooks.All", "/api/v0/webhooks", func(n string) string {
			return fmt.Sprintf(`{"data":[],"meta":{"next_cursor":%q,"has_more":true}}`, n)
		}, func(c *hookscope.Client) error { return lastErr(c.Webhooks.All(ctx, nil)) }},
		{"Attempts.AllInbound", "/v1/inbound-messages/" + msg + "/attempts", func(n string) string {
			return fmt.Sprintf(`{"data":[],"meta":{"next_cursor":%q,"has_more":true}}`, n)
		}, func(c *hookscope.Client) error { return lastErr(c.Attempts.AllInbound(ctx, msg)) }},
		{"Metrics.WebhookBuckets", "/v1/metrics/webhooks", func(n string) string {
			return fmt.Sprintf(`{"success":true,"data":{"metric":"delivered","granularity":"hour","from":"2026-05-05T00:00:00Z","to":"2026-05-06T00:00:00Z","buckets":[]},"meta":{"as_of":"2026-05-05T23:00:00Z","limit":2,"next_cursor":%q}}`, n)
		}, func(c *hookscope.Client) error {
			return lastErr(c.Metrics.WebhookBuckets(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("GET", tc.path, endlessEmptyPages(tc.body))
			err := tc.run(c)
			require.ErrorIs(t, err, hookscope.ErrEmptyPages)
			assert.Equal(t, hookscope.MaxEmptyPages, f.count())
		})
	}
}

// A page with rows resets the count: empty pages between full ones are fine.
func TestIteratorEmptyPagesBetweenRowsAreFollowed(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	pages := map[string]string{}
	n := hookscope.MaxEmptyPages - 1
	for round := range 3 {
		for i := range n {
			cur := fmt.Sprintf("r%d-%d", round, i)
			pages[cur] = fmt.Sprintf(`{"data":[],"meta":{"next_cursor":"r%d-%d","has_more":true}}`, round, i+1)
		}
		last := fmt.Sprintf("r%d-%d", round, n)
		next := fmt.Sprintf("r%d-0", round+1)
		hasMore := round < 2
		pages[last] = fmt.Sprintf(`{"data":[{"message_id":"m%d","endpoint":"e","status":"queued","attempt_count":0,"created_at":"2025-12-06T12:00:00Z"}],"meta":{"next_cursor":%q,"has_more":%t}}`, round, next, hasMore)
	}
	f.on("GET", "/v1/logs", func(req *http.Request) (*http.Response, error) {
		cur := req.URL.Query().Get("cursor")
		if cur == "" {
			cur = "r0-0"
		}
		return respond(200, pages[cur])(req)
	})
	ids, errs := collectLogIDs(t, c.Logs.All(context.Background(), nil))
	assert.Empty(t, errs)
	assert.Equal(t, []string{"m0", "m1", "m2"}, ids)
}

// has_more false ends the attempts iterators even when the server also
// sends a cursor, as it ends every other iterator.
func TestAttemptsAllHasMoreFalseEndsEvenWithCursor(t *testing.T) {
	t.Parallel()
	path := "/v1/messages/" + testMessageID + "/attempts"
	c, f := newFakeAPI(t)
	f.on("GET", path, cursorPages(t, map[string]httpmock.Responder{
		"":   attemptsPage("c2", false, 1, 2),
		"c2": attemptsPage("", false, 3),
	}))
	nos, errs := collect(t, c.Attempts.AllOutbound(context.Background(), testMessageID), func(a *hookscope.Attempt) int { return a.AttemptNo })
	assert.Empty(t, errs)
	assert.Equal(t, []int{1, 2}, nos)
	assert.Equal(t, 1, f.count())
}

func lastErr[T any](seq func(func(T, error) bool)) error {
	var last error
	for _, err := range seq {
		if err != nil {
			last = err
		}
	}
	return last
}
