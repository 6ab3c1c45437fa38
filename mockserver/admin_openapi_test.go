package mockserver_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/internal/openapitest"
	"github.com/hookscope/hookscope-go/mockserver"
)

// Every operation of admin.openapi.yaml is called over HTTP, and every
// request and answer is validated against the document: the document
// describes what the admin API does, operation by operation.
func TestAdminOpenAPICoverage(t *testing.T) {
	t.Parallel()
	srv := mockserver.New(mockserver.WithMessages(60), mockserver.WithClock(fixedClock), mockserver.WithAdminToken("adm_doc"))
	defer srv.Close()
	doc, err := openapitest.Load("admin.openapi.yaml")
	require.NoError(t, err)
	doc.Servers = openapi3.Servers{{URL: srv.URL()}}
	tr, err := openapitest.NewTransport(doc, "adm_doc")
	require.NoError(t, err)
	tr.Next = http.DefaultTransport
	hc := &http.Client{Transport: tr}
	call := func(method, path string, body any, want int) []byte {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			require.NoError(t, err)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequest(method, srv.URL()+path, rd)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer adm_doc")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, want, resp.StatusCode, "%s %s: %s", method, path, raw)
		return raw
	}
	ep := srv.EndpointIDs("")[0]
	// Some traffic for the journal, one request of it truncated.
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/v1/logs?limit=1&x="+url.QueryEscape(string(bytes.Repeat([]byte("v"), 3000))), nil)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()

	call("GET", "/_mock/health", nil, 200)
	call("GET", "/_mock/health?%zz", nil, 400)
	call("GET", "/_mock/keys", nil, 200)
	call("POST", "/_mock/keys", map[string]any{"org": "org_doc", "plan": "starter", "scopes": []string{"logs:read"}}, 201)
	call("POST", "/_mock/keys", map[string]any{"token": "am_test_doc"}, 201)
	call("DELETE", "/_mock/keys/am_test_doc", nil, 204)
	call("DELETE", "/_mock/keys/am_test_doc", nil, 404)
	call("GET", "/_mock/messages?direction=inbound&limit=2", nil, 200)
	var page struct {
		Meta struct {
			NextCursor string `json:"next_cursor"`
		}
	}
	require.NoError(t, json.Unmarshal(call("GET", "/_mock/messages?limit=2", nil, 200), &page))
	call("GET", "/_mock/messages?limit=2&cursor="+page.Meta.NextCursor, nil, 200)
	call("GET", "/_mock/messages?org=org_none", nil, 200)
	call("POST", "/_mock/messages", map[string]any{"endpoint_id": ep, "event_type": "order.paid", "payload": map[string]int{"n": 1},
		"attempts": []map[string]any{{"status": 0}, {"status": 503, "latency_ms": 40, "error": "busy"}}}, 201)
	call("POST", "/_mock/messages", map[string]any{"endpoint_id": ep, "attempts": []map[string]any{{"status": 500}}, "final": true}, 201)
	call("POST", "/_mock/faults", map[string]any{"path": "/v1/logs", "method": "GET", "status": 429, "retry_after": "2s", "times": 3}, 201)
	call("POST", "/_mock/faults", map[string]any{"path": "/analytics/webhooks", "delay": "10ms", "drop": true}, 201)
	call("GET", "/_mock/faults", nil, 200)
	call("DELETE", "/_mock/faults", nil, 204)
	call("GET", "/_mock/requests?path=/v1/logs&method=GET&status=200&limit=5", nil, 200)
	call("DELETE", "/_mock/requests", nil, 204)
	call("GET", "/_mock/clock", nil, 200)
	call("PUT", "/_mock/clock", map[string]string{"now": "2026-05-06T16:00:00Z"}, 200)
	call("POST", "/_mock/clock/advance", map[string]string{"by": "90m"}, 200)
	call("GET", "/_mock/rate-limits", nil, 200)
	call("PUT", "/_mock/rate-limits", map[string]bool{"enabled": true}, 200)
	snap := call("GET", "/_mock/snapshot", nil, 200)
	var doc2 any
	require.NoError(t, json.Unmarshal(snap, &doc2))
	call("POST", "/_mock/reset", nil, 200)
	call("PUT", "/_mock/snapshot", doc2, 200)
	newer := doc2.(map[string]any)
	newer["version"] = 2
	call("PUT", "/_mock/snapshot", newer, 400)
	newer["version"] = 1
	call("POST", "/_mock/clock/advance", map[string]string{"by": "-1m"}, 400)

	for _, p := range tr.Problems() {
		t.Errorf("does not match admin.openapi.yaml: %.400s", p)
	}
	for _, o := range openapitest.Operations(doc) {
		assert.NotEmpty(t, tr.Calls(o.ID()), "%s is exercised", o.ID())
	}
	// The restored snapshot holds the clock and the rate-limit setting.
	assert.Equal(t, "2026-05-06T17:30:00Z", srv.Now().Format("2006-01-02T15:04:05Z07:00"))
	assert.True(t, srv.RateLimits())
}
