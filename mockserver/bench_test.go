package mockserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hookscope/hookscope-go/mockserver"
)

// Benchmarks of the mock's handlers, served through Handler() into an
// httptest.ResponseRecorder (handler cost, no TCP), on the fixed clock of the
// tests. Each handler runs against 2,000 and 200,000 messages in the same
// run, so that the pair shows whether a request's cost grows with the data:
//
//	go test -run '^$' -bench 'BenchmarkHandlers' -benchmem ./mockserver
//
// The servers are built once per benchmark process.

var benchServers struct {
	mu   sync.Mutex
	srvs map[int]*mockserver.Server
}

// benchServer returns the shared server with n messages on fixedClock.
func benchServer(b *testing.B, n int) *mockserver.Server {
	b.Helper()
	benchServers.mu.Lock()
	defer benchServers.mu.Unlock()
	if benchServers.srvs == nil {
		benchServers.srvs = map[int]*mockserver.Server{}
	}
	srv := benchServers.srvs[n]
	if srv == nil {
		srv = mockserver.New(mockserver.WithMessages(n), mockserver.WithClock(fixedClock))
		benchServers.srvs[n] = srv // lives until the process ends
	}
	return srv
}

// benchGet serves path through srv's handler b.N times and fails on a non-200.
func benchGet(b *testing.B, srv *mockserver.Server, path string) {
	b.Helper()
	h := srv.Handler()
	auth := "Bearer " + srv.APIKey()
	var size int
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "resp-bytes")
}

// busiestEndpoint is the id of srv's endpoint with the most messages.
func busiestEndpoint(b *testing.B, srv *mockserver.Server) string {
	b.Helper()
	best, most := "", -1.0
	for _, wh := range dig(get(b, srv, "/api/v0/webhooks?limit=100").json(b), "data").([]any) {
		if n := dig(wh, "delivery_stats", "total_events").(float64); n > most {
			best, most = dig(wh, "id").(string), n
		}
	}
	return best
}

// BenchmarkHandlers: each case at msgs=2000 and msgs=200000.
func BenchmarkHandlers(b *testing.B) {
	cases := []struct {
		name string
		path func(b *testing.B, srv *mockserver.Server) string
	}{
		{"logs_status_filter", func(*testing.B, *mockserver.Server) string { return "/v1/logs?status=succeeded&limit=100" }},
		{"metrics_24h_by_endpoint", func(*testing.B, *mockserver.Server) string {
			return "/v1/metrics/webhooks?metric=delivered&granularity=hour&group_by=endpoint_id"
		}},
		{"webhook_get_events", func(b *testing.B, srv *mockserver.Server) string {
			return "/api/v0/webhooks/" + busiestEndpoint(b, srv) + "?include_events=true"
		}},
		{"analytics", func(*testing.B, *mockserver.Server) string { return "/analytics/webhooks" }},
	}
	// The servers exist before any case runs, so that every case runs
	// with the same heap (and garbage collector load).
	sizes := []int{2000, 200000, 1000000}
	for _, n := range sizes {
		benchServer(b, n)
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for _, n := range sizes {
				b.Run(fmt.Sprintf("msgs=%d", n), func(b *testing.B) {
					srv := benchServer(b, n)
					benchGet(b, srv, c.path(b, srv))
				})
			}
		})
	}
}

// BenchmarkGenerate builds a server of 200,000 messages (the generator and
// every index and aggregate kept on insert).
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		srv := mockserver.New(mockserver.WithMessages(200000), mockserver.WithClock(fixedClock))
		srv.Close()
	}
}

// BenchmarkLogsPage is a 100-row page deep in 200,000 messages (second page, by cursor).
func BenchmarkLogsPage(b *testing.B) {
	srv := benchServer(b, 200000)
	cur := dig(get(b, srv, "/v1/logs?limit=100").json(b), "meta", "next_cursor").(string)
	benchGet(b, srv, "/v1/logs?limit=100&cursor="+cur)
}

// BenchmarkLogsPage500 is a 500-row page (the largest), the large response of
// bench/throughput.sh.
func BenchmarkLogsPage500(b *testing.B) {
	srv := benchServer(b, 2000)
	benchGet(b, srv, "/v1/logs?limit=500")
}
