package mockcmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
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
