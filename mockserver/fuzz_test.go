package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/hookscope/hookscope-go/mockserver"
)

// FuzzQuery: any query on any endpoint is answered with a 2xx or a 4xx,
// never a 5xx or a panic.
func FuzzQuery(f *testing.F) {
	srv := mockserver.New(mockserver.WithMessages(200), mockserver.WithClock(fixedClock))
	f.Cleanup(srv.Close)
	ep := srv.EndpointIDs("")[0]
	in := srv.InboundMessageIDs()[0]
	paths := []string{"/v1/metrics/webhooks", "/v1/metrics/messages", "/v1/logs", "/api/v0/webhooks", "/api/v0/webhooks/" + ep,
		"/v1/inbound-messages/" + in + "/attempts", "/v1/inbound-messages/" + in, "/v1/messages/" + in + "/attempts", "/analytics/webhooks"}
	cur := dig(get(f, srv, "/v1/logs?limit=1").json(f), "meta", "next_cursor").(string)
	for _, q := range []string{"", "metric=delivered&granularity=minute&group_by=kind&compare_to=prior_period",
		"from=2026-01-01T00:00:00.5Z&to=2026-01-02T00:00:00+02:00", "limit=7&cursor=" + cur, "cursor=%ZZ", "limit=-9223372036854775808",
		"start_time=2026-05-01T00:00:00Z&end_time=2026-05-02T00:00:00Z&status=failed_permanent", "include_events=true&events_limit=50"} {
		for i := range paths {
			f.Add(uint8(i), q)
		}
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, pathIdx uint8, rawQuery string) {
		path := paths[int(pathIdx)%len(paths)]
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path, req.URL.RawQuery = path, rawQuery
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code >= 500 {
			t.Fatalf("%s?%s: status %d: %s", path, rawQuery, rec.Code, rec.Body)
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Fatalf("no X-Request-Id")
		}
	})
}

// FuzzCursor: any cursor on any paged endpoint is answered with a 200 or a
// 400 INVALID_REQUEST, never a 5xx or a panic.
func FuzzCursor(f *testing.F) {
	srv := mockserver.New(mockserver.WithMessages(100), mockserver.WithClock(fixedClock))
	f.Cleanup(srv.Close)
	for _, p := range []string{"/v1/logs?limit=2", "/v1/metrics/webhooks?metric=delivered&limit=2", "/api/v0/webhooks?limit=2"} {
		f.Add(dig(get(f, srv, p).json(f), "meta", "next_cursor").(string))
	}
	f.Add("")
	f.Add("eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0=")
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, cur string) {
		for _, p := range []string{"/v1/logs?limit=2", "/v1/metrics/webhooks?metric=delivered&limit=2", "/api/v0/webhooks?limit=2"} {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			req.URL.RawQuery += "&cursor=" + url.QueryEscape(cur)
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
				t.Fatalf("%s cursor %q: status %d: %s", p, cur, rec.Code, rec.Body)
			}
		}
	})
}
