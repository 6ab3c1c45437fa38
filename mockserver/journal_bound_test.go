package mockserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

// entryBytes is what an entry keeps of path, query and header.
func entryBytes(r mockserver.RecordedRequest) int {
	n := len(r.Path)
	for k, vs := range r.Query {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	for k, vs := range r.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// Unauthenticated requests with a megabyte of headers each: the journal keeps
// kilobytes of each, not the megabyte. Not parallel: it measures the heap.
func TestJournalBoundedInBytes(t *testing.T) {
	srv := mockserver.New(mockserver.WithMessages(0), mockserver.WithClock(fixedClock))
	defer srv.Close()
	big := strings.Repeat("x", 1000<<10)
	const n = 32
	send := func() {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v1/logs", nil)
		require.NoError(t, err)
		req.Header.Set("X-Big", big)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	}
	send() // connection and buffers warm
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		send()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap grew %d KiB for %d requests of 1000 KiB of headers", grown>>10, n)
	// Before the bound: about 31 MiB (the whole header of each request).
	assert.Less(t, grown, int64(n*64<<10), "at most tens of KiB per journaled request")
	reqs := srv.Requests()
	require.Len(t, reqs, n+1)
	for _, r := range reqs {
		assert.True(t, r.Truncated, "marked truncated")
		assert.LessOrEqual(t, entryBytes(r), 8<<10, "entry within 8 KiB")
	}
	runtime.KeepAlive(srv)
}

func TestJournalTruncates(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0))
	long := strings.Repeat("é", 1500) // 3000 bytes, two per rune
	many := make([]string, 0, 40)
	for i := range 40 {
		many = append(many, fmt.Sprintf("X-H%02d", i), strings.Repeat("v", 900))
	}
	cases := []struct {
		name   string
		path   string
		header []string
		check  func(t *testing.T, r mockserver.RecordedRequest)
	}{
		{"small request kept whole", "/v1/logs?limit=3", []string{"X-Trace", "abc"}, func(t *testing.T, r mockserver.RecordedRequest) {
			assert.False(t, r.Truncated)
			assert.Equal(t, "abc", r.Header.Get("X-Trace"))
			assert.Equal(t, url.Values{"limit": {"3"}}, r.Query)
		}},
		{"long header value cut at 1 KiB on a rune boundary", "/v1/logs", []string{"X-Long", long}, func(t *testing.T, r mockserver.RecordedRequest) {
			assert.True(t, r.Truncated)
			v := r.Header.Get("X-Long")
			assert.True(t, strings.HasSuffix(v, "…[truncated]"), v)
			cut := strings.TrimSuffix(v, "…[truncated]")
			assert.Equal(t, 1024, len(cut))
			assert.True(t, strings.HasPrefix(long, cut))
		}},
		{"long query value cut", "/v1/logs?q=" + strings.Repeat("q", 5000), nil, func(t *testing.T, r mockserver.RecordedRequest) {
			assert.True(t, r.Truncated)
			assert.Equal(t, strings.Repeat("q", 1024)+"…[truncated]", r.Query.Get("q"))
		}},
		{"long path cut", "/v1/" + strings.Repeat("p", 4000), nil, func(t *testing.T, r mockserver.RecordedRequest) {
			assert.True(t, r.Truncated)
			assert.Equal(t, 1024+len("…[truncated]"), len(r.Path))
			assert.Equal(t, http.StatusNotFound, r.Status)
		}},
		{"many headers: 8 KiB kept, Authorization first", "/v1/logs", many, func(t *testing.T, r mockserver.RecordedRequest) {
			assert.True(t, r.Truncated)
			assert.LessOrEqual(t, entryBytes(r), 8<<10)
			assert.Equal(t, "Bearer am_test_[REDACTED]", r.Header.Get("Authorization"))
			assert.NotEmpty(t, r.Header.Get("X-H00"), "the first by name are kept")
			assert.Empty(t, r.Header.Get("X-H39"), "the last are left out")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(srv.Requests())
			_ = do(t, srv, http.MethodGet, c.path, srv.APIKey(), "", c.header...)
			reqs := srv.Requests()
			require.Len(t, reqs, before+1)
			c.check(t, reqs[len(reqs)-1])
		})
	}
}

// The journal shows no part of a token past a known key prefix, and no
// unknown scheme word (which may be the secret itself).
func TestJournalRedactsAuthorization(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0))
	cases := []struct{ sent, want string }{
		{"Bearer am_test_0123456789abcdef", "Bearer am_test_[REDACTED]"},
		{"Bearer am_live_abc_def", "Bearer am_live_[REDACTED]"},
		{"bearer am_test_x", "bearer am_test_[REDACTED]"},
		{"Bearer abcdefghij_klmnop", "Bearer [REDACTED]"},
		{"Bearer a_secretsecret", "Bearer [REDACTED]"},
		{"Bearer x_y_z_secret", "Bearer [REDACTED]"},
		{"Bearer   am_test_spaced", "Bearer am_test_[REDACTED]"},
		{"am_test_rawkeyform", "am_test_[REDACTED]"},
		{"sekrit_token_value", "[REDACTED]"},
		{"Token sekrit", "[REDACTED]"},
		{"Basic dXNlcjpwYXNz", "Basic [REDACTED]"},
	}
	for _, c := range cases {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v1/logs", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", c.sent)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		reqs := srv.Requests()
		got := reqs[len(reqs)-1].Header.Get("Authorization")
		assert.Equal(t, c.want, got, c.sent)
	}
}
