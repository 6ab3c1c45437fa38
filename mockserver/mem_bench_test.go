package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/hookscope/hookscope-go/mockserver"
)

// Memory and construction cost of the mock:
//
//	go test -run '^$' -bench 'BenchmarkHeapPerMessage' -benchtime 1x ./mockserver
//	go test -run '^$' -bench 'BenchmarkNew$' -benchmem ./mockserver

// liveHeap is the heap in use after two garbage collections.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// serveEveryRow pages through every /v1/logs row of srv, 500 at a time,
// through its handler, and returns how many rows it read.
func serveEveryRow(b *testing.B, srv *mockserver.Server) int {
	b.Helper()
	h, auth := srv.Handler(), "Bearer "+srv.APIKey()
	rows, cursor := 0, ""
	for {
		path := "/v1/logs?limit=500"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		var page struct {
			Data []json.RawMessage `json:"data"`
			Meta struct {
				NextCursor string `json:"next_cursor"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			b.Fatal(err)
		}
		rows += len(page.Data)
		if page.Meta.NextCursor == "" {
			return rows
		}
		cursor = page.Meta.NextCursor
	}
}

// readAggregates reads metrics, analytics and webhooks of srv once: the
// answers that build the aggregates.
func readAggregates(b *testing.B, srv *mockserver.Server) {
	b.Helper()
	h, auth := srv.Handler(), "Bearer "+srv.APIKey()
	for _, path := range []string{"/v1/metrics/webhooks?metric=failed&granularity=hour", "/analytics/webhooks", "/api/v0/webhooks"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// BenchmarkHeapPerMessage reports the live heap a server holds per
// outbound message (inbound ones and their attempts included in the
// numerator): after generation (B/msg), after serving every /v1/logs row
// once (B/msg-served), and after reading metrics, analytics and webhooks,
// which build the aggregates (B/msg-all). Run it with -benchtime 1x.
func BenchmarkHeapPerMessage(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("msgs=%d", n), func(b *testing.B) {
			var gen, served, all float64
			for b.Loop() {
				before := liveHeap()
				srv := mockserver.NewHandler(mockserver.WithMessages(n), mockserver.WithClock(fixedClock))
				gen = float64(liveHeap()-before) / float64(n)
				if rows := serveEveryRow(b, srv); rows != n {
					b.Fatalf("served %d rows of %d", rows, n)
				}
				served = float64(liveHeap()-before) / float64(n)
				readAggregates(b, srv)
				all = float64(liveHeap()-before) / float64(n)
				runtime.KeepAlive(srv)
			}
			b.ReportMetric(gen, "B/msg")
			b.ReportMetric(served, "B/msg-served")
			b.ReportMetric(all, "B/msg-all")
		})
	}
}

// BenchmarkNew is the cost of a fresh mock at the default size, as a test
// that starts one per test pays it: fixed_clock is the tests' common case
// (a fixed clock, the default seed); now_clock uses time.Now, a new history
// each time but for servers made in the same millisecond; distinct_clock
// gives every server a clock of its own, so none shares a history.
func BenchmarkNew(b *testing.B) {
	b.Run("fixed_clock", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			srv := mockserver.New(mockserver.WithClock(fixedClock))
			srv.Close()
		}
	})
	b.Run("now_clock", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			srv := mockserver.New()
			srv.Close()
		}
	})
	// Every server a clock of its own, so that none shares another's
	// generated history (time.Now may repeat a millisecond).
	b.Run("distinct_clock", func(b *testing.B) {
		b.ReportAllocs()
		at := fixedClock()
		for b.Loop() {
			at = at.Add(time.Second)
			t := at
			srv := mockserver.New(mockserver.WithClock(func() time.Time { return t }))
			srv.Close()
		}
	})
}

// BenchmarkMillion is the cost of a 1,000,000-message history in process:
// generating it (NewHandler, fixed clock), then building its aggregates
// (BuildAggregates, on a server generated outside the timer). Run it with
// -benchtime 3x:
//
//	go test -run '^$' -bench BenchmarkMillion -benchtime 3x ./mockserver
func BenchmarkMillion(b *testing.B) {
	opts := []mockserver.Option{mockserver.WithMessages(1_000_000), mockserver.WithClock(fixedClock)}
	b.Run("generate", func(b *testing.B) {
		for b.Loop() {
			mockserver.NewHandler(opts...).Close()
		}
	})
	b.Run("aggregates", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			srv := mockserver.NewHandler(opts...)
			b.StartTimer()
			srv.BuildAggregates()
			b.StopTimer()
			srv.Close()
		}
	})
}
