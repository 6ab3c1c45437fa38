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
