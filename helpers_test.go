package hookscope_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// Shared fixtures of the httpmock unit tests.
const (
	// testKey is long and distinctive so that a leak is easy to spot.
	testKey  = "am_test_Zk4rT9wQ2mXyLp7sVb3N"
	testBase = "https://api.test"

	testEndpointID = "ep_550e8400e29b41d4a716446655440000"
	testMessageID  = "01935abc-def0-7123-4567-890abcdef012"
)

// capturedRequest is what the fake API saw of one request.
type capturedRequest struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
}

// fakeAPI is a per-test httpmock transport that records every request it
// gets, including those no responder matches (answered 418, never retried).
type fakeAPI struct {
	t    *testing.T
	base string
	mt   *httpmock.MockTransport

	mu   sync.Mutex
	reqs []capturedRequest
}

// newFakeAPI returns a client on testBase whose transport is a fresh
// httpmock.MockTransport, with millisecond retry waits. opts come last, so a
// test can override any of them.
func newFakeAPI(t *testing.T, opts ...hookscope.Option) (*hookscope.Client, *fakeAPI) {
	t.Helper()
	return newFakeAPIAt(t, testBase, testBase, opts...)
}

// newFakeAPIAt is newFakeAPI with the client's base URL and the URL prefix
// the responders are registered under given separately.
func newFakeAPIAt(t *testing.T, clientBase, serverBase string, opts ...hookscope.Option) (*hookscope.Client, *fakeAPI) {
	t.Helper()
	f := &fakeAPI{t: t, base: serverBase, mt: httpmock.NewMockTransport()}
	f.mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		f.record(req)
		return httpmock.NewStringResponse(http.StatusTeapot, "no responder for "+req.Method+" "+req.URL.String()), nil
	})
	all := append([]hookscope.Option{
		hookscope.WithBaseURL(clientBase),
		hookscope.WithHTTPClient(&http.Client{Transport: f.mt}),
		hookscope.WithRetryWait(time.Millisecond, 2*time.Millisecond),
	}, opts...)
	c, err := hookscope.NewClient(testKey, all...)
	require.NoError(t, err)
	return c, f
}

func (f *fakeAPI) record(req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	u := *req.URL
	f.mu.Lock()
	f.reqs = append(f.reqs, capturedRequest{Method: req.Method, URL: &u, Header: req.Header.Clone(), Body: body})
	f.mu.Unlock()
}

// on answers method and path (any query) with rs in turn; the last one
// answers every further call.
func (f *fakeAPI) on(method, path string, rs ...httpmock.Responder) {
	f.t.Helper()
	require.NotEmpty(f.t, rs)
	var mu sync.Mutex
	n := 0
	f.mt.RegisterResponder(method, f.base+path, func(req *http.Request) (*http.Response, error) {
		f.record(req)
		mu.Lock()
		i := min(n, len(rs)-1)
		n++
		mu.Unlock()
		return rs[i](req)
	})
}

// requests returns a copy of what was received so far.
func (f *fakeAPI) requests() []capturedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]capturedRequest(nil), f.reqs...)
}

func (f *fakeAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// last returns the last request received; it fails the test when there was none.
func (f *fakeAPI) last() capturedRequest {
	f.t.Helper()
	reqs := f.requests()
	require.NotEmpty(f.t, reqs, "no request was sent")
	return reqs[len(reqs)-1]
}

// respond answers status and body with optional header pairs ("Name", "value", ...).
func respond(status int, body string, headerPairs ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headerPairs); i += 2 {
			resp.Header.Set(headerPairs[i], headerPairs[i+1])
		}
		resp.Request = req
		return resp, nil
	}
}

// respondFile answers status with a testdata file.
func respondFile(t *testing.T, status int, name string, headerPairs ...string) httpmock.Responder {
	t.Helper()
	return respond(status, string(readTestdata(t, name)), headerPairs...)
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// utcTime is time.Date in UTC.
func utcTime(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

// requireTime asserts that got is want (same instant, in UTC).
func requireTime(t *testing.T, want, got time.Time, field string) {
	t.Helper()
	require.Truef(t, want.Equal(got), "%s: want %s, got %s", field, want, got)
	require.Equalf(t, time.UTC, got.Location(), "%s: location", field)
}

// requireTimePtr asserts that got is non-nil and is want.
func requireTimePtr(t *testing.T, want time.Time, got *time.Time, field string) {
	t.Helper()
	require.NotNilf(t, got, "%s is nil", field)
	requireTime(t, want, *got, field)
}

// minimal valid bodies of every endpoint, for tests about the request.
const (
	bodyMetricsEmpty  = `{"success":true,"data":{"metric":"delivered","granularity":"hour","from":"2026-05-05T00:00:00Z","to":"2026-05-06T00:00:00Z","buckets":[]},"meta":{"as_of":"2026-05-05T23:59:43Z","limit":1000,"next_cursor":null}}`
	bodyLogsEmpty     = `{"data":[],"meta":{"request_id":"req_1","next_cursor":null,"has_more":false}}`
	bodyAttemptsEmpty = `{"data":[],"meta":{"request_id":"req_1","has_more":false}}`
	bodyWebhooksEmpty = `{"data":[],"meta":{"next_cursor":null,"has_more":false}}`
	bodyWebhook       = `{"id":"ep_550e8400e29b41d4a716446655440000","name":"n","url":"https://customer.app/webhooks","isActive":true,"encrypted":false,"signing_secret":"whsec_abcdefghijklmnop","created_at":"2025-11-01T09:30:00Z","updated_at":"2025-11-01T09:30:00Z","delivery_stats":{"total_events":0,"successful_deliveries":0,"failed_deliveries":0,"success_rate":0,"average_response_time":0,"last_24h_events":0,"last_24h_failures":0},"app":{"id":"app_1","name":"A"}}`
	bodyAnalyticsMin  = `{"status":200,"data":{"day_metrics":{"total":0,"success":0,"failed":0,"pending":0,"retry_rate_pct":0,"avg_delay_ms":0},"top_events":[],"top_failed_urls":[],"hourly_metrics":[],"total":{"webhooks":0,"events_subscribed":0},"last_events":[],"latency":{"min":0,"max":0,"avg":0,"p50":0,"p90":0,"p95":0,"p99":0}},"error":null,"log":null,"validator":null,"support_id":null,"message":"ok","env":"development"}`
	bodyInboundMsg    = `{"data":{"id":"01935abc-def0-7123-4567-890abcdef012","endpoint_id":"ep_550e8400e29b41d4a716446655440000","endpoint":"https://customer.app/webhooks","event_type":"message.received","status":"succeeded","attempt_count":1,"created_at":"2025-12-06T12:00:00Z","delivered_at":"2025-12-06T12:00:05Z"}}`
)

// endpointCall is one SDK method with a valid call and the path it hits.
type endpointCall struct {
	name     string
	method   string
	path     string
	okStatus int
	okBody   string
	call     func(ctx context.Context, c *hookscope.Client) error
}

// allEndpoints lists every endpoint method of the SDK with valid params.
func allEndpoints() []endpointCall {
	return []endpointCall{
		{"Metrics.Webhooks", http.MethodGet, "/v1/metrics/webhooks", 200, bodyMetricsEmpty, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
			return err
		}},
		{"Metrics.Messages", http.MethodGet, "/v1/metrics/messages", 200, bodyMetricsEmpty, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Metrics.Messages(ctx, &hookscope.MessageMetricsParams{Metric: hookscope.MetricInboundReceived})
			return err
		}},
		{"Logs.List", http.MethodGet, "/v1/logs", 200, bodyLogsEmpty, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Logs.List(ctx, nil)
			return err
		}},
		{"Attempts.ListInbound", http.MethodGet, "/v1/inbound-messages/" + testMessageID + "/attempts", 200, bodyAttemptsEmpty, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Attempts.ListInbound(ctx, testMessageID)
			return err
		}},
		{"Attempts.ListOutbound", http.MethodGet, "/v1/messages/" + testMessageID + "/attempts", 200, bodyAttemptsEmpty, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Attempts.ListOutbound(ctx, testMessageID)
			return err
		}},
		{"Attempts.GetInboundMessage", http.MethodGet, "/v1/inbound-messages/" + testMessageID, 200, bodyInboundMsg, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Attempts.GetInboundMessage(ctx, testMessageID)
			return err
		}},
		{"Webhooks.Get", http.MethodGet, "/api/v0/webhooks/" + testEndpointID, 200, bodyWebhook, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Webhooks.Get(ctx, testEndpointID, nil)
			return err
		}},
		{"Webhooks.List", http.MethodGet, "/api/v0/webhooks", 200, bodyWebhooksEmpty, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Webhooks.List(ctx, nil)
			return err
		}},
		{"Webhooks.Create", http.MethodPost, "/api/v0/webhooks", 201, bodyWebhook, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"})
			return err
		}},
		{"Webhooks.Update", http.MethodPatch, "/api/v0/webhooks/" + testEndpointID, 200, bodyWebhook, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Webhooks.Update(ctx, testEndpointID, &hookscope.WebhookUpdateParams{Name: new("renamed")})
			return err
		}},
		{"Webhooks.Delete", http.MethodDelete, "/api/v0/webhooks/" + testEndpointID, 204, "", func(ctx context.Context, c *hookscope.Client) error {
			return c.Webhooks.Delete(ctx, testEndpointID)
		}},
		{"Analytics.Webhooks", http.MethodGet, "/analytics/webhooks", 200, bodyAnalyticsMin, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Analytics.Webhooks(ctx)
			return err
		}},
	}
}

// decodingEndpoints are the endpoints that decode a 2xx body.
func decodingEndpoints() []endpointCall {
	var out []endpointCall
	for _, e := range allEndpoints() {
		if e.method != http.MethodDelete {
			out = append(out, e)
		}
	}
	return out
}

func timeHours(n int) time.Duration { return time.Duration(n) * time.Hour }

func requireInt64(t *testing.T, want int64, got *int64, field string) {
	t.Helper()
	require.NotNilf(t, got, "%s is nil", field)
	assert.Equalf(t, want, *got, "%s", field)
}

func metricsCall(p *hookscope.WebhookMetricsParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Metrics.Webhooks(ctx, p)
		return err
	}
}

func messagesCall(p *hookscope.MessageMetricsParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Metrics.Messages(ctx, p)
		return err
	}
}

func logsCall(p *hookscope.LogListParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Logs.List(ctx, p)
		return err
	}
}

func webhookGetCall(id string, p *hookscope.WebhookGetParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.Get(ctx, id, p)
		return err
	}
}

func webhookListCall(p *hookscope.WebhookListParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.List(ctx, p)
		return err
	}
}

func webhookCreateCall(p *hookscope.WebhookCreateParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.Create(ctx, p)
		return err
	}
}

func webhookUpdateCall(id string, p *hookscope.WebhookUpdateParams) func(context.Context, *hookscope.Client) error {
	return func(ctx context.Context, c *hookscope.Client) error {
		_, err := c.Webhooks.Update(ctx, id, p)
		return err
	}
}

// firstErr ranges seq and returns the first error it yields.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// cursorPages answers by the request's cursor query parameter: pages maps a
// cursor ("" for the first page) to a responder.
func cursorPages(t *testing.T, pages map[string]httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		cur := req.URL.Query().Get("cursor")
		r, ok := pages[cur]
		if !ok {
			t.Errorf("unexpected cursor %q", cur)
			return httpmock.NewStringResponse(http.StatusTeapot, "unexpected cursor"), nil
		}
		return r(req)
	}
}

// logsPage is a /v1/logs body with one row per id.
func logsPage(next string, hasMore bool, ids ...string) httpmock.Responder {
	rows := make([]string, len(ids))
	for i, id := range ids {
		rows[i] = fmt.Sprintf(`{"message_id":%q,"endpoint":"https://customer.app/webhooks","status":"succeeded","attempt_count":1,"created_at":"2025-12-06T12:00:00Z"}`, id)
	}
	nc := "null"
	if next != "" {
		nc = fmt.Sprintf("%q", next)
	}
	return respond(200, fmt.Sprintf(`{"data":[%s],"meta":{"request_id":"req","next_cursor":%s,"has_more":%t}}`, strings.Join(rows, ","), nc, hasMore))
}

func cursorsSent(f *fakeAPI) []string {
	var out []string
	for _, r := range f.requests() {
		out = append(out, r.URL.Query().Get("cursor"))
	}
	return out
}

// collect ranges over seq to its end and returns key of every row and every
// error, in order; an error must come with a nil row.
func collect[T, K any](t *testing.T, seq iter.Seq2[*T, error], key func(*T) K) ([]K, []error) {
	var keys []K
	var errs []error
	for row, err := range seq {
		if err != nil {
			require.Nil(t, row, "an error comes with a nil row")
			errs = append(errs, err)
			continue
		}
		keys = append(keys, key(row))
	}
	return keys, errs
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// requireUnexpectedAnswers answers the endpoint called name (one of
// allEndpoints) with each body under its success status, and requires
// ErrUnexpectedResponse: a 2xx object that lacks what the answer must hold
// is not an empty success.
func requireUnexpectedAnswers(t *testing.T, name string, bodies map[string]string) {
	t.Helper()
	var e *endpointCall
	for _, ep := range allEndpoints() {
		if ep.name == name {
			e = &ep
		}
	}
	require.NotNil(t, e, "no endpoint %s", name)
	for what, body := range bodies {
		t.Run(name+"/"+what, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(e.method, e.path, respond(e.okStatus, body))
			err := e.call(context.Background(), c)
			require.Error(t, err, "%s", body)
			assert.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
		})
	}
}
