package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/hookscope/hookscope-go/mockserver"
)

// FuzzAdmin: any body (and query) on any admin endpoint is answered with a
// 2xx or a 4xx, never a 5xx or a panic, and leaves a server that still
// answers its API and its admin API: 200 (or 429) to the default key while
// it is a key with every scope on the pro plan; never a 5xx whatever the
// key became (a restored snapshot may name a removed default key, as a
// snapshot taken after RemoveKey(APIKey()) does, or give it fewer scopes).
func FuzzAdmin(f *testing.F) {
	srv := mockserver.NewHandler(mockserver.WithMessages(40), mockserver.WithClock(fixedClock), mockserver.WithAdminToken("adm"))
	ep := srv.EndpointIDs("")[0]
	var snap bytes.Buffer
	if err := srv.Snapshot(&snap); err != nil {
		f.Fatal(err)
	}
	routes := []struct{ method, path string }{
		{"POST", "/_mock/keys"}, {"DELETE", "/_mock/keys/am_test_x"}, {"GET", "/_mock/messages"}, {"POST", "/_mock/messages"},
		{"POST", "/_mock/faults"}, {"GET", "/_mock/requests"}, {"PUT", "/_mock/clock"}, {"POST", "/_mock/clock/advance"},
		{"PUT", "/_mock/rate-limits"}, {"POST", "/_mock/reset"}, {"PUT", "/_mock/snapshot"}, {"GET", "/_mock/snapshot"},
	}
	for i, body := range []string{
		`{"token":"am_test_x","plan":"starter","scopes":["logs:read"]}`, ``, `direction=inbound&limit=3`,
		`{"endpoint_id":"` + ep + `","attempts":[{"status":503},{"status":0,"latency_ms":5}],"payload":{"a":[1]}}`,
		`{"path":"/v1/logs","status":429,"retry_after":"3s","times":2}`, `status=200&limit=2`,
		`{"now":"2026-05-07T00:00:00Z"}`, `{"by":"36h"}`, `{"enabled":true}`, `{}`, snap.String(), ``,
	} {
		f.Add(uint8(i), body)
	}
	f.Add(uint8(10), strings.Replace(snap.String(), `"attempt_no":1`, `"attempt_no":2`, 1))
	f.Add(uint8(3), `{"endpoint_id":"`+ep+`","created_at":"0001-01-01T00:00:00Z"}`)
	f.Add(uint8(7), `{"by":"2562047h47m16.854775807s"}`)
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, routeIdx uint8, body string) {
		rt := routes[int(routeIdx)%len(routes)]
		req := httptest.NewRequest(rt.method, rt.path, strings.NewReader(body))
		if rt.method == http.MethodGet {
			req = httptest.NewRequest(rt.method, rt.path, nil)
			req.URL.RawQuery = body
		}
		req.Header.Set("Authorization", "Bearer adm")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code >= 500 {
			t.Fatalf("%s %s %q: status %d: %s", rt.method, rt.path, body, rec.Code, rec.Body)
		}
		// Injected faults misbehave on purpose (a Delay would hold the
		// checks): the checks are of the store.
		srv.ClearFaults()
		pristine := slices.ContainsFunc(srv.Keys(), func(k mockserver.Key) bool {
			return k.Token == srv.APIKey() && k.Plan == mockserver.PlanPro &&
				!slices.ContainsFunc(mockserver.AllScopes(), func(sc string) bool { return !slices.Contains(k.Scopes, sc) })
		})
		for _, check := range []struct{ path, token string }{{"/_mock/health", ""}, {"/v1/logs?limit=2", srv.APIKey()},
			{"/analytics/webhooks", srv.APIKey()}, {"/api/v0/webhooks", srv.APIKey()}} {
			req := httptest.NewRequest(http.MethodGet, check.path, nil)
			if check.token != "" {
				req.Header.Set("Authorization", "Bearer "+check.token)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 || (pristine || check.token == "") && rec.Code != http.StatusOK && rec.Code != http.StatusTooManyRequests {
				t.Fatalf("after %s %s %q: %s answers %d: %s", rt.method, rt.path, body, check.path, rec.Code, rec.Body)
			}
		}
	})
}
