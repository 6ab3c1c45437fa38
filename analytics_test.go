package hookscope_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

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

func TestAnalyticsDataNullOn200IsUnexpected(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/analytics/webhooks", respond(200, `{"status":200,"data":null,"error":null,"log":null,"validator":null,"support_id":null,"message":"ok","env":"development"}`))
	an, err := c.Analytics.Webhooks(context.Background())
	require.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
	assert.Nil(t, an)
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

// Every analytics parameter reaches the wire under its name, times in UTC.
func TestAnalyticsQueryEncoding(t *testing.T) {
	t.Parallel()
	requireQueries(t, []queryCase{
		{"analytics", "GET", "/analytics/webhooks", bodyAnalyticsMin,
			func(ctx context.Context, c *hookscope.Client) error { _, err := c.Analytics.Webhooks(ctx); return err }, ""},
	})
}
