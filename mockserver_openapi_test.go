package hookscope_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"
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
			for _, err := range c.Metrics.MessageBuckets(ctx, p) {
				require.NoError(t, err)
			}
			// MessageBuckets hides its pages: count them from the series.
			pages, err := mockSpecMessagePages(ctx, c, p)
			require.NoError(t, err)
			sent += 2 * pages
		}
	}

	// Webhooks: every page of the list, each webhook with and without its
	// recent events, and the CRUD round trip.
	listed := 0
	for _, limit := range []int{1, 3, 0} {
		for page, err := range mockSpecWebhookPages(ctx, c, limit) {
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
		{IsActive: new(true)}, {}, {Name: new("All three"), URL: new("https://spec.example/v3"), IsActive: new(false)},
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

// mockSpecMessagePages counts the pages of a messages metrics query.
func mockSpecMessagePages(ctx context.Context, c *hookscope.Client, p *hookscope.MessageMetricsParams) (int, error) {
	q := *p
	pages := 0
	for {
		s, err := c.Metrics.Messages(ctx, &q)
		if err != nil {
			return pages, err
		}
		pages++
		if s.Meta.NextCursor == "" {
			return pages, nil
		}
		q.Cursor = s.Meta.NextCursor
	}
}

// mockSpecWebhookPages iterates the pages of GET /api/v0/webhooks.
func mockSpecWebhookPages(ctx context.Context, c *hookscope.Client, limit int) func(func(*hookscope.WebhookPage, error) bool) {
	return func(yield func(*hookscope.WebhookPage, error) bool) {
		p := &hookscope.WebhookListParams{Limit: limit}
		for {
			page, err := c.Webhooks.List(ctx, p)
			if !yield(page, err) || err != nil || !page.Meta.HasMore {
				return
			}
			p.Cursor = page.Meta.NextCursor
		}
	}
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

// ---- raw requests: answers the SDK would never ask for -------------------

// mockSpecRaw sends raw requests to the mock and validates each answer (not
// the request, which is often wrong on purpose) against the document.
type mockSpecRaw struct {
	t         *testing.T
	doc       *openapi3.T
	srv       *mockserver.Server
	find      func(*http.Request) (openapitest.Operation, error)
	sent      int
	validated int
}

func newMockSpecRaw(t *testing.T, doc *openapi3.T, srv *mockserver.Server) *mockSpecRaw {
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	find := func(req *http.Request) (openapitest.Operation, error) {
		route, _, err := router.FindRoute(req)
		if err != nil {
			return openapitest.Operation{}, err
		}
		return openapitest.Operation{Path: route.Path, Method: route.Method, PathItem: route.PathItem, Op: route.Operation}, nil
	}
	return &mockSpecRaw{t: t, doc: doc, srv: srv, find: find}
}

// rawCase is one raw request and the answer it must get.
type rawCase struct {
	name   string
	method string
	target string // path and query
	key    string // "" sends no Authorization
	body   string
	status int
	code   string // the envelope's error code
	// asStatus validates the answer as this documented status (a 503 is
	// answered in the envelope of the document's 500).
	asStatus int
}

// do sends rc and validates its answer.
func (r *mockSpecRaw) do(c rawCase) {
	t := r.t
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, r.srv.URL()+c.target, body)
	require.NoError(t, err)
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	o, err := r.find(req)
	require.NoError(t, err, "%s: no operation for %s %s", c.name, c.method, c.target)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, c.name)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	r.sent++

	if !assert.Equal(t, c.status, resp.StatusCode, "%s: status (body %s)", c.name, b) {
		return
	}
	assert.Equal(t, c.code, mockSpecErrorCode(b), "%s: error code (body %s)", c.name, b)
	status := resp.StatusCode
	if c.asStatus != 0 {
		status = c.asStatus
		b = mockSpecAsStatus(t, b, resp.StatusCode, c.asStatus)
	}
	if err := openapitest.ValidateResponse(r.doc, o, status, resp.Header, b); err != nil {
		t.Errorf("%s: %s %s answered %d that does not match openapi.yaml: %v\nbody: %s", c.name, c.method, c.target, resp.StatusCode, err, b)
		return
	}
	r.validated++
}

// mockSpecAsStatus returns an analytics error body, whose "status" repeats
// the HTTP status, with that status replaced by asStatus, so that an injected
// 503 validates against the document's 500 (the document defines no 503:
// API.md's server fault is 500 INTERNAL_ERROR). Other envelopes are returned
// as they are.
func mockSpecAsStatus(t *testing.T, b []byte, status, asStatus int) []byte {
	t.Helper()
	var env map[string]any
	require.NoError(t, json.Unmarshal(b, &env))
	got, ok := env["status"]
	if !ok {
		return b
	}
	assert.EqualValues(t, status, got, "the analytics envelope's status is the HTTP status")
	env["status"] = asStatus
	out, err := json.Marshal(env)
	require.NoError(t, err)
	return out
}

// mockSpecErrorCode reads the code of any of the four error envelopes.
func mockSpecErrorCode(b []byte) string {
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &env) != nil || len(env.Error) == 0 {
		return ""
	}
	var code string
	if json.Unmarshal(env.Error, &code) == nil {
		return code // analytics
	}
	var obj struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(env.Error, &obj)
	return obj.Code
}

// mockSpecErrorCases sends every error case of every operation.
func mockSpecErrorCases(t *testing.T, srv *mockserver.Server, r *mockSpecRaw) {
	key := srv.APIKey()
	const (
		free     = "am_test_spec_free"
		starter  = "am_test_spec_starter"
		noScope  = "am_test_spec_noscope"
		readOnly = "am_test_spec_readonly"
		other    = "am_test_spec_other"
		unknown  = "01935abc-def0-7123-4567-890abcdef012"
		noWebhk  = "ep_00000000000000000000000000000000"
		badCurs  = "bm90LWEtY3Vyc29y"
	)
	ep := srv.EndpointIDs("")[0]
	msg := srv.OutboundMessageIDs()[0]
	in := srv.InboundMessageIDs()[0]

	// Cursors of real pages, to send to the wrong endpoint or filters.
	c, err := hookscope.NewClient(key, hookscope.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	logsPage, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 2})
	require.NoError(t, err)
	logsCursor := url.QueryEscape(logsPage.Meta.NextCursor)
	series, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Limit: 2})
	require.NoError(t, err)
	metricsCursor := url.QueryEscape(series.Meta.NextCursor)
	whPage, err := c.Webhooks.List(context.Background(), &hookscope.WebhookListParams{Limit: 1})
	require.NoError(t, err)
	whCursor := url.QueryEscape(whPage.Meta.NextCursor)

	const (
		inv  = hookscope.CodeInvalidRequest
		una  = hookscope.CodeUnauthorized
		forb = hookscope.CodeForbidden
	)
	var cases []rawCase
	add := func(name, method, target, k, body string, status int, code string) {
		cases = append(cases, rawCase{name: name, method: method, target: target, key: k, body: body, status: status, code: code})
	}

	// Auth and scope on every operation.
	ops := []struct{ method, target, body string }{
		{"GET", "/v1/metrics/webhooks?metric=delivered", ""},
		{"GET", "/v1/metrics/messages?metric=messages.outbound.sent", ""},
		{"GET", "/v1/logs", ""},
		{"GET", "/api/v0/webhooks", ""},
		{"POST", "/api/v0/webhooks", `{"name":"n","url":"https://a.example/h"}`},
		{"GET", "/api/v0/webhooks/" + ep, ""},
		{"PATCH", "/api/v0/webhooks/" + ep, `{"name":"n"}`},
		{"DELETE", "/api/v0/webhooks/" + ep, ""},
		{"GET", "/v1/inbound-messages/" + in + "/attempts", ""},
		{"GET", "/v1/inbound-messages/" + in, ""},
		{"GET", "/v1/messages/" + msg + "/attempts", ""},
		{"GET", "/analytics/webhooks", ""},
	}
	for _, o := range ops {
		add("no key", o.method, o.target, "", o.body, 401, una)
		add("unknown key", o.method, o.target, "am_test_nobody", o.body, 401, una)
		add("missing scope", o.method, o.target, noScope, o.body, 403, forb)
	}
	add("read-only key creates", "POST", "/api/v0/webhooks", readOnly, `{"name":"n","url":"https://a.example/h"}`, 403, forb)
	add("read-only key updates", "PATCH", "/api/v0/webhooks/"+ep, readOnly, `{"name":"n"}`, 403, forb)
	add("read-only key deletes", "DELETE", "/api/v0/webhooks/"+ep, readOnly, "", 403, forb)

	// Metrics, both families.
	for _, m := range []struct{ path, metric string }{
		{"/v1/metrics/webhooks", "delivered"}, {"/v1/metrics/messages", "messages.inbound.received"},
	} {
		base := m.path + "?metric=" + m.metric
		add("metric missing", "GET", m.path, key, "", 400, inv)
		add("metric empty", "GET", m.path+"?metric=", key, "", 400, inv)
		add("metric unknown", "GET", m.path+"?metric=bounced", key, "", 400, inv)
		add("metric twice", "GET", base+"&metric="+m.metric, key, "", 400, inv)
		add("granularity", "GET", base+"&granularity=week", key, "", 400, inv)
		add("group_by", "GET", base+"&group_by=app", key, "", 400, inv)
		add("compare_to", "GET", base+"&compare_to=last_year", key, "", 400, inv)
		add("from format", "GET", base+"&from=2026-05-01", key, "", 400, inv)
		add("to format", "GET", base+"&to=yesterday", key, "", 400, inv)
		add("from after to", "GET", base+"&from=2026-05-06T00:00:00Z&to=2026-05-05T00:00:00Z", key, "", 400, inv)
		add("from equals to", "GET", base+"&from=2026-05-06T00:00:00Z&to=2026-05-06T00:00:00Z", key, "", 400, inv)
		add("from before 1970", "GET", base+"&from=1969-12-31T00:00:00Z&to=1970-01-02T00:00:00Z&granularity=day", key, "", 400, inv)
		add("limit 0", "GET", base+"&limit=0", key, "", 400, inv)
		add("limit 5001", "GET", base+"&limit=5001", key, "", 400, inv)
		add("limit not a number", "GET", base+"&limit=ten", key, "", 400, inv)
		add("cursor garbage", "GET", base+"&cursor="+badCurs, key, "", 400, inv)
		add("cursor not base64url", "GET", base+"&cursor=%25%25%25", key, "", 400, inv)
		add("cursor of logs", "GET", base+"&cursor="+logsCursor, key, "", 400, inv)
		add("too many buckets", "GET", base+"&granularity=minute&from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z", key, "", 400, hookscope.CodeTooManyBuckets)
		add("too many grouped buckets", "GET", base+"&granularity=minute&group_by=kind&from=2026-04-30T00:00:00Z&to=2026-05-06T00:00:00Z", key, "", 400, hookscope.CodeTooManyBuckets)
		add("minute on free", "GET", base+"&granularity=minute", free, "", 403, hookscope.CodeGranularityNotAvailable)
		add("hour on free", "GET", base, free, "", 403, hookscope.CodeGranularityNotAvailable)
		add("minute on starter", "GET", base+"&granularity=minute", starter, "", 403, hookscope.CodeGranularityNotAvailable)
	}
	add("cursor of another filter", "GET", "/v1/metrics/webhooks?metric=failed&limit=2&cursor="+metricsCursor, key, "", 400, inv)
	add("metrics cursor on messages", "GET", "/v1/metrics/messages?metric=messages.outbound.sent&limit=2&cursor="+metricsCursor, key, "", 400, inv)

	// Logs.
	add("endpoint_id format", "GET", "/v1/logs?endpoint_id=ep_XYZ", key, "", 400, inv)
	add("endpoint_id unknown", "GET", "/v1/logs?endpoint_id="+noWebhk, key, "", 404, hookscope.CodeEndpointNotFound)
	add("endpoint_id of another org", "GET", "/v1/logs?endpoint_id="+ep, other, "", 404, hookscope.CodeEndpointNotFound)
	add("status", "GET", "/v1/logs?status=done", key, "", 400, inv)
	add("start_time", "GET", "/v1/logs?start_time=2025-12-01", key, "", 400, inv)
	add("end_time", "GET", "/v1/logs?end_time=12:00", key, "", 400, inv)
	add("end before start", "GET", "/v1/logs?start_time=2026-05-06T00:00:00Z&end_time=2026-05-05T00:00:00Z", key, "", 400, inv)
	add("limit 0", "GET", "/v1/logs?limit=0", key, "", 400, inv)
	add("limit 501", "GET", "/v1/logs?limit=501", key, "", 400, inv)
	add("limit twice", "GET", "/v1/logs?limit=5&limit=6", key, "", 400, inv)
	add("cursor garbage", "GET", "/v1/logs?cursor="+badCurs, key, "", 400, inv)
	add("cursor of metrics", "GET", "/v1/logs?cursor="+metricsCursor, key, "", 400, inv)
	add("cursor of other filters", "GET", "/v1/logs?limit=2&status=succeeded&cursor="+logsCursor, key, "", 400, inv)
	add("cursor of webhooks", "GET", "/v1/logs?cursor="+whCursor, key, "", 400, inv)
	add("malformed query", "GET", "/v1/logs?limit=%zz", key, "", 400, inv)

	// Webhooks.
	add("get: id format", "GET", "/api/v0/webhooks/ep_1", key, "", 400, inv)
	add("get: unknown", "GET", "/api/v0/webhooks/"+noWebhk, key, "", 404, hookscope.CodeWebhookNotFound)
	add("get: another org's", "GET", "/api/v0/webhooks/"+ep, other, "", 404, hookscope.CodeWebhookNotFound)
	add("get: events_limit 0", "GET", "/api/v0/webhooks/"+ep+"?events_limit=0", key, "", 400, inv)
	add("get: events_limit 51", "GET", "/api/v0/webhooks/"+ep+"?include_events=true&events_limit=51", key, "", 400, inv)
	add("get: include_events", "GET", "/api/v0/webhooks/"+ep+"?include_events=maybe", key, "", 400, inv)
	add("list: limit 0", "GET", "/api/v0/webhooks?limit=0", key, "", 400, inv)
	add("list: limit 101", "GET", "/api/v0/webhooks?limit=101", key, "", 400, inv)
	add("list: cursor garbage", "GET", "/api/v0/webhooks?cursor="+badCurs, key, "", 400, inv)
	add("list: cursor of logs", "GET", "/api/v0/webhooks?cursor="+logsCursor, key, "", 400, inv)
	add("create: no name", "POST", "/api/v0/webhooks", key, `{"url":"https://a.example/h"}`, 400, inv)
	add("create: no url", "POST", "/api/v0/webhooks", key, `{"name":"n"}`, 400, inv)
	add("create: http url", "POST", "/api/v0/webhooks", key, `{"name":"n","url":"http://a.example/h"}`, 400, inv)
	add("create: not a url", "POST", "/api/v0/webhooks", key, `{"name":"n","url":"https://"}`, 400, inv)
	add("create: not JSON", "POST", "/api/v0/webhooks", key, `{"name":`, 400, inv)
	add("create: an array", "POST", "/api/v0/webhooks", key, `[]`, 400, inv)
	add("create: wrong type", "POST", "/api/v0/webhooks", key, `{"name":1,"url":"https://a.example/h"}`, 400, inv)
	add("update: id format", "PATCH", "/api/v0/webhooks/ep_1", key, `{"name":"n"}`, 400, inv)
	add("update: unknown", "PATCH", "/api/v0/webhooks/"+noWebhk, key, `{"name":"n"}`, 404, hookscope.CodeWebhookNotFound)
	add("update: http url", "PATCH", "/api/v0/webhooks/"+ep, key, `{"url":"http://a.example/h"}`, 400, inv)
	add("update: empty name", "PATCH", "/api/v0/webhooks/"+ep, key, `{"name":""}`, 400, inv)
	add("update: isActive not a bool", "PATCH", "/api/v0/webhooks/"+ep, key, `{"isActive":"no"}`, 400, inv)
	add("delete: id format", "DELETE", "/api/v0/webhooks/ep_1", key, "", 400, inv)
	add("delete: unknown", "DELETE", "/api/v0/webhooks/"+noWebhk, key, "", 404, hookscope.CodeWebhookNotFound)
	add("delete: another org's", "DELETE", "/api/v0/webhooks/"+ep, other, "", 404, hookscope.CodeWebhookNotFound)

	// Attempts and inbound messages.
	add("inbound attempts: id", "GET", "/v1/inbound-messages/123/attempts", key, "", 400, inv)
	add("inbound attempts: cursor", "GET", "/v1/inbound-messages/"+in+"/attempts?cursor="+badCurs, key, "", 400, inv)
	add("outbound attempts: id", "GET", "/v1/messages/not-a-uuid/attempts", key, "", 400, inv)
	add("outbound attempts: cursor", "GET", "/v1/messages/"+msg+"/attempts?cursor="+logsCursor, key, "", 400, inv)
	add("inbound message: id", "GET", "/v1/inbound-messages/123", key, "", 400, inv)
	add("inbound message: unknown", "GET", "/v1/inbound-messages/"+unknown, key, "", 404, hookscope.CodeMessageNotFound)
	add("inbound message: outbound id", "GET", "/v1/inbound-messages/"+msg, key, "", 404, hookscope.CodeMessageNotFound)
	add("inbound message: another org's", "GET", "/v1/inbound-messages/"+in, other, "", 404, hookscope.CodeMessageNotFound)

	for _, c := range cases {
		r.do(c)
	}

	// Injected faults on every operation, in its own envelope: 429 with
	// Retry-After, 500, and 503 (answered in the 500's envelope, which the
	// document defines for server faults).
	for _, o := range ops {
		path, _, _ := strings.Cut(o.target, "?")
		for _, f := range []struct {
			status, asStatus int
			code             string
			retryAfter       time.Duration
		}{
			{429, 0, hookscope.CodeRateLimited, 7 * time.Second},
			{500, 0, hookscope.CodeInternalError, 0},
			{503, 500, hookscope.CodeInternalError, 0},
		} {
			srv.InjectFault(mockserver.Fault{Path: path, Method: o.method, Status: f.status, RetryAfter: f.retryAfter, Times: 1})
			r.do(rawCase{name: fmt.Sprintf("fault %d", f.status), method: o.method, target: o.target, key: key, body: o.body,
				status: f.status, code: f.code, asStatus: f.asStatus})
		}
	}
}
