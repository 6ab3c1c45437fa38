package hookscope_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/internal/openapitest"
	"github.com/hookscope/hookscope-go/mockserver"
)

// The mockserver against openapi.yaml: every answer the mock gives over a
// generated dataset (every endpoint, every page of every list, success and
// each error, injected faults) validates against the document, and so does
// every request the SDK sends to it.

// mockSpecNow is the fixed clock of the validated dataset.
var mockSpecNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

// mockSpecMessages is the size of the validated dataset.
const mockSpecMessages = 1500

// mockSpecKeys are the extra keys of the validation run.
var mockSpecKeys = []mockserver.Key{
	{Token: "am_test_spec_free", Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()},
	{Token: "am_test_spec_starter", Plan: mockserver.PlanStarter, Scopes: mockserver.AllScopes()},
	{Token: "am_test_spec_noscope", Plan: mockserver.PlanPro, Scopes: nil},
	{Token: "am_test_spec_readonly", Plan: mockserver.PlanPro, Scopes: []string{mockserver.ScopeWebhookRead}},
	{Token: "am_test_spec_other", Org: "org_spec_other", Plan: mockserver.PlanPro, Scopes: mockserver.AllScopes()},
}

// mockSpecClient returns a client of srv whose every request and answer goes
// through a Transport that validates both against doc.
func mockSpecClient(t *testing.T, doc *openapi3.T, srv *mockserver.Server, key string) (*hookscope.Client, *openapitest.Transport) {
	t.Helper()
	tr, err := openapitest.NewTransport(doc, key)
	require.NoError(t, err)
	tr.Next = http.DefaultTransport
	c, err := hookscope.NewClient(key, hookscope.WithBaseURL(srv.URL()), hookscope.WithMaxRetries(0),
		hookscope.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	return c, tr
}

// transportCalls is the number of requests tr saw, over every operation.
func transportCalls(doc *openapi3.T, tr *openapitest.Transport) int {
	n := 0
	for _, o := range openapitest.Operations(doc) {
		n += len(tr.Calls(o.ID()))
	}
	return n
}

// TestMockserverOpenAPI drives the SDK over every endpoint of the mock and
// validates each request and each answer against openapi.yaml, then sends
// every error case the SDK would refuse to send and validates those answers.
func TestMockserverOpenAPI(t *testing.T) {
	t.Parallel()
	srv := mockserver.New(mockserver.WithSeed(7), mockserver.WithMessages(mockSpecMessages),
		mockserver.WithClock(func() time.Time { return mockSpecNow }))
	defer srv.Close()
	for _, k := range mockSpecKeys {
		srv.AddKey(k)
	}
	doc := loadOpenAPI(t)
	doc.Servers = append(doc.Servers, &openapi3.Server{URL: srv.URL()})

	t.Run("sdk", func(t *testing.T) {
		c, tr := mockSpecClient(t, doc, srv, srv.APIKey())
		want := mockSpecSDKTraffic(t, srv, c)
		assert.Empty(t, tr.Problems(), "requests or answers of the pro key that do not match openapi.yaml")
		got := transportCalls(doc, tr)
		t.Logf("pro key: %d requests and answers validated", got)
		assert.Equal(t, want, got, "every request the SDK sent was validated")
		assert.GreaterOrEqual(t, got, 2000, "validated answers of the pro key")
		for _, o := range openapitest.Operations(doc) {
			assert.NotEmpty(t, tr.Calls(o.ID()), "the pro key never called %s", o.ID())
		}

		// Other plans and organizations: response_body_url absent on free,
		// present on starter; another organization sees empty lists.
		for _, token := range []string{"am_test_spec_free", "am_test_spec_starter", "am_test_spec_other"} {
			c, tr := mockSpecClient(t, doc, srv, token)
			n := mockSpecPlanTraffic(t, srv, c, token)
			assert.Empty(t, tr.Problems(), "%s: requests or answers that do not match openapi.yaml", token)
			assert.Equal(t, n, transportCalls(doc, tr), "%s: every request validated", token)
			t.Logf("%s: %d requests and answers validated", token, n)
		}
	})

	t.Run("errors", func(t *testing.T) {
		rv := newMockSpecRaw(t, doc, srv)
		mockSpecErrorCases(t, srv, rv)
		t.Logf("error cases: %d answers validated", rv.validated)
		assert.Equal(t, rv.sent, rv.validated, "every raw answer validated")
		assert.GreaterOrEqual(t, rv.validated, 170, "error answers validated")
	})

	t.Run("429 fault without RetryAfter", func(t *testing.T) {
		// API.md: "429 RATE_LIMITED carries a Retry-After header in
		// seconds", and the document requires it on every 429.
		srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 429, Times: 1})
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v1/logs", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, 429, resp.StatusCode)
		assert.Equal(t, "1", resp.Header.Get("Retry-After"), "a 429 fault without RetryAfter still says when to retry")
		assert.NoError(t, openapitest.ValidateResponse(doc, openapiOperation(t, doc, "listLogs"), 429, resp.Header, b))
	})
}

// mockSpecSDKTraffic calls every SDK method against srv with the pro key,
// reading every page of every list, and returns the number of requests sent.
func mockSpecSDKTraffic(t *testing.T, srv *mockserver.Server, c *hookscope.Client) int {
	t.Helper()
	ctx := context.Background()
	sent := 0

	// Logs: every page of the whole log, of each status, of each endpoint,
	// and of a time window.
	messageIDs := srv.OutboundMessageIDs()
	require.Len(t, messageIDs, mockSpecMessages)
	logPages := func(p *hookscope.LogListParams) (rows []hookscope.LogEntry) {
		t.Helper()
		for page, err := range c.Logs.Pages(ctx, p) {
			require.NoError(t, err)
			sent++
			rows = append(rows, page.Data...)
		}
		return rows
	}
	all := logPages(&hookscope.LogListParams{Limit: 37})
	require.Len(t, all, mockSpecMessages, "every row, across %d pages", (mockSpecMessages+36)/37)
	for i, e := range all {
		require.Equal(t, messageIDs[i], e.MessageID, "row %d", i)
	}
	byStatus := 0
	for _, st := range []hookscope.MessageStatus{hookscope.StatusQueued, hookscope.StatusDelivering,
		hookscope.StatusSucceeded, hookscope.StatusPendingRetry, hookscope.StatusFailedPermanent} {
		rows := logPages(&hookscope.LogListParams{Status: st, Limit: 100})
		assert.NotEmpty(t, rows, "no %s row", st)
		byStatus += len(rows)
	}
	assert.Equal(t, mockSpecMessages, byStatus, "the statuses partition the log")
	endpointIDs := srv.EndpointIDs("")
	require.GreaterOrEqual(t, len(endpointIDs), 8)
	byEndpoint := 0
	for _, id := range endpointIDs {
		byEndpoint += len(logPages(&hookscope.LogListParams{EndpointID: id, Limit: 500}))
	}
	assert.Equal(t, mockSpecMessages, byEndpoint, "the endpoints partition the log")
	window := logPages(&hookscope.LogListParams{
		StartTime: mockSpecNow.Add(-24 * time.Hour), EndTime: mockSpecNow, Limit: 25,
	})
	assert.NotEmpty(t, window)
	_, err := c.Logs.List(ctx, nil) // every default
	require.NoError(t, err)
	sent++

	// Metrics: every page of each metric, granularity, grouping and
	// comparison, with small pages.
	metricPages := func(p *hookscope.WebhookMetricsParams) (rows int) {
		t.Helper()
		for page, err := range c.Metrics.WebhookPages(ctx, p) {
			require.NoError(t, err)
			sent++
			rows += len(page.Buckets)
		}
		return rows
	}
	for _, m := range []hookscope.Metric{hookscope.MetricDelivered, hookscope.MetricFailed, hookscope.MetricRetried} {
		assert.Equal(t, 25, metricPages(&hookscope.WebhookMetricsParams{Metric: m, Limit: 7}), "%s: 25 hourly buckets", m)
		for _, g := range []hookscope.GroupBy{hookscope.GroupByEndpointID, hookscope.GroupByKind, hookscope.GroupByHTTPStatusClass} {
			assert.Positive(t, metricPages(&hookscope.WebhookMetricsParams{Metric: m, GroupBy: g, Limit: 40}), "%s by %s", m, g)
			assert.Positive(t, metricPages(&hookscope.WebhookMetricsParams{Metric: m, GroupBy: g,
				CompareTo: hookscope.ComparePriorPeriod, Limit: 33}), "%s by %s, prior period", m, g)
		}
		assert.Equal(t, 25, metricPages(&hookscope.WebhookMetricsParams{Metric: m, CompareTo: hookscope.ComparePriorPeriod, Limit: 10}))
		assert.Equal(t, 181, metricPages(&hookscope.WebhookMetricsParams{Metric: m, Granularity: hookscope.GranularityMinute,
			From: mockSpecNow.Add(-3 * time.Hour), To: mockSpecNow, Limit: 100}))
		assert.Equal(t, 16, metricPages(&hookscope.WebhookMetricsParams{Metric: m, Granularity: hookscope.GranularityDay,
			From: mockSpecNow.Add(-7 * 24 * time.Hour), To: mockSpecNow, GroupBy: hookscope.GroupByKind, CompareTo: hookscope.ComparePriorPeriod}), "7 days by kind: 8 daily buckets of 2 kinds")
	}
	for _, m := range []hookscope.Metric{hookscope.MetricInboundReceived, hookscope.MetricOutboundSent,
		hookscope.MetricOutboundDelivered, hookscope.MetricOutboundFailed} {
		for _, g := range []hookscope.GroupBy{"", hookscope.GroupByEndpointID, hookscope.GroupByKind, hookscope.GroupByHTTPStatusClass} {
			p := &hookscope.MessageMetricsParams{Metric: m, GroupBy: g, CompareTo: hookscope.ComparePriorPeriod, Limit: 50}
			buckets := 0
			for _, err := range c.Metrics.MessageBuckets(ctx, p) {
				require.NoError(t, err)
				buckets++
			}
			paged := 0
			for page, err := range c.Metrics.MessagePages(ctx, p) {
				require.NoError(t, err)
				sent += 2 // the same page, once for MessageBuckets and once here
				paged += len(page.Buckets)
			}
			assert.Equal(t, buckets, paged, "%s by %q: the pages hold every bucket row", m, g)
		}
	}

	// Webhooks: every page of the list, each webhook with and without its
	// recent events, and the CRUD round trip.
	listed := 0
	for _, limit := range []int{1, 3, 0} {
		for page, err := range c.Webhooks.Pages(ctx, &hookscope.WebhookListParams{Limit: limit}) {
			require.NoError(t, err)
			sent++
			listed += len(page.Data)
		}
	}
	assert.Equal(t, 3*len(endpointIDs), listed)
	for _, id := range endpointIDs {
		for _, p := range []*hookscope.WebhookGetParams{nil, {IncludeEvents: true}, {IncludeEvents: true, EventsLimit: 50}, {EventsLimit: 1}} {
			wh, err := c.Webhooks.Get(ctx, id, p)
			require.NoError(t, err)
			sent++
			assert.Equal(t, id, wh.ID)
		}
	}
	created, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "Spec check", URL: "https://spec.example/hooks"})
	require.NoError(t, err)
	sent++
	_, err = c.Webhooks.Get(ctx, created.ID, &hookscope.WebhookGetParams{IncludeEvents: true})
	require.NoError(t, err)
	sent++
	for _, p := range []*hookscope.WebhookUpdateParams{
		{Name: new("Spec check (renamed)")}, {URL: new("https://spec.example/v2")}, {IsActive: new(false)},
		{IsActive: new(true)}, {EventTypes: []string{"order.created"}}, {Name: new("All three"), URL: new("https://spec.example/v3"), IsActive: new(false)},
	} {
		_, err := c.Webhooks.Update(ctx, created.ID, p)
		require.NoError(t, err)
		sent++
	}
	require.NoError(t, c.Webhooks.Delete(ctx, created.ID))
	sent++
	_, err = c.Webhooks.Get(ctx, created.ID, nil)
	require.ErrorIs(t, err, hookscope.ErrNotFound, "a deleted webhook is gone")
	sent++

	// Attempts of every outbound message; every inbound message and its
	// attempts, the one past the 200-attempt cap included.
	for _, id := range messageIDs {
		_, err := c.Attempts.ListOutbound(ctx, id)
		require.NoError(t, err)
		sent++
	}
	capped := 0
	for _, id := range srv.InboundMessageIDs() {
		msg, err := c.Attempts.GetInboundMessage(ctx, id)
		require.NoError(t, err)
		list, err := c.Attempts.ListInbound(ctx, id)
		require.NoError(t, err)
		sent += 2
		if list.Meta.HasMore {
			capped++
			assert.Len(t, list.Data, hookscope.AttemptsMaxPerList)
			assert.Equal(t, mockserver.BigInboundAttempts, msg.AttemptCount)
		}
	}
	assert.Equal(t, 1, capped, "one inbound message past the cap")
	const unknown = "01935abc-def0-7123-4567-890abcdef012"
	empty, err := c.Attempts.ListInbound(ctx, unknown)
	require.NoError(t, err)
	assert.Empty(t, empty.Data, "an unknown id is an empty list")
	empty, err = c.Attempts.ListInbound(ctx, messageIDs[0]) // an outbound id
	require.NoError(t, err)
	assert.Empty(t, empty.Data)
	sent += 2

	// Analytics.
	an, err := c.Analytics.Webhooks(ctx)
	require.NoError(t, err)
	sent++
	assert.Positive(t, an.DayMetrics.Total)
	return sent
}

// mockSpecPlanTraffic reads what differs by plan or organization and returns
// the number of requests sent.
func mockSpecPlanTraffic(t *testing.T, srv *mockserver.Server, c *hookscope.Client, token string) int {
	t.Helper()
	ctx := context.Background()
	sent := 0
	gran := hookscope.GranularityHour
	if token == "am_test_spec_free" {
		gran = hookscope.GranularityDay
	}
	_, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: gran, GroupBy: hookscope.GroupByEndpointID})
	require.NoError(t, err)
	sent++
	ids := srv.InboundMessageIDs()
	for _, id := range ids[:20] {
		list, err := c.Attempts.ListInbound(ctx, id)
		require.NoError(t, err)
		sent++
		for _, a := range list.Data {
			switch token {
			case "am_test_spec_free":
				assert.Empty(t, a.ResponseBodyURL, "no response_body_url on free")
			case "am_test_spec_other":
				t.Errorf("another organization sees attempt %s", a.ID)
			}
		}
	}
	for _, id := range srv.OutboundMessageIDs()[:50] {
		_, err := c.Attempts.ListOutbound(ctx, id)
		require.NoError(t, err)
		sent++
	}
	for page, err := range c.Logs.Pages(ctx, &hookscope.LogListParams{Limit: 500}) {
		require.NoError(t, err)
		sent++
		if token == "am_test_spec_other" {
			assert.Empty(t, page.Data)
		}
	}
	for _, err := range c.Webhooks.All(ctx, nil) {
		require.NoError(t, err)
	}
	sent++
	_, err = c.Analytics.Webhooks(ctx)
	require.NoError(t, err)
	sent++
	if token == "am_test_spec_other" {
		// An empty organization: create a webhook, read it, list it.
		wh, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "Other org", URL: "https://other.example/h"})
		require.NoError(t, err)
		_, err = c.Webhooks.Get(ctx, wh.ID, &hookscope.WebhookGetParams{IncludeEvents: true})
		require.NoError(t, err)
		_, err = c.Webhooks.List(ctx, nil)
		require.NoError(t, err)
		sent += 3
	}
	return sent
}
