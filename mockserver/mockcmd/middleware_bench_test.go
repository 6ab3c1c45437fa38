package mockcmd

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookscope/hookscope-go/mockserver"
)

// BenchmarkAccessLog is the access log's cost per request to a file (as
// bench/throughput.sh sends stderr), in each format, with requests on
// every core, as under load: each line written as it is logged (direct),
// and in batches as hookscope-mock writes it (batched).
//
//	go test -run '^$' -bench BenchmarkAccessLog -benchmem ./mockserver/mockcmd
func BenchmarkAccessLog(b *testing.B) {
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req_0123456789abcdef")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	for _, c := range []struct {
		format string
		batch  bool
	}{{"text", false}, {"text", true}, {"json", false}, {"json", true}} {
		name := c.format + "/direct"
		if c.batch {
			name = c.format + "/batched"
		}
		b.Run(name, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			out := lineByLine(f)
			if c.batch {
				out = newBatchWriter(f, logFlushDelay, logBatchBytes)
			}
			defer out.Flush()
			h := withAccessLog(next, c.format, out)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequest(http.MethodGet, "/v1/logs?limit=500", nil)
				w := &nopWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					h.ServeHTTP(w, req)
				}
			})
		})
	}
}

// nopWriter is a reusable ResponseWriter that drops the answer.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) WriteHeader(int)             {}
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkAppendAccessText is one text access-log line: its time
// formatted in full (uncached, as every line was before stampCache) and
// from the kept text of its second (cached).
//
//	go test -run '^$' -bench BenchmarkAppendAccessText -benchmem ./mockserver/mockcmd
func BenchmarkAppendAccessText(b *testing.B) {
	at := time.Date(2026, 5, 6, 15, 4, 5, 123_456_789, time.Local)
	for _, c := range []struct {
		name   string
		stamps *stampCache
	}{{"uncached", nil}, {"cached", new(stampCache)}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 256)
			for b.Loop() {
				buf, _ = appendAccessText(buf[:0], c.stamps, at, "GET", "/api/v0/webhooks/ep_390637754c3918881bfde2b6c5f7076c", 200, 3068, 41*time.Microsecond, "req_0123456789abcdef", "127.0.0.1:40000")
			}
		})
	}
}

// BenchmarkServeChain is the handler chain hookscope-mock serves (access
// log, CORS, the mock) per request, on the small answer of
// bench/throughput.sh (a webhook get with recent events, 2,000 messages),
// with the text access log batched to a file as hookscope-mock writes it
// (log) and without it (off): their difference is what the access log
// costs a request, in process.
//
//	go test -run '^$' -bench BenchmarkServeChain -benchmem ./mockserver/mockcmd
func BenchmarkServeChain(b *testing.B) {
	t := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	srv := mockserver.NewHandler(mockserver.WithClock(func() time.Time { return t }))
	defer srv.Close()
	id := busiestWebhookID(b, srv.Handler(), srv.APIKey())
	for _, logged := range []bool{true, false} {
		name := "off"
		if logged {
			name = "log"
		}
		b.Run(name, func(b *testing.B) {
			h := withCORS(srv.Handler(), nil)
			if logged {
				f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				bw := newBatchWriter(f, logFlushDelay, logBatchBytes)
				defer bw.Flush()
				h = withAccessLog(h, "text", bw)
			}
			req := httptest.NewRequest(http.MethodGet, "/api/v0/webhooks/"+id+"?include_events=true", nil)
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				req.Body = http.NoBody // as net/http hands a GET
				h.ServeHTTP(w, req)
			}
		})
	}
}

// busiestWebhookID is the id of the webhook with the most events, as
// bench/baseline picks its small answer, read through h.
func busiestWebhookID(b *testing.B, h http.Handler, key string) string {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v0/webhooks?limit=100", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var list struct {
		Data []struct {
			ID    string `json:"id"`
			Stats struct {
				Total int64 `json:"total_events"`
			} `json:"delivery_stats"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Data) == 0 {
		b.Fatalf("listing webhooks: %d %s (%v)", rec.Code, rec.Body, err)
	}
	best := list.Data[0]
	for _, wh := range list.Data {
		if wh.Stats.Total > best.Stats.Total {
			best = wh
		}
	}
	return best.ID
}
