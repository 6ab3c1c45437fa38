package hookscope_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

func TestQueryEncoding(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 5, 5, 2, 0, 0, 0, plus2)   // 2026-05-05T00:00:00Z
	to := time.Date(2026, 5, 5, 17, 30, 15, 0, minus7) // 2026-05-06T00:30:15Z
	withNanos := time.Date(2026, 5, 5, 12, 0, 0, 500_000_000, plus2)

	tests := []struct {
		name     string
		method   string
		path     string
		body     string
		call     func(context.Context, *hookscope.Client) error
		rawQuery string
	}{
		{"metrics zero values", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered}),
			"metric=delivered"},
		{"metrics every param", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricRetried, From: from, To: to,
				Granularity: hookscope.GranularityMinute, GroupBy: hookscope.GroupByHTTPStatusClass,
				CompareTo: hookscope.ComparePriorPeriod, Limit: 5000, Cursor: "eyJpZCI6MX0="}),
			"compare_to=prior_period&cursor=eyJpZCI6MX0%3D&from=2026-05-05T00%3A00%3A00Z&granularity=minute" +
				"&group_by=http_status_class&limit=5000&metric=retried&to=2026-05-06T00%3A30%3A15Z"},
		{"metrics group_by endpoint_id, day", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByEndpointID, Granularity: hookscope.GranularityDay}),
			"granularity=day&group_by=endpoint_id&metric=failed"},
		{"metrics group_by kind, hour, only to", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByKind, Granularity: hookscope.GranularityHour, To: to}),
			"granularity=hour&group_by=kind&metric=failed&to=2026-05-06T00%3A30%3A15Z"},
		{"metrics sub-second from", "GET", "/v1/metrics/webhooks", bodyMetricsEmpty,
			metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, From: withNanos}),
			"from=2026-05-05T10%3A00%3A00.5Z&metric=failed"},
		{"messages every param", "GET", "/v1/metrics/messages", bodyMetricsEmpty,
			messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundDelivered, From: from, To: to,
				Granularity: hookscope.GranularityHour, GroupBy: hookscope.GroupByKind, CompareTo: hookscope.ComparePriorPeriod, Limit: 1, Cursor: "c"}),
			"compare_to=prior_period&cursor=c&from=2026-05-05T00%3A00%3A00Z&granularity=hour&group_by=kind&limit=1" +
				"&metric=messages.outbound.delivered&to=2026-05-06T00%3A30%3A15Z"},
		{"logs zero values", "GET", "/v1/logs", bodyLogsEmpty, logsCall(&hookscope.LogListParams{}), ""},
		{"logs nil params", "GET", "/v1/logs", bodyLogsEmpty, logsCall(nil), ""},
		{"logs every param", "GET", "/v1/logs", bodyLogsEmpty,
			logsCall(&hookscope.LogListParams{EndpointID: testEndpointID, Status: hookscope.StatusFailedPermanent,
				StartTime: from, EndTime: to, Limit: 500, Cursor: "eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0="}),
			"cursor=eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0%3D&end_time=2026-05-06T00%3A30%3A15Z" +
				"&endpoint_id=ep_550e8400e29b41d4a716446655440000&limit=500&start_time=2026-05-05T00%3A00%3A00Z&status=failed_permanent"},
		{"logs only start", "GET", "/v1/logs", bodyLogsEmpty, logsCall(&hookscope.LogListParams{StartTime: from, Status: hookscope.StatusQueued}),
			"start_time=2026-05-05T00%3A00%3A00Z&status=queued"},
		{"webhook get nil params", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook, webhookGetCall(testEndpointID, nil), ""},
		{"webhook get include_events", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook,
			webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 20}),
			"events_limit=20&include_events=true"},
		{"webhook get include_events false left out", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook,
			webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: false, EventsLimit: 5}),
			"events_limit=5"},
		{"webhook get include_events only", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook,
			webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true}),
			"include_events=true"},
		{"webhook list nil", "GET", "/api/v0/webhooks", bodyWebhooksEmpty, webhookListCall(nil), ""},
		{"webhook list every param", "GET", "/api/v0/webhooks", bodyWebhooksEmpty,
			webhookListCall(&hookscope.WebhookListParams{Limit: 100, Cursor: "a/b+c=="}), "cursor=a%2Fb%2Bc%3D%3D&limit=100"},
		{"attempts inbound", "GET", "/v1/inbound-messages/" + testMessageID + "/attempts", bodyAttemptsEmpty,
			func(ctx context.Context, c *hookscope.Client) error {
				_, err := c.Attempts.ListInbound(ctx, testMessageID)
				return err
			}, ""},
		{"attempts outbound", "GET", "/v1/messages/" + testMessageID + "/attempts", bodyAttemptsEmpty,
			func(ctx context.Context, c *hookscope.Client) error {
				_, err := c.Attempts.ListOutbound(ctx, testMessageID)
				return err
			}, ""},
		{"inbound message", "GET", "/v1/inbound-messages/" + testMessageID, bodyInboundMsg,
			func(ctx context.Context, c *hookscope.Client) error {
				_, err := c.Attempts.GetInboundMessage(ctx, testMessageID)
				return err
			}, ""},
		{"analytics", "GET", "/analytics/webhooks", bodyAnalyticsMin,
			func(ctx context.Context, c *hookscope.Client) error { _, err := c.Analytics.Webhooks(ctx); return err }, ""},
		{"delete", "DELETE", "/api/v0/webhooks/" + testEndpointID, "",
			func(ctx context.Context, c *hookscope.Client) error { return c.Webhooks.Delete(ctx, testEndpointID) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(tt.method, tt.path, respond(200, tt.body))
			require.NoError(t, tt.call(context.Background(), c))
			require.Equal(t, 1, f.count())
			r := f.last()
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.path, r.URL.Path)
			assert.Equal(t, "https", r.URL.Scheme)
			assert.Equal(t, "api.test", r.URL.Host)
			assert.Equal(t, tt.rawQuery, r.URL.RawQuery)
		})
	}
}

func TestBaseURLPathPrefixIsKept(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://gw.example.com/hooks", "https://gw.example.com/hooks/", "https://gw.example.com/hooks//"} {
		t.Run(base, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPIAt(t, base, "https://gw.example.com/hooks")
			f.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
			f.on("GET", "/api/v0/webhooks/"+testEndpointID, respond(200, bodyWebhook))
			_, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 5})
			require.NoError(t, err)
			assert.Equal(t, "https://gw.example.com/hooks/v1/logs?limit=5", f.last().URL.String())
			_, err = c.Webhooks.Get(context.Background(), testEndpointID, nil)
			require.NoError(t, err)
			assert.Equal(t, "https://gw.example.com/hooks/api/v0/webhooks/"+testEndpointID, f.last().URL.String())
		})
	}
	t.Run("no prefix, trailing slash", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPIAt(t, "https://api.test/", "https://api.test")
		f.on("GET", "/analytics/webhooks", respond(200, bodyAnalyticsMin))
		_, err := c.Analytics.Webhooks(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "https://api.test/analytics/webhooks", f.last().URL.String())
	})
}

func TestDefaultBaseURL(t *testing.T) {
	t.Parallel()
	mt := newFakeTransportOnly(t)
	c, err := hookscope.NewClient(testKey, hookscope.WithHTTPClient(&http.Client{Transport: mt.mt}))
	require.NoError(t, err)
	mt.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
	_, err = c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, hookscope.DefaultBaseURL+"/v1/logs", mt.last().URL.String())
}

// newFakeTransportOnly is a fakeAPI on DefaultBaseURL without a client.
func newFakeTransportOnly(t *testing.T) *fakeAPI {
	_, f := newFakeAPIAt(t, hookscope.DefaultBaseURL, hookscope.DefaultBaseURL)
	return f
}

func TestHeadersOnEveryEndpoint(t *testing.T) {
	t.Parallel()
	for _, ep := range allEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithUserAgent("my-svc/1.2"))
			f.on(ep.method, ep.path, respond(ep.okStatus, ep.okBody))
			require.NoError(t, ep.call(context.Background(), c))
			r := f.last()
			assert.Equal(t, "Bearer "+testKey, r.Header.Get("Authorization"))
			ua := r.Header.Get("User-Agent")
			assert.True(t, strings.HasPrefix(ua, "hookscope-go/"+hookscope.Version), ua)
			assert.Contains(t, ua, runtime.Version())
			assert.True(t, strings.HasSuffix(ua, " my-svc/1.2"), ua)
			assert.Equal(t, "hookscope-go/"+hookscope.Version+" ("+runtime.Version()+") my-svc/1.2", ua)
			assert.Equal(t, "application/json", r.Header.Get("Accept"))

			key := r.Header.Get("Idempotency-Key")
			switch ep.method {
			case http.MethodPost, http.MethodPatch, http.MethodDelete:
				require.NotEmpty(t, key, "writes carry an Idempotency-Key")
				assert.GreaterOrEqual(t, len(key), 16, "long enough to be unique: %q", key)
			default:
				assert.Empty(t, key, "reads carry no Idempotency-Key")
			}
			if ep.method == http.MethodPost || ep.method == http.MethodPatch {
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			} else {
				assert.Empty(t, r.Header.Get("Content-Type"))
				assert.Empty(t, r.Body)
			}
		})
	}
}

func TestUserAgentWithoutSuffix(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "hookscope-go/"+hookscope.Version+" ("+runtime.Version()+")", f.last().Header.Get("User-Agent"))
}

func TestIdempotencyKeyStableAcrossRetriesFreshPerCall(t *testing.T) {
	t.Parallel()
	for _, ep := range allEndpoints() {
		if ep.method == http.MethodGet {
			continue
		}
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(3))
			f.on(ep.method, ep.path,
				respond(503, ""), respond(500, ""), respond(ep.okStatus, ep.okBody),
				respond(502, ""), respond(ep.okStatus, ep.okBody))
			require.NoError(t, ep.call(context.Background(), c)) // 503, 500, ok
			require.NoError(t, ep.call(context.Background(), c)) // 502, ok
			reqs := f.requests()
			require.Len(t, reqs, 5)
			first := reqs[0].Header.Get("Idempotency-Key")
			require.NotEmpty(t, first)
			assert.Equal(t, first, reqs[1].Header.Get("Idempotency-Key"))
			assert.Equal(t, first, reqs[2].Header.Get("Idempotency-Key"))
			second := reqs[3].Header.Get("Idempotency-Key")
			require.NotEmpty(t, second)
			assert.NotEqual(t, first, second, "each call has its own key")
			assert.Equal(t, second, reqs[4].Header.Get("Idempotency-Key"))
			// the body is sent again, whole, on every try
			for _, r := range reqs[1:] {
				assert.Equal(t, string(reqs[0].Body), string(r.Body))
			}
		})
	}
}

func TestNilContextIsRefused(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	//nolint:staticcheck // a nil context is the point of the test
	_, err := c.Logs.List(nilCtx(), nil)
	require.Error(t, err)
	assert.Equal(t, 0, f.count())
}

func nilCtx() context.Context { return nil }

// One Client shared by many goroutines (run with -race): every call gets its
// own retries and its own answer.
func TestClientIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	var mu sync.Mutex
	seen := map[string]int{}
	f.on("GET", "/v1/logs", func(req *http.Request) (*http.Response, error) {
		id := req.URL.Query().Get("endpoint_id")
		mu.Lock()
		seen[id]++
		n := seen[id]
		mu.Unlock()
		if n == 1 {
			return httpmock.NewStringResponse(503, ""), nil
		}
		return httpmock.NewStringResponse(200, `{"data":[{"message_id":"`+id+`","endpoint":"e","status":"queued","attempt_count":0,"created_at":"2025-12-06T12:00:00Z"}],"meta":{"has_more":false}}`), nil
	})
	var wg sync.WaitGroup
	for i := range 20 {
		id := fmt.Sprintf("ep_%032x", i)
		wg.Go(func() {
			page, err := c.Logs.List(context.Background(), &hookscope.LogListParams{EndpointID: id})
			if assert.NoError(t, err) && assert.Len(t, page.Data, 1) {
				assert.Equal(t, id, page.Data[0].MessageID)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 40, f.count(), "each call: one 503 and one retry")
}
