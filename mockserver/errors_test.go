package mockserver_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestBadInput: every kind of bad input is a 400 INVALID_REQUEST in the
// endpoint's envelope, whose message names the parameter.
func TestBadInput(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	ep := srv.EndpointIDs("")[0]
	in := srv.InboundMessageIDs()[0]
	logsCursor := get(t, srv, "/v1/logs?limit=1").json(t)["meta"].(map[string]any)["next_cursor"].(string)
	metricsCursor := dig(get(t, srv, "/v1/metrics/webhooks?metric=delivered&limit=1").json(t), "meta", "next_cursor").(string)
	webhooksCursor := dig(get(t, srv, "/api/v0/webhooks?limit=1").json(t), "meta", "next_cursor").(string)
	tampered := []byte(logsCursor)
	tampered[len(tampered)/2] ^= 1
	mw := "/v1/metrics/webhooks?metric=delivered&"
	cases := []struct {
		path, param string
	}{
		{"/v1/metrics/webhooks", "metric"},
		{"/v1/metrics/webhooks?metric=", "metric"},
		{"/v1/metrics/webhooks?metric=bogus", "metric"},
		{"/v1/metrics/webhooks?metric=messages.outbound.sent", "metric"},
		{"/v1/metrics/messages?metric=delivered", "metric"},
		{mw + "granularity=week", "granularity"},
		{mw + "group_by=app", "group_by"},
		{mw + "compare_to=last_year", "compare_to"},
		{mw + "from=yesterday", "from"},
		{mw + "to=2026-13-01T00:00:00Z", "to"},
		{mw + "from=2026-05-06", "from"},
		{mw + "from=0001-01-01T00:00:00Z", "from"},
		{mw + "to=9999-01-01T00:00:00Z", "to"},
		{mw + "from=2026-05-06T00:00:00Z&to=2026-05-06T00:00:00Z", "from"},
		{mw + "from=2026-05-06T00:00:00Z&to=2026-05-05T00:00:00Z", "from"},
		{mw + "limit=0", "limit"},
		{mw + "limit=5001", "limit"},
		{mw + "limit=ten", "limit"},
		{mw + "limit=1.5", "limit"},
		{mw + "limit=99999999999999999999999", "limit"},
		{mw + "limit=1&limit=2", "limit"},
		{mw + "cursor=" + logsCursor, "cursor"},
		{mw + "cursor=%%%", "query"},
		{mw + "group_by=kind&cursor=" + metricsCursor, "cursor"},
		{"/v1/logs?endpoint_id=ep_123", "endpoint_id"},
		{"/v1/logs?endpoint_id=EP_" + ep[3:], "endpoint_id"},
		{"/v1/logs?status=done", "status"},
		{"/v1/logs?start_time=now", "start_time"},
		{"/v1/logs?end_time=2025-12-06T23:59:59", "end_time"},
		{"/v1/logs?start_time=2025-12-06T00:00:00Z&end_time=2025-12-05T00:00:00Z", "end_time"},
		{"/v1/logs?limit=0", "limit"},
		{"/v1/logs?limit=501", "limit"},
		{"/v1/logs?limit=-1", "limit"},
		{"/v1/logs?limit=", "limit"},
		{"/v1/logs?cursor=not-a-cursor!", "cursor"},
		{"/v1/logs?cursor=" + string(tampered), "cursor"},
		{"/v1/logs?cursor=" + webhooksCursor, "cursor"},
		{"/v1/logs?cursor=" + metricsCursor, "cursor"},
		{"/v1/logs?status=succeeded&cursor=" + logsCursor, "cursor"},
		{"/v1/logs?cursor=eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0=", "cursor"},
		{"/v1/inbound-messages/not-a-uuid/attempts", "id"},
		{"/v1/inbound-messages/" + in + "x/attempts", "id"},
		{"/v1/inbound-messages/" + in + "/attempts?cursor=abc", "cursor"},
		{"/v1/inbound-messages/123", "id"},
		{"/v1/messages/../attempts", "id"},
		{"/api/v0/webhooks/not-an-id", "webhook_id"},
		{"/api/v0/webhooks/" + ep + "?events_limit=0", "events_limit"},
		{"/api/v0/webhooks/" + ep + "?events_limit=51", "events_limit"},
		{"/api/v0/webhooks/" + ep + "?include_events=maybe", "include_events"},
		{"/api/v0/webhooks?limit=0", "limit"},
		{"/api/v0/webhooks?limit=101", "limit"},
		{"/api/v0/webhooks?cursor=" + logsCursor, "cursor"},
	}
	for _, tc := range cases {
		r := get(t, srv, tc.path)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", tc.path, r.status, r.body)
			continue
		}
		code, msg, rid := errorOf(t, r)
		eq(t, code, hookscope.CodeInvalidRequest, "%s: code", tc.path)
		check(t, strings.HasPrefix(msg, tc.param+" "), "%s: message %q names %q", tc.path, msg, tc.param)
		eq(t, rid, r.header.Get("X-Request-Id"), "%s: request id", tc.path)
	}

	// Bodies of the webhook writes.
	bodies := []struct {
		method, path, body, param string
	}{
		{http.MethodPost, "/api/v0/webhooks", "", "body"},
		{http.MethodPost, "/api/v0/webhooks", "not json", "body"},
		{http.MethodPost, "/api/v0/webhooks", "[1,2]", "body"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": "x", "url": "https://a.example"`, "body"},
		{http.MethodPost, "/api/v0/webhooks", `{"url": "https://a.example"}`, "name"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": "  ", "url": "https://a.example"}`, "name"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": 5, "url": "https://a.example"}`, "name"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": "x"}`, "url"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": "x", "url": "http://a.example"}`, "url"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": "x", "url": "https://"}`, "url"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": "x", "url": "a.example/hook"}`, "url"},
		{http.MethodPost, "/api/v0/webhooks", `{"name": "x", "url": "https://a.example", "kind": "team"}`, "kind"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{"isActive": "no"}`, "isActive"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{"url": "ftp://a.example"}`, "url"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{"name": ""}`, "name"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{} {}`, "body"},
		{http.MethodPatch, "/api/v0/webhooks/ep_x", `{}`, "webhook_id"},
		{http.MethodDelete, "/api/v0/webhooks/ep_x", "", "webhook_id"},
	}
	for _, tc := range bodies {
		r := do(t, srv, tc.method, tc.path, srv.APIKey(), tc.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s %s %s: status %d, want 400: %s", tc.method, tc.path, tc.body, r.status, r.body)
			continue
		}
		code, msg, _ := errorOf(t, r)
		eq(t, code, hookscope.CodeInvalidRequest, "%s: code", tc.body)
		check(t, strings.HasPrefix(msg, tc.param+" "), "%s %q: message %q names %q", tc.method, tc.body, msg, tc.param)
	}
	r := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), `{"name": "x", "url": "http://a.example"}`)
	_, msg, _ := errorOf(t, r)
	eq(t, msg, "url must be a valid HTTPS URL", "the seed's message")
	eq(t, len(srv.EndpointIDs("")), 8, "no bad request created anything")
}

func TestEnvelopesAndRouting(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	ep := srv.EndpointIDs("")[0]
	family := []struct {
		path  string
		check func(m map[string]any) bool
	}{
		{"/v1/metrics/webhooks?metric=delivered", func(m map[string]any) bool {
			return m["success"] == false && dig(m, "error", "request_id") != nil
		}},
		{"/v1/logs", func(m map[string]any) bool {
			return dig(m, "meta", "request_id") != nil && dig(m, "error", "request_id") == nil
		}},
		{"/v1/inbound-messages/" + srv.InboundMessageIDs()[0] + "/attempts", func(m map[string]any) bool { return dig(m, "meta", "request_id") != nil }},
		{"/api/v0/webhooks/" + ep, func(m map[string]any) bool { return dig(m, "error", "request_id") != nil && m["meta"] == nil }},
		{"/analytics/webhooks", func(m map[string]any) bool {
			return m["status"] == 401.0 && m["data"] == nil && m["env"] == "development" && dig(m, "log", "request_id") != nil
		}},
	}
	for _, f := range family {
		for _, key := range []string{"", "am_test_unknown"} {
			r := do(t, srv, http.MethodGet, f.path, key, "")
			eq(t, r.status, http.StatusUnauthorized, "%s without a valid key", f.path)
			code, _, rid := errorOf(t, r)
			eq(t, code, hookscope.CodeUnauthorized, "%s: code", f.path)
			eq(t, rid, r.header.Get("X-Request-Id"), "%s: request id", f.path)
			check(t, f.check(r.json(t)), "%s: envelope of its family: %s", f.path, r.body)
		}
	}
	// A key without the scope: 403 FORBIDDEN "missing required scope".
	srv.AddKey(mockserver.Key{Token: "am_test_logsonly", Plan: mockserver.PlanPro, Scopes: []string{mockserver.ScopeLogsRead, mockserver.ScopeWebhookRead}})
	for _, p := range []struct{ method, path string }{
		{http.MethodGet, "/v1/metrics/webhooks?metric=delivered"},
		{http.MethodGet, "/v1/inbound-messages/" + srv.InboundMessageIDs()[0] + "/attempts"},
		{http.MethodPost, "/api/v0/webhooks"},
		{http.MethodDelete, "/api/v0/webhooks/" + ep},
		{http.MethodGet, "/analytics/webhooks"},
	} {
		r := do(t, srv, p.method, p.path, "am_test_logsonly", `{"name":"x","url":"https://x.example"}`)
		eq(t, r.status, http.StatusForbidden, "%s %s", p.method, p.path)
		code, msg, _ := errorOf(t, r)
		eq(t, code, hookscope.CodeForbidden, "code")
		eq(t, msg, "missing required scope", "message")
	}
	eq(t, do(t, srv, http.MethodGet, "/v1/logs", "am_test_logsonly", "").status, http.StatusOK, "the granted scope works")

	// Unknown paths 404, wrong methods 405 with Allow.
	for _, p := range []string{"/", "/v1", "/v1/logs/x", "/v2/logs", "/api/v0/webhooks/" + ep + "/events"} {
		r := get(t, srv, p)
		eq(t, r.status, http.StatusNotFound, "%s", p)
		code, _, rid := errorOf(t, r)
		eq(t, code, "NOT_FOUND", "%s code", p)
		eq(t, rid, r.header.Get("X-Request-Id"), "%s request id", p)
	}
	r := do(t, srv, http.MethodPost, "/v1/logs", srv.APIKey(), "")
	eq(t, r.status, http.StatusMethodNotAllowed, "POST /v1/logs")
	eq(t, r.header.Get("Allow"), "GET", "Allow")
	r = do(t, srv, http.MethodPut, "/api/v0/webhooks/"+ep, srv.APIKey(), "")
	eq(t, r.status, http.StatusMethodNotAllowed, "PUT a webhook")
	eq(t, r.header.Get("Allow"), "GET, PATCH, DELETE", "Allow")

	// Success answers carry X-Request-Id equal to the envelope's.
	r = get(t, srv, "/v1/logs?limit=1")
	eq(t, dig(r.json(t), "meta", "request_id"), any(r.header.Get("X-Request-Id")), "logs request id")
	r = get(t, srv, "/v1/metrics/webhooks?metric=failed")
	eq(t, r.header.Get("Cache-Control"), "private, max-age=30", "metrics Cache-Control")
	check(t, r.header.Get("X-Request-Id") != "", "metrics X-Request-Id")
	r = get(t, srv, "/v1/metrics/webhooks?metric=fail")
	eq(t, r.header.Get("Cache-Control"), "", "no Cache-Control on errors")
}

func TestPanicBecomes500(t *testing.T) {
	t.Parallel()
	srv := mockserver.New(mockserver.WithClock(fixedClock), mockserver.WithMessages(10))
	defer srv.Close()
	mockserver.SetPanicHook(srv, func(r *http.Request) {
		if r.URL.Query().Get("boom") != "" {
			panic("boom")
		}
	})
	for _, p := range []string{"/v1/logs?boom=1", "/v1/metrics/webhooks?boom=1", "/api/v0/webhooks?boom=1", "/analytics/webhooks?boom=1"} {
		r := get(t, srv, p)
		eq(t, r.status, http.StatusInternalServerError, "%s", p)
		code, _, rid := errorOf(t, r)
		eq(t, code, hookscope.CodeInternalError, "%s code", p)
		eq(t, rid, r.header.Get("X-Request-Id"), "%s request id", p)
	}
	eq(t, get(t, srv, "/v1/logs").status, http.StatusOK, "the server lives on")
}

func TestTooManyBuckets(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	// The SDK counts an ungrouped window itself and refuses it unsent; the
	// server's own answer is read raw.
	from := fixedNow.Add(-8 * 24 * 60 * 60e9)
	_, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
		Granularity: hookscope.GranularityMinute, From: from, To: fixedNow})
	check(t, errors.Is(err, hookscope.ErrTooManyBuckets), "8 days of minutes: %v", err)
	r8 := get(t, srv, "/v1/metrics/webhooks?metric=delivered&granularity=minute&from="+from.UTC().Format("2006-01-02T15:04:05Z")+"&to="+fixedNow.UTC().Format("2006-01-02T15:04:05Z"))
	eq(t, r8.status, http.StatusBadRequest, "8 days of minutes")
	eq(t, dig(r8.json(t), "error", "code"), any(hookscope.CodeTooManyBuckets), "8 days code")
	eq(t, dig(r8.json(t), "error", "details", "max_buckets"), any(float64(10000)), "max_buckets")
	eq(t, dig(r8.json(t), "error", "details", "requested_buckets"), any(float64(8*24*60+1)), "requested_buckets")
	var apiErr *hookscope.APIError
	// Rows count buckets × groups: 2 days of minutes is fine alone, not by endpoint.
	p := &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityMinute,
		From: fixedNow.Add(-2 * 24 * 60 * 60e9), To: fixedNow}
	_, err = c.Metrics.Webhooks(ctx, p)
	must(t, err)
	p.GroupBy = hookscope.GroupByEndpointID
	_, err = c.Metrics.Webhooks(ctx, p)
	need(t, errors.As(err, &apiErr), "grouped: %v", err)
	eq(t, apiErr.Code, hookscope.CodeTooManyBuckets, "grouped code")
	check(t, apiErr.RequestedBuckets() > 10000 && apiErr.RequestedBuckets()%(2*24*60+1) == 0, "requested = buckets × groups: %d", apiErr.RequestedBuckets())
	// A huge window is refused without computing anything.
	r := get(t, srv, "/v1/metrics/webhooks?metric=delivered&granularity=minute&from=1970-01-01T00:00:00Z&to=2999-12-31T23:59:59Z")
	eq(t, r.status, http.StatusBadRequest, "huge window")
	eq(t, dig(r.json(t), "error", "code"), any(hookscope.CodeTooManyBuckets), "huge window code")
}

func TestCursorBinding(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	page, err := c.Logs.List(ctx, &hookscope.LogListParams{Status: hookscope.StatusSucceeded, Limit: 5})
	must(t, err)
	cur := page.Meta.NextCursor
	for _, ch := range cur {
		check(t, strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", ch), "base64url cursor %q", cur)
	}
	// The same filters with another limit may continue; other filters may not.
	next, err := c.Logs.List(ctx, &hookscope.LogListParams{Status: hookscope.StatusSucceeded, Limit: 50, Cursor: cur})
	must(t, err)
	check(t, next.Data[0].CreatedAt.Before(page.Data[4].CreatedAt) || next.Data[0].MessageID < page.Data[4].MessageID, "continues after the page")
	_, err = c.Logs.List(ctx, &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent, Cursor: cur})
	check(t, errors.Is(err, hookscope.ErrInvalidRequest), "foreign filters: %v", err)
	_, err = c.Webhooks.List(ctx, &hookscope.WebhookListParams{Cursor: cur})
	check(t, errors.Is(err, hookscope.ErrInvalidRequest), "foreign endpoint: %v", err)
	// Every single-character change is refused.
	for i := 0; i < len(cur); i += 3 {
		b := []byte(cur)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		r := get(t, srv, "/v1/logs?status=succeeded&cursor="+url.QueryEscape(string(b)))
		eq(t, r.status, http.StatusBadRequest, "tampered at %d", i)
	}
	// A cursor of another server (another secret) is refused.
	other, _ := newServer(t, mockserver.WithSeed(5))
	r := get(t, other, "/v1/logs?status=succeeded&cursor="+cur)
	eq(t, r.status, http.StatusBadRequest, "another server's cursor")
}
