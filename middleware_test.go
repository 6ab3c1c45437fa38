package hookscope_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// trail is a middleware that appends "<name>:<method> <route>#<try>" to a
// shared log before and "<name>:done" after each try.
type trail struct {
	mu  sync.Mutex
	log []string
}

func (tr *trail) mw(name string) hookscope.Middleware {
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		ctx := req.Context()
		tr.add(name + ":" + req.Method + " " + hookscope.RouteTemplate(ctx) + "#" + string(rune('0'+hookscope.TryNumber(ctx))))
		resp, err := next(req)
		tr.add(name + ":done")
		return resp, err
	}
}

func (tr *trail) add(s string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.log = append(tr.log, s)
}

func (tr *trail) lines() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.log...)
}

// Client middlewares wrap call middlewares, in the order given, around each
// try; they see the route template and the try number.
func TestMiddlewareOrderAndRetries(t *testing.T) {
	t.Parallel()
	tr := &trail{}
	c, api := newFakeAPI(t, hookscope.WithMiddleware(tr.mw("c1")), hookscope.WithMiddleware(tr.mw("c2")))
	api.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID, respond(503, `{}`), respond(200, bodyWebhook))

	_, err := c.Webhooks.Get(context.Background(), testEndpointID, nil, hookscope.WithMiddleware(tr.mw("call")))
	require.NoError(t, err)
	const r = "GET /api/v0/webhooks/{webhook_id}"
	assert.Equal(t, []string{
		"c1:" + r + "#1", "c2:" + r + "#1", "call:" + r + "#1", "call:done", "c2:done", "c1:done",
		"c1:" + r + "#2", "c2:" + r + "#2", "call:" + r + "#2", "call:done", "c2:done", "c1:done",
	}, tr.lines())

	// The next call has the client's middlewares only.
	_, err = c.Webhooks.Get(context.Background(), testEndpointID, nil)
	require.NoError(t, err)
	assert.Len(t, tr.lines(), 12+4)
}

// Every method names its route with its parameters as names, never as
// values.
func TestEveryMethodHasARouteTemplate(t *testing.T) {
	t.Parallel()
	routes := map[string]string{
		"Attempts.ListInbound":       "/v1/inbound-messages/{id}/attempts",
		"Attempts.AllInbound":        "/v1/inbound-messages/{id}/attempts",
		"Attempts.ListOutbound":      "/v1/messages/{id}/attempts",
		"Attempts.AllOutbound":       "/v1/messages/{id}/attempts",
		"Attempts.GetInboundMessage": "/v1/inbound-messages/{id}",
		"Webhooks.Get":               "/api/v0/webhooks/{webhook_id}",
		"Webhooks.Update":            "/api/v0/webhooks/{webhook_id}",
		"Webhooks.Delete":            "/api/v0/webhooks/{webhook_id}",
	}
	for _, m := range everyMethod() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			c, api := newFakeAPI(t)
			api.on(m.method, m.path, respond(m.okStatus, m.okBody))
			var got []string
			mw := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
				got = append(got, hookscope.RouteTemplate(req.Context()))
				return next(req)
			}
			require.NoError(t, m.call(context.Background(), c, hookscope.WithMiddleware(mw)))
			want, ok := routes[m.name]
			if !ok {
				want = m.path // no parameters
			}
			require.Equal(t, []string{want}, got)
			assert.NotContains(t, got[0], testEndpointID)
			assert.NotContains(t, got[0], testMessageID)
		})
	}
	assert.Empty(t, hookscope.RouteTemplate(context.Background()))
	assert.Zero(t, hookscope.TryNumber(context.Background()))
}

// A middleware may change its request; the change is for that try only.
func TestMiddlewareChangesItsTryOnly(t *testing.T) {
	t.Parallel()
	n := 0
	mw := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		n++
		if n == 1 {
			req.Header.Set("X-First", "yes")
		}
		return next(req)
	}
	c, api := newFakeAPI(t, hookscope.WithMiddleware(mw))
	api.on(http.MethodGet, "/v1/logs", respond(503, `{}`), respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	reqs := api.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "yes", reqs[0].Header.Get("X-First"))
	assert.Empty(t, reqs[1].Header.Get("X-First"))
}

// An error a middleware makes itself ends the call: it is not retried, and
// it is returned as the cause.
func TestMiddlewareErrorIsNotRetried(t *testing.T) {
	t.Parallel()
	boom := errors.New("circuit open")
	calls := 0
	mw := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		calls++
		return nil, boom
	}
	c, api := newFakeAPI(t, hookscope.WithMiddleware(mw))
	api.on(http.MethodGet, "/v1/logs", respond(200, bodyLogsEmpty))
	var r hookscope.Response
	_, err := c.Logs.List(context.Background(), nil, hookscope.WithResponseInto(&r))
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 1, calls)
	assert.Zero(t, api.count())
	assert.Equal(t, 1, r.Tries)

	// A middleware that returns nothing at all is an error too, not a panic.
	c2, _ := newFakeAPI(t, hookscope.WithMiddleware(func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return nil, nil
	}))
	_, err = c2.Logs.List(context.Background(), nil)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "middleware"), err.Error())

	_, err = hookscope.NewClient(testKey, hookscope.WithMiddleware(nil))
	require.ErrorContains(t, err, "WithMiddleware")
}

// A transport error that passes through a middleware is still retried.
func TestTransportErrorThroughMiddlewareIsRetried(t *testing.T) {
	t.Parallel()
	tr := &trail{}
	c, api := newFakeAPI(t, hookscope.WithMiddleware(tr.mw("m")))
	n := 0
	api.mt.RegisterResponder(http.MethodGet, testBase+"/v1/logs", func(req *http.Request) (*http.Response, error) {
		api.record(req)
		n++
		if n == 1 {
			return nil, errors.New("connection reset by peer")
		}
		return respond(200, bodyLogsEmpty)(req)
	})
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, api.count())
}
