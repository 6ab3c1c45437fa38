package hookscope_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/hookscope/hookscope-go"
)

// exampleClient returns a client whose requests are answered by httpmock
// with the given bodies, keyed by "METHOD path", so that the examples run
// without a network. A real program only needs hookscope.NewClient(apiKey).
func exampleClient(bodies map[string]httpmock.Responder) *hookscope.Client {
	mt := httpmock.NewMockTransport()
	for key, r := range bodies {
		var method, path string
		_, _ = fmt.Sscanf(key, "%s %s", &method, &path)
		mt.RegisterResponder(method, "https://api.example.com"+path, r)
	}
	c, err := hookscope.NewClient("am_test_example",
		hookscope.WithBaseURL("https://api.example.com"),
		hookscope.WithHTTPClient(&http.Client{Transport: mt}),
		hookscope.WithRetryWait(time.Millisecond, time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleNewClient() {
	c, err := hookscope.NewClient("am_live_0123456789abcdef",
		hookscope.WithBaseURL("https://gw.example.com/hooks"), // a path prefix is kept
		hookscope.WithMaxRetries(5),
		hookscope.WithUserAgent("billing-worker/2.3"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c) // the key never prints
	// Output: hookscope.Client{base_url: https://gw.example.com/hooks, api_key: am_live_[REDACTED]}
}

func ExampleMetricsService_Webhooks() {
	c := exampleClient(map[string]httpmock.Responder{
		"GET /v1/metrics/webhooks": httpmock.NewStringResponder(200, `{"success":true,"data":{"metric":"delivered",
			"granularity":"hour","from":"2026-05-05T00:00:00Z","to":"2026-05-05T02:00:00Z","buckets":[
			{"bucket_start":"2026-05-05T00:00:00Z","value":14},{"bucket_start":"2026-05-05T01:00:00Z","value":0},
			{"bucket_start":"2026-05-05T02:00:00Z","value":null}]},
			"meta":{"as_of":"2026-05-05T01:59:43Z","limit":1000,"next_cursor":null}}`),
	})
	series, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{
		Metric:      hookscope.MetricDelivered,
		Granularity: hookscope.GranularityHour,
		From:        time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC),
		To:          time.Date(2026, 5, 5, 2, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range series.Buckets {
		if b.Value == nil {
			fmt.Println(b.BucketStart.Format("15:04"), "not aggregated yet")
			continue
		}
		fmt.Println(b.BucketStart.Format("15:04"), *b.Value)
	}
	// Output:
	// 00:00 14
	// 01:00 0
	// 02:00 not aggregated yet
}

func ExampleLogsService_All() {
	c := exampleClient(map[string]httpmock.Responder{
		"GET /v1/logs": func(req *http.Request) (*http.Response, error) {
			if req.URL.Query().Get("cursor") == "" {
				return httpmock.NewStringResponse(200, `{"data":[{"message_id":"m1","endpoint":"https://a.example/h",
					"status":"failed_permanent","attempt_count":5,"created_at":"2025-12-06T12:00:00Z","last_error":"HTTP 500"}],
					"meta":{"next_cursor":"c2","has_more":true}}`), nil
			}
			return httpmock.NewStringResponse(200, `{"data":[{"message_id":"m2","endpoint":"https://a.example/h",
				"status":"failed_permanent","attempt_count":5,"created_at":"2025-12-06T11:00:00Z","last_error":"connection timeout"}],
				"meta":{"next_cursor":null,"has_more":false}}`), nil
		},
	})
	params := &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent, Limit: 500}
	for entry, err := range c.Logs.All(context.Background(), params) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(entry.MessageID, entry.LastError)
	}
	// Output:
	// m1 HTTP 500
	// m2 connection timeout
}

func ExampleLogsService_Pages() {
	c := exampleClient(map[string]httpmock.Responder{
		"GET /v1/logs": httpmock.NewStringResponder(200, `{"data":[],"meta":{"next_cursor":"eyJpZCI6MX0","has_more":true}}`),
	})
	// Read one page, save its cursor, and resume from it later with
	// LogListParams.Cursor.
	for page, err := range c.Logs.Pages(context.Background(), &hookscope.LogListParams{Limit: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("checkpoint:", page.Meta.NextCursor)
		break
	}
	// Output: checkpoint: eyJpZCI6MX0
}

func ExampleAPIError() {
	c := exampleClient(map[string]httpmock.Responder{
		"GET /v1/metrics/webhooks": httpmock.NewStringResponder(403, `{"success":false,"error":{"code":"GRANULARITY_NOT_AVAILABLE",
			"message":"granularity not available at this plan tier","request_id":"01JTBQH2FZ8K1RXC0WJ4Z9P3VM",
			"details":{"max_granularity":"day"}}}`),
	})
	_, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{
		Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute})
	if errors.Is(err, hookscope.ErrGranularityNotAvailable) {
		var apiErr *hookscope.APIError
		errors.As(err, &apiErr)
		fmt.Println("plan allows:", apiErr.MaxGranularity(), "request:", apiErr.RequestID)
	}
	// Output: plan allows: day request: 01JTBQH2FZ8K1RXC0WJ4Z9P3VM
}

func ExampleParamError() {
	c := exampleClient(nil)
	_, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 1000})
	var pe *hookscope.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Param, errors.Is(err, hookscope.ErrInvalidRequest))
	}
	// Output: limit true
}

func ExampleWebhook_Health() {
	wh := &hookscope.Webhook{DeliveryStats: hookscope.DeliveryStats{
		TotalEvents: 200, SuccessfulDeliveries: 193, FailedDeliveries: 9,
		SuccessRate: 96.5, AverageResponseTime: 1200, Last24hEvents: 40, Last24hFailures: 1,
	}}
	h := wh.Health()
	fmt.Println(h.SuccessRate, h.ResponseTime, h.Activity)
	// Output: good acceptable active
}

func ExampleWebhooksService_Get() {
	c := exampleClient(map[string]httpmock.Responder{
		"GET /api/v0/webhooks/ep_550e8400e29b41d4a716446655440000": httpmock.NewStringResponder(200, `{
			"id":"ep_550e8400e29b41d4a716446655440000","name":"Orders","url":"https://a.example/h","isActive":true,
			"signing_secret":"whsec_abc123","created_at":"2025-11-01T09:30:00Z","updated_at":"2025-11-01T09:30:00Z",
			"delivery_stats":{"total_events":100,"successful_deliveries":88,"failed_deliveries":12,"success_rate":88,
			"average_response_time":5200,"last_24h_events":20,"last_24h_failures":4},"app":{"id":"app_1","name":"Shop"},
			"recent_events":[]}`),
	})
	wh, err := c.Webhooks.Get(context.Background(), "ep_550e8400e29b41d4a716446655440000",
		&hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 20})
	if err != nil {
		log.Fatal(err)
	}
	h := wh.Health()
	fmt.Println(wh.Name, h.SuccessRate, h.ResponseTime, h.Activity)
	fmt.Println(wh.SigningSecret) // redacted; use SigningSecret.Reveal() to verify signatures
	// Output:
	// Orders critical critical failing
	// whsec_[REDACTED]
}

func ExampleAttemptsService_AllInbound() {
	c := exampleClient(map[string]httpmock.Responder{
		"GET /v1/inbound-messages/01935abc-def0-7123-4567-890abcdef012/attempts": httpmock.NewStringResponder(200, `{"data":[
			{"id":"01935abc-def0-7123-4567-890abcdef001","attempt_no":1,"error_text":"connection timeout","created_at":"2025-12-06T12:00:00Z"},
			{"id":"01935abc-def0-7123-4567-890abcdef002","attempt_no":2,"response_status":200,"created_at":"2025-12-06T12:00:30Z"}],
			"meta":{"has_more":false}}`),
	})
	for a, err := range c.Attempts.AllInbound(context.Background(), "01935abc-def0-7123-4567-890abcdef012") {
		if errors.Is(err, hookscope.ErrIncompletePage) {
			fmt.Println("more than 200 attempts; the rest cannot be fetched yet")
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(a.AttemptNo, a.Succeeded())
	}
	// Output:
	// 1 false
	// 2 true
}

func ExampleAnalyticsService_Webhooks() {
	c := exampleClient(map[string]httpmock.Responder{
		"GET /analytics/webhooks": httpmock.NewStringResponder(200, `{"status":200,"data":{"day_metrics":{"total":3,"success":2,
			"failed":1,"pending":0,"retry_rate_pct":33.33,"avg_delay_ms":6.44},"hourly_metrics":[{"hour":"2025-06-29 17:00:00","count":3}],
			"latency":{"p99":120}},"error":null,"log":null,"validator":null,"support_id":null,"message":"ok","env":"production"}`),
	})
	an, err := c.Analytics.Webhooks(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(an.DayMetrics.Total, an.DayMetrics.Failed, an.Latency.P99)
	fmt.Println(an.HourlyMetrics[0].Hour.Format(time.RFC3339), an.HourlyMetrics[0].Count)
	// Output:
	// 3 1 120
	// 2025-06-29T17:00:00Z 3
}
