package hookscope_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

const (
	bodyKeyInUse  = `{"error":{"code":"IDEMPOTENCY_KEY_IN_USE","message":"a request with this Idempotency-Key is still being processed"},"meta":{"request_id":"r1"}}`
	bodyOtherConf = `{"error":{"code":"WEBHOOK_CONFLICT","message":"something else"},"meta":{"request_id":"r1"}}`
)

// A write whose key's first request is still in flight (409
// IDEMPOTENCY_KEY_IN_USE) is retried with the same key and gets the answer.
func TestRetryKeyInUseWrite(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", "order-42"} { // the SDK's own key, the caller's
		t.Run("key="+key, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(http.MethodPost, "/api/v0/webhooks", respond(http.StatusConflict, bodyKeyInUse), respond(http.StatusCreated, bodyWebhook))
			var opts []hookscope.Option
			if key != "" {
				opts = append(opts, hookscope.WithIdempotencyKey(key))
			}
			wh, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"}, opts...)
			require.NoError(t, err)
			assert.Equal(t, "ep_550e8400e29b41d4a716446655440000", wh.ID)
			reqs := f.requests()
			require.Len(t, reqs, 2, "one retry")
			first := reqs[0].Header.Get("Idempotency-Key")
			require.NotEmpty(t, first)
			if key != "" {
				assert.Equal(t, key, first)
			}
			assert.Equal(t, first, reqs[1].Header.Get("Idempotency-Key"), "the same key on the retry")
			assert.Equal(t, reqs[0].Body, reqs[1].Body, "the same body on the retry")
		})
	}
}

// Only IDEMPOTENCY_KEY_IN_USE is retried: another 409, or one without that
// code, is final, and its whole error reaches the caller.
func TestNoRetryOnOther409(t *testing.T) {
	t.Parallel()
	for _, body := range []string{bodyOtherConf, "", "<html>conflict</html>"} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(http.MethodPatch, "/api/v0/webhooks/"+testEndpointID, respond(http.StatusConflict, body), respond(http.StatusOK, bodyWebhook))
			_, err := c.Webhooks.Update(context.Background(), testEndpointID, &hookscope.WebhookUpdateParams{Name: new("x")})
			apiErr, ok := errors.AsType[*hookscope.APIError](err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
			assert.Equal(t, 1, f.count(), "not retried")
			if body == bodyOtherConf {
				assert.Equal(t, "WEBHOOK_CONFLICT", apiErr.Code)
				assert.Equal(t, "something else", apiErr.Message, "the body the peek read is decoded whole")
			}
		})
	}
}

// A read's 409 IDEMPOTENCY_KEY_IN_USE is not retried (reads carry no key),
// and a write that keeps meeting it stops after the retries and returns
// ErrConflict.
func TestKeyInUseLimits(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID, respond(http.StatusConflict, bodyKeyInUse), respond(http.StatusOK, bodyWebhook))
	_, err := c.Webhooks.Get(context.Background(), testEndpointID, nil)
	require.ErrorIs(t, err, hookscope.ErrConflict)
	assert.Equal(t, 1, f.count())

	c, f = newFakeAPI(t, hookscope.WithMaxRetries(2))
	f.on(http.MethodDelete, "/api/v0/webhooks/"+testEndpointID, respond(http.StatusConflict, bodyKeyInUse))
	err = c.Webhooks.Delete(context.Background(), testEndpointID)
	require.ErrorIs(t, err, hookscope.ErrConflict)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, hookscope.CodeIdempotencyKeyInUse, apiErr.Code)
	assert.Equal(t, 3, f.count(), "1 try + 2 retries")
}
