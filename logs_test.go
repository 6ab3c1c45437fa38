package hookscope_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

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

func TestLogsPagesExposeCursorAndResume(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	threeLogPages(t, f)

	var saved string
	pages := 0
	for page, err := range c.Logs.Pages(context.Background(), &hookscope.LogListParams{Limit: 2}) {
		require.NoError(t, err)
		pages++
		assert.Equal(t, "req", page.Meta.RequestID)
		if pages == 1 {
			assert.Equal(t, "c2", page.Meta.NextCursor)
			assert.True(t, page.Meta.HasMore)
			assert.Len(t, page.Data, 2)
		}
		if pages == 2 {
			saved = page.Meta.NextCursor
			break // checkpoint
		}
	}
	require.Equal(t, "c3", saved)
	assert.Equal(t, 2, f.count())

	// Resume from the checkpoint: the first request carries the saved cursor.
	var ids []string
	for page, err := range c.Logs.Pages(context.Background(), &hookscope.LogListParams{Limit: 2, Cursor: saved}) {
		require.NoError(t, err)
		for _, e := range page.Data {
			ids = append(ids, e.MessageID)
		}
		assert.Empty(t, page.Meta.NextCursor)
		assert.False(t, page.Meta.HasMore)
	}
	assert.Equal(t, []string{"m4", "m5"}, ids)
	assert.Equal(t, []string{"", "c2", "c3"}, cursorsSent(f))
}

// Logs params the SDK can check fail before any request, with a *ParamError
// naming the parameter.
func TestLogsInvalidParamsSendNoRequest(t *testing.T) {
	t.Parallel()
	cases := []paramCase{
		{"logs status", "status", logsCall(&hookscope.LogListParams{Status: "failed"})},
		{"logs limit -1", "limit", logsCall(&hookscope.LogListParams{Limit: -1})},
		{"logs limit 501", "limit", logsCall(&hookscope.LogListParams{Limit: 501})},
		{"logs end before start", "end_time", logsCall(&hookscope.LogListParams{StartTime: paramT1, EndTime: paramT0})},
		{"Logs.All limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Logs.All(ctx, &hookscope.LogListParams{Limit: 501}))
		}},
		{"Logs.Pages endpoint_id", "endpoint_id", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Logs.Pages(ctx, &hookscope.LogListParams{EndpointID: "ep_x"}))
		}},
	}
	for name, id := range badEndpointIDs() {
		cases = append(cases, paramCase{"logs endpoint_id " + name, "endpoint_id", logsCall(&hookscope.LogListParams{EndpointID: id})})
	}
	requireParamErrors(t, cases)
}

// The values at each of the logs ranges' boundaries are accepted and sent.
func TestLogsParamBoundariesAreAccepted(t *testing.T) {
	t.Parallel()
	requireBoundariesAccepted(t, []boundaryCase{
		{"logs limit 1", "GET", "/v1/logs", bodyLogsEmpty, "limit", "1", logsCall(&hookscope.LogListParams{Limit: 1})},
		{"logs limit 500", "GET", "/v1/logs", bodyLogsEmpty, "limit", "500", logsCall(&hookscope.LogListParams{Limit: 500})},
		{"logs start == end", "GET", "/v1/logs", bodyLogsEmpty, "end_time", "2026-05-05T10:00:00Z", logsCall(&hookscope.LogListParams{StartTime: paramT0, EndTime: paramT0})},
		{"logs each status", "GET", "/v1/logs", bodyLogsEmpty, "status", "failed_permanent", logsCall(&hookscope.LogListParams{Status: hookscope.StatusFailedPermanent})},
	})
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
}

// Every logs parameter reaches the wire under its name, times in UTC.
func TestLogsQueryEncoding(t *testing.T) {
	t.Parallel()
	from, to, _ := queryTimes()
	requireQueries(t, []queryCase{
		{"logs zero values", "GET", "/v1/logs", bodyLogsEmpty, logsCall(&hookscope.LogListParams{}), ""},
		{"logs nil params", "GET", "/v1/logs", bodyLogsEmpty, logsCall(nil), ""},
		{"logs every param", "GET", "/v1/logs", bodyLogsEmpty,
			logsCall(&hookscope.LogListParams{EndpointID: testEndpointID, Status: hookscope.StatusFailedPermanent,
				StartTime: from, EndTime: to, Limit: 500, Cursor: "eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0="}),
			"cursor=eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0%3D&end_time=2026-05-06T00%3A30%3A15Z" +
				"&endpoint_id=ep_550e8400e29b41d4a716446655440000&limit=500&start_time=2026-05-05T00%3A00%3A00Z&status=failed_permanent"},
		{"logs only start", "GET", "/v1/logs", bodyLogsEmpty, logsCall(&hookscope.LogListParams{StartTime: from, Status: hookscope.StatusQueued}),
			"start_time=2026-05-05T00%3A00%3A00Z&status=queued"},
	})
}

// A logs page without data, or with a row without its message id, is
// ErrUnexpectedResponse, never an empty page.
func TestLogsPageWithoutDataIsUnexpected(t *testing.T) {
	t.Parallel()
	requireUnexpectedAnswers(t, "Logs.List", map[string]string{
		"empty object":   `{}`,
		"no data":        `{"meta":{"has_more":false}}`,
		"row without id": `{"data":[{"status":"queued"}],"meta":{"has_more":false}}`,
	})
}
