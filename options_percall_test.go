package hookscope_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// optionCall is one SDK method, iterators included, called with options.
type optionCall struct {
	name, method, path string
	okStatus           int
	okBody             string
	call               func(ctx context.Context, c *hookscope.Client, opts ...hookscope.Option) error
}

// iterErr ranges an iterator to its end and returns its first error.
func iterErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// everyMethod lists every method of every service, each with valid params.
func everyMethod() []optionCall {
	mp := &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered}
	mm := &hookscope.MessageMetricsParams{Metric: hookscope.MetricInboundReceived}
	type C = hookscope.Client
	type O = hookscope.Option
	get := http.MethodGet
	return []optionCall{
		{"Metrics.Webhooks", get, "/v1/metrics/webhooks", 200, bodyMetricsEmpty, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Metrics.Webhooks(ctx, mp, o...)
			return err
		}},
		{"Metrics.WebhookBuckets", get, "/v1/metrics/webhooks", 200, bodyMetricsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Metrics.WebhookBuckets(ctx, mp, o...))
		}},
		{"Metrics.WebhookPages", get, "/v1/metrics/webhooks", 200, bodyMetricsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Metrics.WebhookPages(ctx, mp, o...))
		}},
		{"Metrics.Messages", get, "/v1/metrics/messages", 200, bodyMetricsEmpty, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Metrics.Messages(ctx, mm, o...)
			return err
		}},
		{"Metrics.MessageBuckets", get, "/v1/metrics/messages", 200, bodyMetricsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Metrics.MessageBuckets(ctx, mm, o...))
		}},
		{"Metrics.MessagePages", get, "/v1/metrics/messages", 200, bodyMetricsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Metrics.MessagePages(ctx, mm, o...))
		}},
		{"Logs.List", get, "/v1/logs", 200, bodyLogsEmpty, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Logs.List(ctx, nil, o...)
			return err
		}},
		{"Logs.All", get, "/v1/logs", 200, bodyLogsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Logs.All(ctx, nil, o...))
		}},
		{"Logs.Pages", get, "/v1/logs", 200, bodyLogsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Logs.Pages(ctx, nil, o...))
		}},
		{"Attempts.ListInbound", get, "/v1/inbound-messages/" + testMessageID + "/attempts", 200, bodyAttemptsEmpty, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Attempts.ListInbound(ctx, testMessageID, o...)
			return err
		}},
		{"Attempts.AllInbound", get, "/v1/inbound-messages/" + testMessageID + "/attempts", 200, bodyAttemptsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Attempts.AllInbound(ctx, testMessageID, o...))
		}},
		{"Attempts.ListOutbound", get, "/v1/messages/" + testMessageID + "/attempts", 200, bodyAttemptsEmpty, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Attempts.ListOutbound(ctx, testMessageID, o...)
			return err
		}},
		{"Attempts.AllOutbound", get, "/v1/messages/" + testMessageID + "/attempts", 200, bodyAttemptsEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Attempts.AllOutbound(ctx, testMessageID, o...))
		}},
		{"Attempts.GetInboundMessage", get, "/v1/inbound-messages/" + testMessageID, 200, bodyInboundMsg, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Attempts.GetInboundMessage(ctx, testMessageID, o...)
			return err
		}},
		{"Webhooks.Get", get, "/api/v0/webhooks/" + testEndpointID, 200, bodyWebhook, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Webhooks.Get(ctx, testEndpointID, nil, o...)
			return err
		}},
		{"Webhooks.List", get, "/api/v0/webhooks", 200, bodyWebhooksEmpty, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Webhooks.List(ctx, nil, o...)
			return err
		}},
		{"Webhooks.All", get, "/api/v0/webhooks", 200, bodyWebhooksEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Webhooks.All(ctx, nil, o...))
		}},
		{"Webhooks.Pages", get, "/api/v0/webhooks", 200, bodyWebhooksEmpty, func(ctx context.Context, c *C, o ...O) error {
			return iterErr(c.Webhooks.Pages(ctx, nil, o...))
		}},
		{"Webhooks.Create", http.MethodPost, "/api/v0/webhooks", 201, bodyWebhook, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"}, o...)
			return err
		}},
		{"Webhooks.Update", http.MethodPatch, "/api/v0/webhooks/" + testEndpointID, 200, bodyWebhook, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Webhooks.Update(ctx, testEndpointID, &hookscope.WebhookUpdateParams{Name: new("renamed")}, o...)
			return err
		}},
		{"Webhooks.Delete", http.MethodDelete, "/api/v0/webhooks/" + testEndpointID, 204, "", func(ctx context.Context, c *C, o ...O) error {
			return c.Webhooks.Delete(ctx, testEndpointID, o...)
		}},
		{"Analytics.Webhooks", get, "/analytics/webhooks", 200, bodyAnalyticsMin, func(ctx context.Context, c *C, o ...O) error {
			_, err := c.Analytics.Webhooks(ctx, o...)
			return err
		}},
	}
}

func isWriteMethod(m string) bool { return m != http.MethodGet && m != http.MethodHead }

// Every method takes call options, and they reach its request.
func TestEveryMethodTakesCallOptions(t *testing.T) {
	t.Parallel()
	for _, m := range everyMethod() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			c, api := newFakeAPI(t)
			api.on(m.method, m.path, respond(m.okStatus, m.okBody, "X-Request-Id", "req_"+m.name,
				"X-RateLimit-Limit", "600", "X-RateLimit-Remaining", "599", "X-RateLimit-Reset", "1778080000"))
			var r hookscope.Response
			opts := []hookscope.Option{hookscope.WithHeader("X-Call", m.name), hookscope.WithResponseInto(&r)}
			if isWriteMethod(m.method) {
				opts = append(opts, hookscope.WithIdempotencyKey("key-"+m.name))
			}
			require.NoError(t, m.call(context.Background(), c, opts...))

			last := api.last()
			assert.Equal(t, m.name, last.Header.Get("X-Call"))
			if isWriteMethod(m.method) {
				assert.Equal(t, "key-"+m.name, last.Header.Get("Idempotency-Key"))
			}
			assert.Equal(t, m.okStatus, r.StatusCode)
			assert.Equal(t, "req_"+m.name, r.RequestID)
			assert.Equal(t, 1, r.Tries)
			require.NotNil(t, r.RateLimit)
			assert.Equal(t, hookscope.RateLimit{Limit: 600, Remaining: 599, Reset: time.Unix(1778080000, 0).UTC()}, *r.RateLimit)
		})
	}
}

// A call's options apply to that call only: the next call without options
// has the client's settings again, and calls in parallel do not see each
// other's.
func TestCallOptionsApplyToTheirCallOnly(t *testing.T) {
	t.Parallel()
	c, api := newFakeAPI(t, hookscope.WithMaxRetries(0), hookscope.WithHeader("X-Client", "client"))
	api.on(http.MethodGet, "/v1/logs",
		respond(503, `{}`), respond(503, `{}`), respond(200, bodyLogsEmpty), // the call with 2 retries
		respond(503, `{}`)) // the call without options: no retry
	ctx := context.Background()

	var r hookscope.Response
	_, err := c.Logs.List(ctx, nil, hookscope.WithMaxRetries(2), hookscope.WithHeader("X-Client", "call"),
		hookscope.WithHeader("X-Call", "yes"), hookscope.WithResponseInto(&r))
	require.NoError(t, err)
	assert.Equal(t, 3, r.Tries)
	for _, req := range api.requests() {
		assert.Equal(t, "call", req.Header.Get("X-Client"), "the call's value replaces the client's")
		assert.Equal(t, "yes", req.Header.Get("X-Call"))
	}

	_, err = c.Logs.List(ctx, nil)
	require.ErrorIs(t, err, hookscope.ErrServer)
	require.Equal(t, 4, api.count(), "the client's WithMaxRetries(0) holds again")
	last := api.last()
	assert.Equal(t, "client", last.Header.Get("X-Client"))
	assert.Empty(t, last.Header.Get("X-Call"))
}

func TestCallOptionsInParallelDoNotMix(t *testing.T) {
	t.Parallel()
	c, api := newFakeAPI(t, hookscope.WithHeader("X-Client", "client"))
	var mu sync.Mutex
	seen := map[string]string{}
	api.mt.RegisterResponder(http.MethodGet, testBase+"/v1/logs", func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		seen[req.Header.Get("X-Call")] = req.Header.Get("X-Client") + "|" + strings.Join(req.Header.Values("X-Extra"), ",")
		mu.Unlock()
		return respond(200, bodyLogsEmpty)(req)
	})
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			name := fmt.Sprint("call-", i)
			_, err := c.Logs.List(context.Background(), nil, hookscope.WithHeader("X-Call", name),
				hookscope.WithHeader("X-Extra", name))
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	require.Len(t, seen, 32)
	for name, v := range seen {
		assert.Equal(t, "client|"+name, v)
	}
}

func TestClientOnlyOptionsRefusedOnACall(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]hookscope.Option{
		"WithBaseURL":      hookscope.WithBaseURL("https://other.example.com"),
		"WithHTTPClient":   hookscope.WithHTTPClient(http.DefaultClient),
		"WithUserAgent":    hookscope.WithUserAgent("x/1"),
		"WithInsecureHTTP": hookscope.WithInsecureHTTP(),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, api := newFakeAPI(t)
			api.on(http.MethodGet, "/v1/logs", respond(200, bodyLogsEmpty))
			_, err := c.Logs.List(context.Background(), nil, opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), name)
			assert.Contains(t, err.Error(), "NewClient")
			assert.Zero(t, api.count(), "nothing is sent")
			// An iterator reports it on its first step.
			require.ErrorContains(t, iterErr(c.Logs.All(context.Background(), nil, opt)), name)
			assert.Zero(t, api.count())
		})
	}
}

func TestCallOnlyOptionsRefusedByNewClient(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]hookscope.Option{
		"WithIdempotencyKey": hookscope.WithIdempotencyKey("order-42"),
		"WithResponseInto":   hookscope.WithResponseInto(new(hookscope.Response)),
	} {
		_, err := hookscope.NewClient(testKey, opt)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name)
	}
}

// A caller's idempotency key goes out on every try of a write; without one,
// each call has its own generated key, the same on each of its tries.
func TestIdempotencyKeyOnEveryTry(t *testing.T) {
	t.Parallel()
	c, api := newFakeAPI(t)
	api.on(http.MethodPost, "/api/v0/webhooks", respond(503, `{}`), respond(503, `{}`), respond(201, bodyWebhook))
	ctx := context.Background()
	params := &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"}

	_, err := c.Webhooks.Create(ctx, params, hookscope.WithIdempotencyKey("order-42"))
	require.NoError(t, err)
	reqs := api.requests()
	require.Len(t, reqs, 3)
	for _, r := range reqs {
		assert.Equal(t, "order-42", r.Header.Get("Idempotency-Key"))
	}

	_, err = c.Webhooks.Create(ctx, params)
	require.NoError(t, err)
	_, err = c.Webhooks.Create(ctx, params)
	require.NoError(t, err)
	reqs = api.requests()
	require.Len(t, reqs, 5)
	a, b := reqs[3].Header.Get("Idempotency-Key"), reqs[4].Header.Get("Idempotency-Key")
	assert.NotEmpty(t, a)
	assert.NotEqual(t, "order-42", a)
	assert.NotEqual(t, a, b, "each call generates its own key")
}

func TestIdempotencyKeyRefusedOnReadsAndWhenInvalid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, m := range everyMethod() {
		if isWriteMethod(m.method) {
			continue
		}
		c, api := newFakeAPI(t)
		api.on(m.method, m.path, respond(m.okStatus, m.okBody))
		err := m.call(ctx, c, hookscope.WithIdempotencyKey("order-42"))
		require.Error(t, err, m.name)
		assert.Contains(t, err.Error(), "WithIdempotencyKey", m.name)
		assert.Zero(t, api.count(), "%s: nothing is sent", m.name)
	}
	for _, key := range []string{"", strings.Repeat("k", 256), "a\nb", "a\x00b", "clé", " lead", "trail ", "del\x7f"} {
		c, api := newFakeAPI(t)
		_, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"},
			hookscope.WithIdempotencyKey(key))
		require.Error(t, err, "%q", key)
		assert.Contains(t, err.Error(), "WithIdempotencyKey", "%q", key)
		assert.Zero(t, api.count(), "%q: nothing is sent", key)
	}
	// The bounds themselves are fine.
	c, api := newFakeAPI(t)
	api.on(http.MethodPost, "/api/v0/webhooks", respond(201, bodyWebhook))
	for _, key := range []string{"k", strings.Repeat("k", 255), "order 42 ~!"} {
		_, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"},
			hookscope.WithIdempotencyKey(key))
		require.NoError(t, err, "%q", key)
		assert.Equal(t, key, api.last().Header.Get("Idempotency-Key"))
	}
}

func TestWithHeaderRefusesWhatTheSDKOwns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, value string }{
		{"Authorization", "Bearer other"},
		{"authorization", "Bearer other"},
		{"Idempotency-Key", "k"},
		{"User-Agent", "x"},
		{"Content-Type", "text/plain"},
		{"Content-Length", "1"},
		{"Host", "evil.example.com"},
		{"Bad Name", "v"},
		{"X-Ok:", "v"},
		{"", "v"},
		{"X-Split", "a\r\nX-Injected: 1"},
		{"X-Nul", "a\x00"},
	} {
		// At both levels.
		_, err := hookscope.NewClient(testKey, hookscope.WithHeader(tc.name, tc.value))
		require.Error(t, err, "%q", tc.name)
		assert.Contains(t, err.Error(), "WithHeader")
		c, api := newFakeAPI(t)
		_, err = c.Logs.List(context.Background(), nil, hookscope.WithHeader(tc.name, tc.value))
		require.Error(t, err, "%q", tc.name)
		assert.Contains(t, err.Error(), "WithHeader")
		assert.Zero(t, api.count())
	}
	c, api := newFakeAPI(t)
	api.on(http.MethodGet, "/v1/logs", respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil, hookscope.WithHeader("x-tab", "a\tb"), hookscope.WithHeader("Accept-Language", "fr"))
	require.NoError(t, err)
	assert.Equal(t, "a\tb", api.last().Header.Get("X-Tab"))
	assert.Equal(t, "fr", api.last().Header.Get("Accept-Language"))
	assert.Equal(t, "Bearer "+testKey, api.last().Header.Get("Authorization"))
}

// The per-call options that tune the request path each take effect.
func TestPerCallTuning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("WithMaxResponseBytes", func(t *testing.T) {
		t.Parallel()
		c, api := newFakeAPI(t)
		api.on(http.MethodGet, "/v1/logs", respond(200, bodyLogsEmpty))
		_, err := c.Logs.List(ctx, nil, hookscope.WithMaxResponseBytes(10))
		require.ErrorIs(t, err, hookscope.ErrResponseTooLarge)
		_, err = c.Logs.List(ctx, nil)
		require.NoError(t, err, "the client's limit holds again")
	})
	t.Run("WithLogger", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		c, api := newFakeAPI(t)
		api.on(http.MethodGet, "/v1/logs", respond(200, bodyLogsEmpty))
		_, err := c.Logs.List(ctx, nil, hookscope.WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		require.NoError(t, err)
		assert.Contains(t, buf.String(), "path=/v1/logs")
		n := buf.Len()
		_, err = c.Logs.List(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, n, buf.Len(), "a call without the option logs nothing")
	})
	t.Run("WithRetryWait", func(t *testing.T) {
		t.Parallel()
		c, api := newFakeAPI(t)
		clock := newFakeClock()
		hookscope.SetClock(c, clock.Now, clock.Sleep)
		api.on(http.MethodGet, "/v1/logs", respond(503, `{}`), respond(200, bodyLogsEmpty))
		_, err := c.Logs.List(ctx, nil, hookscope.WithRetryWait(7*time.Second, 7*time.Second))
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{7 * time.Second}, clock.slept())
	})
	t.Run("WithMaxRetryAfter", func(t *testing.T) {
		t.Parallel()
		c, api := newFakeAPI(t)
		api.on(http.MethodGet, "/v1/logs", respond(503, `{}`, "Retry-After", "5"), respond(200, bodyLogsEmpty))
		_, err := c.Logs.List(ctx, nil, hookscope.WithMaxRetryAfter(time.Second))
		var apiErr *hookscope.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 5*time.Second, apiErr.RetryAfter)
		assert.Equal(t, 1, api.count(), "a Retry-After past the call's cap is not waited")
	})
	t.Run("WithTimeout", func(t *testing.T) {
		t.Parallel()
		// The client's timeout is long; the call's own one ends a try that
		// hangs. (A lower bound only: nothing here asserts how fast.)
		c, api := newFakeAPI(t, hookscope.WithTimeout(time.Hour))
		api.mt.RegisterResponder(http.MethodGet, testBase+"/v1/logs", func(req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		})
		_, err := c.Logs.List(ctx, nil, hookscope.WithTimeout(20*time.Millisecond), hookscope.WithMaxRetries(0))
		require.Error(t, err)
		var netErr net.Error
		require.True(t, errors.As(err, &netErr) && netErr.Timeout(), "a per-try timeout: %v", err)
	})
}

// WithResponseInto reports the last answer on error too, and the tries sent.
func TestResponseIntoOnErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, api := newFakeAPI(t)
	api.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID,
		respond(503, `{}`), respond(404, `{"error":{"code":"WEBHOOK_NOT_FOUND","message":"no","request_id":"req_body"}}`,
			"X-Request-Id", "req_404", "X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "7", "X-RateLimit-Reset", "1778080060"))

	var r hookscope.Response
	_, err := c.Webhooks.Get(ctx, testEndpointID, nil, hookscope.WithResponseInto(&r))
	var apiErr *hookscope.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, r.StatusCode)
	assert.Equal(t, 2, r.Tries)
	assert.Equal(t, "req_404", r.RequestID)
	assert.Equal(t, "req_404", r.Header.Get("X-Request-Id"))
	want := hookscope.RateLimit{Limit: 60, Remaining: 7, Reset: time.Unix(1778080060, 0).UTC()}
	require.NotNil(t, r.RateLimit)
	assert.Equal(t, want, *r.RateLimit)
	require.NotNil(t, apiErr.RateLimit, "the error carries the budget too")
	assert.Equal(t, want, *apiErr.RateLimit)

	// No answer at all: the tries are counted, the status is 0.
	c2, api2 := newFakeAPI(t, hookscope.WithMaxRetries(2))
	api2.mt.RegisterResponder(http.MethodGet, testBase+"/v1/logs", httpmock.NewErrorResponder(errors.New("connection reset")))
	r = hookscope.Response{StatusCode: 99}
	_, err = c2.Logs.List(ctx, nil, hookscope.WithResponseInto(&r))
	require.Error(t, err)
	assert.Equal(t, hookscope.Response{Tries: 3}, r)

	// Refused before sending: untouched.
	r = hookscope.Response{StatusCode: 99}
	_, err = c2.Logs.List(ctx, &hookscope.LogListParams{Limit: -1}, hookscope.WithResponseInto(&r))
	require.ErrorIs(t, err, hookscope.ErrInvalidRequest)
	assert.Equal(t, 99, r.StatusCode)
}

func TestRateLimitHeadersParsed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		headers []string
		want    *hookscope.RateLimit
	}{
		{"all three", []string{"X-RateLimit-Limit", "3000", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1778080000"},
			&hookscope.RateLimit{Limit: 3000, Remaining: 0, Reset: time.Unix(1778080000, 0).UTC()}},
		{"no reset", []string{"X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "59"}, &hookscope.RateLimit{Limit: 60, Remaining: 59}},
		{"none", nil, nil},
		{"limit only", []string{"X-RateLimit-Limit", "60"}, nil},
		{"not a number", []string{"X-RateLimit-Limit", "sixty", "X-RateLimit-Remaining", "59"}, nil},
		{"negative", []string{"X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "-1"}, nil},
		{"bad reset ignored", []string{"X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "1", "X-RateLimit-Reset", "soon"}, &hookscope.RateLimit{Limit: 60, Remaining: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, api := newFakeAPI(t)
			api.on(http.MethodGet, "/v1/logs", respond(200, bodyLogsEmpty, tc.headers...))
			var r hookscope.Response
			_, err := c.Logs.List(context.Background(), nil, hookscope.WithResponseInto(&r))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.RateLimit)
		})
	}
}

// Every exported method of every service takes ...Option last, and the
// table above covers each of them.
func TestEveryServiceMethodTakesOptionsLast(t *testing.T) {
	t.Parallel()
	c, err := hookscope.NewClient(testKey)
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, m := range everyMethod() {
		listed[m.name] = true
	}
	optsType := reflect.TypeOf([]hookscope.Option(nil))
	n := 0
	for name, svc := range map[string]any{"Metrics": c.Metrics, "Logs": c.Logs, "Attempts": c.Attempts,
		"Webhooks": c.Webhooks, "Analytics": c.Analytics} {
		typ := reflect.TypeOf(svc)
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			full := name + "." + m.Name
			n++
			assert.True(t, m.Type.IsVariadic() && m.Type.In(m.Type.NumIn()-1) == optsType, "%s does not take ...Option last", full)
			assert.True(t, listed[full], "%s is missing from everyMethod", full)
		}
	}
	assert.Equal(t, len(listed), n)
}
