package mockcmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/internal/openapitest"
	"github.com/hookscope/hookscope-go/mockserver"
)

// One end-to-end suite, two ways to drive the mock: a mockserver.Server in
// this process through its Go methods, and the built hookscope-mock process
// through its admin API over HTTP (every admin answer validated against
// admin.openapi.yaml). Both run the same scenarios from the same seed and
// clock, and must observe the same things.

var parityNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

const (
	paritySeed     = 11
	parityMessages = 300
	freeToken      = "am_test_parity_free"
)

// control is what a scenario does to the mock beside calling its API.
type control interface {
	base() string
	apiKey() string
	addKey(t *testing.T, k mockserver.Key)
	injectFault(t *testing.T, f mockserver.Fault)
	faults(t *testing.T) int
	requests(t *testing.T, path string) []string
	clearRequests(t *testing.T)
	addMessage(t *testing.T, m mockserver.Message) string
	advance(t *testing.T, d time.Duration)
	now(t *testing.T) time.Time
	setRateLimits(t *testing.T, on bool)
	reset(t *testing.T)
	// restart saves the state, starts a new server from it, and stops the old one.
	restart(t *testing.T)
}

// goControl drives an in-process Server.
type goControl struct{ srv *mockserver.Server }

func newGoControl(t *testing.T) *goControl {
	srv := mockserver.New(mockserver.WithSeed(paritySeed), mockserver.WithMessages(parityMessages),
		mockserver.WithClock(func() time.Time { return parityNow }))
	c := &goControl{srv: srv}
	t.Cleanup(func() { c.srv.Close() })
	return c
}

func (c *goControl) base() string                                 { return c.srv.URL() }
func (c *goControl) apiKey() string                               { return c.srv.APIKey() }
func (c *goControl) addKey(_ *testing.T, k mockserver.Key)        { c.srv.AddKey(k) }
func (c *goControl) injectFault(_ *testing.T, f mockserver.Fault) { c.srv.InjectFault(f) }
func (c *goControl) faults(*testing.T) int                        { return len(c.srv.Faults()) }
func (c *goControl) clearRequests(*testing.T)                     { c.srv.ClearRequests() }
func (c *goControl) now(*testing.T) time.Time                     { return c.srv.Now() }
func (c *goControl) setRateLimits(_ *testing.T, on bool)          { c.srv.SetRateLimits(on) }
func (c *goControl) reset(*testing.T)                             { c.srv.Reset() }
func (c *goControl) advance(t *testing.T, d time.Duration)        { require.NoError(t, c.srv.AdvanceClock(d)) }
func (c *goControl) addMessage(t *testing.T, m mockserver.Message) string {
	id, err := c.srv.AddMessage(m)
	require.NoError(t, err)
	return id
}

func (c *goControl) requests(_ *testing.T, path string) []string {
	var out []string
	recs := c.srv.Requests()
	for i := len(recs) - 1; i >= 0; i-- {
		if r := recs[i]; r.Path == path {
			out = append(out, fmt.Sprintf("%s %s %d %s", r.Method, r.Path, r.Status, r.Header.Get("Authorization")))
		}
	}
	return out
}

func (c *goControl) restart(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, c.srv.Snapshot(&buf))
	next := mockserver.New(mockserver.WithSeed(paritySeed+1), mockserver.WithMessages(10),
		mockserver.WithClock(func() time.Time { return parityNow }))
	require.NoError(t, next.Restore(&buf))
	c.srv.Close()
	c.srv = next
}

// httpControl drives a hookscope-mock process through the admin API.
type httpControl struct {
	args   []string
	p      *process
	doc    *openapi3.T
	mu     sync.Mutex
	trs    []*openapitest.Transport
	client *http.Client
}

func newHTTPControl(t *testing.T) *httpControl {
	doc, err := openapitest.Load(filepath.Join("..", "admin.openapi.yaml"))
	require.NoError(t, err)
	c := &httpControl{doc: doc, args: []string{"-addr", "127.0.0.1:0", "-seed", strconv.Itoa(paritySeed),
		"-messages", strconv.Itoa(parityMessages), "-clock", parityNow.Format(time.RFC3339), "-log", "off",
		"-state", filepath.Join(t.TempDir(), "state.json")}}
	c.start(t)
	return c
}

func (c *httpControl) start(t *testing.T) {
	c.p = startProcess(t, c.args...)
	c.doc.Servers = openapi3.Servers{{URL: c.p.base}}
	tr, err := openapitest.NewTransport(c.doc, c.p.adminToken)
	require.NoError(t, err)
	tr.Next = http.DefaultTransport
	c.mu.Lock()
	c.trs = append(c.trs, tr)
	c.mu.Unlock()
	c.client = &http.Client{Transport: tr}
}

// problems is every mismatch with admin.openapi.yaml seen so far.
func (c *httpControl) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, tr := range c.trs {
		out = append(out, tr.Problems()...)
	}
	return out
}

// calls is the number of admin requests per operation.
func (c *httpControl) calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, tr := range c.trs {
		for _, o := range openapitest.Operations(c.doc) {
			out[o.ID()] += len(tr.Calls(o.ID()))
		}
	}
	return out
}

// do sends an admin request and decodes a JSON answer into out (when not
// nil), requiring status want.
func (c *httpControl) do(t *testing.T, method, path string, body any, want int, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.p.base+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+c.p.adminToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, want, resp.StatusCode, "%s %s: %s", method, path, raw)
	if out != nil {
		require.NoError(t, json.Unmarshal(raw, out), "%s %s", method, path)
	}
}

func (c *httpControl) base() string   { return c.p.base }
func (c *httpControl) apiKey() string { return c.p.apiKey }

func (c *httpControl) addKey(t *testing.T, k mockserver.Key) {
	var got struct{ Token string }
	c.do(t, http.MethodPost, "/_mock/keys", map[string]any{"token": k.Token, "plan": k.Plan, "scopes": k.Scopes}, http.StatusCreated, &got)
	require.Equal(t, k.Token, got.Token)
}

func (c *httpControl) injectFault(t *testing.T, f mockserver.Fault) {
	body := map[string]any{"path": f.Path, "times": f.Times}
	if f.Method != "" {
		body["method"] = f.Method
	}
	if f.Status != 0 {
		body["status"] = f.Status
	}
	c.do(t, http.MethodPost, "/_mock/faults", body, http.StatusCreated, nil)
}

func (c *httpControl) faults(t *testing.T) int {
	var got struct{ Data []json.RawMessage }
	c.do(t, http.MethodGet, "/_mock/faults", nil, http.StatusOK, &got)
	return len(got.Data)
}

func (c *httpControl) requests(t *testing.T, path string) []string {
	var got struct {
		Data []struct {
			Method, Path string
			Status       int
			Headers      map[string][]string
		}
	}
	c.do(t, http.MethodGet, "/_mock/requests?path="+path, nil, http.StatusOK, &got)
	var out []string
	for _, r := range got.Data {
		out = append(out, fmt.Sprintf("%s %s %d %s", r.Method, r.Path, r.Status, http.Header(r.Headers).Get("Authorization")))
	}
	return out
}

func (c *httpControl) clearRequests(t *testing.T) {
	c.do(t, http.MethodDelete, "/_mock/requests", nil, http.StatusNoContent, nil)
}

func (c *httpControl) addMessage(t *testing.T, m mockserver.Message) string {
	var attempts []map[string]any
	for _, a := range m.Attempts {
		attempts = append(attempts, map[string]any{"status": a.Status})
	}
	var got struct{ ID string }
	c.do(t, http.MethodPost, "/_mock/messages", map[string]any{"endpoint_id": m.EndpointID,
		"created_at": m.CreatedAt.Format(time.RFC3339Nano), "attempts": attempts}, http.StatusCreated, &got)
	return got.ID
}

func (c *httpControl) advance(t *testing.T, d time.Duration) {
	c.do(t, http.MethodPost, "/_mock/clock/advance", map[string]string{"by": d.String()}, http.StatusOK, nil)
}

func (c *httpControl) now(t *testing.T) time.Time {
	var got struct{ Now time.Time }
	c.do(t, http.MethodGet, "/_mock/clock", nil, http.StatusOK, &got)
	return got.Now
}

func (c *httpControl) setRateLimits(t *testing.T, on bool) {
	c.do(t, http.MethodPut, "/_mock/rate-limits", map[string]bool{"enabled": on}, http.StatusOK, nil)
}

func (c *httpControl) reset(t *testing.T) {
	c.do(t, http.MethodPost, "/_mock/reset", nil, http.StatusOK, nil)
}

func (c *httpControl) restart(t *testing.T) {
	code, rest := c.p.stop(t)
	require.Equal(t, 0, code, "SIGTERM exits 0; stderr: %s", c.p.stderr.String())
	require.Contains(t, rest, "state saved to")
	c.start(t)
}

// sdk is a client of the mock with key, retrying fast.
func sdk(t *testing.T, ctl control, key string) *hookscope.Client {
	c, err := hookscope.NewClient(key, hookscope.WithBaseURL(ctl.base()), hookscope.WithMaxRetries(2),
		hookscope.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	return c
}

// apiErr is err's status and code.
func apiErr(err error) string {
	var e *hookscope.APIError
	if errors.As(err, &e) {
		return fmt.Sprintf("%d %s", e.StatusCode, e.Code)
	}
	return fmt.Sprint(err)
}

// scenarios runs every scenario on ctl and returns what it observed.
func scenarios(t *testing.T, ctl control) []string {
	ctx := context.Background()
	var seen []string
	note := func(format string, args ...any) { seen = append(seen, fmt.Sprintf(format, args...)) }

	// Plan gate: a new free key gets day granularity, not minute.
	ctl.addKey(t, mockserver.Key{Token: freeToken, Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()})
	free := sdk(t, ctl, freeToken)
	_, err := free.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute})
	note("free minute: %s", apiErr(err))
	require.Equal(t, "403 GRANULARITY_NOT_AVAILABLE", apiErr(err))
	series, err := free.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityDay})
	require.NoError(t, err)
	note("free day: %d buckets", len(series.Buckets))

	// Fault then retry, seen in the journal.
	c := sdk(t, ctl, ctl.apiKey())
	ctl.clearRequests(t)
	ctl.injectFault(t, mockserver.Fault{Path: "/v1/logs", Method: http.MethodGet, Status: http.StatusServiceUnavailable, Times: 1})
	require.Equal(t, 1, ctl.faults(t))
	page, err := c.Logs.List(ctx, &hookscope.LogListParams{Limit: 1})
	require.NoError(t, err, "the SDK retries the 503")
	note("logs after fault: %d rows", len(page.Data))
	journal := ctl.requests(t, "/v1/logs")
	require.Len(t, journal, 2)
	assert.Contains(t, journal[0], "GET /v1/logs 200 Bearer am_test_[REDACTED]")
	assert.Contains(t, journal[1], "GET /v1/logs 503")
	assert.NotContains(t, strings.Join(journal, " "), ctl.apiKey())
	note("journal: %v", journal)
	note("faults left: %d", ctl.faults(t))

	// Clock: a failed delivery is retried and succeeds, in logs, metrics
	// and the webhook's stats.
	var ep *hookscope.Webhook
	for wh, err := range c.Webhooks.All(ctx, nil) {
		require.NoError(t, err)
		if wh.Name == "Orders service" {
			ep = wh
		}
	}
	require.NotNil(t, ep)
	start := ctl.now(t)
	delivered := func() int64 {
		var n int64
		for b, err := range c.Metrics.WebhookBuckets(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
			Granularity: hookscope.GranularityHour, GroupBy: hookscope.GroupByEndpointID, From: start.Add(-time.Hour), To: ctl.now(t)}) {
			require.NoError(t, err)
			if b.Group == ep.ID && b.Value != nil {
				n += *b.Value
			}
		}
		return n
	}
	row := func(id string) *hookscope.LogEntry {
		for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{EndpointID: ep.ID, StartTime: start.Add(-time.Minute)}) {
			require.NoError(t, err)
			if e.MessageID == id {
				return e
			}
		}
		t.Fatalf("message %s not in the logs", id)
		return nil
	}
	id := ctl.addMessage(t, mockserver.Message{EndpointID: ep.ID, CreatedAt: start.Add(-time.Second),
		Attempts: []mockserver.AttemptSpec{{Status: http.StatusInternalServerError}}})
	before, err := c.Webhooks.Get(ctx, ep.ID, nil)
	require.NoError(t, err)
	deliveredBefore := delivered()
	r := row(id)
	require.Equal(t, hookscope.StatusPendingRetry, r.Status)
	for range 8 {
		ctl.advance(t, 10*time.Minute)
		if r = row(id); r.Status != hookscope.StatusPendingRetry {
			break
		}
	}
	require.Equal(t, hookscope.StatusSucceeded, r.Status, "the retry succeeded")
	require.GreaterOrEqual(t, r.AttemptCount, 2)
	after, err := c.Webhooks.Get(ctx, ep.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, before.DeliveryStats.SuccessfulDeliveries+1, after.DeliveryStats.SuccessfulDeliveries)
	assert.Equal(t, deliveredBefore+1, delivered())
	note("retry: id %s attempts %d status %s delivered_at %s", id, r.AttemptCount, r.Status, r.DeliveredAt)
	note("clock: %s", ctl.now(t))

	// Rate limits, on the free key's budget of 60 a minute.
	ctl.setRateLimits(t, true)
	var last string
	for i := range 61 {
		req, _ := http.NewRequest(http.MethodGet, ctl.base()+"/v1/logs?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+freeToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		last = fmt.Sprintf("%d limit=%s remaining=%s retry-after=%s", resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"),
			resp.Header.Get("X-RateLimit-Remaining"), resp.Header.Get("Retry-After"))
		if i == 0 {
			note("rate first: %s", last)
		}
	}
	note("rate 61st: %s", last)
	require.True(t, strings.HasPrefix(last, "429 limit=60 remaining=0 retry-after="), last)
	ctl.setRateLimits(t, false)

	// Reset: the free key, the message and the moved clock are gone.
	ctl.reset(t)
	_, err = free.Logs.List(ctx, nil)
	note("free after reset: %s", apiErr(err))
	require.Equal(t, "401 UNAUTHORIZED", apiErr(err))
	require.Equal(t, parityNow, ctl.now(t))

	// Snapshot then restart: a created webhook and the clock are kept.
	wh, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "kept", URL: "https://kept.example/hook"})
	require.NoError(t, err)
	ctl.advance(t, time.Hour)
	ctl.restart(t)
	c = sdk(t, ctl, ctl.apiKey())
	got, err := c.Webhooks.Get(ctx, wh.ID, nil)
	require.NoError(t, err, "the webhook survives the restart")
	note("after restart: %s %s %s", got.ID, got.Name, got.URL)
	require.Equal(t, parityNow.Add(time.Hour), ctl.now(t))
	return seen
}

func TestParity(t *testing.T) {
	t.Parallel()
	var inProcess, overHTTP []string
	var hc *httpControl
	t.Run("go", func(t *testing.T) {
		t.Parallel()
		inProcess = scenarios(t, newGoControl(t))
	})
	t.Run("process", func(t *testing.T) {
		t.Parallel()
		hc = newHTTPControl(t)
		overHTTP = scenarios(t, hc)
		// The admin health needs no token.
		resp, err := http.Get(hc.p.base + "/_mock/health")
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Empty(t, hc.problems(), "admin answers that do not match admin.openapi.yaml")
		calls := hc.calls()
		for _, op := range []string{"adminAddKey", "adminInjectFault", "adminListFaults", "adminListRequests", "adminClearRequests",
			"adminAddMessage", "adminAdvanceClock", "adminGetClock", "adminSetRateLimits", "adminReset"} {
			assert.Positive(t, calls[op], "%s validated", op)
		}
	})
	t.Cleanup(func() {
		if !t.Failed() {
			t.Logf("observed: %q", inProcess)
			require.NotEmpty(t, inProcess)
			assert.Equal(t, inProcess, overHTTP, "the process observes what the Go methods do")
		}
	})
}
