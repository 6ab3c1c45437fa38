package hookscope_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookscope/hookscope-go"
)

// closedDoor answers 429 with the seconds left in Retry-After until clock
// reaches openAt, and 200 after; it counts its 429s.
func closedDoor(api *fakeAPI, clock *fakeClock, openAt time.Time, refused *atomic.Int32) func(*http.Request) (*http.Response, error) {
	return func(req *http.Request) (*http.Response, error) {
		api.record(req)
		if left := openAt.Sub(clock.Now()); left > 0 {
			refused.Add(1)
			secs := int((left + time.Second - 1) / time.Second)
			return respond(429, `{"error":{"code":"RATE_LIMITED","message":"Rate limit exceeded"},"meta":{"request_id":"req_429"}}`,
				"Retry-After", strconv.Itoa(secs), "X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "0",
				"X-RateLimit-Reset", strconv.FormatInt(openAt.Unix(), 10))(req)
		}
		return respond(200, bodyLogsEmpty)(req)
	}
}

// After a 429 with Retry-After, every call of the client that starts before
// that instant waits for it: a burst of goroutines meets one 429, not one each.
func TestA429PausesEveryCallOfTheClient(t *testing.T) {
	t.Parallel()
	c, api := newFakeAPI(t, hookscope.WithMaxRetries(0)) // any further 429 would be an error
	clock := newFakeClock()
	hookscope.SetClock(c, clock.Now, clock.Sleep)
	var refused atomic.Int32
	api.mt.RegisterResponder(http.MethodGet, testBase+"/v1/logs", closedDoor(api, clock, clock.Now().Add(7*time.Second), &refused))
	ctx := context.Background()

	_, err := c.Logs.List(ctx, nil)
	var apiErr *hookscope.APIError
	require.ErrorAs(t, err, &apiErr)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	assert.Equal(t, 7*time.Second, apiErr.RetryAfter)
	require.NotNil(t, apiErr.RateLimit)
	assert.Equal(t, 0, apiErr.RateLimit.Remaining)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := c.Logs.List(ctx, nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), refused.Load(), "the burst waited instead of meeting the closed door")
	slept := clock.slept()
	require.NotEmpty(t, slept)
	assert.Equal(t, 7*time.Second, slept[0], "the first of the burst waits the whole Retry-After")
	for _, d := range slept {
		assert.LessOrEqual(t, d, 7*time.Second)
	}
}

// A call's own retry after a 429 waits the Retry-After once, not once for
// the retry and again for the pause.
func TestA429RetryWaitsOnce(t *testing.T) {
	t.Parallel()
	c, api := newFakeAPI(t)
	clock := newFakeClock()
	hookscope.SetClock(c, clock.Now, clock.Sleep)
	var refused atomic.Int32
	api.mt.RegisterResponder(http.MethodGet, testBase+"/v1/logs", closedDoor(api, clock, clock.Now().Add(3*time.Second), &refused))

	var r hookscope.Response
	_, err := c.Logs.List(context.Background(), nil, hookscope.WithResponseInto(&r))
	require.NoError(t, err)
	assert.Equal(t, 2, r.Tries)
	assert.Equal(t, []time.Duration{3 * time.Second}, clock.slept())
}

// A pause the call cannot wait out fails at once, without a request: past
// the call's WithMaxRetryAfter, or past its context's deadline.
func TestPauseLongerThanTheCallAllowsFailsAtOnce(t *testing.T) {
	t.Parallel()
	c, api := newFakeAPI(t, hookscope.WithMaxRetries(0), hookscope.WithMaxRetryAfter(time.Minute))
	clock := newFakeClock()
	hookscope.SetClock(c, clock.Now, clock.Sleep)
	var refused atomic.Int32
	api.mt.RegisterResponder(http.MethodGet, testBase+"/v1/logs", closedDoor(api, clock, clock.Now().Add(30*time.Second), &refused))
	_, err := c.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	require.Equal(t, 1, api.count())

	_, err = c.Logs.List(context.Background(), nil, hookscope.WithMaxRetryAfter(10*time.Second))
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	assert.Contains(t, err.Error(), "WithMaxRetryAfter")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = c.Logs.List(ctx, nil)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	assert.Contains(t, err.Error(), "deadline")

	assert.Equal(t, 1, api.count(), "no request was sent into the pause")
	assert.Empty(t, clock.slept())
}

// The pause lasts at most the client's WithMaxRetryAfter, whatever the
// server asked.
func TestPauseCappedByMaxRetryAfter(t *testing.T) {
	t.Parallel()
	c, api := newFakeAPI(t, hookscope.WithMaxRetries(0), hookscope.WithMaxRetryAfter(20*time.Second))
	clock := newFakeClock()
	hookscope.SetClock(c, clock.Now, clock.Sleep)
	api.on(http.MethodGet, "/v1/logs", respond(429, `{}`, "Retry-After", "3600"), respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	_, err = c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{20 * time.Second}, clock.slept())
}

// A 429 on one client does not pause another.
func TestPauseIsPerClient(t *testing.T) {
	t.Parallel()
	c1, api1 := newFakeAPI(t, hookscope.WithMaxRetries(0))
	c2, api2 := newFakeAPI(t, hookscope.WithMaxRetries(0))
	clock := newFakeClock()
	hookscope.SetClock(c1, clock.Now, clock.Sleep)
	hookscope.SetClock(c2, clock.Now, clock.Sleep)
	api1.on(http.MethodGet, "/v1/logs", respond(429, `{}`, "Retry-After", "9"))
	api2.on(http.MethodGet, "/v1/logs", respond(200, bodyLogsEmpty))
	_, err := c1.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	_, err = c2.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, clock.slept())
}

// Each try, retries included, takes a token of the limiter; a call that
// cannot get one before its deadline fails at once without a request.
func TestRateLimiterGatesEveryTry(t *testing.T) {
	t.Parallel()
	lim := rate.NewLimiter(rate.Every(time.Hour), 3) // three tokens, then none for an hour
	c, api := newFakeAPI(t, hookscope.WithRateLimiter(lim))
	api.on(http.MethodGet, "/v1/logs", respond(503, `{}`), respond(503, `{}`), respond(200, bodyLogsEmpty))

	var r hookscope.Response
	_, err := c.Logs.List(context.Background(), nil, hookscope.WithResponseInto(&r))
	require.NoError(t, err)
	require.Equal(t, 3, r.Tries)
	assert.InDelta(t, 0, lim.Tokens(), 0.01, "one token per try")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = c.Logs.List(ctx, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "rate limiter")
	assert.Equal(t, 3, api.count(), "no request without a token")

	// A call's own limiter replaces the client's for that call.
	_, err = c.Logs.List(ctx, nil, hookscope.WithRateLimiter(rate.NewLimiter(rate.Inf, 1)))
	require.NoError(t, err)
	assert.Equal(t, 4, api.count())
}
