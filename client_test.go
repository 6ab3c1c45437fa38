package hookscope_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
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

// A write answered 301, 302 or 303 would be replayed by net/http as a GET:
// the caller would get a foreign answer (or nil from Delete) and nothing
// would be written. It is refused at once, without a retry.
func TestWriteRedirectThatChangesMethodIsRefused(t *testing.T) {
	t.Parallel()
	writes := []struct {
		name, method, path string
		call               func(context.Context, *hookscope.Client) error
	}{
		{"Create", http.MethodPost, "/api/v0/webhooks", func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"})
			return err
		}},
		{"Update", http.MethodPatch, "/api/v0/webhooks/" + testEndpointID, func(ctx context.Context, c *hookscope.Client) error {
			_, err := c.Webhooks.Update(ctx, testEndpointID, &hookscope.WebhookUpdateParams{Name: new("x")})
			return err
		}},
		{"Delete", http.MethodDelete, "/api/v0/webhooks/" + testEndpointID, func(ctx context.Context, c *hookscope.Client) error {
			return c.Webhooks.Delete(ctx, testEndpointID)
		}},
	}
	for _, w := range writes {
		for _, status := range []int{301, 302, 303} {
			t.Run(fmt.Sprintf("%s %d", w.name, status), func(t *testing.T) {
				t.Parallel()
				c, f := newFakeAPI(t, hookscope.WithMaxRetries(3))
				f.on(w.method, w.path, respond(status, "", "Location", testBase+"/elsewhere"))
				f.on(http.MethodGet, "/elsewhere", respond(200, bodyWebhook))
				err := w.call(context.Background(), c)
				require.Error(t, err, "a write redirected to a GET is not a success")
				assert.ErrorIs(t, err, hookscope.ErrRedirectRefused)
				assert.Contains(t, err.Error(), w.method)
				assert.Equal(t, 1, f.count(), "no GET, no retry: %v", f.requests())
			})
		}
	}
}

// 307 and 308 keep the method and the body: the write is followed.
func TestWriteRedirect307And308KeepMethodAndBody(t *testing.T) {
	t.Parallel()
	for _, status := range []int{307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("POST", "/api/v0/webhooks", respond(status, "", "Location", testBase+"/api/v1/webhooks"))
			f.on("POST", "/api/v1/webhooks", respond(201, bodyWebhook))
			wh, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks"})
			require.NoError(t, err)
			assert.Equal(t, testEndpointID, wh.ID)
			reqs := f.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, "POST", reqs[1].Method)
			assert.JSONEq(t, `{"name":"n","url":"https://customer.app/webhooks"}`, string(reqs[1].Body))
			assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"))
		})
	}
}

// The key goes only to the configured origin: scheme, host and port.
// net/http forwards Authorization to another port of the same host and to
// any subdomain; the SDK refuses such a redirect.
func TestRedirectToAnotherOriginDoesNotSendTheKey(t *testing.T) {
	t.Parallel()
	for _, target := range []string{
		"https://api.test:8443/v1/logs",
		"https://evil.api.test/v1/logs",
		"https://api.test.evil.example/v1/logs",
		"https://other.example/v1/logs",
		"http://api.test/v1/logs",
	} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(2))
			f.on("GET", "/v1/logs", respond(307, "", "Location", target))
			f.mt.RegisterResponder("GET", target, func(req *http.Request) (*http.Response, error) {
				f.record(req)
				return respond(200, bodyLogsEmpty)(req)
			})
			_, err := c.Logs.List(context.Background(), nil)
			for _, r := range f.requests()[1:] {
				assert.NotContains(t, r.Header.Get("Authorization"), secretPart, "the key went to %s", r.URL)
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, hookscope.ErrRedirectRefused)
			assert.Equal(t, 1, f.count(), "refused, not followed, not retried")
			assert.NotContains(t, err.Error(), secretPart)
		})
	}
}

// The same origin spelled with its default port is the same origin.
func TestRedirectToTheSameOriginWithDefaultPortIsFollowed(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(302, "", "Location", "https://API.test:443/v2/logs"))
	f.mt.RegisterResponder("GET", "https://API.test:443/v2/logs", func(req *http.Request) (*http.Response, error) {
		f.record(req)
		return respond(200, bodyLogsEmpty)(req)
	})
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	reqs := f.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "Bearer "+testKey, reqs[1].Header.Get("Authorization"))
}

// No error about the base URL echoes what a URL may hide: query, user
// info, fragment, or the text of a URL that does not parse.
func TestNewClientBaseURLErrorsShowNoSecrets(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"https://api.test/?api_key=" + testKey,
		"https://" + testKey + "@api.test/",
		"https://user:" + testKey + "@api.test/",
		"https://api.test/#" + testKey,
		"https://api.test:" + testKey + "/",
		"https://api test/" + testKey,
		"http://[" + testKey,
		"ftp://" + testKey + "@api.test/",
		"http://example.com/?k=" + testKey,
		"http://" + testKey + "@example.com/",
		"//" + testKey + "@/",
		"api.test/" + testKey + "\x7f",
	} {
		t.Run(raw, func(t *testing.T) {
			t.Parallel()
			c, err := hookscope.NewClient(testKey, hookscope.WithBaseURL(raw))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.NotContains(t, err.Error(), secretPart)
			assert.Contains(t, err.Error(), "base URL")
		})
	}
}

// A zero Client (never made by NewClient) formats without a panic, with
// every verb and in slog.
func TestZeroClientFormats(t *testing.T) {
	t.Parallel()
	var zero hookscope.Client
	require.NotPanics(t, func() { _ = zero.String() })
	require.NotPanics(t, func() { _ = zero.GoString() })
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{&zero, zero} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, "PANIC", "%s of %T: %s", verb, v, out)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "client", &zero)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "client", &zero)
	assert.NotContains(t, buf.String(), "PANIC")
	assert.NotContains(t, strings.ToLower(buf.String()), "panic")
}
