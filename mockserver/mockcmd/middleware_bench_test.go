package mockcmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
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
			var out io.Writer = f
			if c.batch {
				bw := newBatchWriter(f, logFlushDelay, logBatchBytes)
				defer bw.Flush()
				out = bw
			}
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
