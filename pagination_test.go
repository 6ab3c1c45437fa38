package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
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
