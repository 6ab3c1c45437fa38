package hookscope_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// paramCase is one call that the SDK must refuse before sending anything.
type paramCase struct {
	name  string
	param string
	call  func(ctx context.Context, c *hookscope.Client) error
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
		{"Webhooks.Pages limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Webhooks.Pages(ctx, &hookscope.WebhookListParams{Limit: -1}))
		}},
		{"Metrics.MessagePages nil", "metric", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Metrics.MessagePages(ctx, nil))
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

// The params struct a caller passes is not modified by the call.
func TestParamsAreNotModified(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(200, `{"data":[],"meta":{"next_cursor":"n2","has_more":true}}`).Then(respond(200, bodyLogsEmpty)))
	from := time.Date(2026, 5, 5, 2, 0, 0, 0, plus2)
	p := &hookscope.LogListParams{StartTime: from, Cursor: "c1", Limit: 10}
	before := *p
	for range c.Logs.All(context.Background(), p) {
	}
	_, err := c.Logs.List(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, before, *p)
	assert.Equal(t, plus2, p.StartTime.Location())
}
