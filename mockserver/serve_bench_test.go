package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hookscope/hookscope-go/mockserver"
)

// discardWriter is a reusable http.ResponseWriter that keeps the status and
// drops the body, so that BenchmarkServePipeline counts the server's own
// allocations, not a recorder's.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

// BenchmarkServePipeline is the request pipeline's cost per request (request
// id, journal, routing, auth, query parsing, headers) around the two answers
// of bench/throughput.sh, at 2,000 messages: a webhook get with recent
// events (small) and a 500-row logs page (large), plus a request without a
// key (the 401, pipeline only). The request is built once; the header map
// the writer hands out is cleared between requests, as net/http's is new.
//
//	go test -run '^$' -bench BenchmarkServePipeline -benchmem ./mockserver
func BenchmarkServePipeline(b *testing.B) {
	srv := mockserver.NewHandler(mockserver.WithMessages(2000), mockserver.WithClock(fixedClock))
	defer srv.Close()
	h := srv.Handler()
	webhook := "/api/v0/webhooks/" + busiestEndpointOf(b, h, srv.APIKey()) + "?include_events=true"
	cases := []struct {
		name, path, auth string
		status           int
	}{
		{"small", webhook, "Bearer " + srv.APIKey(), http.StatusOK},
		{"large", "/v1/logs?limit=500", "Bearer " + srv.APIKey(), http.StatusOK},
		{"unauthorized", "/v1/logs?limit=3", "", http.StatusUnauthorized},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				w.status, w.n = 0, 0
				req.Body = http.NoBody // as net/http hands a GET
				h.ServeHTTP(w, req)
				if w.status != c.status {
					b.Fatalf("%s: status %d, want %d", c.path, w.status, c.status)
				}
			}
			b.ReportMetric(float64(w.n), "resp-bytes")
		})
	}
}

// busiestEndpointOf is the id of the endpoint with the most messages, read
// through h.
func busiestEndpointOf(b *testing.B, h http.Handler, key string) string {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v0/webhooks?limit=100", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	best, most := "", -1.0
	for _, wh := range dig(response{status: rec.Code, body: rec.Body.Bytes()}.json(b), "data").([]any) {
		if n := dig(wh, "delivery_stats", "total_events").(float64); n > most {
			best, most = dig(wh, "id").(string), n
		}
	}
	return best
}
