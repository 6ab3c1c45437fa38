package hookscope_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

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

// attemptsPage is an attempts body with attempt numbers from..to.
func attemptsPage(next string, hasMore bool, nos ...int) httpmock.Responder {
	rows := make([]string, len(nos))
	for i, n := range nos {
		rows[i] = fmt.Sprintf(`{"id":"01935abc-def0-7123-4567-%012d","attempt_no":%d,"response_status":500,"created_at":"2025-12-06T12:00:00Z"}`, n, n)
	}
	nc := ""
	if next != "" {
		nc = fmt.Sprintf(`"next_cursor":%q,`, next)
	}
	return respond(200, fmt.Sprintf(`{"data":[%s],"meta":{"request_id":"req",%s"has_more":%t}}`, strings.Join(rows, ","), nc, hasMore))
}

func TestAttemptsAllInbound(t *testing.T) {
	t.Parallel()
	path := "/v1/inbound-messages/" + testMessageID + "/attempts"
	attemptNos := func(t *testing.T, c *hookscope.Client) ([]int, []error) {
		return collect(t, c.Attempts.AllInbound(context.Background(), testMessageID), func(a *hookscope.Attempt) int { return a.AttemptNo })
	}
	t.Run("complete list", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, attemptsPage("", false, 1, 2, 3))
		it := c.Attempts.AllInbound(context.Background(), testMessageID)
		assert.Equal(t, 0, f.count(), "lazy")
		_ = it
		nos, errs := attemptNos(t, c)
		assert.Empty(t, errs)
		assert.Equal(t, []int{1, 2, 3}, nos)
		assert.Equal(t, 1, f.count())
		assert.Empty(t, f.last().URL.RawQuery)
	})
	t.Run("has_more without cursor: rows then ErrIncompletePage", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, attemptsPage("", true, 1, 2))
		nos, errs := attemptNos(t, c)
		assert.Equal(t, []int{1, 2}, nos)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrIncompletePage)
		assert.Equal(t, 1, f.count())
	})
	t.Run("a future server's next_cursor is followed", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, cursorPages(t, map[string]httpmock.Responder{
			"":   attemptsPage("a2", true, 1, 2),
			"a2": attemptsPage("", false, 3),
		}))
		nos, errs := attemptNos(t, c)
		assert.Empty(t, errs)
		assert.Equal(t, []int{1, 2, 3}, nos)
		assert.Equal(t, []string{"", "a2"}, cursorsSent(f))
	})
	t.Run("early break", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", path, cursorPages(t, map[string]httpmock.Responder{
			"":   attemptsPage("a2", true, 1, 2),
			"a2": attemptsPage("", false, 3),
		}))
		for a, err := range c.Attempts.AllInbound(context.Background(), testMessageID) {
			require.NoError(t, err)
			if a.AttemptNo == 2 {
				break
			}
		}
		assert.Equal(t, 1, f.count())
	})
	t.Run("outbound path", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/v1/messages/"+testMessageID+"/attempts", attemptsPage("", false, 1))
		n := 0
		for _, err := range c.Attempts.AllOutbound(context.Background(), testMessageID) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 1, n)
	})
}

// Attempts params the SDK can check fail before any request, with a *ParamError
// naming the parameter.
func TestAttemptsInvalidParamsSendNoRequest(t *testing.T) {
	t.Parallel()
	cases := []paramCase{
		{"Attempts.AllInbound id", "id", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Attempts.AllInbound(ctx, "nope"))
		}},
		{"Attempts.AllOutbound id", "id", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Attempts.AllOutbound(ctx, "nope"))
		}},
	}
	for name, id := range map[string]string{
		"empty":         "",
		"word":          "not-a-uuid",
		"short":         "01935abc-def0-7123-4567-890abcdef01",
		"long":          "01935abc-def0-7123-4567-890abcdef0123",
		"no dashes":     "01935abcdef071234567890abcdef012",
		"non hex":       "01935abc-def0-7123-4567-890abcdef01z",
		"path traverse": "../../v1/logs",
		"slash":         "01935abc-def0-7123-4567/890abcdef012",
		"query":         "01935abc-def0-7123-4567-890abcdef012?x=1",
	} {
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
	requireParamErrors(t, cases)
}

// Every attempts parameter reaches the wire under its name, times in UTC.
func TestAttemptsQueryEncoding(t *testing.T) {
	t.Parallel()
	requireQueries(t, []queryCase{
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
	})
}

// Attempts lists without data and an inbound message without its id are
// ErrUnexpectedResponse.
func TestAttemptsAnswersWithoutDataAreUnexpected(t *testing.T) {
	t.Parallel()
	requireUnexpectedAnswers(t, "Attempts.ListInbound", map[string]string{
		"empty object":   `{}`,
		"null data":      `{"data":null,"meta":{"has_more":false}}`,
		"row without id": `{"data":[{"attempt_no":1}],"meta":{"has_more":false}}`,
	})
	requireUnexpectedAnswers(t, "Attempts.ListOutbound", map[string]string{"empty object": `{}`})
	requireUnexpectedAnswers(t, "Attempts.GetInboundMessage", map[string]string{
		"empty object": `{}`,
		"no id":        `{"data":{"status":"succeeded"}}`,
	})
}
