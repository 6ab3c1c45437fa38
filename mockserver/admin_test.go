package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/internal/openapitest"
	"github.com/hookscope/hookscope-go/mockserver"
)

// adminDo sends an admin request with token to h and returns status, header and body.
func adminDo(t testing.TB, h http.Handler, method, target, token, body string) (int, http.Header, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, rec.Header(), raw
}

func TestAdminTokenIsSeparate(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewHandler(mockserver.WithMessages(20), mockserver.WithClock(fixedClock), mockserver.WithAdminToken("adm_secret"))
	h := srv.Handler()
	require.Equal(t, "adm_secret", srv.AdminToken())
	assert.Empty(t, srv.URL(), "NewHandler opens no listener")

	for _, tc := range []struct {
		what, target, token string
		want                int
	}{
		{"health needs no token", "/_mock/health", "", 200},
		{"admin token opens the admin API", "/_mock/keys", "adm_secret", 200},
		{"no token", "/_mock/keys", "", 401},
		{"wrong token", "/_mock/keys", "adm_wrong", 401},
		{"an API key never opens the admin API", "/_mock/keys", srv.APIKey(), 401},
		{"the admin token never opens the API", "/v1/logs", "adm_secret", 401},
		{"the API key opens the API", "/v1/logs", srv.APIKey(), 200},
		{"unknown admin path", "/_mock/nope", "adm_secret", 404},
	} {
		code, _, body := adminDo(t, h, http.MethodGet, tc.target, tc.token, "")
		assert.Equal(t, tc.want, code, "%s: %s", tc.what, body)
	}
	code, hdr, _ := adminDo(t, h, http.MethodPatch, "/_mock/clock", "adm_secret", "")
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	assert.Equal(t, "GET, PUT", hdr.Get("Allow"))

	// A generated token is long and random: two servers never share one.
	a, b := mockserver.NewHandler(mockserver.WithMessages(0)), mockserver.NewHandler(mockserver.WithMessages(0))
	assert.NotEqual(t, a.AdminToken(), b.AdminToken())
	assert.GreaterOrEqual(t, len(a.AdminToken()), 32)

	// Keys are listed with their tokens redacted.
	_, _, body := adminDo(t, h, http.MethodGet, "/_mock/keys", "adm_secret", "")
	assert.NotContains(t, string(body), srv.APIKey())
	assert.Contains(t, string(body), `"token":"am_test_[REDACTED]"`)
}

// Every admin endpoint refuses bad input with 400 INVALID_REQUEST naming the
// field, and every such answer matches admin.openapi.yaml.
func TestAdminBadInput(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewHandler(mockserver.WithMessages(50), mockserver.WithClock(fixedClock), mockserver.WithAdminToken("adm"))
	h := srv.Handler()
	doc, err := openapitest.Load("admin.openapi.yaml")
	require.NoError(t, err)
	ep := srv.EndpointIDs("")[0]
	for _, tc := range []struct {
		method, target, body, field, op string
	}{
		{"POST", "/_mock/keys", ``, "body", "adminAddKey"},
		{"POST", "/_mock/keys", `[1]`, "body", "adminAddKey"},
		{"POST", "/_mock/keys", `{"plan":"gold"}`, "plan", "adminAddKey"},
		{"POST", "/_mock/keys", `{"plan":1}`, "plan", "adminAddKey"},
		{"POST", "/_mock/keys", `{"scopes":["root"]}`, "scopes", "adminAddKey"},
		{"POST", "/_mock/keys", `{"token":"has space"}`, "token", "adminAddKey"},
		{"POST", "/_mock/keys", `{"token":""}`, "token", "adminAddKey"},
		{"POST", "/_mock/keys", `{"colour":"red"}`, "colour", "adminAddKey"},
		{"POST", "/_mock/keys", `{"plan":"free"} {}`, "body", "adminAddKey"},
		{"GET", "/_mock/messages?direction=sideways", ``, "direction", "adminListMessages"},
		{"GET", "/_mock/messages?limit=0", ``, "limit", "adminListMessages"},
		{"GET", "/_mock/messages?limit=abc", ``, "limit", "adminListMessages"},
		{"GET", "/_mock/messages?cursor=zzz", ``, "cursor", "adminListMessages"},
		{"GET", "/_mock/messages?page=2", ``, "page", "adminListMessages"},
		{"POST", "/_mock/messages", `{}`, "endpoint_id", "adminAddMessage"},
		{"POST", "/_mock/messages", `{"endpoint_id":"ep_x"}`, "endpoint_id", "adminAddMessage"},
		{"POST", "/_mock/messages", `{"endpoint_id":"ep_00000000000000000000000000000000"}`, "endpoint_id", "adminAddMessage"},
		{"POST", "/_mock/messages", `{"endpoint_id":"` + ep + `","attempts":[{"status":700}]}`, "attempts[0].status", "adminAddMessage"},
		{"POST", "/_mock/messages", `{"endpoint_id":"` + ep + `","attempts":[{}]}`, "attempts[0].status", "adminAddMessage"},
		{"POST", "/_mock/messages", `{"endpoint_id":"` + ep + `","attempts":[{"status":200},{"status":500}]}`, "attempts[0].status", "adminAddMessage"},
		{"POST", "/_mock/messages", `{"endpoint_id":"` + ep + `","created_at":"yesterday"}`, "body", "adminAddMessage"},
		{"POST", "/_mock/messages", `{"endpoint_id":"` + ep + `","attempts":[{"status":1,"at":"2026-01-01T00:00:00Z","latency_ms":-1}]}`, "attempts[0].status", "adminAddMessage"},
		{"POST", "/_mock/faults", `{}`, "path", "adminInjectFault"},
		{"POST", "/_mock/faults", `{"path":"/v1/logs"}`, "status", "adminInjectFault"},
		{"POST", "/_mock/faults", `{"path":"/v1/logs","status":99}`, "status", "adminInjectFault"},
		{"POST", "/_mock/faults", `{"path":"/v1/logs","status":503,"delay":"soon"}`, "delay", "adminInjectFault"},
		{"POST", "/_mock/faults", `{"path":"/v1/logs","status":503,"delay":"1h"}`, "delay", "adminInjectFault"},
		{"POST", "/_mock/faults", `{"path":"/v1/logs","status":503,"times":-1}`, "times", "adminInjectFault"},
		{"POST", "/_mock/faults", `{"path":"/v1/logs","status":503,"method":"get"}`, "method", "adminInjectFault"},
		{"POST", "/_mock/faults", `{"path":"/_mock/faults","status":503}`, "path", "adminInjectFault"},
		{"GET", "/_mock/requests?limit=0", ``, "limit", "adminListRequests"},
		{"GET", "/_mock/requests?status=abc", ``, "status", "adminListRequests"},
		{"GET", "/_mock/requests?path=v1", ``, "path", "adminListRequests"},
		{"PUT", "/_mock/clock", `{}`, "now", "adminSetClock"},
		{"PUT", "/_mock/clock", `{"now":"noon"}`, "now", "adminSetClock"},
		{"PUT", "/_mock/clock", `{"now":"2026-05-06T15:04:05Z","by":"1h"}`, "by", "adminSetClock"},
		{"POST", "/_mock/clock/advance", `{}`, "by", "adminAdvanceClock"},
		{"POST", "/_mock/clock/advance", `{"by":"-1h"}`, "by", "adminAdvanceClock"},
		{"POST", "/_mock/clock/advance", `{"by":"0s"}`, "by", "adminAdvanceClock"},
		{"POST", "/_mock/clock/advance", `{"by":90}`, "by", "adminAdvanceClock"},
		{"PUT", "/_mock/clock", `{"now":"0001-01-01T00:00:00Z"}`, "now", "adminSetClock"},
		{"PUT", "/_mock/rate-limits", `{}`, "enabled", "adminSetRateLimits"},
		{"PUT", "/_mock/rate-limits", `{"enabled":"yes"}`, "enabled", "adminSetRateLimits"},
		{"POST", "/_mock/reset", `{"hard":true}`, "body", "adminReset"},
		{"PUT", "/_mock/snapshot", `{"format":"hookscope-mock-snapshot","version":7}`, "version", "adminPutSnapshot"},
		{"PUT", "/_mock/snapshot", `garbage`, "body", "adminPutSnapshot"},
	} {
		code, hdr, body := adminDo(t, h, tc.method, tc.target, "adm", tc.body)
		var env struct {
			Error struct{ Code, Message, Field string }
		}
		require.NoError(t, json.Unmarshal(body, &env), "%s %s %s: %s", tc.method, tc.target, tc.body, body)
		assert.Equal(t, http.StatusBadRequest, code, "%s %s %s: %s", tc.method, tc.target, tc.body, body)
		assert.Equal(t, "INVALID_REQUEST", env.Error.Code)
		assert.Equal(t, tc.field, env.Error.Field, "%s %s %s: %s", tc.method, tc.target, tc.body, body)
		assert.True(t, strings.HasPrefix(env.Error.Message, tc.field), "message names the field: %s", env.Error.Message)
		o, ok := openapitest.OperationByID(doc, tc.op)
		require.True(t, ok, tc.op)
		assert.NoError(t, openapitest.ValidateResponse(doc, o, code, hdr, body), "%s %s", tc.method, tc.target)
	}
	// None of it changed anything.
	assert.Empty(t, srv.Faults())
	assert.Equal(t, fixedNow, srv.Now())
	assert.Len(t, srv.Keys(), 1)
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	clock := mockserver.NewTestClock(fixedNow) // 15:04:05: the window ends at 15:05:00
	srv := mockserver.NewHandler(mockserver.WithMessages(20), mockserver.WithClock(clock.Now), mockserver.WithRateLimits())
	h := srv.Handler()
	srv.AddKey(mockserver.Key{Token: "am_test_free", Plan: mockserver.PlanFree, Scopes: []string{mockserver.ScopeLogsRead}})
	for _, plan := range []mockserver.Plan{mockserver.PlanFree, mockserver.PlanStarter, mockserver.PlanPro, mockserver.PlanEnterprise} {
		assert.Equal(t, map[mockserver.Plan]int{"free": 60, "starter": 600, "pro": 3000, "enterprise": 12000}[plan], mockserver.RateLimit(plan))
	}
	get := func(path, key string) (int, http.Header) {
		code, hdr, _ := adminDo(t, h, http.MethodGet, path, key, "")
		return code, hdr
	}
	code, hdr := get("/v1/logs?limit=1", srv.APIKey())
	require.Equal(t, 200, code)
	assert.Equal(t, "3000", hdr.Get("X-RateLimit-Limit"), "pro")
	assert.Equal(t, "2999", hdr.Get("X-RateLimit-Remaining"))
	assert.Equal(t, strconv.FormatInt(fixedNow.Truncate(time.Minute).Add(time.Minute).Unix(), 10), hdr.Get("X-RateLimit-Reset"))

	_, hdr = get("/v1/logs?limit=1", "am_test_unknown")
	assert.Empty(t, hdr.Get("X-RateLimit-Limit"), "an unauthenticated answer has no budget")
	code, hdr = get("/v1/metrics/webhooks?metric=delivered", "am_test_free")
	assert.Equal(t, 403, code, "no scope")
	assert.Equal(t, "59", hdr.Get("X-RateLimit-Remaining"), "a 403 to a known key counts and says so")
	for i := 2; i <= 60; i++ {
		code, _ = get("/v1/logs?limit=1", "am_test_free")
		require.Equal(t, 200, code, "request %d", i)
	}
	code, hdr = get("/v1/logs?limit=1", "am_test_free")
	assert.Equal(t, http.StatusTooManyRequests, code)
	assert.Equal(t, "55", hdr.Get("Retry-After"), "whole seconds to the window's end")
	assert.Equal(t, "0", hdr.Get("X-RateLimit-Remaining"))
	code, _ = get("/v1/logs?limit=1", srv.APIKey())
	assert.Equal(t, 200, code, "budgets are per key")

	// The window is the server's clock's: a moved clock opens the next one.
	require.NoError(t, srv.AdvanceClock(time.Minute))
	code, hdr = get("/v1/logs?limit=1", "am_test_free")
	assert.Equal(t, 200, code)
	assert.Equal(t, "59", hdr.Get("X-RateLimit-Remaining"))

	srv.SetRateLimits(false)
	code, hdr = get("/v1/logs?limit=1", "am_test_free")
	assert.Equal(t, 200, code)
	assert.Empty(t, hdr.Get("X-RateLimit-Limit"), "off: no headers")

	// Off by default.
	plain := mockserver.NewHandler(mockserver.WithMessages(0))
	_, hdr, _ = adminDo(t, plain.Handler(), http.MethodGet, "/v1/logs", plain.APIKey(), "")
	assert.Empty(t, hdr.Get("X-RateLimit-Limit"))
}

// GET /_mock/messages pages newest first by keyset, and its inbound ids are
// the ones the attempts endpoint takes.
func TestAdminMessages(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewHandler(mockserver.WithMessages(300), mockserver.WithClock(fixedClock), mockserver.WithAdminToken("adm"))
	h := srv.Handler()
	var ids []string
	target := "/_mock/messages?direction=inbound&limit=7"
	for pages := 0; target != ""; pages++ {
		require.Less(t, pages, 100)
		code, _, body := adminDo(t, h, http.MethodGet, target, "adm", "")
		require.Equal(t, 200, code, "%s", body)
		var page struct {
			Data []struct{ ID, Direction string }
			Meta struct {
				NextCursor *string `json:"next_cursor"`
				HasMore    bool    `json:"has_more"`
			}
		}
		require.NoError(t, json.Unmarshal(body, &page))
		for _, m := range page.Data {
			ids = append(ids, m.ID)
			assert.Equal(t, "inbound", m.Direction)
		}
		target = ""
		if page.Meta.NextCursor != nil {
			require.True(t, page.Meta.HasMore)
			target = "/_mock/messages?direction=inbound&limit=7&cursor=" + *page.Meta.NextCursor
		}
	}
	assert.Equal(t, srv.InboundMessageIDs(), ids, "every inbound message, newest first, once")
	code, _, body := adminDo(t, h, http.MethodGet, "/v1/inbound-messages/"+ids[0]+"/attempts", srv.APIKey(), "")
	assert.Equal(t, 200, code)
	assert.Contains(t, string(body), `"attempt_no":1`)

	page, err := srv.Messages(mockserver.MessageQuery{Limit: 5})
	require.NoError(t, err)
	require.Len(t, page.Messages, 5)
	assert.Equal(t, srv.OutboundMessageIDs()[0], page.Messages[0].ID)
	_, err = srv.Messages(mockserver.MessageQuery{Direction: "up"})
	assert.ErrorContains(t, err, "direction")
}

// Reset returns to the generated state: what was added is gone, the clock
// is back, the keys are the generated one.
func TestReset(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewHandler(mockserver.WithMessages(100), mockserver.WithClock(fixedClock))
	before := srv.OutboundMessageIDs()
	srv.AddKey(mockserver.Key{Token: "am_test_x", Plan: mockserver.PlanFree})
	_, err := srv.AddMessage(mockserver.Message{EndpointID: srv.EndpointIDs("")[0]})
	require.NoError(t, err)
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 500})
	require.NoError(t, srv.AdvanceClock(3*time.Hour))
	adminDo(t, srv.Handler(), http.MethodGet, "/v1/logs", srv.APIKey(), "")
	require.NotEmpty(t, srv.Requests())

	create := func() string {
		req := httptest.NewRequest(http.MethodPost, "/api/v0/webhooks", strings.NewReader(`{"name":"n","url":"https://n.example/h"}`))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		req.Header.Set("Idempotency-Key", "same-key")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		var wh struct{ ID string }
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &wh))
		return wh.ID
	}
	create()

	srv.Reset()
	assert.Empty(t, srv.Requests())
	id := create()
	code, _, _ := adminDo(t, srv.Handler(), http.MethodGet, "/api/v0/webhooks/"+id, srv.APIKey(), "")
	assert.Equal(t, http.StatusOK, code, "the Idempotency-Key was forgotten: the write after Reset made a webhook")
	assert.Equal(t, before, srv.OutboundMessageIDs())
	assert.Len(t, srv.Keys(), 1)
	assert.Empty(t, srv.Faults())
	assert.Equal(t, fixedNow, srv.Now())
	assert.True(t, srv.RemoveKey(srv.APIKey()))
	assert.False(t, srv.RemoveKey(srv.APIKey()))
	code, _, _ = adminDo(t, srv.Handler(), http.MethodGet, "/v1/logs", srv.APIKey(), "")
	assert.Equal(t, http.StatusUnauthorized, code, "a removed key is refused")
}
