package mockserver_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

// A journaled request keeps its query values and headers in order, the key
// redacted, and each call of Requests gives maps of its own: changing one
// changes neither the journal nor the next call's.
func TestRequestsJournalEntry(t *testing.T) {
	t.Parallel()
	srv := mockserver.New(mockserver.WithMessages(5), mockserver.WithClock(fixedClock))
	defer srv.Close()
	r := do(t, srv, http.MethodGet, "/v1/logs?status=failed&limit=2&limit=3&empty=", srv.APIKey(), "", "X-Multi", "a")
	require.Equal(t, http.StatusBadRequest, r.status, "limit given twice")
	get(t, srv, "/v1/logs?limit=1")

	recs := srv.Requests()
	require.Len(t, recs, 2)
	first := recs[0]
	assert.Equal(t, http.MethodGet, first.Method)
	assert.Equal(t, "/v1/logs", first.Path)
	assert.Equal(t, url.Values{"status": {"failed"}, "limit": {"2", "3"}, "empty": {""}}, first.Query)
	assert.Equal(t, []string{"Bearer am_test_[REDACTED]"}, first.Header["Authorization"])
	assert.Equal(t, []string{"a"}, first.Header["X-Multi"])
	assert.Equal(t, http.StatusBadRequest, first.Status)
	assert.False(t, first.Truncated)
	assert.Equal(t, url.Values{"limit": {"1"}}, recs[1].Query)
	assert.Equal(t, http.StatusOK, recs[1].Status)

	first.Query.Set("status", "changed")
	first.Header.Set("X-Multi", "changed")
	again := srv.Requests()
	assert.Equal(t, []string{"failed"}, again[0].Query["status"])
	assert.Equal(t, []string{"a"}, again[0].Header["X-Multi"])
}

// A request without a query or a key is journaled with empty maps, not nil.
func TestRequestsJournalEmptyMaps(t *testing.T) {
	t.Parallel()
	srv := mockserver.New(mockserver.WithMessages(0), mockserver.WithClock(fixedClock))
	defer srv.Close()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v1/logs", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	recs := srv.Requests()
	require.Len(t, recs, 1)
	assert.NotNil(t, recs[0].Query)
	assert.Empty(t, recs[0].Query)
	assert.NotNil(t, recs[0].Header)
	assert.Equal(t, http.StatusUnauthorized, recs[0].Status)
}
