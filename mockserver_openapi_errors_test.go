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

// Raw requests to the mock: the answers the SDK would never ask for
// (TestMockserverOpenAPI's error cases), validated against the document.

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
