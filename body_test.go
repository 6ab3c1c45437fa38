package hookscope_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// bodyCountingTransport answers from a script of (status, body) pairs and
// counts how many response bodies it handed out and how many were closed.
type bodyCountingTransport struct {
	mu      sync.Mutex
	script  []scripted
	served  int
	opened  int
	closed  int
	drained int
}

type scripted struct {
	status int
	body   string
}

type trackedBody struct {
	io.Reader
	t        *bodyCountingTransport
	size     int
	consumed int
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	b.consumed += n
	return n, err
}

func (b *trackedBody) Close() error {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	b.t.closed++
	if b.consumed == b.size {
		b.t.drained++
	}
	return nil
}

func (t *bodyCountingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.script[min(t.served, len(t.script)-1)]
	t.served++
	t.opened++
	h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_" + string(rune('a'+t.served))}}
	return &http.Response{StatusCode: s.status, Header: h, Request: req,
		Body: &trackedBody{Reader: strings.NewReader(s.body), t: t, size: len(s.body)}}, nil
}

// Every response the client sees, the retried ones and the last, has its
// body drained and closed, whether the call succeeds or fails.
func TestEveryDiscardedBodyIsDrainedAndClosed(t *testing.T) {
	t.Parallel()
	const fail = `{"error":{"code":"INTERNAL_ERROR","message":"try again"},"meta":{"request_id":"req_x"}}`
	const ok = `{"data":[],"meta":{"request_id":"req_ok","next_cursor":null,"has_more":false}}`
	for _, tc := range []struct {
		name    string
		script  []scripted
		tries   int
		wantErr bool
	}{
		{"two 503s then 200", []scripted{{503, fail}, {503, fail}, {200, ok}}, 3, false},
		{"retries exhausted", []scripted{{500, fail}}, 4, true},
		{"not retried 404", []scripted{{404, `{"error":{"code":"ENDPOINT_NOT_FOUND","message":"no"},"meta":{}}`}}, 1, true},
		{"html 502 then 200", []scripted{{502, "<html>" + strings.Repeat("x", 10_000) + "</html>"}, {200, ok}}, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := &bodyCountingTransport{script: tc.script}
			c, err := hookscope.NewClient("am_test_k", hookscope.WithBaseURL("https://api.test"),
				hookscope.WithHTTPClient(&http.Client{Transport: tr}), hookscope.WithRetryWait(time.Millisecond, time.Millisecond))
			require.NoError(t, err)
			_, err = c.Logs.List(context.Background(), nil)
			if tc.wantErr {
				var apiErr *hookscope.APIError
				require.True(t, errors.As(err, &apiErr), "got %v", err)
				assert.Equal(t, tc.script[len(tc.script)-1].status, apiErr.StatusCode, "the last response's error")
			} else {
				require.NoError(t, err)
			}
			tr.mu.Lock()
			defer tr.mu.Unlock()
			assert.Equal(t, tc.tries, tr.opened, "tries")
			assert.Equal(t, tr.opened, tr.closed, "every body closed")
			assert.Equal(t, tr.opened, tr.drained, "every body read to its end, so the connection can be reused")
		})
	}
}

func TestUnknownFieldsAreIgnored(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/v1/logs", respond(200, `{"data":[{"message_id":"m1","endpoint":"https://a.example","status":"queued",
		"attempt_count":0,"created_at":"2025-12-06T12:00:00Z","new_field":{"nested":[1,2,3]},"priority":"high"}],
		"meta":{"request_id":"r","has_more":false,"total_count":1,"next_page_hint":null},"links":{"self":"/v1/logs"},"version":2}`))
	f.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID, respond(200, `{"id":"`+testEndpointID+`","name":"n","url":"https://a.example",
		"isActive":false,"encrypted":true,"created_at":"2025-12-06T12:00:00Z","updated_at":"2025-12-06T12:00:00Z",
		"delivery_stats":{"total_events":1,"p999_response_time":12.5},"app":{"id":"a","name":"b","owner":"x"},"labels":["x"]}`))
	f.on(http.MethodGet, "/v1/metrics/webhooks", respond(200, `{"success":true,"api_version":"2026-05","data":{"metric":"retried",
		"granularity":"minute","from":"2026-05-05T00:00:00Z","to":"2026-05-05T00:01:00Z","unit":"count",
		"buckets":[{"bucket_start":"2026-05-05T00:00:00Z","value":1,"confidence":0.9}]},"meta":{"as_of":"2026-05-05T00:00:30Z","limit":1000,"next_cursor":null,"shard":3}}`))

	page, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, "m1", page.Data[0].MessageID)
	assert.Equal(t, hookscope.StatusQueued, page.Data[0].Status)
	assert.Equal(t, "r", page.Meta.RequestID)

	wh, err := c.Webhooks.Get(context.Background(), testEndpointID, nil)
	require.NoError(t, err)
	assert.False(t, wh.IsActive)
	assert.True(t, wh.Encrypted)
	assert.Equal(t, int64(1), wh.DeliveryStats.TotalEvents)
	assert.Nil(t, wh.DeliveryStats.LastDelivery)
	assert.Equal(t, hookscope.App{ID: "a", Name: "b"}, wh.App)

	s, err := c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricRetried})
	require.NoError(t, err)
	assert.Equal(t, hookscope.MetricRetried, s.Metric)
	require.Len(t, s.Buckets, 1)
	requireInt64(t, 1, s.Buckets[0].Value, "value")
}

// A 2xx whose body is not the JSON the endpoint promises is an error wrapping
// ErrUnexpectedResponse on every endpoint, never an empty result.
func TestBad2xxBodiesAreErrors(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"empty":          "",
		"whitespace":     " \n\t",
		"truncated":      `{"data":[{"message_id":"m1",`,
		"html":           "<html>ok</html>",
		"trailing data":  `{"data":[]} {"data":[]}`,
		"trailing junk":  `{"data":[]}garbage`,
		"not json":       "OK",
		"wrong type arr": `[1,2,3]`,
	}
	for _, ep := range decodingEndpoints() {
		for name, body := range bodies {
			t.Run(ep.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				c, f := newFakeAPI(t)
				f.on(ep.method, ep.path, respond(ep.okStatus, body, "X-Request-Id", "req_bad"))
				err := ep.call(context.Background(), c)
				require.Error(t, err)
				assert.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
				_, isAPI := errors.AsType[*hookscope.APIError](err)
				assert.False(t, isAPI, "a 2xx is not an *APIError")
				assert.Equal(t, 1, f.count(), "a bad 2xx is not retried")
			})
		}
	}
}

func TestResponseTooLarge(t *testing.T) {
	t.Parallel()
	big := `{"data":[],"meta":{"request_id":"` + strings.Repeat("x", 200) + `","has_more":false}}`

	t.Run("2xx over the limit", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(64))
		f.on(http.MethodGet, "/v1/logs", respond(200, big))
		page, err := c.Logs.List(context.Background(), nil)
		require.ErrorIs(t, err, hookscope.ErrResponseTooLarge)
		assert.Nil(t, page)
	})
	t.Run("2xx exactly at the limit", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(int64(len(big))))
		f.on(http.MethodGet, "/v1/logs", respond(200, big))
		page, err := c.Logs.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Len(t, page.Meta.RequestID, 200)
	})
	t.Run("2xx one byte over the limit", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(int64(len(big))-1))
		f.on(http.MethodGet, "/v1/logs", respond(200, big))
		_, err := c.Logs.List(context.Background(), nil)
		require.ErrorIs(t, err, hookscope.ErrResponseTooLarge)
	})
	t.Run("error body over the limit keeps the status", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxResponseBytes(64), hookscope.WithMaxRetries(0))
		f.on(http.MethodGet, "/v1/logs", respond(500, `{"error":{"code":"INTERNAL_ERROR","message":"`+strings.Repeat("y", 500)+`"}}`))
		_, err := c.Logs.List(context.Background(), nil)
		apiErr, ok := errors.AsType[*hookscope.APIError](err)
		require.True(t, ok)
		assert.Equal(t, 500, apiErr.StatusCode)
		assert.ErrorIs(t, err, hookscope.ErrServer)
		assert.LessOrEqual(t, len(apiErr.Body), 520)
	})
}

// A 2xx whose body is the JSON literal null decodes into nothing: the call
// must fail rather than return a zero value as if the server had sent one.
func TestNull2xxBodyIsAnError(t *testing.T) {
	t.Parallel()
	for _, ep := range decodingEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(ep.method, ep.path, respond(ep.okStatus, "null"))
			err := ep.call(context.Background(), c)
			assert.ErrorIs(t, err, hookscope.ErrUnexpectedResponse)
		})
	}
}

// readCounter counts the Read calls on a body.
type readCounter struct {
	r     io.Reader
	reads atomic.Int64
}

func (c *readCounter) Read(p []byte) (int, error) { c.reads.Add(1); return c.r.Read(p) }
func (c *readCounter) Close() error               { return nil }

// Leading white space is not read one byte per Read (one syscall each on a
// real connection).
func TestLeadingWhitespaceIsNotReadByteByByte(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	ws := strings.Repeat(" \n\t\r", 16<<10)
	body := &readCounter{r: strings.NewReader(ws + bodyLogsEmpty)}
	f.on("GET", "/v1/logs", func(req *http.Request) (*http.Response, error) {
		resp, _ := respond(200, "")(req)
		resp.Body = body
		return resp, nil
	})
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Less(t, body.reads.Load(), int64(len(ws)/100), "64 KiB of white space read in %d reads", body.reads.Load())
}

// The minimal valid body of every endpoint still decodes: the answer checks
// ask only for what an answer must hold.
func TestMinimalValidBodiesDecode(t *testing.T) {
	t.Parallel()
	for _, e := range allEndpoints() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(e.method, e.path, respond(e.okStatus, e.okBody))
			require.NoError(t, e.call(context.Background(), c))
		})
	}
}
