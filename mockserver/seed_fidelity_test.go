package mockserver_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestSeedErrorBodies asks the mock for the situation of each error example
// the API's documentation prints (testdata/seed*_error_*.json, verbatim
// copies) and compares the answer with it, text included. Only the request
// id differs between two answers, so it alone is normalized.
func TestSeedErrorBodies(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	srv.AddKey(mockserver.Key{Token: "am_test_noscope", Plan: mockserver.PlanPro, Scopes: []string{mockserver.ScopeLogsRead}})
	srv.AddKey(mockserver.Key{Token: "am_test_free", Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()})
	attempts := "/v1/inbound-messages/" + srv.InboundMessageIDs()[0] + "/attempts"
	faulty := "/v1/inbound-messages/" + srv.InboundMessageIDs()[1] + "/attempts"
	srv.InjectFault(mockserver.Fault{Path: faulty, Status: http.StatusInternalServerError})
	unknownEndpoint := "/v1/logs?endpoint_id=ep_" + "0123456789abcdef0123456789abcdef"

	cases := map[string]struct {
		path, key string
		status    int
	}{
		"seed000_error_401_unauthorized.json":              {"/v1/metrics/webhooks?metric=delivered", "", 401},
		"seed000_error_403_forbidden.json":                 {"/v1/metrics/webhooks?metric=delivered", "am_test_noscope", 403},
		"seed000_error_403_granularity_not_available.json": {"/v1/metrics/webhooks?metric=delivered&granularity=hour", "am_test_free", 403},
		"seed001_error_401_unauthorized.json":              {"/v1/logs", "", 401},
		"seed001_error_404_endpoint_not_found.json":        {unknownEndpoint, srv.APIKey(), 404},
		"seed003_error_401_unauthorized.json":              {attempts, "", 401},
		"seed003_error_500_internal_error.json":            {faulty, srv.APIKey(), 500},
		// The attempts page prints its family's 404 body, yet says an
		// unknown message id answers 200 with no attempts: the same body is
		// what the family sends for an unknown endpoint (logs).
		"seed003_error_404_endpoint_not_found.json": {unknownEndpoint, srv.APIKey(), 404},
	}
	files, err := filepath.Glob("../testdata/seed*_error_*.json")
	require.NoError(t, err)
	require.Len(t, files, len(cases), "every seed error example has a case")
	for _, f := range files {
		name := filepath.Base(f)
		tc, ok := cases[name]
		require.True(t, ok, "%s has no case", name)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var want any
			require.NoError(t, json.Unmarshal(raw, &want))

			r := do(t, srv, http.MethodGet, tc.path, tc.key, "")
			require.Equal(t, tc.status, r.status, "%s: %s", tc.path, r.body)
			var got any
			require.NoError(t, json.Unmarshal(r.body, &got))
			// Request ids differ by nature: the mock's must equal its header.
			gotID := setRequestID(got, "")
			assert.Equal(t, r.header.Get("X-Request-Id"), gotID, "the envelope's request id is the header's")
			setRequestID(want, "")
			assert.Equal(t, want, got, "%s answers the documented body, text included", tc.path)
		})
	}
}

// setRequestID replaces the request id of an error envelope (error.request_id
// or meta.request_id) with id and returns the old value.
func setRequestID(v any, id string) string {
	m, _ := v.(map[string]any)
	for _, parent := range []string{"error", "meta"} {
		if p, ok := m[parent].(map[string]any); ok {
			if old, ok := p["request_id"].(string); ok {
				p["request_id"] = id
				return old
			}
		}
	}
	return ""
}

// TestSeedTexts checks the 401 and 500 texts of every endpoint family.
func TestSeedTexts(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	ep := srv.EndpointIDs("")[0]
	inbound := srv.InboundMessageIDs()[0]
	cases := []struct {
		path, msg401 string
	}{
		{"/v1/metrics/webhooks?metric=delivered", "authentication failed"},
		{"/v1/metrics/messages?metric=messages.outbound.sent", "authentication failed"},
		{"/v1/logs", "Invalid or missing API key"},
		{"/v1/inbound-messages/" + inbound + "/attempts", "Invalid or missing API key"},
		{"/v1/inbound-messages/" + inbound, "Invalid or missing API key"},
		{"/api/v0/webhooks/" + ep, "authentication failed"},
		{"/analytics/webhooks", "authentication failed"},
	}
	for _, tc := range cases {
		r := do(t, srv, http.MethodGet, tc.path, "", "")
		require.Equal(t, http.StatusUnauthorized, r.status, tc.path)
		code, msg, _ := errorOf(t, r)
		assert.Equal(t, hookscope.CodeUnauthorized, code, tc.path)
		assert.Equal(t, tc.msg401, msg, "%s: 401 text", tc.path)

		path, _, _ := strings.Cut(tc.path, "?")
		srv.InjectFault(mockserver.Fault{Path: path, Status: http.StatusInternalServerError, Times: 1})
		r = get(t, srv, tc.path)
		require.Equal(t, http.StatusInternalServerError, r.status, tc.path)
		code, msg, _ = errorOf(t, r)
		assert.Equal(t, hookscope.CodeInternalError, code, tc.path)
		assert.Equal(t, "An internal error occurred", msg, "%s: 500 text", tc.path)
	}
}

// TestAuthorizationForms: the scheme word in any case on every endpoint; a
// bare key on analytics only.
func TestAuthorizationForms(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	key := srv.APIKey()
	paths := []string{"/v1/metrics/webhooks?metric=delivered", "/v1/logs?limit=1", "/api/v0/webhooks?limit=1", "/analytics/webhooks"}
	cases := []struct {
		header        string
		analyticsOnly bool // accepted on analytics, refused elsewhere
		ok            bool
	}{
		{"Bearer " + key, false, true},
		{"bearer " + key, false, true},
		{"BEARER " + key, false, true},
		{"bEaReR   " + key + " ", false, true},
		{key, true, true},
		{"Basic " + key, false, false},
		{"Bearer", false, false},
		{"Bearer ", false, false},
		{"Bearer am_test_unknown", false, false},
		{"am_test_unknown", false, false},
		{"Bearer " + key + " extra", false, false},
		{"Bearer " + key + "\textra", false, false},
		{"Bearer\t" + key, false, false},
	}
	for _, tc := range cases {
		for _, p := range paths {
			r := do(t, srv, http.MethodGet, p, "", "", "Authorization", tc.header)
			want := http.StatusUnauthorized
			if tc.ok && (!tc.analyticsOnly || p == "/analytics/webhooks") {
				want = http.StatusOK
			}
			assert.Equal(t, want, r.status, "%s with Authorization %q", p, strings.ReplaceAll(tc.header, key, "<key>"))
		}
	}
}
