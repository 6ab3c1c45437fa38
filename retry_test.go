package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

func TestRetry503Then200(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(503, "", "X-Request-Id", "r1"), logsPage("", false, "m1"))
	page, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "m1", page.Data[0].MessageID)
	assert.Equal(t, 2, f.count())
	assert.Equal(t, 2, f.mt.GetTotalCallCount())
}

func TestRetryRetryableStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("GET", "/analytics/webhooks", respond(status, "", "Retry-After", "0"), respond(200, bodyAnalyticsMin))
			_, err := c.Analytics.Webhooks(context.Background())
			require.NoError(t, err)
			assert.Equal(t, 2, f.count())
		})
	}
}

func TestRetryExhaustedReturnsLastAPIError(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(3))
	f.on("GET", "/v1/inbound-messages/"+testMessageID+"/attempts",
		respond(500, `{"error":{"code":"INTERNAL_ERROR","message":"try 1"},"meta":{"request_id":"r1"}}`),
		respond(500, `{"error":{"code":"INTERNAL_ERROR","message":"try 2"},"meta":{"request_id":"r2"}}`),
		respond(500, `{"error":{"code":"INTERNAL_ERROR","message":"try 3"},"meta":{"request_id":"r3"}}`),
		respond(500, `{"error":{"code":"INTERNAL_ERROR","message":"try 4"},"meta":{"request_id":"r4"}}`),
		respond(200, bodyAttemptsEmpty))
	_, err := c.Attempts.ListInbound(context.Background(), testMessageID)
	require.Error(t, err)
	assert.Equal(t, 4, f.count(), "1 try + 3 retries")
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok, "want *APIError, got %T: %v", err, err)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, "INTERNAL_ERROR", apiErr.Code)
	assert.Equal(t, "try 4", apiErr.Message, "the last answer")
	assert.Equal(t, "r4", apiErr.RequestID)
	assert.NotContains(t, err.Error(), "giving up")
	assert.ErrorIs(t, err, hookscope.ErrServer)
}

func TestRetryCountFollowsWithMaxRetries(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 2, 5} {
		t.Run(fmt.Sprintf("WithMaxRetries(%d)", n), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(n))
			f.on("GET", "/v1/logs", respond(503, ""))
			_, err := c.Logs.List(context.Background(), nil)
			require.ErrorIs(t, err, hookscope.ErrServer)
			assert.Equal(t, n+1, f.count())
		})
	}
}

func TestRetryDefaultIsThreeRetries(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(502, "<html>bad gateway</html>"))
	_, err := c.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrServer)
	assert.Equal(t, hookscope.DefaultMaxRetries+1, f.count())
}

func TestNoRetryOnClientErrorsAnd501(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 422, 501, 505} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(3))
			f.on("GET", "/v1/logs", respond(status, `{"error":{"code":"X","message":"m"},"meta":{"request_id":"r"}}`), logsPage("", false))
			_, err := c.Logs.List(context.Background(), nil)
			apiErr, ok := errors.AsType[*hookscope.APIError](err)
			require.True(t, ok)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, 1, f.count(), "%d is not retried", status)
		})
	}
}

func TestRetryAfterBeyondCapReturnsAtOnce(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(3), hookscope.WithMaxRetryAfter(time.Second))
	sleeps := newFakeClock()
	hookscope.SetClock(c, sleeps.Now, sleeps.Sleep)
	f.on("GET", "/v1/logs", respond(429, `{"error":{"code":"RATE_LIMITED","message":"slow down"},"meta":{"request_id":"r"}}`, "Retry-After", "60"), logsPage("", false))
	// One try and the 429 itself: a wait of 60 s would have ended in a retry.
	_, err := c.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, 60*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, f.count())
	assert.Empty(t, sleeps.slept(), "no wait at all")
}

func TestRetryAfterWithinCapIsHonoured(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(2))
	sleeps := newFakeClock()
	hookscope.SetClock(c, sleeps.Now, sleeps.Sleep)
	f.on("GET", "/v1/logs", respond(503, "", "Retry-After", "1"), respond(429, "", "Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT"), logsPage("", false, "m1"))
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second, 0}, sleeps.slept(), "the server's Retry-After replaces the backoff; a past date is no wait")
	assert.Equal(t, 3, f.count())
}

func TestRetryBackoffWaits(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(3), hookscope.WithRetryWait(100*time.Millisecond, 300*time.Millisecond))
	sleeps := newFakeClock()
	hookscope.SetClock(c, sleeps.Now, sleeps.Sleep)
	f.on("GET", "/v1/logs", respond(503, ""))
	_, err := c.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrServer)
	waits := sleeps.slept()
	require.Len(t, waits, 3)
	assert.Equal(t, 100*time.Millisecond, waits[0], "the first retry waits the minimum")
	assert.GreaterOrEqual(t, waits[1], 100*time.Millisecond)
	assert.LessOrEqual(t, waits[1], 200*time.Millisecond)
	assert.GreaterOrEqual(t, waits[2], 100*time.Millisecond)
	assert.LessOrEqual(t, waits[2], 300*time.Millisecond, "capped at the maximum")
	assert.Equal(t, 4, f.count())
}

func TestRetryNeverSleepsPastTheDeadline(t *testing.T) {
	t.Parallel()
	t.Run("backoff longer than the deadline", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithRetryWait(5*time.Second, 10*time.Second))
		sleeps := newFakeClock()
		hookscope.SetClock(c, sleeps.Now, sleeps.Sleep)
		f.on("GET", "/v1/logs", respond(503, ""), logsPage("", false))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := c.Logs.List(ctx, nil)
		require.Error(t, err)
		assert.Empty(t, sleeps.slept())
		assert.Equal(t, 1, f.count())
		assert.ErrorIs(t, err, hookscope.ErrServer, "the last answer, not a timeout: %v", err)
	})
	t.Run("Retry-After longer than the deadline", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		sleeps := newFakeClock()
		hookscope.SetClock(c, sleeps.Now, sleeps.Sleep)
		f.on("GET", "/v1/logs", respond(429, "", "Retry-After", "5"), logsPage("", false))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := c.Logs.List(ctx, nil)
		apiErr, ok := errors.AsType[*hookscope.APIError](err)
		require.True(t, ok, "%T %v", err, err)
		assert.Equal(t, 5*time.Second, apiErr.RetryAfter)
		assert.Empty(t, sleeps.slept())
		assert.Equal(t, 1, f.count())
	})
	t.Run("canceled during a slow answer", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		sleeps := newFakeClock()
		hookscope.SetClock(c, sleeps.Now, sleeps.Sleep)
		f.on("GET", "/v1/logs", logsPage("", false).Delay(time.Minute))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := c.Logs.List(ctx, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, f.count(), "a context error is not retried")
		assert.Empty(t, sleeps.slept())
	})
}

func TestRetryConnectionErrors(t *testing.T) {
	t.Parallel()
	t.Run("then success", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/logs", httpmock.ConnectionFailure, httpmock.ConnectionFailure, logsPage("", false, "m1"))
		page, err := c.Logs.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Len(t, page.Data, 1)
		assert.Equal(t, 3, f.count())
	})
	t.Run("exhausted", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxRetries(2))
		f.on("GET", "/v1/logs", httpmock.ConnectionFailure)
		_, err := c.Logs.List(context.Background(), nil)
		require.Error(t, err)
		assert.Equal(t, 3, f.count())
		_, isAPI := errors.AsType[*hookscope.APIError](err)
		assert.False(t, isAPI, "no answer: not an *APIError")
		assert.ErrorIs(t, err, httpmock.NoResponderFound)
		assert.Contains(t, err.Error(), "/v1/logs")
	})
	t.Run("writes are retried too, with their body", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("POST", "/api/v0/webhooks", httpmock.ConnectionFailure, respond(201, bodyWebhook))
		_, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "n", URL: "https://a.example/h"})
		require.NoError(t, err)
		reqs := f.requests()
		require.Len(t, reqs, 2)
		assert.JSONEq(t, `{"name":"n","url":"https://a.example/h"}`, string(reqs[1].Body))
		assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"))
	})
}

// closeCountingTransport is a caller's transport that counts
// CloseIdleConnections.
type closeCountingTransport struct {
	rt     http.RoundTripper
	closes atomic.Int64
}

func (c *closeCountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return c.rt.RoundTrip(r)
}
func (c *closeCountingTransport) CloseIdleConnections() { c.closes.Add(1) }

// A failed call must not close the idle connections of a transport the
// SDK does not own: with the default client, that would be
// http.DefaultTransport, shared by the whole program.
func TestFailedCallsLeaveTheCallersIdleConnections(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("GET", testBase+"/v1/logs", respond(503, ""))
	mt.RegisterResponder("GET", testBase+"/v1/metrics/webhooks", httpmock.ConnectionFailure)
	mt.RegisterResponder("GET", "=~^"+testBase+"/api/v0/webhooks", respond(404, `{"error":{"code":"WEBHOOK_NOT_FOUND","message":"no"}}`))
	tr := &closeCountingTransport{rt: mt}
	c, err := hookscope.NewClient(testKey, hookscope.WithBaseURL(testBase),
		hookscope.WithHTTPClient(&http.Client{Transport: tr}), hookscope.WithRetryWait(0, 0), hookscope.WithMaxRetries(1))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Logs.List(ctx, nil)
	require.Error(t, err)
	_, err = c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	require.Error(t, err)
	_, err = c.Webhooks.Get(ctx, testEndpointID, nil)
	require.Error(t, err)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Logs.List(canceled, nil)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Zero(t, tr.closes.Load(), "the SDK closed the caller's idle connections")
}

// An HTTP-date Retry-After is capped at 24 hours like the seconds form.
func TestRetryAfterHTTPDateIsCapped(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
	f.on("GET", "/v1/logs", respond(429, "", "Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"))
	_, err := c.Logs.List(context.Background(), nil)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 24*time.Hour, apiErr.RetryAfter)
}

// failingBody gives prefix, then fails with err (or, with block, waits for
// ctx and fails with its error).
type failingBody struct {
	r     io.Reader
	err   error
	block context.Context
}

func (b *failingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		return n, nil
	}
	if err != io.EOF {
		return 0, err
	}
	if b.block != nil {
		<-b.block.Done()
		return 0, b.block.Err()
	}
	return 0, b.err
}
func (b *failingBody) Close() error { return nil }

// A connection reset while a GET's body is read is retried like one before
// the headers: the caller gets the page, not an "unexpected response".
func TestGetBodyConnectionResetIsRetried(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	var n atomic.Int64
	f.on("GET", "/v1/logs", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			resp, _ := respond(200, "")(req)
			resp.Body = &failingBody{r: strings.NewReader(`{"data":[{"message_id":"m`), err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
			return resp, nil
		}
		return logsPage("", false, "m1")(req)
	})
	page, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "m1", page.Data[0].MessageID)
	assert.Equal(t, 2, f.count())
}

// A per-try timeout that fires while a GET's body is read is retried too.
func TestGetBodyPerTryTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithTimeout(50*time.Millisecond))
	var n atomic.Int64
	f.on("GET", "/v1/logs", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			resp, _ := respond(200, "")(req)
			resp.Body = &failingBody{r: strings.NewReader(`{"data":[`), block: req.Context()}
			return resp, nil
		}
		return logsPage("", false, "m1")(req)
	})
	page, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, 2, f.count())
}

// A write whose answer breaks off is not retried by the SDK on its own
// (the body was received, the write applied): the error says so.
func TestWriteBodyResetIsNotAnEmptySuccess(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("POST", "/api/v0/webhooks", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(201, "")(req)
		resp.Body = &failingBody{r: strings.NewReader(`{"id":"ep_`), err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
		return resp, nil
	})
	_, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "n", URL: "https://a.example/h"})
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ECONNRESET)
}

// The caller cancelling while the body is read is a cancellation, not a bad
// server.
func TestContextCanceledInBodyPhaseIsCancellation(t *testing.T) {
	t.Parallel()
	headersSent := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[`)
		w.(http.Flusher).Flush()
		close(headersSent)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err := hookscope.NewClient(testKey, hookscope.WithBaseURL(srv.URL), hookscope.WithRetryWait(0, 0))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-headersSent; time.Sleep(10 * time.Millisecond); cancel() }()
	_, err = c.Logs.List(ctx, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.False(t, errors.Is(err, hookscope.ErrUnexpectedResponse), "a cancellation is not a bad body: %v", err)
}

// A GET whose body breaks off, then whose retry ends on a 503 with no retry
// left, returns that 503: the broken body's try decides nothing.
func TestGetBodyResetThenServerErrorIsTheServerError(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(1))
	var n atomic.Int64
	f.on("GET", "/v1/logs", func(req *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			resp, _ := respond(200, "")(req)
			resp.Body = &failingBody{r: strings.NewReader(`{"data":[`), err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
			return resp, nil
		}
		return respond(503, `{"error":{"code":"INTERNAL_ERROR","message":"down"}}`)(req)
	})
	page, err := c.Logs.List(context.Background(), nil)
	require.Error(t, err)
	assert.Nil(t, page)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, 2, f.count())
}
