package hookscope_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/internal/openapitest"
)

// Every request the SDK sends, validated against the document.

const openapiTestKey = "am_test_openapi_spec"

// openapiFirstPage names the example each list operation answers with; a
// request that carries a cursor gets the same body as the last page.
var openapiFirstPage = map[string]string{
	"getMetricsWebhooks":         "grouped_compared_page",
	"getMetricsMessages":         "grouped_compared_page",
	"listLogs":                   "seed001",
	"listWebhooks":               "first_page",
	"listInboundMessageAttempts": "seed003",
	"listMessageAttempts":        "all_fields",
}

// openapiCannedAnswer answers an operation with its success status, valid
// headers and an example body.
func openapiCannedAnswer(o openapitest.Operation, req *http.Request) (int, http.Header, []byte) {
	for _, status := range []int{200, 201, 204} {
		ref := o.Op.Responses.Status(status)
		if ref == nil {
			continue
		}
		header := openapitest.ValidHeaders(ref.Value)
		mt := ref.Value.Content.Get("application/json")
		if mt == nil {
			return status, header, nil
		}
		name := openapiFirstPage[o.ID()]
		if name == "" {
			names := make([]string, 0, len(mt.Examples))
			for n := range mt.Examples {
				names = append(names, n)
			}
			sort.Strings(names)
			name = names[0]
		}
		body, err := json.Marshal(mt.Examples[name].Value.Value)
		if err != nil {
			panic(err)
		}
		if req.URL.Query().Has("cursor") {
			body = openapiLastPage(body)
		}
		return status, header, body
	}
	panic("no success response for " + o.ID())
}

// openapiLastPage returns a page body without a next cursor.
func openapiLastPage(body []byte) []byte {
	var page map[string]any
	if err := json.Unmarshal(body, &page); err != nil {
		panic(err)
	}
	if meta, ok := page["meta"].(map[string]any); ok {
		meta["next_cursor"] = nil
		if _, ok := meta["has_more"]; ok {
			meta["has_more"] = false
		}
	}
	out, err := json.Marshal(page)
	if err != nil {
		panic(err)
	}
	return out
}

func newOpenAPITransport(t *testing.T, doc *openapi3.T) *openapitest.Transport {
	t.Helper()
	tr, err := openapitest.NewTransport(doc, openapiTestKey)
	require.NoError(t, err)
	tr.Answer = openapiCannedAnswer
	return tr
}

// TestOpenAPISDKRequests calls every SDK method, with every parameter filled
// and with none, through a transport that validates each request (and the
// canned answer) against the document.
func TestOpenAPISDKRequests(t *testing.T) {
	t.Parallel()

	for _, base := range []string{"", "https://sdk.test/gateway"} {
		name := "default base URL"
		if base != "" {
			name = "base URL " + base
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := loadOpenAPI(t)
			opts := []hookscope.Option{hookscope.WithMaxRetries(0)}
			if base != "" {
				// The test host joins the document's servers, path prefix included.
				doc.Servers = append(doc.Servers, &openapi3.Server{URL: base})
				opts = append(opts, hookscope.WithBaseURL(base))
			}
			tr := newOpenAPITransport(t, doc)
			c, err := hookscope.NewClient(openapiTestKey, append(opts, hookscope.WithHTTPClient(&http.Client{Transport: tr}))...)
			require.NoError(t, err)

			callEverySDKMethod(t, c)

			assert.Empty(t, tr.Problems(), "requests or answers that do not match openapi.yaml")
			for _, o := range openapitest.Operations(doc) {
				assert.NotEmpty(t, tr.Calls(o.ID()), "no SDK method sent %s", o.ID())
			}
			for _, id := range []string{"getMetricsWebhooks", "getMetricsMessages", "listLogs", "listWebhooks"} {
				withCursor := 0
				for _, u := range tr.Calls(id) {
					if u.Query().Get("cursor") != "" {
						withCursor++
					}
				}
				assert.Positive(t, withCursor, "%s was never sent with a cursor", id)
			}
			if base != "" {
				for _, u := range tr.Calls("getMetricsWebhooks") {
					assert.True(t, strings.HasPrefix(u.Path, "/gateway/"), "path prefix kept: %s", u.Path)
				}
			}
		})
	}

	t.Run("validation can fail", func(t *testing.T) {
		t.Parallel()
		doc := loadOpenAPI(t)
		const auth = "Bearer " + openapiTestKey
		bad := []struct {
			name, method, target, auth, body string
		}{
			{"limit above maximum", "GET", "/v1/logs?limit=501", auth, ""},
			{"endpoint_id pattern", "GET", "/v1/logs?endpoint_id=ep_XYZ", auth, ""},
			{"status enum", "GET", "/v1/logs?status=done", auth, ""},
			{"time format", "GET", "/v1/logs?start_time=2025-12-01", auth, ""},
			{"undocumented query parameter", "GET", "/v1/logs?page=2", auth, ""},
			{"missing metric", "GET", "/v1/metrics/webhooks", auth, ""},
			{"messages metric on webhooks", "GET", "/v1/metrics/webhooks?metric=messages.outbound.sent", auth, ""},
			{"cursor not base64url", "GET", "/v1/metrics/webhooks?metric=failed&cursor=a%2Fb", auth, ""},
			{"attempts id not a UUID", "GET", "/v1/inbound-messages/123/attempts", auth, ""},
			{"webhook id pattern", "GET", "/api/v0/webhooks/ep_1", auth, ""},
			{"events_limit above maximum", "GET", "/api/v0/webhooks/ep_550e8400e29b41d4a716446655440000?events_limit=51", auth, ""},
			{"no Authorization", "GET", "/analytics/webhooks", "", ""},
			{"wrong key", "GET", "/analytics/webhooks", "Bearer am_other", ""},
			{"create without url", "POST", "/api/v0/webhooks", auth, `{"name":"n"}`},
			{"create with http url", "POST", "/api/v0/webhooks", auth, `{"name":"n","url":"http://a.example/h"}`},
			{"update with unknown field", "PATCH", "/api/v0/webhooks/ep_550e8400e29b41d4a716446655440000", auth, `{"active":false}`},
			{"undocumented path", "GET", "/v1/webhooks", auth, ""},
		}
		send := func(method, target, authorization, body string) []string {
			tr := newOpenAPITransport(t, doc)
			var rd io.Reader
			if body != "" {
				rd = strings.NewReader(body)
			}
			req, err := http.NewRequest(method, hookscope.DefaultBaseURL+target, rd)
			require.NoError(t, err)
			if authorization != "" {
				req.Header.Set("Authorization", authorization)
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := tr.RoundTrip(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			return tr.Problems()
		}
		for _, b := range bad {
			assert.NotEmpty(t, send(b.method, b.target, b.auth, b.body), "%s: no validation error", b.name)
		}
		// Valid requests pass, so the cases above fail for their own reason.
		assert.Empty(t, send("GET", "/v1/logs?limit=500&status=failed_permanent", auth, ""))
		assert.Empty(t, send("POST", "/api/v0/webhooks", auth, `{"name":"n","url":"https://a.example/h"}`))
		assert.Empty(t, send("PATCH", "/api/v0/webhooks/ep_550e8400e29b41d4a716446655440000", auth, `{"isActive":false}`))
	})
}

// callEverySDKMethod calls every method of every service, with all
// parameters filled and with the least, and checks what each decoded from
// the examples.
func callEverySDKMethod(t *testing.T, c *hookscope.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const (
		endpointID = "ep_550e8400e29b41d4a716446655440000"
		messageID  = "01935abc-def0-7123-4567-890abcdef012"
		cursor     = "eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0="
	)
	from := time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)

	// Metrics.
	mp := &hookscope.WebhookMetricsParams{
		Metric: hookscope.MetricDelivered, From: from, To: to,
		Granularity: hookscope.GranularityHour, GroupBy: hookscope.GroupByKind,
		CompareTo: hookscope.ComparePriorPeriod, Limit: 3, Cursor: cursor,
	}
	series, err := c.Metrics.Webhooks(ctx, mp)
	require.NoError(t, err)
	require.Len(t, series.Buckets, 3)
	assert.Equal(t, "number", series.Buckets[0].Group)
	require.NotNil(t, series.Buckets[0].Value)
	assert.EqualValues(t, 3, *series.Buckets[0].Value)
	assert.Nil(t, series.Buckets[2].Value, "null value decodes to nil")
	require.NotNil(t, series.Buckets[2].PriorValue)
	assert.EqualValues(t, 4, *series.Buckets[2].PriorValue)
	require.NotNil(t, series.PriorFrom)
	assert.Equal(t, from.Add(-24*time.Hour), *series.PriorFrom)
	assert.Empty(t, series.Meta.NextCursor, "a request with a cursor gets the last page")
	assert.Equal(t, "req_spec_test", series.Meta.RequestID)
	firstSeries, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	require.NoError(t, err)
	assert.Equal(t, "eyJiIjoiMjAyNi0wNS0wNlQwMDowMDowMFoiLCJnIjoibnVtYmVyIn0", firstSeries.Meta.NextCursor)
	assert.Equal(t, 3, firstSeries.Meta.Limit)

	for _, variant := range []*hookscope.WebhookMetricsParams{
		{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByEndpointID, Granularity: hookscope.GranularityMinute},
		{Metric: hookscope.MetricRetried, GroupBy: hookscope.GroupByHTTPStatusClass, Granularity: hookscope.GranularityDay},
	} {
		_, err := c.Metrics.Webhooks(ctx, variant)
		require.NoError(t, err)
	}

	allParams := *mp
	allParams.Cursor = ""
	n := 0
	for b, err := range c.Metrics.WebhookBuckets(ctx, &allParams) {
		require.NoError(t, err)
		require.NotNil(t, b)
		n++
	}
	assert.Equal(t, 6, n, "two pages of three bucket rows")
	pages := 0
	for p, err := range c.Metrics.WebhookPages(ctx, &allParams) {
		require.NoError(t, err)
		require.NotNil(t, p)
		pages++
	}
	assert.Equal(t, 2, pages)

	msgParams := hookscope.MessageMetricsParams(*mp)
	msgParams.Metric = hookscope.MetricOutboundDelivered
	ms, err := c.Metrics.Messages(ctx, &msgParams)
	require.NoError(t, err)
	assert.Len(t, ms.Buckets, 3)
	n = 0
	for _, err := range c.Metrics.MessageBuckets(ctx, &hookscope.MessageMetricsParams{Metric: hookscope.MetricInboundReceived}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 6, n)
	pages = 0
	for p, err := range c.Metrics.MessagePages(ctx, &hookscope.MessageMetricsParams{Metric: hookscope.MetricInboundReceived}) {
		require.NoError(t, err)
		require.NotNil(t, p)
		pages++
	}
	assert.Equal(t, 2, pages)

	// Logs.
	lp := &hookscope.LogListParams{
		EndpointID: endpointID, Status: hookscope.StatusFailedPermanent,
		StartTime: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC),
		EndTime:   time.Date(2025, 12, 6, 23, 59, 59, 0, time.UTC),
		Limit:     500, Cursor: cursor,
	}
	page, err := c.Logs.List(ctx, lp)
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef012", page.Data[0].MessageID)
	require.NotNil(t, page.Data[0].ResponseStatus)
	assert.Equal(t, 200, *page.Data[0].ResponseStatus)
	assert.Nil(t, page.Data[1].DeliveredAt)
	require.NotNil(t, page.Data[1].NextAttemptAt)
	assert.Equal(t, "connection timeout", page.Data[1].LastError)
	assert.False(t, page.Meta.HasMore, "a request with a cursor gets the last page")
	assert.Empty(t, page.Meta.NextCursor)
	assert.Equal(t, "req_xyz123", page.Meta.RequestID)
	firstPage, err := c.Logs.List(ctx, nil)
	require.NoError(t, err)
	assert.True(t, firstPage.Meta.HasMore)
	assert.Equal(t, cursor, firstPage.Meta.NextCursor)
	first := *lp
	first.Cursor = ""
	n = 0
	for e, err := range c.Logs.All(ctx, &first) {
		require.NoError(t, err)
		require.NotEmpty(t, e.MessageID)
		n++
	}
	assert.Equal(t, 4, n, "two pages of two rows")
	pages = 0
	for p, err := range c.Logs.Pages(ctx, &first) {
		require.NoError(t, err)
		require.NotNil(t, p)
		pages++
	}
	assert.Equal(t, 2, pages)

	// Attempts and inbound messages.
	in, err := c.Attempts.ListInbound(ctx, messageID)
	require.NoError(t, err)
	require.Len(t, in.Data, 1)
	assert.Equal(t, 1, in.Data[0].AttemptNo)
	assert.True(t, in.Data[0].Succeeded())
	assert.Nil(t, in.Data[0].ProcessingMS)
	assert.False(t, in.Meta.HasMore)
	n = 0
	for a, err := range c.Attempts.AllInbound(ctx, messageID) {
		require.NoError(t, err)
		require.NotNil(t, a)
		n++
	}
	assert.Equal(t, 1, n)

	out, err := c.Attempts.ListOutbound(ctx, messageID)
	require.NoError(t, err)
	require.Len(t, out.Data, 2)
	require.NotNil(t, out.Data[1].ProcessingMS)
	assert.EqualValues(t, 300, *out.Data[1].ProcessingMS)
	assert.True(t, out.Data[1].ResponseBodyTruncated)
	assert.Equal(t, "1800", out.Data[1].ResponseHeaders["Retry-After"])
	assert.Equal(t, hookscope.RetrySlow, out.Data[1].RetryType)
	n = 0
	var outErr error
	for _, err := range c.Attempts.AllOutbound(ctx, messageID) {
		if err != nil {
			outErr = err
			break
		}
		n++
	}
	assert.Equal(t, 2, n)
	assert.ErrorIs(t, outErr, hookscope.ErrIncompletePage, "has_more without a cursor")

	msg, err := c.Attempts.GetInboundMessage(ctx, messageID)
	require.NoError(t, err)
	assert.Equal(t, messageID, msg.ID)
	assert.Equal(t, endpointID, msg.EndpointID)
	assert.Equal(t, hookscope.StatusSucceeded, msg.Status)
	require.NotNil(t, msg.DeliveredAt)

	// Webhooks.
	wh, err := c.Webhooks.Get(ctx, endpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 20})
	require.NoError(t, err)
	assert.Equal(t, "Order events", wh.Name)
	assert.Equal(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wh.SigningSecret.Reveal())
	require.Len(t, wh.RecentEvents, 3)
	assert.Nil(t, wh.RecentEvents[2].ResponseCode)
	assert.InDelta(t, 99.04, wh.DeliveryStats.SuccessRate, 1e-9)
	h := wh.Health()
	assert.Equal(t, hookscope.SuccessRateExcellent, h.SuccessRate)
	assert.Equal(t, hookscope.ResponseTimeFast, h.ResponseTime)
	assert.Equal(t, hookscope.ActivityActive, h.Activity)
	_, err = c.Webhooks.Get(ctx, endpointID, nil)
	require.NoError(t, err)

	list, err := c.Webhooks.List(ctx, &hookscope.WebhookListParams{Limit: 100, Cursor: cursor})
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	assert.Equal(t, hookscope.KindOrganization, list.Data[0].Kind)
	assert.Equal(t, []string{"order.created", "order.updated"}, list.Data[0].EventTypes)
	assert.False(t, list.Meta.HasMore, "a request with a cursor gets the last page")
	firstList, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	assert.True(t, firstList.Meta.HasMore)
	assert.Equal(t, "req_spec_test", firstList.Meta.RequestID, "the list's meta has no request id: X-Request-Id")
	n = 0
	for w, err := range c.Webhooks.All(ctx, &hookscope.WebhookListParams{Limit: 1}) {
		require.NoError(t, err)
		require.NotEmpty(t, w.ID)
		n++
	}
	assert.Equal(t, 2, n, "two pages of one webhook")
	pages = 0
	for p, err := range c.Webhooks.Pages(ctx, &hookscope.WebhookListParams{Limit: 1}) {
		require.NoError(t, err)
		require.Len(t, p.Data, 1)
		pages++
	}
	assert.Equal(t, 2, pages)

	created, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "Order events", URL: "https://customer.app/webhooks"})
	require.NoError(t, err)
	assert.Equal(t, "ep_0123456789abcdef0123456789abcdef", created.ID)
	assert.Nil(t, created.DeliveryStats.LastDelivery)

	updated, err := c.Webhooks.Update(ctx, endpointID, &hookscope.WebhookUpdateParams{
		Name: new("Order events (paused)"), URL: new("https://customer.app/webhooks/v2"), IsActive: new(false),
	})
	require.NoError(t, err)
	assert.False(t, updated.IsActive)
	assert.Equal(t, hookscope.KindNumber, updated.Kind)
	_, err = c.Webhooks.Update(ctx, endpointID, &hookscope.WebhookUpdateParams{IsActive: new(true)})
	require.NoError(t, err)
	_, err = c.Webhooks.Update(ctx, endpointID, &hookscope.WebhookUpdateParams{EventTypes: []string{"order.created"}})
	require.NoError(t, err)

	require.NoError(t, c.Webhooks.Delete(ctx, endpointID))

	// Analytics.
	an, err := c.Analytics.Webhooks(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 2, an.DayMetrics.Total)
	assert.InDelta(t, 33.33, an.DayMetrics.RetryRatePct, 1e-9)
	require.Len(t, an.LastEvents, 3)
	assert.False(t, an.LastEvents[0].Done)
	assert.Nil(t, an.LastEvents[0].Payload)
	assert.JSONEq(t, `{"name":"Ho","description":"Hu"}`, string(an.LastEvents[1].Payload))
	assert.Equal(t, time.Date(2025, 7, 1, 23, 26, 30, 0, time.UTC), an.LastEvents[0].CreatedAt)
	require.Len(t, an.HourlyMetrics, 1)
	assert.Equal(t, time.Date(2025, 6, 29, 17, 0, 0, 0, time.UTC), an.HourlyMetrics[0].Hour)
	assert.Equal(t, "development", an.Env)
	assert.Equal(t, "req_spec_test", an.RequestID, "log is null: X-Request-Id")

	// A request the SDK refuses before sending never reaches the transport.
	_, err = c.Logs.List(ctx, &hookscope.LogListParams{Limit: 501})
	var pe *hookscope.ParamError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "limit", pe.Param)
}
