package mockserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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
