package hookscope_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

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

func TestAnalyticsDataNullOn200IsUnexpected(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/analytics/webhooks", respond(200, `{"status":200,"data":null,"error":null,"log":null,"validator":null,"support_id":null,"message":"ok","env":"development"}`))
	an, err := c.Analytics.Webhooks(context.Background())
	require.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
	assert.Nil(t, an)
}

// A 2xx whose body is not the JSON the endpoint promises is an error wrapping
// ErrUnexpectedResponse on every endpoint, never an empty result.
func TestBad2xxBodiesAreErrors(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"empty":          "",
		"whitespace":     " \n\t",
		"truncated":      `{"data":[{"message_id":"m1",`,
		"html":           "<html>ok</html>",
		"trailing data":  `{"data":[]} {"data":[]}`,
		"trailing junk":  `{"data":[]}garbage`,
		"not json":       "OK",
		"wrong type arr": `[1,2,3]`,
	}
	for _, ep := range decodingEndpoints() {
		for name, body := range bodies {
			t.Run(ep.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				c, f := newFakeAPI(t)
				f.on(ep.method, ep.path, respond(ep.okStatus, body, "X-Request-Id", "req_bad"))
				err := ep.call(context.Background(), c)
				require.Error(t, err)
				assert.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
				_, isAPI := errors.AsType[*hookscope.APIError](err)
				assert.False(t, isAPI, "a 2xx is not an *APIError")
				assert.Equal(t, 1, f.count(), "a bad 2xx is not retried")
			})
		}
	}
}

func TestResponseTooLarge(t *testing.T) {
	t.Parallel()
	big := `{"data":[],"meta":{"request_id":"` + strings.Repeat("x", 200) + `","has_more":false}}`

	t.Run("2xx over the limit", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(64))
		f.on(http.MethodGet, "/v1/logs", respond(200, big))
		page, err := c.Logs.List(context.Background(), nil)
		require.ErrorIs(t, err, hookscope.ErrResponseTooLarge)
		assert.Nil(t, page)
	})
	t.Run("2xx exactly at the limit", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(int64(len(big))))
		f.on(http.MethodGet, "/v1/logs", respond(200, big))
		page, err := c.Logs.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Len(t, page.Meta.RequestID, 200)
	})
	t.Run("2xx one byte over the limit", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(int64(len(big))-1))
		f.on(http.MethodGet, "/v1/logs", respond(200, big))
		_, err := c.Logs.List(context.Background(), nil)
		require.ErrorIs(t, err, hookscope.ErrResponseTooLarge)
	})
	t.Run("error body over the limit keeps the status", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(64), hookscope.WithMaxRetries(0))
		f.on(http.MethodGet, "/v1/logs", respond(500, `{"error":{"code":"INTERNAL_ERROR","message":"`+strings.Repeat("y", 500)+`"}}`))
		_, err := c.Logs.List(context.Background(), nil)
		apiErr, ok := errors.AsType[*hookscope.APIError](err)
		require.True(t, ok)
		assert.Equal(t, 500, apiErr.StatusCode)
		assert.ErrorIs(t, err, hookscope.ErrServer)
		assert.LessOrEqual(t, len(apiErr.Body), 520)
	})
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

// paramCase is one call that the SDK must refuse before sending anything.
type paramCase struct {
	name  string
	param string
	call  func(ctx context.Context, c *hookscope.Client) error
}

func metricsCall(p *hookscope.WebhookMetricsParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Metrics.Webhooks(ctx, p)
		return err
	}
}

func messagesCall(p *hookscope.MessageMetricsParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Metrics.Messages(ctx, p)
		return err
	}
}

func logsCall(p *hookscope.LogListParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Logs.List(ctx, p)
		return err
	}
}

func webhookGetCall(id string, p *hookscope.WebhookGetParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.Get(ctx, id, p)
		return err
	}
}

func webhookListCall(p *hookscope.WebhookListParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.List(ctx, p)
		return err
	}
}

func webhookCreateCall(p *hookscope.WebhookCreateParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.Create(ctx, p)
		return err
	}
}

func webhookUpdateCall(id string, p *hookscope.WebhookUpdateParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.Update(ctx, id, p)
		return err
	}
}

// firstErr ranges seq and returns the first error it yields.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

var (
	paramT0 = time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC)
	paramT1 = paramT0.Add(time.Hour)
)

func invalidParamCases() []paramCase {
	hex32 := "550e8400e29b41d4a716446655440000"
	badEndpointIDs := map[string]string{
		"empty-prefix":  hex32,
		"short":         "ep_123",
		"upper prefix":  "EP_" + hex32,
		"upper hex":     "ep_550E8400E29B41D4A716446655440000",
		"33 hex":        "ep_" + hex32 + "0",
		"31 hex":        "ep_" + hex32[:31],
		"non hex":       "ep_550e8400e29b41d4a71644665544000g",
		"path traverse": "ep_../../v1/logs",
		"slash":         "ep_" + hex32[:16] + "/" + hex32[17:],
		"space":         " ep_" + hex32,
		"newline":       "ep_" + hex32 + "\n",
	}
	badUUIDs := map[string]string{
		"empty":         "",
		"word":          "not-a-uuid",
		"short":         "01935abc-def0-7123-4567-890abcdef01",
		"long":          "01935abc-def0-7123-4567-890abcdef0123",
		"no dashes":     "01935abcdef071234567890abcdef012",
		"non hex":       "01935abc-def0-7123-4567-890abcdef01z",
		"path traverse": "../../v1/logs",
		"slash":         "01935abc-def0-7123-4567/890abcdef012",
		"query":         "01935abc-def0-7123-4567-890abcdef012?x=1",
	}
	cases := []paramCase{
		// metrics
		{"metrics nil params", "metric", metricsCall(nil)},
		{"metrics no metric", "metric", metricsCall(&hookscope.WebhookMetricsParams{})},
		{"metrics unknown metric", "metric", metricsCall(&hookscope.WebhookMetricsParams{Metric: "delivered_ok"})},
		{"metrics message metric on webhooks", "metric", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricInboundReceived})},
		{"metrics granularity", "granularity", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: "week"})},
		{"metrics granularity case", "granularity", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: "Hour"})},
		{"metrics group_by", "group_by", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, GroupBy: "status"})},
		{"metrics compare_to", "compare_to", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, CompareTo: "prior_year"})},
		{"metrics limit 0-1", "limit", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: -1})},
		{"metrics limit 5001", "limit", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 5001})},
		{"metrics from == to", "from", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, From: paramT0, To: paramT0})},
		{"metrics from after to", "from", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, From: paramT1, To: paramT0})},
		{"metrics from after to across zones", "from", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
			From: paramT0.In(time.FixedZone("X", 5*3600)), To: paramT0.Add(-time.Second).In(time.FixedZone("Y", -7*3600))})},
		{"messages webhook metric", "metric", messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricDelivered})},
		{"messages nil", "metric", messagesCall(nil)},
		{"messages limit 5001", "limit", messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent, Limit: 5001})},
		{"messages granularity", "granularity", messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent, Granularity: "second"})},
		// logs
		{"logs status", "status", logsCall(&hookscope.LogListParams{Status: "failed"})},
		{"logs limit -1", "limit", logsCall(&hookscope.LogListParams{Limit: -1})},
		{"logs limit 501", "limit", logsCall(&hookscope.LogListParams{Limit: 501})},
		{"logs end before start", "end_time", logsCall(&hookscope.LogListParams{StartTime: paramT1, EndTime: paramT0})},
		// webhooks
		{"webhook get events_limit -1", "events_limit", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{EventsLimit: -1})},
		{"webhook get events_limit 51", "events_limit", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 51})},
		{"webhook list limit -1", "limit", webhookListCall(&hookscope.WebhookListParams{Limit: -1})},
		{"webhook list limit 101", "limit", webhookListCall(&hookscope.WebhookListParams{Limit: 101})},
		{"create nil", "name", webhookCreateCall(nil)},
		{"create no name", "name", webhookCreateCall(&hookscope.WebhookCreateParams{URL: "https://a.example/h"})},
		{"create blank name", "name", webhookCreateCall(&hookscope.WebhookCreateParams{Name: " \t", URL: "https://a.example/h"})},
		{"create no url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n"})},
		{"create http url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "http://a.example/h"})},
		{"create ftp url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "ftp://a.example/h"})},
		{"create relative url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "/hooks"})},
		{"create no host", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https:///hooks"})},
		{"create port only", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https://:443/hooks"})},
		{"create not a url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https://exa mple.com/%zz"})},
		{"update blank name", "name", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{Name: new("")})},
		{"update http url", "url", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{URL: new("http://a.example/h")})},
		{"update empty url", "url", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{URL: new("")})},
		// iterators: the error is yielded on the first iteration
		{"Logs.All limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Logs.All(ctx, &hookscope.LogListParams{Limit: 501}))
		}},
		{"Logs.Pages endpoint_id", "endpoint_id", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Logs.Pages(ctx, &hookscope.LogListParams{EndpointID: "ep_x"}))
		}},
		{"Metrics.WebhookBuckets metric", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.WebhookBuckets(ctx, &hookscope.WebhookMetricsParams{}))
		}},
		{"Metrics.WebhookBuckets nil", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.WebhookBuckets(ctx, nil))
		}},
		{"Metrics.WebhookPages limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.WebhookPages(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, Limit: 5001}))
		}},
		{"Metrics.MessageBuckets metric", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.MessageBuckets(ctx, &hookscope.MessageMetricsParams{Metric: hookscope.MetricRetried}))
		}},
		{"Webhooks.All limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Webhooks.All(ctx, &hookscope.WebhookListParams{Limit: 101}))
		}},
		{"Attempts.AllInbound id", "id", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Attempts.AllInbound(ctx, "nope"))
		}},
		{"Attempts.AllOutbound id", "id", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Attempts.AllOutbound(ctx, "nope"))
		}},
	}
	for name, id := range badEndpointIDs {
		cases = append(cases,
			paramCase{"logs endpoint_id " + name, "endpoint_id", logsCall(&hookscope.LogListParams{EndpointID: id})},
			paramCase{"webhook get id " + name, "webhook_id", webhookGetCall(id, nil)},
			paramCase{"webhook update id " + name, "webhook_id", webhookUpdateCall(id, &hookscope.WebhookUpdateParams{Name: new("x")})},
			paramCase{"webhook delete id " + name, "webhook_id", func(ctx context.Context, c *hookscope.Client) error {
				return c.Webhooks.Delete(ctx, id)
			}},
		)
	}
	for name, id := range badUUIDs {
		cases = append(cases,
			paramCase{"attempts inbound id " + name, "id", func(ctx context.Context, c *hookscope.Client) error {
				_, err := c.Attempts.ListInbound(ctx, id)
				return err
			}},
			paramCase{"attempts outbound id " + name, "id", func(ctx context.Context, c *hookscope.Client) error {
				_, err := c.Attempts.ListOutbound(ctx, id)
				return err
			}},
			paramCase{"inbound message id " + name, "id", func(ctx context.Context, c *hookscope.Client) error {
				_, err := c.Attempts.GetInboundMessage(ctx, id)
				return err
			}},
		)
	}
	return cases
}

func TestInvalidParamsSendNoRequest(t *testing.T) {
	t.Parallel()
	for _, tt := range invalidParamCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			err := tt.call(context.Background(), c)
			require.Error(t, err)
			pe, ok := errors.AsType[*hookscope.ParamError](err)
			require.True(t, ok, "want *ParamError, got %T: %v", err, err)
			assert.Equal(t, tt.param, pe.Param)
			assert.ErrorIs(t, err, hookscope.ErrInvalidRequest)
			assert.Equal(t, 0, f.count(), "no request may be sent")
			assert.Equal(t, 0, f.mt.GetTotalCallCount())
		})
	}
}

// The values at each range's boundary are accepted and sent.
func TestParamBoundariesAreAccepted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body, param, want string
		call                                  func(context.Context, *hookscope.Client) error
	}{
		{"metrics limit 1", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty, "limit", "1",
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 1})},
		{"metrics limit 5000", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty, "limit", "5000",
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 5000})},
		{"messages limit 5000", "GET", "/v1/metrics/messages", bodyMetricsEmpty, "limit", "5000",
			messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundFailed, Limit: 5000})},
		{"metrics from 1s before to", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty, "from", "2026-05-05T09:59:59Z",
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, From: paramT0.Add(-time.Second), To: paramT0})},
		{"logs limit 1", "GET", "/v1/logs", bodyLogsEmpty, "limit", "1", logsCall(&hookscope.LogListParams{Limit: 1})},
		{"logs limit 500", "GET", "/v1/logs", bodyLogsEmpty, "limit", "500", logsCall(&hookscope.LogListParams{Limit: 500})},
		{"logs start == end", "GET", "/v1/logs", bodyLogsEmpty, "end_time", "2026-05-05T10:00:00Z", logsCall(&hookscope.LogListParams{StartTime: paramT0, EndTime: paramT0})},
		{"logs each status", "GET", "/v1/logs", bodyLogsEmpty, "status", "failed_permanent", logsCall(&hookscope.LogListParams{Status: hookscope.StatusFailedPermanent})},
		{"events_limit 1", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook, "events_limit", "1", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{EventsLimit: 1})},
		{"events_limit 50", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook, "events_limit", "50", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{EventsLimit: 50})},
		{"webhooks limit 1", "GET", "/api/v0/webhooks", bodyWebhooksEmpty, "limit", "1", webhookListCall(&hookscope.WebhookListParams{Limit: 1})},
		{"webhooks limit 100", "GET", "/api/v0/webhooks", bodyWebhooksEmpty, "limit", "100", webhookListCall(&hookscope.WebhookListParams{Limit: 100})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(tt.method, tt.path, respond(200, tt.body))
			require.NoError(t, tt.call(context.Background(), c))
			require.Equal(t, 1, f.count())
			assert.Equal(t, tt.want, f.last().URL.Query().Get(tt.param))
		})
	}
	for _, st := range []hookscope.MessageStatus{hookscope.StatusQueued, hookscope.StatusDelivering, hookscope.StatusSucceeded, hookscope.StatusPendingRetry, hookscope.StatusFailedPermanent} {
		t.Run("status "+string(st), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
			_, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Status: st})
			require.NoError(t, err)
			assert.Equal(t, string(st), f.last().URL.Query().Get("status"))
		})
	}
	for _, u := range []string{"https://a.example/h", "https://a.example:8443/h?x=1", "https://127.0.0.1/h", "HTTPS://A.EXAMPLE/h"} {
		t.Run("create url "+u, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("POST", "/api/v0/webhooks", respond(201, bodyWebhook))
			// url.Parse lower-cases the scheme, so "HTTPS://" is https too.
			require.NoError(t, webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: u})(context.Background(), c))
			assert.Equal(t, 1, f.count())
		})
	}
}

// A 2xx whose body is the JSON literal null decodes into nothing: the call
// must fail rather than return a zero value as if the server had sent one.
func TestNull2xxBodyIsAnError(t *testing.T) {
	t.Parallel()
	for _, ep := range decodingEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(ep.method, ep.path, respond(ep.okStatus, "null"))
			err := ep.call(context.Background(), c)
			assert.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
		})
	}
}

// An analytics envelope that carries an error code under a 2xx keeps its
// code, message, validator and support id as an *APIError; one with neither
// data nor code is ErrUnexpectedResponse.
func TestAnalyticsErrorUnder2xxIsAnAPIError(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/analytics/webhooks", respond(200, `{"status":202,"data":null,"message":"still computing","env":"production",
		"error":"NOT_READY","log":{"request_id":"req_an_1"},"validator":{"day":"not closed"},"support_id":"sup_1"}`))
	_, err := c.Analytics.Webhooks(context.Background())
	apiErr, ok := errors.AsType[*hookscope.APIError](err)
	require.True(t, ok, "got %v", err)
	assert.Equal(t, 202, apiErr.StatusCode)
	assert.Equal(t, "NOT_READY", apiErr.Code)
	assert.Equal(t, "still computing", apiErr.Message)
	assert.Equal(t, "req_an_1", apiErr.RequestID)
	assert.Equal(t, map[string]string{"day": "not closed"}, apiErr.FieldErrors)
	assert.Equal(t, "sup_1", apiErr.SupportID)

	c2, f2 := newFakeAPI(t)
	f2.on("GET", "/analytics/webhooks", respond(200, `{"status":200,"data":null,"error":null,"message":"ok","env":"production"}`, "X-Request-Id", "req_hdr"))
	_, err = c2.Analytics.Webhooks(context.Background())
	assert.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
	assert.ErrorContains(t, err, "req_hdr")
}
