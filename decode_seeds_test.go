package hookscope_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// Every seed's example body, served verbatim and read through the public SDK
// methods, decodes with every field it carries.

func TestSeed000MetricsWebhooksDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/metrics/webhooks",
		respondFile(t, 200, "seed000_metrics_webhooks_200.json", "X-Request-Id", "req_metrics_hdr", "Cache-Control", "private, max-age=30"))

	s, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	require.NoError(t, err)
	require.Equal(t, 1, f.count())

	// data
	assert.Equal(t, hookscope.MetricInboundReceived, s.Metric) // the seed's example carries a message metric
	assert.Equal(t, hookscope.Metric("messages.inbound.received"), s.Metric)
	assert.Equal(t, hookscope.GranularityHour, s.Granularity)
	requireTime(t, utcTime(2026, 5, 5, 0, 0, 0), s.From, "from")
	requireTime(t, utcTime(2026, 5, 6, 0, 0, 0), s.To, "to")
	assert.Nil(t, s.PriorFrom, "prior_from is absent")
	assert.Nil(t, s.PriorTo, "prior_to is absent")

	require.Len(t, s.Buckets, 3)
	wantStarts := []int{0, 1, 24}
	for i, h := range wantStarts {
		requireTime(t, utcTime(2026, 5, 5, 0, 0, 0).Add(timeHours(h)), s.Buckets[i].BucketStart, "bucket_start")
		assert.Empty(t, s.Buckets[i].Group, "group is absent")
		assert.Nil(t, s.Buckets[i].PriorValue, "prior_value is absent")
	}
	require.NotNil(t, s.Buckets[0].Value)
	assert.Equal(t, int64(14), *s.Buckets[0].Value)
	require.NotNil(t, s.Buckets[1].Value)
	assert.Equal(t, int64(9), *s.Buckets[1].Value)
	assert.Nil(t, s.Buckets[2].Value, `"value": null must stay nil, not 0`)

	// meta
	requireTime(t, utcTime(2026, 5, 5, 23, 59, 43), s.Meta.AsOf, "as_of")
	assert.Equal(t, 1000, s.Meta.Limit)
	assert.Empty(t, s.Meta.NextCursor, "next_cursor null")
	assert.Equal(t, "req_metrics_hdr", s.Meta.RequestID, "metrics' envelope has no request id: X-Request-Id")
}

func TestMetricsNullBucketIsNotZero(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/metrics/webhooks", respond(200, `{"success":true,"data":{"metric":"failed","granularity":"day",
		"from":"2026-05-01T00:00:00Z","to":"2026-05-03T00:00:00Z","prior_from":"2026-04-29T00:00:00Z","prior_to":"2026-05-01T00:00:00Z",
		"buckets":[{"bucket_start":"2026-05-01T00:00:00Z","value":0,"group":"ep_550e8400e29b41d4a716446655440000","prior_value":3},
		{"bucket_start":"2026-05-02T00:00:00Z","value":null,"group":"5xx","prior_value":null}]},
		"meta":{"as_of":"2026-05-01T12:00:00Z","limit":2,"next_cursor":"Y3Vyc29y"}}`))

	s, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed})
	require.NoError(t, err)
	assert.Equal(t, hookscope.MetricFailed, s.Metric)
	assert.Equal(t, hookscope.GranularityDay, s.Granularity)
	requireTimePtr(t, utcTime(2026, 4, 29, 0, 0, 0), s.PriorFrom, "prior_from")
	requireTimePtr(t, utcTime(2026, 5, 1, 0, 0, 0), s.PriorTo, "prior_to")
	require.Len(t, s.Buckets, 2)
	require.NotNil(t, s.Buckets[0].Value, "0 is a value, not null")
	assert.Equal(t, int64(0), *s.Buckets[0].Value)
	assert.Equal(t, testEndpointID, s.Buckets[0].Group)
	require.NotNil(t, s.Buckets[0].PriorValue)
	assert.Equal(t, int64(3), *s.Buckets[0].PriorValue)
	assert.Nil(t, s.Buckets[1].Value)
	assert.Equal(t, "5xx", s.Buckets[1].Group)
	assert.Nil(t, s.Buckets[1].PriorValue)
	assert.Equal(t, 2, s.Meta.Limit)
	assert.Equal(t, "Y3Vyc29y", s.Meta.NextCursor)
}

func TestSeed001LogsDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/logs", respondFile(t, 200, "seed001_logs_200.json", "X-Request-Id", "req_xyz123"))

	page, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 2)

	e := page.Data[0]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef012", e.MessageID)
	assert.Equal(t, "https://customer.app/webhooks", e.Endpoint)
	assert.Equal(t, hookscope.StatusSucceeded, e.Status)
	assert.Equal(t, 1, e.AttemptCount)
	requireTime(t, utcTime(2025, 12, 6, 12, 0, 0), e.CreatedAt, "created_at")
	requireTimePtr(t, utcTime(2025, 12, 6, 12, 0, 5), e.DeliveredAt, "delivered_at")
	assert.Nil(t, e.NextAttemptAt, "next_attempt_at is absent")
	require.NotNil(t, e.ResponseStatus)
	assert.Equal(t, 200, *e.ResponseStatus)
	require.NotNil(t, e.ResponseLatencyMS)
	assert.Equal(t, int64(120), *e.ResponseLatencyMS)
	assert.Empty(t, e.LastError)

	e = page.Data[1]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef013", e.MessageID)
	assert.Equal(t, "https://customer.app/webhooks", e.Endpoint)
	assert.Equal(t, hookscope.StatusPendingRetry, e.Status)
	assert.Equal(t, 3, e.AttemptCount)
	requireTime(t, utcTime(2025, 12, 6, 11, 0, 0), e.CreatedAt, "created_at")
	assert.Nil(t, e.DeliveredAt, "delivered_at is absent")
	requireTimePtr(t, utcTime(2025, 12, 6, 17, 0, 0), e.NextAttemptAt, "next_attempt_at")
	assert.Nil(t, e.ResponseStatus, "response_status is absent")
	assert.Nil(t, e.ResponseLatencyMS, "response_latency_ms is absent")
	assert.Equal(t, "connection timeout", e.LastError)

	assert.Equal(t, "eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0=", page.Meta.NextCursor)
	assert.True(t, page.Meta.HasMore)
	assert.Equal(t, "req_xyz123", page.Meta.RequestID)
}

func TestLogsRequestIDPrefersBodyThenHeader(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/logs",
		respond(200, `{"data":[],"meta":{"request_id":"req_body","has_more":false}}`, "X-Request-Id", "req_header"),
		respond(200, `{"data":[],"meta":{"has_more":false}}`, "X-Request-Id", "req_header"))
	p1, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "req_body", p1.Meta.RequestID)
	p2, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "req_header", p2.Meta.RequestID)
	assert.NotNil(t, p2.Data)
	assert.Empty(t, p2.Data)
}

func TestSeed003AttemptsDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/inbound-messages/"+testMessageID+"/attempts",
		respondFile(t, 200, "seed003_attempts_200.json", "X-Request-Id", "req_xyz123"))

	list, err := c.Attempts.ListInbound(context.Background(), testMessageID)
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	a := list.Data[0]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef001", a.ID)
	assert.Equal(t, 1, a.AttemptNo)
	require.NotNil(t, a.ResponseStatus)
	assert.Equal(t, 200, *a.ResponseStatus)
	assert.True(t, a.Succeeded())
	requireInt64(t, 120, a.ResponseLatencyMS, "response_latency_ms")
	requireInt64(t, 10, a.DNSMS, "dns_ms")
	requireInt64(t, 20, a.TCPConnectMS, "tcp_connect_ms")
	requireInt64(t, 40, a.TLSHandshakeMS, "tls_handshake_ms")
	requireInt64(t, 110, a.TTFBMS, "ttfb_ms")
	requireInt64(t, 5, a.TransferMS, "transfer_ms")
	assert.False(t, a.ConnReused)
	requireTime(t, utcTime(2025, 12, 6, 12, 0, 0), a.CreatedAt, "created_at")
	// absent in the example
	assert.Nil(t, a.ProcessingMS, "processing_ms is absent on inbound attempts")
	assert.Nil(t, a.RetryAfterSeconds)
	assert.Empty(t, a.ErrorText)
	assert.Nil(t, a.ResponseHeaders)
	assert.Nil(t, a.RequestHeaders)
	assert.Empty(t, a.RetryType)
	assert.Empty(t, a.ResolvedIP)
	assert.Empty(t, a.ResponseBodyURL)
	assert.False(t, a.ResponseBodyTruncated)

	assert.Equal(t, "req_xyz123", list.Meta.RequestID)
	assert.False(t, list.Meta.HasMore)
	assert.Empty(t, list.Meta.NextCursor)
}

func TestAttemptsDecodeEverySchemaField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/messages/"+testMessageID+"/attempts",
		respondFile(t, 200, "constructed_seed003_attempts_all_fields_200.json"))

	list, err := c.Attempts.ListOutbound(context.Background(), testMessageID)
	require.NoError(t, err)
	require.Len(t, list.Data, 2)

	a := list.Data[0] // a network error: no response_status
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef001", a.ID)
	assert.Equal(t, 1, a.AttemptNo)
	assert.Nil(t, a.ResponseStatus)
	assert.False(t, a.Succeeded())
	assert.Nil(t, a.ResponseLatencyMS)
	requireInt64(t, 280, a.ProcessingMS, "processing_ms")
	assert.Equal(t, "connection timeout", a.ErrorText)
	assert.Equal(t, hookscope.RetryFast, a.RetryType)
	requireInt64(t, 30, a.RetryAfterSeconds, "retry_after_seconds")
	assert.Equal(t, "203.0.113.42", a.ResolvedIP)
	assert.Equal(t, map[string]string{"Content-Type": "application/json", "Webhook-Id": "msg_1"}, a.RequestHeaders)
	assert.Nil(t, a.ResponseHeaders)
	requireInt64(t, 12, a.DNSMS, "dns_ms")
	requireInt64(t, 25, a.TCPConnectMS, "tcp_connect_ms")
	assert.Nil(t, a.TLSHandshakeMS)
	assert.Nil(t, a.TTFBMS)
	assert.Nil(t, a.TransferMS)
	assert.True(t, a.ConnReused)
	assert.Empty(t, a.ResponseBodyURL)
	assert.False(t, a.ResponseBodyTruncated)
	requireTime(t, utcTime(2025, 12, 6, 12, 0, 0), a.CreatedAt, "created_at")

	a = list.Data[1]
	assert.Equal(t, 2, a.AttemptNo)
	require.NotNil(t, a.ResponseStatus)
	assert.Equal(t, 503, *a.ResponseStatus)
	assert.False(t, a.Succeeded())
	requireInt64(t, 245, a.ResponseLatencyMS, "response_latency_ms")
	requireInt64(t, 300, a.ProcessingMS, "processing_ms")
	assert.Equal(t, "HTTP 503", a.ErrorText)
	assert.Equal(t, map[string]string{"Retry-After": "1800"}, a.ResponseHeaders)
	assert.Equal(t, hookscope.RetrySlow, a.RetryType)
	requireInt64(t, 1800, a.RetryAfterSeconds, "retry_after_seconds")
	assert.Equal(t, "2001:db8::1", a.ResolvedIP)
	requireInt64(t, 0, a.DNSMS, "dns_ms 0 is a value")
	requireInt64(t, 25, a.TCPConnectMS, "tcp_connect_ms")
	requireInt64(t, 45, a.TLSHandshakeMS, "tls_handshake_ms")
	requireInt64(t, 200, a.TTFBMS, "ttfb_ms")
	requireInt64(t, 8, a.TransferMS, "transfer_ms")
	assert.False(t, a.ConnReused)
	assert.Equal(t, "https://bodies.example.com/01935abc?sig=abc", a.ResponseBodyURL)
	assert.True(t, a.ResponseBodyTruncated)
	requireTime(t, utcTime(2025, 12, 6, 12, 0, 30), a.CreatedAt, "created_at")

	assert.Equal(t, "req_all_fields", list.Meta.RequestID)
	assert.True(t, list.Meta.HasMore)
}

func TestAttemptsUnknownMessageIsEmptyList(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/inbound-messages/"+testMessageID+"/attempts", respond(200, `{"data":[],"meta":{"request_id":"req_e","has_more":false}}`))
	list, err := c.Attempts.ListInbound(context.Background(), testMessageID)
	require.NoError(t, err)
	assert.Empty(t, list.Data)
	assert.False(t, list.Meta.HasMore)
	assert.Equal(t, "req_e", list.Meta.RequestID)
}

func TestInboundMessageDecodes(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/inbound-messages/"+testMessageID, respond(200, bodyInboundMsg))
	m, err := c.Attempts.GetInboundMessage(context.Background(), testMessageID)
	require.NoError(t, err)
	assert.Equal(t, testMessageID, m.ID)
	assert.Equal(t, testEndpointID, m.EndpointID)
	assert.Equal(t, "https://customer.app/webhooks", m.Endpoint)
	assert.Equal(t, "message.received", m.EventType)
	assert.Equal(t, hookscope.StatusSucceeded, m.Status)
	assert.Equal(t, 1, m.AttemptCount)
	requireTime(t, utcTime(2025, 12, 6, 12, 0, 0), m.CreatedAt, "created_at")
	requireTimePtr(t, utcTime(2025, 12, 6, 12, 0, 5), m.DeliveredAt, "delivered_at")
}

func TestSeed002WebhookDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID, respondFile(t, 200, "constructed_seed002_webhook_200.json"))

	wh, err := c.Webhooks.Get(context.Background(), testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 3})
	require.NoError(t, err)
	assert.Equal(t, testEndpointID, wh.ID)
	assert.Equal(t, "Order events", wh.Name)
	assert.Equal(t, "https://customer.app/webhooks", wh.URL)
	assert.True(t, wh.IsActive)
	assert.False(t, wh.Encrypted)
	assert.Equal(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wh.SigningSecret.Reveal())
	requireTime(t, utcTime(2025, 11, 1, 9, 30, 0), wh.CreatedAt, "created_at")
	requireTime(t, utcTime(2025, 12, 5, 16, 45, 12), wh.UpdatedAt, "updated_at")
	assert.Empty(t, wh.Kind, "kind is not in seed 002's table")
	assert.Nil(t, wh.EventTypes)

	st := wh.DeliveryStats
	assert.Equal(t, int64(1250), st.TotalEvents)
	assert.Equal(t, int64(1238), st.SuccessfulDeliveries)
	assert.Equal(t, int64(12), st.FailedDeliveries)
	requireTimePtr(t, utcTime(2025, 12, 6, 11, 58, 30), st.LastDelivery, "last_delivery")
	assert.InDelta(t, 99.04, st.SuccessRate, 1e-9)
	assert.InDelta(t, 245.5, st.AverageResponseTime, 1e-9)
	assert.Equal(t, int64(48), st.Last24hEvents)
	assert.Equal(t, int64(1), st.Last24hFailures)

	assert.Equal(t, hookscope.App{ID: "app_2f1c9d7e", Name: "Storefront"}, wh.App)

	require.Len(t, wh.RecentEvents, 3)
	ev := wh.RecentEvents[0]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef012", ev.ID)
	assert.Equal(t, "order.created", ev.EventType)
	assert.Equal(t, hookscope.DeliveryDelivered, ev.DeliveryStatus)
	require.NotNil(t, ev.ResponseCode)
	assert.Equal(t, 200, *ev.ResponseCode)
	require.NotNil(t, ev.ResponseTime, "response_time")
	assert.InDelta(t, 180.0, *ev.ResponseTime, 0, "response_time")
	assert.Empty(t, ev.ErrorMessage)
	requireTime(t, utcTime(2025, 12, 6, 11, 58, 29), ev.CreatedAt, "created_at")
	requireTimePtr(t, utcTime(2025, 12, 6, 11, 58, 30), ev.DeliveredAt, "delivered_at")
	assert.Equal(t, 0, ev.RetryCount)

	ev = wh.RecentEvents[1]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef013", ev.ID)
	assert.Equal(t, "order.updated", ev.EventType)
	assert.Equal(t, hookscope.DeliveryFailed, ev.DeliveryStatus)
	require.NotNil(t, ev.ResponseCode)
	assert.Equal(t, 500, *ev.ResponseCode)
	require.NotNil(t, ev.ResponseTime, "response_time")
	assert.InDelta(t, 3012.0, *ev.ResponseTime, 0, "response_time")
	assert.Equal(t, "HTTP 500: Internal Server Error", ev.ErrorMessage)
	requireTime(t, utcTime(2025, 12, 6, 10, 0, 0), ev.CreatedAt, "created_at")
	requireTimePtr(t, utcTime(2025, 12, 6, 10, 20, 0), ev.DeliveredAt, "delivered_at")
	assert.Equal(t, 3, ev.RetryCount)

	ev = wh.RecentEvents[2]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef014", ev.ID)
	assert.Equal(t, "order.paid", ev.EventType)
	assert.Equal(t, hookscope.DeliveryPending, ev.DeliveryStatus)
	assert.Nil(t, ev.ResponseCode)
	assert.Nil(t, ev.ResponseTime)
	assert.Empty(t, ev.ErrorMessage)
	requireTime(t, utcTime(2025, 12, 6, 11, 59, 0), ev.CreatedAt, "created_at")
	assert.Nil(t, ev.DeliveredAt)
	assert.Equal(t, 0, ev.RetryCount)

	// the constructed stats: 99.04% excellent, 245.5 ms fast, 1 of 48 failed but
	// 1 recent event failed: active.
	h := wh.Health()
	assert.Equal(t, hookscope.SuccessRateExcellent, h.SuccessRate)
	assert.Equal(t, hookscope.ResponseTimeFast, h.ResponseTime)
	assert.Equal(t, hookscope.ActivityActive, h.Activity)
}

func TestWebhookListAndCreateDecode(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	one := string(readTestdata(t, "constructed_seed002_webhook_200.json"))
	f.on(http.MethodGet, "/api/v0/webhooks", respond(200, `{"data":[`+one+`],"meta":{"next_cursor":"bmV4dA","has_more":true}}`, "X-Request-Id", "req_list"))
	f.on(http.MethodPost, "/api/v0/webhooks", respond(201, one))

	page, err := c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, testEndpointID, page.Data[0].ID)
	assert.Equal(t, int64(1250), page.Data[0].DeliveryStats.TotalEvents)
	assert.Equal(t, "bmV4dA", page.Meta.NextCursor)
	assert.True(t, page.Meta.HasMore)
	assert.Equal(t, "req_list", page.Meta.RequestID)

	wh, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "Order events", URL: "https://customer.app/webhooks"})
	require.NoError(t, err)
	assert.Equal(t, testEndpointID, wh.ID)
	assert.Equal(t, "Order events", wh.Name)
	assert.Equal(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wh.SigningSecret.Reveal())
}

func TestSeed004AnalyticsDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/analytics/webhooks", respondFile(t, 200, "seed004_analytics_200.json", "X-Request-Id", "req_analytics_hdr"))

	an, err := c.Analytics.Webhooks(context.Background())
	require.NoError(t, err)

	assert.Equal(t, hookscope.DayMetrics{Total: 2, Success: 0, Failed: 2, Pending: 2, RetryRatePct: 33.33, AvgDelayMS: 6.44}, an.DayMetrics)
	assert.Equal(t, []hookscope.EventCount{{Event: "api_key.created", Count: 1}, {Event: "api_key.updated", Count: 1}}, an.TopEvents)
	assert.Equal(t, []hookscope.URLCount{{URL: "https://url.com", Count: 1}}, an.TopFailedURLs)
	require.Len(t, an.HourlyMetrics, 1)
	requireTime(t, utcTime(2025, 6, 29, 17, 0, 0), an.HourlyMetrics[0].Hour, "hour")
	assert.Equal(t, int64(2), an.HourlyMetrics[0].Count)
	assert.Equal(t, hookscope.AnalyticsTotals{Webhooks: 2, EventsSubscribed: 4}, an.Total)
	assert.Equal(t, hookscope.LatencyStats{}, an.Latency)
	assert.Equal(t, "Resource created successfully", an.Message)
	assert.Equal(t, "development", an.Env)
	assert.Equal(t, "req_analytics_hdr", an.RequestID, `"log": null: X-Request-Id`)

	require.Len(t, an.LastEvents, 3)
	const (
		webhookID = "webhook_0197bc00-48b8-7f8e-a84e-7bf59dea2563"
		orgID     = "org_0196b0e9-11d8-7f26-b1d2-bd47054e4827"
	)
	type want struct {
		id, event       string
		payload         string // "" for nil
		status          int
		responseBody    *string
		errJSON         string // "" for nil
		retries         int
		created, update [6]int
		delay           int64
	}
	wants := []want{
		{"125", "api_key.updated", "", 404, new(`{"body": "123"}`), `{"error":"123"}`, 0,
			[6]int{2025, 7, 1, 23, 26, 30}, [6]int{2025, 7, 1, 23, 35, 57}, 5},
		{"124", "api_key.updated", `{"name":"Ho","description":"Hu"}`, 300, new(`{"body": "123"}`), `{"error":"123"}`, 0,
			[6]int{2025, 7, 1, 17, 36, 19}, [6]int{2025, 7, 1, 23, 35, 26}, 10},
		{"123", "api_key.created", "", 200, nil, "", 1,
			[6]int{2025, 7, 1, 17, 36, 19}, [6]int{2025, 7, 1, 23, 35, 11}, 4},
	}
	for i, w := range wants {
		e := an.LastEvents[i]
		assert.Equal(t, w.id, e.ID)
		assert.Equal(t, webhookID, e.WebhookID)
		assert.Equal(t, orgID, e.OrganizationID)
		assert.Equal(t, "https://url.com", e.URL)
		assert.Equal(t, w.event, e.Event)
		assert.Equal(t, "1", e.ResourceID)
		if w.payload == "" {
			assert.Nil(t, e.Payload, "payload null must be a nil RawMessage (event %s)", w.id)
		} else {
			require.NotNil(t, e.Payload)
			assert.True(t, json.Valid(e.Payload))
			assert.JSONEq(t, w.payload, string(e.Payload))
			if w.id == "124" {
				// the raw bytes of the seed, as served
				assert.Equal(t, "{\n          \"name\": \"Ho\",\n          \"description\": \"Hu\"\n        }", string(e.Payload))
			}
		}
		require.NotNil(t, e.ResponseStatus)
		assert.Equal(t, w.status, *e.ResponseStatus)
		if w.responseBody == nil {
			assert.Nil(t, e.ResponseBody, "response_body null (event %s)", w.id)
		} else {
			require.NotNil(t, e.ResponseBody)
			assert.Equal(t, *w.responseBody, *e.ResponseBody)
		}
		if w.errJSON == "" {
			assert.Nil(t, e.Error, "error null (event %s)", w.id)
		} else {
			assert.JSONEq(t, w.errJSON, string(e.Error))
		}
		assert.Equal(t, w.retries, e.Retries)
		requireTime(t, utcTime(w.created[0], 7, w.created[2], w.created[3], w.created[4], w.created[5]), e.CreatedAt, "created_at")
		requireTime(t, utcTime(w.update[0], 7, w.update[2], w.update[3], w.update[4], w.update[5]), e.UpdatedAt, "updated_at")
		assert.Nil(t, e.FirstSentAt, "first_sent_at null")
		requireInt64(t, w.delay, e.DelayMS, "delay_ms")
		assert.False(t, e.Done, "done 0")
	}
}

func TestAnalyticsEventDoneAndTimes(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/analytics/webhooks", respond(200, `{"status":200,"data":{"day_metrics":{"total":1},
		"hourly_metrics":[{"hour":"2025-06-29T18:00:00Z","count":1}],
		"last_events":[{"id":"9","payload":[1,2],"error":"timeout","created_at":"2025-07-01 00:00:00","updated_at":"2025-07-01 00:00:01",
		"first_sent_at":"2025-07-01 00:00:02","delay_ms":null,"done":1,"response_status":null}]},
		"error":null,"log":{"request_id":"req_log"},"validator":null,"support_id":null,"message":"ok","env":"production"}`,
		"X-Request-Id", "req_hdr"))
	an, err := c.Analytics.Webhooks(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "req_log", an.RequestID, "log.request_id wins over X-Request-Id")
	assert.Equal(t, "production", an.Env)
	requireTime(t, utcTime(2025, 6, 29, 18, 0, 0), an.HourlyMetrics[0].Hour, "RFC 3339 hour is accepted")
	require.Len(t, an.LastEvents, 1)
	e := an.LastEvents[0]
	assert.True(t, e.Done, "done 1")
	assert.JSONEq(t, `[1,2]`, string(e.Payload))
	assert.JSONEq(t, `"timeout"`, string(e.Error))
	requireTimePtr(t, utcTime(2025, 7, 1, 0, 0, 2), e.FirstSentAt, "first_sent_at")
	assert.Nil(t, e.DelayMS)
	assert.Nil(t, e.ResponseStatus)
}

func TestAnalyticsBadTimeOrDoneIsAnError(t *testing.T) {
	t.Parallel()
	for name, event := range map[string]string{
		"bad time": `{"id":"1","created_at":"2025-13-99 99:99:99","updated_at":"2025-07-01 00:00:00","done":0}`,
		"done 2":   `{"id":"1","created_at":"2025-07-01 00:00:00","updated_at":"2025-07-01 00:00:00","done":2}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(http.MethodGet, "/analytics/webhooks", respond(200, `{"status":200,"data":{"last_events":[`+event+`]},"message":"ok","env":"development"}`))
			an, err := c.Analytics.Webhooks(context.Background())
			require.Error(t, err)
			assert.Nil(t, an)
			assert.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
		})
	}
}

func TestUnknownFieldsAreIgnored(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/logs", respond(200, `{"data":[{"message_id":"m1","endpoint":"https://a.example","status":"queued",
		"attempt_count":0,"created_at":"2025-12-06T12:00:00Z","new_field":{"nested":[1,2,3]},"priority":"high"}],
		"meta":{"request_id":"r","has_more":false,"total_count":1,"next_page_hint":null},"links":{"self":"/v1/logs"},"version":2}`))
	f.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID, respond(200, `{"id":"`+testEndpointID+`","name":"n","url":"https://a.example",
		"isActive":false,"encrypted":true,"created_at":"2025-12-06T12:00:00Z","updated_at":"2025-12-06T12:00:00Z",
		"delivery_stats":{"total_events":1,"p999_response_time":12.5},"app":{"id":"a","name":"b","owner":"x"},"labels":["x"]}`))
	f.on(http.MethodGet, "/v1/metrics/webhooks", respond(200, `{"success":true,"api_version":"2026-05","data":{"metric":"retried",
		"granularity":"minute","from":"2026-05-05T00:00:00Z","to":"2026-05-05T00:01:00Z","unit":"count",
		"buckets":[{"bucket_start":"2026-05-05T00:00:00Z","value":1,"confidence":0.9}]},"meta":{"as_of":"2026-05-05T00:00:30Z","limit":1000,"next_cursor":null,"shard":3}}`))

	page, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "m1", page.Data[0].MessageID)
	assert.Equal(t, hookscope.StatusQueued, page.Data[0].Status)
	assert.Equal(t, "r", page.Meta.RequestID)

	wh, err := c.Webhooks.Get(context.Background(), testEndpointID, nil)
	require.NoError(t, err)
	assert.False(t, wh.IsActive)
	assert.True(t, wh.Encrypted)
	assert.Equal(t, int64(1), wh.DeliveryStats.TotalEvents)
	assert.Nil(t, wh.DeliveryStats.LastDelivery)
	assert.Equal(t, hookscope.App{ID: "a", Name: "b"}, wh.App)

	s, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricRetried})
	require.NoError(t, err)
	assert.Equal(t, hookscope.MetricRetried, s.Metric)
	require.Len(t, s.Buckets, 1)
	requireInt64(t, 1, s.Buckets[0].Value, "value")
}

func requireInt64(t *testing.T, want int64, got *int64, field string) {
	t.Helper()
	require.NotNilf(t, got, "%s is nil", field)
	assert.Equalf(t, want, *got, "%s", field)
}

func TestGranularityDuration(t *testing.T) {
	t.Parallel()
	assert.Equal(t, time.Minute, hookscope.GranularityMinute.Duration())
	assert.Equal(t, time.Hour, hookscope.GranularityHour.Duration())
	assert.Equal(t, 24*time.Hour, hookscope.GranularityDay.Duration())
	assert.Equal(t, time.Duration(0), hookscope.Granularity("week").Duration())
}
