package mockserver

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Once the ring is full, journaling a request allocates nothing: each slot
// reuses its buffers. Requests' answers are copies: a slot written over
// later does not change what Requests returned before. Not parallel:
// AllocsPerRun.
func TestJournalReusesSlots(t *testing.T) {
	var j journal
	req := func(i int) (*http.Request, *queryArgs) {
		r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v1/logs?limit=%d&status=succeeded", i), nil)
		r.Header.Set("Authorization", "Bearer am_test_secret")
		r.Header.Set("User-Agent", fmt.Sprintf("agent/%d", i))
		q := new(queryArgs)
		require.Nil(t, q.parse(r.URL.RawQuery))
		return r, q
	}
	r0, q0 := req(0)
	j.add(r0, q0, http.StatusOK)
	first := j.list()
	require.Len(t, first, 1)
	want := RecordedRequest{Method: "GET", Path: "/v1/logs",
		Query:  map[string][]string{"limit": {"0"}, "status": {"succeeded"}},
		Header: http.Header{"Authorization": {"Bearer am_test_[REDACTED]"}, "User-Agent": {"agent/0"}},
		Status: http.StatusOK}
	assert.Equal(t, want, first[0])

	for i := 1; i < maxJournal+5; i++ {
		r, q := req(i)
		j.add(r, q, http.StatusAccepted)
	}
	assert.Equal(t, want, first[0], "what Requests returned is a copy")
	all := j.list()
	require.Len(t, all, maxJournal)
	assert.Equal(t, []string{"5"}, all[0].Query["limit"], "oldest kept first")
	assert.Equal(t, []string{fmt.Sprint(maxJournal + 4)}, all[maxJournal-1].Query["limit"])
	assert.Equal(t, []string{fmt.Sprintf("agent/%d", maxJournal+4)}, all[maxJournal-1].Header["User-Agent"])

	r, q := req(123456)
	allocs := testing.AllocsPerRun(100, func() { j.add(r, q, http.StatusOK) })
	assert.Zero(t, allocs, "a full ring journals without allocating")
}

// headerFirstIndex finds each name of journalHeaderFirst at its place, and
// no other name (a name differing in case is another header).
func TestHeaderFirstIndex(t *testing.T) {
	t.Parallel()
	for i, k := range journalHeaderFirst {
		assert.Equal(t, i, headerFirstIndex(k), k)
	}
	for _, k := range []string{"", "authorization", "Proxy-Authorization", "X-Other", "Host", "Accept-Encoding"} {
		assert.Equal(t, -1, headerFirstIndex(k), k)
	}
}

// lookupBoundHeader is boundHeader as it was before it went over the
// header once: a lookup per name of journalHeaderFirst, then the other
// names sorted.
func lookupBoundHeader(b *entryBudget, kv []string, h http.Header) []string {
	var names []string
	for k := range h {
		if !slices.Contains(journalHeaderFirst[:], k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range append(journalHeaderFirst[:], names...) {
		if vs, ok := h[k]; ok {
			kv = boundHeaderValues(b, kv, k, vs)
		}
	}
	return kv
}

// boundHeader keeps what the lookup per name kept, in the same order and
// within the same budget, on headers with the first names, others, names
// that differ from them only in case, many values and large ones.
func TestBoundHeaderAgreesWithLookups(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	names := append(journalHeaderFirst[:], "authorization", "X-A", "X-B", "Zeta", "Accept-Encoding", "Proxy-Authorization", "Cookie", "X-C")
	for range 2000 {
		h := http.Header{}
		for range rng.IntN(14) {
			k := names[rng.IntN(len(names))]
			v := strings.Repeat("v", rng.IntN(3)*rng.IntN(1500))
			if rng.IntN(4) == 0 {
				v = "Bearer am_test_" + v
			}
			h[k] = append(h[k], v)
		}
		wantB, gotB := entryBudget{left: maxEntryBytes}, entryBudget{left: maxEntryBytes}
		want, got := lookupBoundHeader(&wantB, nil, h), boundHeader(&gotB, nil, h)
		require.Equal(t, want, got, "%v", h)
		require.Equal(t, wantB, gotB)
	}
}

// The journal's chunks hold its entries and little more, whatever mix of
// small and large entries comes: the chunks held are about the bytes of
// the entries, plus the current chunk, the oldest one's part that has left
// the journal and the emptied chunks kept for reuse. Every entry reads back
// as it was journaled, oldest first.
func TestJournalChunksBounded(t *testing.T) {
	t.Parallel()
	var j journal
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 3 * maxJournal {
		r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v1/logs?limit=%d", i), nil)
		if rng.IntN(50) == 0 { // now and then an entry at its bounds
			for k := range 12 {
				r.Header.Set(fmt.Sprintf("X-Big-%d", k), strings.Repeat("b", 2000))
			}
		} else {
			r.Header.Set("User-Agent", strings.Repeat("a", rng.IntN(300)))
		}
		q := new(queryArgs)
		require.Nil(t, q.parse(r.URL.RawQuery))
		j.add(r, q, http.StatusOK)

		if i%997 != 0 && i != 3*maxJournal-1 {
			continue
		}
		j.mu.Lock()
		live, held := 0, 0
		j.entries(func(e []byte) { live += len(e) })
		for _, c := range append(slices.Clone(j.chunks), j.free...) {
			held += cap(c.buf)
		}
		j.mu.Unlock()
		limit := live*64/(64-9) + (2+maxFreeChunks)*journalChunkSize
		require.LessOrEqual(t, held, limit, "after %d requests: %d bytes of chunks for %d bytes of entries", i+1, held, live)
	}
	all := j.list()
	require.Len(t, all, maxJournal)
	for k, rec := range all {
		require.Equal(t, []string{fmt.Sprint(2*maxJournal + k)}, rec.Query["limit"], "entry %d", k)
		require.Equal(t, "/v1/logs", rec.Path)
		require.Equal(t, http.MethodGet, rec.Method)
	}

	j.clear()
	assert.Empty(t, j.list(), "cleared")
	r := httptest.NewRequest(http.MethodGet, "/v1/logs?limit=1", nil)
	q := new(queryArgs)
	require.Nil(t, q.parse(r.URL.RawQuery))
	j.add(r, q, http.StatusOK)
	require.Len(t, j.list(), 1, "journaled again after clear")
}

// wantRecorded is what the journal should report for r: the bounded items
// (boundValues, boundHeader) as maps, without the chunks' encoding.
func wantRecorded(r *http.Request, q *queryArgs, status int) RecordedRequest {
	b := entryBudget{left: maxEntryBytes}
	path, _ := b.value(r.URL.Path)
	kv := boundValues(&b, nil, q)
	nq := len(kv)
	kv = boundHeader(&b, kv, r.Header)
	query, header := url.Values{}, http.Header{}
	for i := 0; i+1 < nq; i += 2 {
		query[kv[i]] = append(query[kv[i]], kv[i+1])
	}
	for i := nq; i+1 < len(kv); i += 2 {
		header[kv[i]] = append(header[kv[i]], kv[i+1])
	}
	return RecordedRequest{Method: cutUTF8(r.Method, 32), Path: path, Query: query, Header: header, Status: status, Truncated: b.truncated}
}

// Every entry reads back as it was bounded, through the chunks' encoding:
// random methods, paths, queries and headers, empty and long values, bytes
// of every kind, statuses of any size, more entries than the journal keeps.
func TestJournalEntriesReadBack(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	str := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	size := func() int { return []int{0, 1, 5, 127, 128, 300, 1023, 1024, 1025, 3000}[rng.IntN(10)] }
	var j journal
	var want []RecordedRequest
	for i := range maxJournal + 2500 {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Method = []string{"GET", "POST", "PATCH", str(40)}[rng.IntN(4)]
		r.URL.Path = "/v1/" + str(size())
		r.URL.RawQuery = fmt.Sprintf("limit=%d&x=%s&x=%s", i, url.QueryEscape(str(size())), url.QueryEscape(str(size())))
		for range rng.IntN(6) {
			r.Header.Add([]string{"Authorization", "User-Agent", "X-Custom", "X-" + str(3)}[rng.IntN(4)], str(size()))
		}
		q := new(queryArgs)
		require.Nil(t, q.parse(r.URL.RawQuery))
		status := []int{0, 200, 404, 599, 1 << 20}[rng.IntN(5)]
		j.add(r, q, status)
		want = append(want, wantRecorded(r, q, status))
	}
	got := j.list()
	require.Len(t, got, maxJournal)
	for k, rec := range got {
		require.Equal(t, want[len(want)-maxJournal+k], rec, "entry %d", k)
	}
}
