package mockserver

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
)

// Moving the clock makes the due retries, and every aggregate (rollups, day
// aggregates, endpoint stats, log indexes) still agrees with a brute-force
// reading of the raw records, at each step.
func TestAdvanceClockKeepsAggregates(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(9), WithMessages(1500), WithClock(func() time.Time { return now }))
	checkAggregates(t, s, s.Now())
	eps := s.EndpointIDs("")
	// Pending retries on every endpoint, failed once or several times.
	for i, ep := range eps {
		_, err := s.AddMessage(Message{EndpointID: ep, CreatedAt: now.Add(-time.Duration(i) * time.Minute),
			Attempts: []AttemptSpec{{Status: 503}, {Status: 0}}[:1+i%2]})
		require.NoError(t, err)
	}
	pending := func() int {
		s.st.mu.RLock()
		defer s.st.mu.RUnlock()
		return len(s.st.orgs[s.DefaultOrgID()].outboundBy[filterKey{status: hookscope.StatusPendingRetry}])
	}
	before := pending()
	require.Greater(t, before, len(eps)/2)
	for _, d := range []time.Duration{10 * time.Second, 3 * time.Minute, 20 * time.Minute, 2 * time.Hour, 30 * time.Hour} {
		require.NoError(t, s.AdvanceClock(d))
		checkAggregates(t, s, s.Now())
	}
	assert.Equal(t, 0, pending(), "after 32 hours no retry is left pending")
	assert.Equal(t, now.Add(10*time.Second+3*time.Minute+20*time.Minute+2*time.Hour+30*time.Hour), s.Now())
}

// A delivery that failed once is retried when the clock passes its next
// attempt, with the generator's outcome model: the same seed makes the same
// attempts, and the logs row follows.
func TestAdvanceClockRetriesDeterministically(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	run := func() (string, []byte) {
		s := NewHandler(WithSeed(3), WithMessages(50), WithClock(func() time.Time { return now }))
		ep := s.EndpointIDs("")[0] // healthy profile
		id, err := s.AddMessage(Message{EndpointID: ep, CreatedAt: now.Add(-time.Second), Attempts: []AttemptSpec{{Status: 500}}})
		require.NoError(t, err)
		got := serveTest(t, s, http.MethodGet, "/v1/messages/"+id+"/attempts", "")
		require.Contains(t, string(got), `"response_status":500`)
		require.NoError(t, s.AdvanceClock(time.Minute))
		return id, serveTest(t, s, http.MethodGet, "/v1/messages/"+id+"/attempts", "")
	}
	id, a := run()
	_, b := run()
	assert.Equal(t, string(a), string(b), "the same seed makes the same retry")
	assert.Contains(t, string(a), `"attempt_no":2`)
	s := NewHandler(WithSeed(3), WithMessages(50), WithClock(func() time.Time { return now }))
	require.NoError(t, s.SetClock(now.Add(-time.Hour)), "moving back is allowed")
	assert.Equal(t, now.Add(-time.Hour), s.Now())
	assert.Error(t, s.AdvanceClock(0))
	assert.Error(t, s.SetClock(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)))
	_ = id
}

// A snapshot restored into another server answers every endpoint with the
// same bytes, and a snapshot of the restored server is the same document.
func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	a := NewHandler(WithSeed(4), WithMessages(800), WithClock(func() time.Time { return now }))
	serveTest(t, a, http.MethodPost, "/api/v0/webhooks", `{"name":"kept","url":"https://kept.example/hook"}`)
	ep := a.EndpointIDs("")[2]
	serveTest(t, a, http.MethodDelete, "/api/v0/webhooks/"+a.EndpointIDs("")[1], "")
	_, err := a.AddMessage(Message{EndpointID: ep, Attempts: []AttemptSpec{{Status: 502}}})
	require.NoError(t, err)
	a.AddKey(Key{Token: "am_test_free", Org: "org_other", Plan: PlanFree, Scopes: AllScopes()})
	require.NoError(t, a.AdvanceClock(90*time.Minute))
	var snap bytes.Buffer
	require.NoError(t, a.Snapshot(&snap))

	// Another seed and clock: the snapshot replaces all of it.
	b := NewHandler(WithSeed(99), WithMessages(10), WithClock(func() time.Time { return now.Add(-40 * time.Hour) }))
	require.NoError(t, b.Restore(bytes.NewReader(snap.Bytes())))
	assert.Equal(t, a.APIKey(), b.APIKey())
	assert.Equal(t, a.DefaultOrgID(), b.DefaultOrgID())
	assert.Equal(t, a.Now(), b.Now())
	checkAggregates(t, b, b.Now())
	for _, path := range []string{
		"/v1/logs?limit=500", "/api/v0/webhooks?limit=100", "/analytics/webhooks",
		"/v1/metrics/webhooks?metric=delivered&group_by=endpoint_id",
		"/v1/metrics/messages?metric=messages.outbound.sent&granularity=day&from=2026-04-20T00:00:00Z",
		"/api/v0/webhooks/" + ep + "?include_events=true&events_limit=50",
		"/v1/inbound-messages/" + a.InboundMessageIDs()[0] + "/attempts",
	} {
		assert.Equal(t, stripIDs(serveTest(t, a, http.MethodGet, path, "")), stripIDs(serveTest(t, b, http.MethodGet, path, "")), path)
	}
	var again bytes.Buffer
	require.NoError(t, b.Snapshot(&again))
	assert.True(t, snap.String() == again.String(), "the restored server's snapshot is the same document")
}

var requestIDPattern = regexp.MustCompile(`req_[0-9a-f]{16}|"support_id":"[^"]*"`)

// stripIDs blanks request ids and support ids, which count requests.
func stripIDs(b []byte) string {
	return requestIDPattern.ReplaceAllString(string(b), "req_")
}

func TestRestoreRefusesBadDocuments(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(4), WithMessages(30), WithClock(func() time.Time { return now }))
	var snap bytes.Buffer
	require.NoError(t, s.Snapshot(&snap))
	good := snap.String()
	for _, tc := range []struct{ doc, field string }{
		{`not json`, "body"},
		{`{"format":"other","version":1}`, "format"},
		{`{"format":"hookscope-mock-snapshot"}`, "version"},
		{`{"format":"hookscope-mock-snapshot","version":2}`, "version"},
		{`{"format":"hookscope-mock-snapshot","version":1,"extra":1}`, "extra"},
		{`{"format":"hookscope-mock-snapshot","version":1,"now":"2026-01-01T00:00:00Z"}`, "default_org"},
		{good[:len(good)/2], "body"},
	} {
		err := s.Restore(bytes.NewReader([]byte(tc.doc)))
		var se *SnapshotError
		require.ErrorAs(t, err, &se, "%.60s", tc.doc)
		assert.Equal(t, tc.field, se.Field, "%.60s: %v", tc.doc, err)
	}
	// Nothing changed: the server still serves its own data.
	var after bytes.Buffer
	require.NoError(t, s.Snapshot(&after))
	assert.True(t, good == after.String(), "a refused document changes nothing")
}

// A request authenticated just before Reset or Restore replaced the store
// may carry a key whose organization the new store lacks: it gets empty
// answers or 404s, never a 500 (before, a nil org panicked in every
// endpoint).
func TestKeyOfVanishedOrg(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithMessages(30), WithClock(func() time.Time { return now }))
	s.AddKey(Key{Token: "am_test_ghost", Org: "org_ghost", Plan: PlanPro, Scopes: AllScopes()})
	s.st.mu.Lock()
	delete(s.st.orgs, "org_ghost") // what a key read from the store before a Restore sees
	s.st.mu.Unlock()
	ep := s.EndpointIDs("")[0]
	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/v1/logs", "", 200},
		{"GET", "/v1/logs?endpoint_id=" + ep, "", 404},
		{"GET", "/v1/metrics/webhooks?metric=delivered", "", 200},
		{"GET", "/analytics/webhooks", "", 200},
		{"GET", "/api/v0/webhooks", "", 200},
		{"GET", "/api/v0/webhooks/" + ep, "", 404},
		{"PATCH", "/api/v0/webhooks/" + ep, `{"name":"x"}`, 404},
		{"DELETE", "/api/v0/webhooks/" + ep, "", 404},
		{"POST", "/api/v0/webhooks", `{"name":"n","url":"https://n.example/h"}`, 201},
	} {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer am_test_ghost")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		assert.Equal(t, tc.want, rec.Code, "%s %s: %s", tc.method, tc.path, rec.Body)
	}
}

// Admin actions while the API is busy: no answer is a 5xx, and the store
// is consistent afterwards (run with -race).
func TestAdminActionsUnderLoad(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(8), WithMessages(200), WithClock(func() time.Time { return now }))
	var snap bytes.Buffer
	require.NoError(t, s.Snapshot(&snap))
	other := NewHandler(WithSeed(9), WithMessages(150), WithClock(func() time.Time { return now }))
	var otherSnap bytes.Buffer
	require.NoError(t, other.Snapshot(&otherSnap))

	stop := make(chan struct{})
	errs := make(chan string, 100)
	var wg sync.WaitGroup
	for _, path := range []string{"/v1/logs?limit=50", "/analytics/webhooks", "/api/v0/webhooks", "/v1/metrics/webhooks?metric=failed&group_by=http_status_class", "POST"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var req *http.Request
				if path == "POST" {
					req = httptest.NewRequest(http.MethodPost, "/api/v0/webhooks", strings.NewReader(`{"name":"n","url":"https://n.example/h"}`))
				} else {
					req = httptest.NewRequest(http.MethodGet, path, nil)
				}
				req.Header.Set("Authorization", "Bearer "+s.APIKey())
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				if rec.Code >= 500 {
					select {
					case errs <- fmt.Sprintf("%s: %d %s", path, rec.Code, rec.Body):
					default:
					}
				}
			}
		}()
	}
	for i := range 12 {
		switch i % 4 {
		case 0:
			require.NoError(t, s.AdvanceClock(17*time.Minute))
		case 1:
			s.Reset()
		case 2:
			require.NoError(t, s.Restore(bytes.NewReader(otherSnap.Bytes())))
		case 3:
			require.NoError(t, s.Restore(bytes.NewReader(snap.Bytes())))
			s.SetRateLimits(i%8 == 3)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	s.SetRateLimits(false)
	require.NoError(t, s.AdvanceClock(time.Hour))
	checkAggregates(t, s, s.Now())
}

// Aggregates are built when first read: a server whose messages were added,
// retried and moved before any read of metrics, analytics or webhooks
// answers them exactly as one that kept its aggregates through the same
// writes, and both match the brute-force references.
func TestAggregatesBuiltLateMatchKeptOnes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	reads := []string{"/analytics/webhooks", "/api/v0/webhooks?limit=100",
		"/v1/metrics/webhooks?metric=failed&granularity=minute&from=2026-05-06T09:00:07Z&to=2026-05-06T15:00:00Z&group_by=endpoint_id",
		"/v1/metrics/webhooks?metric=delivered&granularity=hour&from=2026-05-01T00:00:09Z&to=2026-05-06T18:04:05Z&group_by=http_status_class",
		"/v1/metrics/messages?metric=messages.outbound.failed&granularity=hour&from=2026-05-01T00:00:00Z&to=2026-05-06T18:04:05Z",
		"/v1/metrics/messages?metric=messages.outbound.sent&granularity=day&from=2026-04-30T07:00:31Z&to=2026-05-06T18:04:05Z&group_by=http_status_class"}
	answers := func(early bool) []string {
		s := NewHandler(WithSeed(9), WithMessages(800), WithClock(func() time.Time { return now }))
		eps := s.EndpointIDs("")
		// A first write gives the server its own records (it shared the
		// generated base until then), without aggregates.
		_, err := s.AddMessage(Message{EndpointID: eps[0], CreatedAt: now.Add(-time.Hour)})
		require.NoError(t, err)
		if early {
			for _, p := range reads {
				serveTest(t, s, "GET", p, "")
			}
		}
		s.st.mu.RLock()
		built := s.st.orgs[s.DefaultOrgID()].aggReady.Load()
		s.st.mu.RUnlock()
		require.Equal(t, early, built, "aggregates are built by the first read, not before")
		for i, ep := range eps {
			_, err := s.AddMessage(Message{EndpointID: ep, CreatedAt: now.Add(-time.Duration(i) * time.Minute),
				Attempts: []AttemptSpec{{Status: 503}, {Status: 0}, {Status: 200}}[:1+i%3]})
			require.NoError(t, err)
		}
		require.NoError(t, s.AdvanceClock(3*time.Hour))
		serveTest(t, s, "DELETE", "/api/v0/webhooks/"+eps[2], "")
		var out []string
		for _, p := range reads {
			out = append(out, string(serveTest(t, s, "GET", p, "")))
		}
		checkAggregates(t, s, s.Now())
		return out
	}
	kept, late := answers(true), answers(false)
	for i := range reads {
		assert.Equal(t, kept[i], late[i], reads[i])
	}
}

// BuildAggregates in the background while requests come: those that need
// the aggregates wait for the one build (with -race: the build and the
// readers share nothing unguarded), and the answers match the brute-force
// references.
func TestBuildAggregatesInTheBackground(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(5), WithMessages(maxCachedBaseMessages+1), WithClock(func() time.Time { return now }))
	var wg sync.WaitGroup
	wg.Go(s.BuildAggregates)
	for _, p := range []string{"/analytics/webhooks", "/api/v0/webhooks", "/v1/metrics/webhooks?metric=failed&granularity=hour", "/v1/logs?limit=10"} {
		wg.Go(func() { serveTest(t, s, "GET", p, "") })
	}
	wg.Wait()
	checkAggregates(t, s, now)
}
