package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sameMap reports whether a and b are the same map (not equal ones).
func sameMap[K comparable, V any](a, b map[K]V) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// Servers of one seed, clock and size read one generated base until their
// first write; another seed, size or clock is another base; a history too
// large to cache is a server's own.
func TestServersShareGeneratedBase(t *testing.T) {
	t.Parallel()
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC) // a clock no other test uses
	clock := func() time.Time { return at }
	a := NewHandler(WithClock(clock), WithMessages(300))
	b := NewHandler(WithClock(clock), WithMessages(300))
	assert.True(t, sameMap(a.st.orgs, b.st.orgs), "same key: one base")
	assert.Same(t, a.id(), b.id(), "and one identity")
	assert.NotNil(t, a.st.base, "a borrows")
	assert.Nil(t, a.st.rng, "a borrowed store draws no ids")

	for _, other := range []*Server{
		NewHandler(WithClock(clock), WithMessages(301)),
		NewHandler(WithClock(clock), WithMessages(300), WithSeed(2)),
		NewHandler(WithClock(func() time.Time { return at.Add(time.Millisecond) }), WithMessages(300)),
	} {
		assert.False(t, sameMap(a.st.orgs, other.st.orgs), "another key: another base")
	}

	AddWebhooks(a, 1)
	assert.False(t, sameMap(a.st.orgs, b.st.orgs), "a write copies")
	assert.Nil(t, a.st.base, "a owns its records")
	assert.NotNil(t, a.st.rng, "and draws ids")
	assert.NotNil(t, b.st.base, "b still borrows")
	assert.Len(t, a.st.orgs[a.DefaultOrgID()].endpoints, len(profiles)+1, "a has the new webhook")
	assert.Len(t, b.st.orgs[b.DefaultOrgID()].endpoints, len(profiles), "b has not")

	a.Reset()
	assert.True(t, sameMap(a.st.orgs, b.st.orgs), "Reset borrows the base again")

	// A clock move that makes retries copies; one that makes none (no
	// message pending) keeps the base shared.
	assert.NoError(t, a.AdvanceClock(time.Millisecond)) // the big inbound message is due
	assert.Nil(t, a.st.base, "retries made: a owns its records")
	empty := NewHandler(WithClock(clock), WithMessages(0))
	assert.NoError(t, empty.AdvanceClock(time.Hour))
	assert.NotNil(t, empty.st.base, "nothing due: still borrowed")

	big := NewHandler(WithClock(clock), WithMessages(maxCachedBaseMessages+1))
	assert.Nil(t, big.st.base, "a large history is the server's own")
}

// The cache keeps at most maxCachedBases bases, least recently used out.
func TestBaseCacheBounded(t *testing.T) {
	t.Parallel()
	gen := func() (*identity, *store) { return &identity{}, newStore(nil) }
	first := sharedBase(baseKey{seed: -1, messages: 1}, gen)
	for i := range maxCachedBases + 3 {
		sharedBase(baseKey{seed: -2 - int64(i), messages: 1}, gen)
	}
	baseCache.mu.Lock()
	n := len(baseCache.entries)
	var found bool
	for _, e := range baseCache.entries {
		found = found || e == first
	}
	baseCache.mu.Unlock()
	assert.LessOrEqual(t, n, maxCachedBases, "bounded")
	assert.False(t, found, "the least recently used left")
}

// Serving every /v1/logs row once keeps the encoding of the newest
// maxCachedRows rows only: the rows' cache does not grow with the history.
func TestRowCacheBounded(t *testing.T) {
	t.Parallel()
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	s := NewHandler(WithClock(func() time.Time { return at }), WithMessages(maxCachedRows+1500))
	cursor := ""
	for pages := 0; ; pages++ {
		path := "/v1/logs?limit=500"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+s.APIKey())
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var page struct {
			Meta struct {
				NextCursor string `json:"next_cursor"`
			} `json:"meta"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		if cursor = page.Meta.NextCursor; cursor == "" {
			break
		}
		require.Less(t, pages, 100, "pages end")
	}
	o := s.st.orgs[s.DefaultOrgID()]
	all := o.outboundBy[filterKey{}]
	cached := 0
	for i, ref := range all {
		if o.rows.get(ref, o.endpointOf(o.msg(ref)).url) != nil {
			cached++
			assert.GreaterOrEqual(t, i, len(all)-maxCachedRows, "only the newest rows are cached")
		}
	}
	assert.Equal(t, maxCachedRows, cached, "the newest rows are cached, no more")
}

// Generation gives the same records whatever the number of cores: a
// history too large to share, generated with GOMAXPROCS 1 and 2, snapshots
// to the same bytes. Not parallel: GOMAXPROCS is the process's.
func TestGenerateSameOnAnyCoreCount(t *testing.T) {
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	snap := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s := NewHandler(WithClock(func() time.Time { return at }), WithMessages(2*maxCachedBaseMessages+1), WithSeed(3))
		require.Nil(t, s.st.base, "generated, not shared")
		var b bytes.Buffer
		require.NoError(t, s.Snapshot(&b))
		return b.Bytes()
	}
	// 40,001 messages: three outbound chunks drawn in parallel, the recent
	// ones, and inbound chunks.
	one := snap(1)
	assert.Greater(t, len(one), 1_000_000, "a snapshot of the history")
	for _, procs := range []int{2, 3, 8} {
		assert.True(t, bytes.Equal(one, snap(procs)), "GOMAXPROCS 1 and %d: the same records", procs)
	}
}

// After generating or restoring a history (its rollups filled in bulk),
// every rollup level's keys are its units, sorted, and no level is left in
// bulk mode.
func TestRollupKeysSortedAfterBulk(t *testing.T) {
	t.Parallel()
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	s := NewHandler(WithClock(func() time.Time { return at }), WithMessages(3000), WithSeed(5))
	var b bytes.Buffer
	require.NoError(t, s.Snapshot(&b))
	r := NewHandler(WithClock(func() time.Time { return at }), WithMessages(0))
	require.NoError(t, r.Restore(&b))
	for name, srv := range map[string]*Server{"generated": s, "restored": r} {
		o := srv.st.orgs[srv.DefaultOrgID()]
		for i := range o.roll {
			l := &o.roll[i]
			assert.False(t, l.bulk, "%s level %d: bulk ended", name, i)
			assert.True(t, slices.IsSorted(l.keys), "%s level %d: keys sorted", name, i)
			assert.Len(t, l.keys, len(l.m), "%s level %d: one key per unit", name, i)
			for _, k := range l.keys {
				_, ok := l.m[k]
				assert.True(t, ok, "%s level %d: key %d is a unit", name, i, k)
			}
		}
	}
}
