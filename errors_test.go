package hookscope_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

var allSentinels = map[string]error{
	"ErrUnauthorized":            hookscope.ErrUnauthorized,
	"ErrForbidden":               hookscope.ErrForbidden,
	"ErrGranularityNotAvailable": hookscope.ErrGranularityNotAvailable,
	"ErrInvalidRequest":          hookscope.ErrInvalidRequest,
	"ErrTooManyBuckets":          hookscope.ErrTooManyBuckets,
	"ErrNotFound":                hookscope.ErrNotFound,
	"ErrRateLimited":             hookscope.ErrRateLimited,
	"ErrServer":                  hookscope.ErrServer,
}

// assertSentinels checks that err matches exactly the named sentinels.
func assertSentinels(t *testing.T, err error, want ...string) {
	t.Helper()
	for name, s := range allSentinels {
		wanted := false
		for _, w := range want {
			wanted = wanted || w == name
		}
		assert.Equalf(t, wanted, errors.Is(err, s), "errors.Is(err, %s); err = %v", name, err)
	}
}

func TestSeedErrorExamplesMapToSentinels(t *testing.T) {
	t.Parallel()
	metrics := func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute})
		return err
	}
	logs := func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Logs.List(ctx, &hookscope.LogListParams{EndpointID: testEndpointID})
		return err
	}
	attempts := func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Attempts.ListInbound(ctx, testMessageID)
		return err
	}
	webhook := func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.Get(ctx, testEndpointID, nil)
		return err
	}
	analytics := func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Analytics.Webhooks(ctx)
		return err
	}
	const (
		metricsPath   = "/v1/metrics/webhooks"
		logsPath      = "/v1/logs"
		attemptsPath  = "/v1/inbound-messages/" + testMessageID + "/attempts"
		webhookPath   = "/api/v0/webhooks/" + testEndpointID
		analyticsPath = "/analytics/webhooks"
	)
	tests := []struct {
		file          string
		status        int
		path          string
		call          func(context.Context, *hookscope.Client) error
		sentinels     []string
		code, message string
		requestID     string
		details       map[string]any
		fieldErrors   map[string]string
		supportID     string
	}{
		{"seed000_error_401_unauthorized.json", 401, metricsPath, metrics, []string{"ErrUnauthorized"},
			"UNAUTHORIZED", "authentication failed", "01JTBQH2FZ8K1RXC0WJ4Z9P3VM", nil, nil, ""},
		{"seed000_error_403_forbidden.json", 403, metricsPath, metrics, []string{"ErrForbidden"},
			"FORBIDDEN", "missing required scope", "01JTBQH2FZ8K1RXC0WJ4Z9P3VM", nil, nil, ""},
		{"seed000_error_403_granularity_not_available.json", 403, metricsPath, metrics, []string{"ErrGranularityNotAvailable"},
			"GRANULARITY_NOT_AVAILABLE", "granularity not available at this plan tier", "01JTBQH2FZ8K1RXC0WJ4Z9P3VM",
			map[string]any{"max_granularity": "day"}, nil, ""},
		{"constructed_seed000_error_400_too_many_buckets.json", 400, metricsPath, metrics, []string{"ErrTooManyBuckets", "ErrInvalidRequest"},
			"TOO_MANY_BUCKETS", "the window holds more than 10000 bucket rows", "01JTBQH2FZ8K1RXC0WJ4Z9P3VN",
			map[string]any{"max_buckets": float64(10000), "requested_buckets": float64(43201)}, nil, ""},
		{"constructed_seed000_error_429_rate_limited.json", 429, metricsPath, metrics, []string{"ErrRateLimited"},
			"RATE_LIMITED", "rate limit exceeded", "01JTBQH2FZ8K1RXC0WJ4Z9P3VR", nil, nil, ""},
		{"seed001_error_404_endpoint_not_found.json", 404, logsPath, logs, []string{"ErrNotFound"},
			"ENDPOINT_NOT_FOUND", "endpoint not found", "req_xyz123", nil, nil, ""},
		{"seed001_error_401_unauthorized.json", 401, logsPath, logs, []string{"ErrUnauthorized"},
			"UNAUTHORIZED", "Invalid or missing API key", "req_xyz123", nil, nil, ""},
		{"seed003_error_404_endpoint_not_found.json", 404, attemptsPath, attempts, []string{"ErrNotFound"},
			"ENDPOINT_NOT_FOUND", "endpoint not found", "req_xyz123", nil, nil, ""},
		{"seed003_error_401_unauthorized.json", 401, attemptsPath, attempts, []string{"ErrUnauthorized"},
			"UNAUTHORIZED", "Invalid or missing API key", "req_xyz123", nil, nil, ""},
		{"seed003_error_500_internal_error.json", 500, attemptsPath, attempts, []string{"ErrServer"},
			"INTERNAL_ERROR", "An internal error occurred", "req_xyz123", nil, nil, ""},
		{"constructed_seed002_error_404_webhook_not_found.json", 404, webhookPath, webhook, []string{"ErrNotFound"},
			"WEBHOOK_NOT_FOUND", "webhook not found", "req_wh_404", nil, nil, ""},
		{"constructed_seed004_analytics_error_400_validator.json", 400, analyticsPath, analytics, []string{"ErrInvalidRequest"},
			"INVALID_REQUEST", "Invalid query parameters", "req_1234567890", nil,
			map[string]string{"email": "Invalid email address", "password": "Password is required"}, "0197bc00-48b8-7f8e-a84e-7bf59dea2563"},
		{"constructed_seed004_analytics_error_401_unauthorized.json", 401, analyticsPath, analytics, []string{"ErrUnauthorized"},
			"UNAUTHORIZED", "Invalid or missing API key", "req_401_analytics", nil, nil, ""},
		// log is a string here (the seed's second example of "log"): the request id comes from X-Request-Id.
		{"constructed_seed004_analytics_error_500_log_string.json", 500, analyticsPath, analytics, []string{"ErrServer"},
			"INTERNAL_ERROR", "An internal error occurred", "req_from_header", nil, nil, "support_uuidv7-something-else"},
		// "error": null: no code, the status decides.
		{"constructed_seed004_analytics_error_403_null_code.json", 403, analyticsPath, analytics, []string{"ErrForbidden"},
			"", "missing required scope", "req_from_header", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
			f.on(http.MethodGet, tt.path, respondFile(t, tt.status, tt.file, "X-Request-Id", "req_from_header"))

			err := tt.call(context.Background(), c)
			require.Error(t, err)
			assert.Equal(t, 1, f.count())
			assertSentinels(t, err, tt.sentinels...)

			var apiErr *hookscope.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.Equal(t, tt.message, apiErr.Message)
			assert.Equal(t, tt.requestID, apiErr.RequestID)
			assert.Equal(t, tt.details, apiErr.Details)
			assert.Equal(t, tt.fieldErrors, apiErr.FieldErrors)
			assert.Equal(t, tt.supportID, apiErr.SupportID)
			assert.Empty(t, apiErr.Body, "a known envelope keeps no raw body")
			assert.Equal(t, time.Duration(0), apiErr.RetryAfter)

			// errors.AsType (Go 1.26) finds the same value.
			got, ok := errors.AsType[*hookscope.APIError](err)
			require.True(t, ok)
			assert.Same(t, apiErr, got)

			// The message says status, code and request id.
			msg := err.Error()
			assert.Contains(t, msg, strconv.Itoa(tt.status))
			assert.Contains(t, msg, tt.code)
			assert.Contains(t, msg, tt.requestID)
		})
	}
}

func TestGranularityErrorMaxGranularity(t *testing.T) {
	t.Parallel()
	for _, status := range []int{403, 400} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
			f.on(http.MethodGet, "/v1/metrics/webhooks", respondFile(t, status, "seed000_error_403_granularity_not_available.json"))
			_, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute})
			require.ErrorIs(t, err, hookscope.ErrGranularityNotAvailable, "by code, under any status")
			apiErr, ok := errors.AsType[*hookscope.APIError](err)
			require.True(t, ok)
			assert.Equal(t, hookscope.GranularityDay, apiErr.MaxGranularity())
			assert.Equal(t, "day", string(apiErr.MaxGranularity()))
			assert.Equal(t, status, apiErr.StatusCode)
			assert.NotErrorIs(t, err, hookscope.ErrForbidden, "a more specific code is not ErrForbidden")
			if status == 400 {
				assert.ErrorIs(t, err, hookscope.ErrInvalidRequest)
			}
		})
	}
}

func TestTooManyBucketsDetails(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/metrics/webhooks", respondFile(t, 400, "constructed_seed000_error_400_too_many_buckets.json"))
	_, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute})
	require.ErrorIs(t, err, hookscope.ErrTooManyBuckets)
	require.ErrorIs(t, err, hookscope.ErrInvalidRequest)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, int64(10000), apiErr.MaxBuckets())
	assert.Equal(t, int64(43201), apiErr.RequestedBuckets())
	assert.Equal(t, hookscope.Granularity(""), apiErr.MaxGranularity())
	assert.Equal(t, 1, f.count(), "400 is not retried")
}

func TestAPIErrorRequestIDFallsBackToHeader(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID,
		respond(404, `{"error":{"code":"WEBHOOK_NOT_FOUND","message":"webhook not found"}}`, "X-Request-Id", "req_hdr_only"))
	f.on(http.MethodGet, "/v1/logs", respond(404, `{"error":{"code":"ENDPOINT_NOT_FOUND","message":"endpoint not found"},"meta":{"request_id":"req_meta"}}`, "X-Request-Id", "req_hdr"))

	_, err := c.Webhooks.Get(context.Background(), testEndpointID, nil)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, "req_hdr_only", apiErr.RequestID)
	assert.Equal(t, "WEBHOOK_NOT_FOUND", apiErr.Code)
	assert.ErrorIs(t, err, hookscope.ErrNotFound)

	_, err = c.Logs.List(context.Background(), nil)
	apiErr, ok = errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, "req_meta", apiErr.RequestID, "the body's request id wins")

	// A body id with nothing printable (found by FuzzDecodeAPIError) gives
	// way to the header's instead of leaving none.
	f.on(http.MethodGet, "/v1/metrics/webhooks", respond(400, "{\"error\":{\"code\":\"INVALID_REQUEST\",\"message\":\"m\",\"request_id\":\"\u007f \\t\"}}", "X-Request-Id", "req_hdr_\u001b[2J"))
	_, err = c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	apiErr, ok = errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, "req_hdr_ [2J", apiErr.RequestID, "the header's id, cleaned")
}

func TestNonEnvelopeErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		sentinels []string
		wantBody  string
	}{
		{"html 502", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", []string{"ErrServer"}, "<html><body><h1>502 Bad Gateway</h1></body></html>"},
		{"empty 503", 503, "", []string{"ErrServer"}, ""},
		{"plain 404", 404, "404 page not found\n", []string{"ErrNotFound"}, "404 page not found"},
		{"text 401", 401, "Unauthorized", []string{"ErrUnauthorized"}, "Unauthorized"},
		{"json without envelope 403", 403, `{"message":"Forbidden"}`, []string{"ErrForbidden"}, `{"message":"Forbidden"}`},
		{"empty 429", 429, "", []string{"ErrRateLimited"}, ""},
		{"empty 422", 422, "", []string{"ErrInvalidRequest"}, ""},
		{"truncated json 500", 500, `{"error":{"code":"INTERNAL_ER`, []string{"ErrServer"}, `{"error":{"code":"INTERNAL_ER`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
			f.on(http.MethodGet, "/v1/logs", respond(tt.status, tt.body, "Content-Type", "text/html", "X-Request-Id", "req_proxy"))
			_, err := c.Logs.List(context.Background(), nil)
			require.Error(t, err)
			apiErr, ok := errors.AsType[*hookscope.APIError](err)
			require.True(t, ok, "want *APIError, got %T: %v", err, err)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Empty(t, apiErr.Code)
			assert.Equal(t, tt.wantBody, apiErr.Body)
			assert.Equal(t, "req_proxy", apiErr.RequestID)
			assertSentinels(t, err, tt.sentinels...)
			assert.Contains(t, err.Error(), strconv.Itoa(tt.status))
		})
	}
}

func TestRateLimitedRetryAfter(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
	f.on(http.MethodGet, "/v1/logs", respond(429, `{"error":{"code":"RATE_LIMITED","message":"slow down"},"meta":{"request_id":"req_429"}}`, "Retry-After", "7"))
	_, err := c.Logs.List(context.Background(), nil)
	require.ErrorIs(t, err, hookscope.ErrRateLimited)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.Equal(t, 7*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 429, apiErr.StatusCode)
	assert.Equal(t, "RATE_LIMITED", apiErr.Code)
	assert.Equal(t, "req_429", apiErr.RequestID)
	assert.Equal(t, 1, f.count())
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
	when := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	f.on(http.MethodGet, "/v1/logs", respond(429, "", "Retry-After", when))
	_, err := c.Logs.List(context.Background(), nil)
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok)
	assert.InDelta(t, (90 * time.Second).Seconds(), apiErr.RetryAfter.Seconds(), 2)
	assert.ErrorIs(t, err, hookscope.ErrRateLimited)
}

func TestParamErrorShape(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	_, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 501})
	var pe *hookscope.ParamError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "limit", pe.Param)
	assert.NotEmpty(t, pe.Message)
	assert.Contains(t, err.Error(), "limit")
	assert.ErrorIs(t, err, hookscope.ErrInvalidRequest)
	assertSentinels(t, err, "ErrInvalidRequest")
	_, isAPI := errors.AsType[*hookscope.APIError](err)
	assert.False(t, isAPI)
	assert.Equal(t, 0, f.count())
}

// assertPrintable fails when s holds a control character (a newline, an
// escape sequence's ESC, a NUL...).
func assertPrintable(t *testing.T, s, field string) {
	t.Helper()
	for _, r := range s {
		if unicode.IsControl(r) {
			assert.Failf(t, "control character", "%s holds %U: %q", field, r, s[:min(len(s), 200)])
			return
		}
	}
}

// A hostile or broken server cannot flood or forge the caller's logs
// through an error: message and request id are capped and have no control
// characters, whatever the envelope.
func TestAPIErrorMessageAndRequestIDAreCappedAndSanitized(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("A", 1<<20)
	forged := "bad\n2026-01-01 INFO all good\x1b[2J\x1b]0;pwned\x07\r\x00"
	for name, body := range map[string]string{
		"logs":      `{"error":{"code":"INVALID_REQUEST","message":"` + huge + `"},"meta":{"request_id":"` + huge + `"}}`,
		"webhooks":  `{"error":{"code":"WEBHOOK_NOT_FOUND","message":` + jsonString(forged) + `,"request_id":` + jsonString(forged+huge) + `}}`,
		"metrics":   `{"success":false,"error":{"code":"INVALID_REQUEST","message":` + jsonString(forged+huge) + `,"request_id":"r\n1"}}`,
		"analytics": `{"status":400,"data":null,"message":` + jsonString(forged) + `,"error":"INVALID_REQUEST","log":{"request_id":` + jsonString(huge) + `},"validator":{"f":` + jsonString(forged) + `}}`,
		"not json":  forged + huge,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("GET", "/v1/logs", respond(400, body, "X-Request-Id", "hdr\x1b[31m"+huge))
			_, err := c.Logs.List(context.Background(), nil)
			apiErr, ok := errors.AsType[*hookscope.APIError](err)
			require.True(t, ok, "%v", err)
			assert.LessOrEqual(t, len(apiErr.Message), 1024+len("…"))
			assert.LessOrEqual(t, len(apiErr.RequestID), 128+len("…"))
			assert.LessOrEqual(t, len(apiErr.Body), 512+len("…"))
			assert.LessOrEqual(t, len(err.Error()), 4096)
			assertPrintable(t, apiErr.Message, "Message")
			assertPrintable(t, apiErr.RequestID, "RequestID")
			assertPrintable(t, apiErr.Body, "Body")
			assertPrintable(t, apiErr.Code, "Code")
			for k, v := range apiErr.FieldErrors {
				assertPrintable(t, k+v, "FieldErrors")
			}
			assertPrintable(t, err.Error(), "Error()")
		})
	}
}

// A server that reflects the client's own key (in a message, a detail, a
// request id or a non-JSON page) does not get it into the error.
func TestAPIErrorMasksTheReflectedKey(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"message":     `{"error":{"code":"UNAUTHORIZED","message":"key Bearer ` + testKey + ` is revoked"},"meta":{"request_id":"req_1"}}`,
		"request id":  `{"error":{"code":"UNAUTHORIZED","message":"no","request_id":"` + testKey + `"}}`,
		"details":     `{"success":false,"error":{"code":"INVALID_REQUEST","message":"no","details":{"key":"` + testKey + `","nested":{"k":["` + secretPart + `"]}}}}`,
		"validator":   `{"status":422,"data":null,"message":"m","error":"INVALID_REQUEST","validator":{"authorization":"` + testKey + `"}}`,
		"html":        `<html><body>Your key ` + testKey + ` was rejected</body></html>`,
		"secret part": `{"error":{"code":"UNAUTHORIZED","message":"unknown key suffix ` + secretPart + `"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("GET", "/v1/logs", respond(401, body))
			_, err := c.Logs.List(context.Background(), nil)
			apiErr, ok := errors.AsType[*hookscope.APIError](err)
			require.True(t, ok, "%v", err)
			assert.NotContains(t, err.Error(), secretPart)
			assert.NotContains(t, apiErr.Message, secretPart)
			assert.NotContains(t, apiErr.RequestID, secretPart)
			assert.NotContains(t, apiErr.Body, secretPart)
			assert.NotContains(t, fmtDetails(apiErr), secretPart)
		})
	}
}

func fmtDetails(e *hookscope.APIError) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				b.WriteString(k)
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			b.WriteString(v)
		}
	}
	walk(e.Details)
	for k, v := range e.FieldErrors {
		b.WriteString(k + v)
	}
	return b.String()
}
