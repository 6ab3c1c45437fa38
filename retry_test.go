package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	f.on("GET", "/v1/logs", respond(429, `{"error":{"code":"RATE_LIMITED","message":"slow down"},"meta":{"request_id":"r"}}`, "Retry-After", "60"), logsPage("", false))
	// One try and the 429 itself: a wait of 60 s would have ended in a retry.
	_, err := c.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, 60*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, f.count())
}

func TestRetryAfterWithinCapIsHonoured(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(1))
	f.on("GET", "/v1/logs", respond(503, "", "Retry-After", "1"), logsPage("", false, "m1"))
	start := time.Now()
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "the server's Retry-After replaces the backoff")
	assert.Equal(t, 2, f.count())
}

func TestRetryNeverSleepsPastTheDeadline(t *testing.T) {
	t.Parallel()
	t.Run("backoff longer than the deadline", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithRetryWait(5*time.Second, 10*time.Second))
		f.on("GET", "/v1/logs", respond(503, ""), logsPage("", false))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		// Sleeping into the deadline would end in context.DeadlineExceeded,
		// not in the server's answer.
		_, err := c.Logs.List(ctx, nil)
		require.Error(t, err)
		assert.Equal(t, 1, f.count())
		assert.ErrorIs(t, err, hookscope.ErrServer, "the last answer, not a timeout: %v", err)
	})
	t.Run("Retry-After longer than the deadline", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/logs", respond(429, "", "Retry-After", "5"), logsPage("", false))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.Logs.List(ctx, nil)
		apiErr, ok := errors.AsType[*hookscope.APIError](err)
		require.True(t, ok, "%T %v", err, err)
		assert.Equal(t, 5*time.Second, apiErr.RetryAfter)
		assert.Equal(t, 1, f.count())
	})
	t.Run("canceled during a slow answer", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/logs", logsPage("", false).Delay(2*time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := c.Logs.List(ctx, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, f.count(), "a context error is not retried")
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
