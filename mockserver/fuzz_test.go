package mockserver_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
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

// FuzzIdempotencyKey: two writes with one Idempotency-Key (any header value,
// any two bodies). The key is refused with a 400 naming it, or: the second
// gets the first's answer byte for byte when the bodies are equal and the
// first was kept (a 2xx), a 422 IDEMPOTENCY_KEY_REUSED when they differ;
// when the first was not kept, the second is served as a first request.
// Never a 5xx or a panic.
func FuzzIdempotencyKey(f *testing.F) {
	srv := mockserver.New(mockserver.WithMessages(0), mockserver.WithClock(fixedClock))
	f.Cleanup(srv.Close)
	ok := `{"name":"a","url":"https://a.example"}`
	f.Add("k", []byte(ok), []byte(ok))
	f.Add("k", []byte(ok), []byte(`{"name":"b","url":"https://a.example"}`))
	f.Add("k", []byte(`{"name":"a","url":"http://a.example"}`), []byte(ok))
	f.Add("", []byte(ok), []byte(ok))
	f.Add("clé", []byte(ok), []byte(ok))
	f.Add("a\x00b", []byte(ok), []byte(`{`))
	h := srv.Handler()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, key string, body1, body2 []byte) {
		// A fresh organization per input: earlier inputs' keys do not count.
		token := fmt.Sprintf("am_test_fuzz%d", n.Add(1))
		srv.AddKey(mockserver.Key{Token: token, Org: "org_" + token, Plan: mockserver.PlanPro, Scopes: mockserver.AllScopes()})
		post := func(body []byte) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, "/api/v0/webhooks", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header["Idempotency-Key"] = []string{key}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code < 200 || rec.Code >= 500 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			return rec
		}
		first, second := post(body1), post(body2)
		validKey := key != "" && len(key) <= 255
		for i := 0; i < len(key); i++ {
			validKey = validKey && key[i] >= 0x20 && key[i] <= 0x7e
		}
		switch {
		case !validKey:
			for _, rec := range []*httptest.ResponseRecorder{first, second} {
				if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Idempotency-Key") {
					t.Fatalf("key %q: %d %s", key, rec.Code, rec.Body)
				}
			}
		case first.Code/100 != 2:
			if second.Code == http.StatusUnprocessableEntity || second.Code == http.StatusConflict {
				t.Fatalf("the failed first request kept the key: %d %s", second.Code, second.Body)
			}
		case bytes.Equal(body1, body2):
			if second.Code != first.Code || second.Body.String() != first.Body.String() {
				t.Fatalf("replay: %d %s, first %d %s", second.Code, second.Body, first.Code, first.Body)
			}
		default:
			if second.Code != http.StatusUnprocessableEntity || !strings.Contains(second.Body.String(), "IDEMPOTENCY_KEY_REUSED") {
				t.Fatalf("another body: %d %s", second.Code, second.Body)
			}
		}
	})
}
