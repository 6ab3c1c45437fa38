package hookscope_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

func TestBaseURLPathPrefixIsKept(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://gw.example.com/hooks", "https://gw.example.com/hooks/", "https://gw.example.com/hooks//"} {
		t.Run(base, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPIAt(t, base, "https://gw.example.com/hooks")
			f.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
			f.on("GET", "/api/v0/webhooks/"+testEndpointID, respond(200, bodyWebhook))
			_, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 5})
			require.NoError(t, err)
			assert.Equal(t, "https://gw.example.com/hooks/v1/logs?limit=5", f.last().URL.String())
			_, err = c.Webhooks.Get(context.Background(), testEndpointID, nil)
			require.NoError(t, err)
			assert.Equal(t, "https://gw.example.com/hooks/api/v0/webhooks/"+testEndpointID, f.last().URL.String())
		})
	}
	t.Run("no prefix, trailing slash", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPIAt(t, "https://api.test/", "https://api.test")
		f.on("GET", "/analytics/webhooks", respond(200, bodyAnalyticsMin))
		_, err := c.Analytics.Webhooks(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "https://api.test/analytics/webhooks", f.last().URL.String())
	})
}

func TestDefaultBaseURL(t *testing.T) {
	t.Parallel()
	mt := newFakeTransportOnly(t)
	c, err := hookscope.NewClient(testKey, hookscope.WithHTTPClient(&http.Client{Transport: mt.mt}))
	require.NoError(t, err)
	mt.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
	_, err = c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, hookscope.DefaultBaseURL+"/v1/logs", mt.last().URL.String())
}

// newFakeTransportOnly is a fakeAPI on DefaultBaseURL without a client.
func newFakeTransportOnly(t *testing.T) *fakeAPI {
	_, f := newFakeAPIAt(t, hookscope.DefaultBaseURL, hookscope.DefaultBaseURL)
	return f
}

func TestHeadersOnEveryEndpoint(t *testing.T) {
	t.Parallel()
	for _, ep := range allEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithUserAgent("my-svc/1.2"))
			f.on(ep.method, ep.path, respond(ep.okStatus, ep.okBody))
			require.NoError(t, ep.call(context.Background(), c))
			r := f.last()
			assert.Equal(t, "Bearer "+testKey, r.Header.Get("Authorization"))
			ua := r.Header.Get("User-Agent")
			assert.True(t, strings.HasPrefix(ua, "hookscope-go/"+hookscope.Version), ua)
			assert.Contains(t, ua, runtime.Version())
			assert.True(t, strings.HasSuffix(ua, " my-svc/1.2"), ua)
			assert.Equal(t, "hookscope-go/"+hookscope.Version+" ("+runtime.Version()+") my-svc/1.2", ua)
			assert.Equal(t, "application/json", r.Header.Get("Accept"))

			key := r.Header.Get("Idempotency-Key")
			switch ep.method {
			case http.MethodPost, http.MethodPatch, http.MethodDelete:
				require.NotEmpty(t, key, "writes carry an Idempotency-Key")
				assert.GreaterOrEqual(t, len(key), 16, "long enough to be unique: %q", key)
			default:
				assert.Empty(t, key, "reads carry no Idempotency-Key")
			}
			if ep.method == http.MethodPost || ep.method == http.MethodPatch {
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			} else {
				assert.Empty(t, r.Header.Get("Content-Type"))
				assert.Empty(t, r.Body)
			}
		})
	}
}

func TestUserAgentWithoutSuffix(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "hookscope-go/"+hookscope.Version+" ("+runtime.Version()+")", f.last().Header.Get("User-Agent"))
}

func TestIdempotencyKeyStableAcrossRetriesFreshPerCall(t *testing.T) {
	t.Parallel()
	for _, ep := range allEndpoints() {
		if ep.method == http.MethodGet {
			continue
		}
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(3))
			f.on(ep.method, ep.path,
				respond(503, ""), respond(500, ""), respond(ep.okStatus, ep.okBody),
				respond(502, ""), respond(ep.okStatus, ep.okBody))
			require.NoError(t, ep.call(context.Background(), c)) // 503, 500, ok
			require.NoError(t, ep.call(context.Background(), c)) // 502, ok
			reqs := f.requests()
			require.Len(t, reqs, 5)
			first := reqs[0].Header.Get("Idempotency-Key")
			require.NotEmpty(t, first)
			assert.Equal(t, first, reqs[1].Header.Get("Idempotency-Key"))
			assert.Equal(t, first, reqs[2].Header.Get("Idempotency-Key"))
			second := reqs[3].Header.Get("Idempotency-Key")
			require.NotEmpty(t, second)
			assert.NotEqual(t, first, second, "each call has its own key")
			assert.Equal(t, second, reqs[4].Header.Get("Idempotency-Key"))
			// the body is sent again, whole, on every try
			for _, r := range reqs[1:] {
				assert.Equal(t, string(reqs[0].Body), string(r.Body))
			}
		})
	}
}

func TestNilContextIsRefused(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	//nolint:staticcheck // a nil context is the point of the test
	_, err := c.Logs.List(nilCtx(), nil)
	require.Error(t, err)
	assert.Equal(t, 0, f.count())
}

func nilCtx() context.Context { return nil }

// One Client shared by many goroutines (run with -race): every call gets its
// own retries and its own answer.
func TestClientIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	var mu sync.Mutex
	seen := map[string]int{}
	f.on("GET", "/v1/logs", func(req *http.Request) (*http.Response, error) {
		id := req.URL.Query().Get("endpoint_id")
		mu.Lock()
		seen[id]++
		n := seen[id]
		mu.Unlock()
		if n == 1 {
			return httpmock.NewStringResponse(503, ""), nil
		}
		return httpmock.NewStringResponse(200, `{"data":[{"message_id":"`+id+`","endpoint":"e","status":"queued","attempt_count":0,"created_at":"2025-12-06T12:00:00Z"}],"meta":{"has_more":false}}`), nil
	})
	var wg sync.WaitGroup
	for i := range 20 {
		id := fmt.Sprintf("ep_%032x", i)
		wg.Go(func() {
			page, err := c.Logs.List(context.Background(), &hookscope.LogListParams{EndpointID: id})
			if assert.NoError(t, err) && assert.Len(t, page.Data, 1) {
				assert.Equal(t, id, page.Data[0].MessageID)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 40, f.count(), "each call: one 503 and one retry")
}
