package mockserver_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

// serveGet serves path through srv's handler with its key and checks the 200.
func serveGet(t testing.TB, srv *mockserver.Server, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, "%s: %s", path, rec.Body)
	return rec
}

// bytesPerCall is the heap allocated by one GET of path, averaged.
func bytesPerCall(t *testing.T, srv *mockserver.Server, path string) float64 {
	serveGet(t, srv, path)
	const calls = 50
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	for range calls {
		serveGet(t, srv, path)
	}
	runtime.ReadMemStats(&b)
	return float64(b.TotalAlloc-a.TotalAlloc) / calls
}

// Listing webhooks and analytics read a sorted index kept on write: what a
// call allocates does not grow with the number of webhooks (before, each
// call copied and sorted every endpoint: x7 the bytes at 20,000). Not
// parallel: it reads the allocation counters; no clock is read.
func TestWebhookReadsDoNotGrowWithWebhooks(t *testing.T) {
	small, _ := newServer(t, mockserver.WithMessages(0))
	mockserver.AddWebhooks(small, 200)
	large, _ := newServer(t, mockserver.WithMessages(0))
	mockserver.AddWebhooks(large, 20000)
	for _, path := range []string{"/api/v0/webhooks?limit=10", "/analytics/webhooks"} {
		s, l := bytesPerCall(t, small, path), bytesPerCall(t, large, path)
		t.Logf("%s: %.0f B/call at 200 webhooks, %.0f at 20,000 (x%.2f)", path, s, l, l/s)
		assert.Less(t, l, 1.5*s, path)
	}
}

// The index follows creates (out of time order too) and deletes: the list is
// in (created_at, id) order and analytics counts the live webhooks.
func TestWebhookIndexFollowsWrites(t *testing.T) {
	t.Parallel()
	clk := mockserver.NewTestClock(fixedNow)
	srv, _ := newServer(t, mockserver.WithMessages(0), mockserver.WithClock(clk.Now))
	want := mustList(t, srv)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 60 {
		clk.Add(time.Duration(rng.IntN(7200)-3600) * time.Second) // back and forth
		id := createWebhook(t, srv, fmt.Sprintf("w%d", i))
		want = append(want, listedWebhook{id, clk.Now().Truncate(time.Millisecond)})
		if i%4 == 3 {
			k := rng.IntN(len(want))
			require.Equal(t, http.StatusNoContent, do(t, srv, http.MethodDelete, webhooksPath+"/"+want[k].id, srv.APIKey(), "").status)
			want = slices.Delete(want, k, k+1)
		}
	}
	slices.SortFunc(want, func(a, b listedWebhook) int { return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id)) })
	got := mustList(t, srv)
	require.Equal(t, len(want), len(got))
	for i := range want {
		assert.Equal(t, want[i].id, got[i].id, "position %d", i)
	}
	an := get(t, srv, "/analytics/webhooks").json(t)
	assert.Equal(t, float64(len(want)), dig(an, "data", "total", "webhooks"))
}

// listedWebhook is a webhook as the list shows it.
type listedWebhook struct {
	id      string
	created time.Time
}

// mustList pages through every webhook, 7 at a time.
func mustList(t *testing.T, srv *mockserver.Server) []listedWebhook {
	t.Helper()
	var out []listedWebhook
	path := webhooksPath + "?limit=7"
	for {
		m := get(t, srv, path).json(t)
		for _, w := range m["data"].([]any) {
			created, err := time.Parse(time.RFC3339Nano, dig(w, "created_at").(string))
			require.NoError(t, err)
			out = append(out, listedWebhook{dig(w, "id").(string), created})
		}
		next, _ := dig(m, "meta", "next_cursor").(string)
		if next == "" {
			return out
		}
		path = webhooksPath + "?limit=7&cursor=" + next
	}
}

// BenchmarkWebhookReads lists webhooks (a 10-row page) and reads analytics
// at 200 and 20,000 webhooks in one run; the pair's ratio shows whether a
// call's cost grows with the number of webhooks:
//
//	go test -run '^$' -bench BenchmarkWebhookReads -benchmem ./mockserver
func BenchmarkWebhookReads(b *testing.B) {
	srvs := map[int]*mockserver.Server{}
	for _, n := range []int{200, 20000} {
		srv := mockserver.New(mockserver.WithMessages(0), mockserver.WithClock(fixedClock))
		b.Cleanup(srv.Close)
		mockserver.AddWebhooks(srv, n)
		srvs[n] = srv
	}
	for _, path := range []struct{ name, path string }{{"list", "/api/v0/webhooks?limit=10"}, {"analytics", "/analytics/webhooks"}} {
		b.Run(path.name, func(b *testing.B) {
			for _, n := range []int{200, 20000} {
				b.Run(fmt.Sprintf("webhooks=%d", n), func(b *testing.B) {
					benchGet(b, srvs[n], path.path)
				})
			}
		})
	}
}
