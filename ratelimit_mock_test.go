package hookscope_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// mockRateLimited is a mock with rate limits on, its clock fixed 30 s into a
// minute, and a client of a free-plan key (60 requests a minute) whose
// sleeps move the mock's clock: a wait of the client is a wait of the world.
func mockRateLimited(t *testing.T, opts ...hookscope.Option) (*mockserver.Server, *hookscope.Client, func() []time.Duration) {
	t.Helper()
	start := time.Date(2026, 5, 6, 15, 4, 30, 0, time.UTC)
	srv := mockserver.New(mockserver.WithSeed(3), mockserver.WithMessages(20), mockserver.WithRateLimits(),
		mockserver.WithClock(func() time.Time { return start }))
	t.Cleanup(srv.Close)
	const key = "am_test_free_ratelimit_0123456789"
	srv.AddKey(mockserver.Key{Token: key, Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()})
	c, err := hookscope.NewClient(key, append([]hookscope.Option{hookscope.WithBaseURL(srv.URL())}, opts...)...)
	require.NoError(t, err)
	var mu sync.Mutex
	var slept []time.Duration
	hookscope.SetClock(c, srv.Now, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		if d > 0 {
			require.NoError(t, srv.AdvanceClock(d))
		}
		return ctx.Err()
	})
	return srv, c, func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), slept...)
	}
}

func count429(srv *mockserver.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// The mock's budget, read from its headers; the 429 past it; and a burst
// after it that waits for the window instead of meeting the closed door.
func TestRateLimitsAgainstTheMock(t *testing.T) {
	t.Parallel()
	srv, c, slept := mockRateLimited(t, hookscope.WithMaxRetries(0)) // any further 429 would be an error
	ctx := context.Background()
	windowEnd := time.Date(2026, 5, 6, 15, 5, 0, 0, time.UTC)

	for i := range 60 {
		var r hookscope.Response
		_, err := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 1}, hookscope.WithResponseInto(&r))
		require.NoError(t, err, "request %d", i+1)
		require.NotNil(t, r.RateLimit)
		require.Equal(t, hookscope.RateLimit{Limit: 60, Remaining: 59 - i, Reset: windowEnd}, *r.RateLimit)
	}
	_, err := c.Logs.List(ctx, nil)
	var apiErr *hookscope.APIError
	require.ErrorAs(t, err, &apiErr)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	assert.Equal(t, 30*time.Second, apiErr.RetryAfter)
	require.NotNil(t, apiErr.RateLimit)
	assert.Equal(t, hookscope.RateLimit{Limit: 60, Remaining: 0, Reset: windowEnd}, *apiErr.RateLimit)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 1})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, 1, count429(srv), "the burst waited for the window")
	require.NotEmpty(t, slept())
	assert.Equal(t, 30*time.Second, slept()[0])
}

// A call's own retry after the mock's 429 waits its Retry-After once, and
// passes in the next window.
func TestRateLimitRetryAgainstTheMock(t *testing.T) {
	t.Parallel()
	srv, c, slept := mockRateLimited(t)
	ctx := context.Background()
	for range 60 {
		_, err := c.Analytics.Webhooks(ctx)
		require.NoError(t, err)
	}
	var r hookscope.Response
	_, err := c.Analytics.Webhooks(ctx, hookscope.WithResponseInto(&r))
	require.NoError(t, err)
	assert.Equal(t, 2, r.Tries)
	assert.Equal(t, []time.Duration{30 * time.Second}, slept())
	assert.Equal(t, 1, count429(srv))
	require.NotNil(t, r.RateLimit)
	assert.Equal(t, 59, r.RateLimit.Remaining, "the first request of the new window")
}
