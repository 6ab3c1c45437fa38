package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
)

// keptPages is how many pages s's page cache holds encoded.
func keptPages(s *Server) int {
	n := 0
	for i := range s.st.pages.slots {
		if p := s.st.pages.slots[i].Load(); p != nil && p.val.body != nil {
			n++
		}
	}
	return n
}

// uncachedGet serves path as a server without kept pages would: the store's
// page cache is set aside for the request.
func uncachedGet(t *testing.T, s *Server, path string) string {
	t.Helper()
	s.st.mu.RLock()
	kept := s.st.pages
	s.st.mu.RUnlock()
	s.st.mu.Lock()
	s.st.pages = newPageCache()
	s.st.mu.Unlock()
	defer func() {
		s.st.mu.Lock()
		s.st.pages = kept
		s.st.mu.Unlock()
	}()
	return stripIDs(serveTest(t, s, http.MethodGet, path, ""))
}

// A page asked for again is written from the page cache, and whatever
// write comes between two requests (a new message, a webhook's new URL, a
// deleted webhook, retries made by a clock move, a reset, a restore), the
// page served next is the one computed afresh from the records.
func TestLogsPageCacheFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(5), WithMessages(600), WithClock(func() time.Time { return now }))
	eps := s.EndpointIDs("")
	var snap bytes.Buffer
	require.NoError(t, s.Snapshot(&snap))
	paths := []string{
		"/v1/logs?limit=500",
		"/v1/logs?limit=7",
		"/v1/logs?limit=40&endpoint_id=" + eps[0],
		"/v1/logs?limit=40&status=pending_retry",
		"/v1/logs?limit=25&end_time=2026-05-06T12:00:00Z",
	}
	check := func(step string) {
		t.Helper()
		for _, path := range paths {
			first := stripIDs(serveTest(t, s, http.MethodGet, path, ""))
			second := stripIDs(serveTest(t, s, http.MethodGet, path, ""))
			kept := keptPages(s)
			third := stripIDs(serveTest(t, s, http.MethodGet, path, ""))
			require.Positive(t, kept, "%s: %s is kept after its second request", step, path)
			assert.Equal(t, first, second, "%s: %s", step, path)
			assert.Equal(t, first, third, "%s: %s, from the cache", step, path)
			assert.Equal(t, uncachedGet(t, s, path), third, "%s: %s, the kept page is the computed one", step, path)
		}
	}
	newest := func() string {
		var page struct {
			Data []struct {
				ID       string `json:"message_id"`
				Endpoint string `json:"endpoint"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(serveTest(t, s, http.MethodGet, "/v1/logs?limit=7", ""), &page))
		require.NotEmpty(t, page.Data)
		return page.Data[0].ID + " " + page.Data[0].Endpoint
	}

	check("generated")
	before := newest()
	id, err := s.AddMessage(Message{EndpointID: eps[0], CreatedAt: now, Attempts: []AttemptSpec{{Status: 503}}})
	require.NoError(t, err)
	assert.Equal(t, id+" "+s.st.orgs[s.DefaultOrgID()].endpoint(eps[0]).url, newest(), "the new message heads the page served from the cache before")
	check("after AddMessage")

	serveTest(t, s, http.MethodPatch, "/api/v0/webhooks/"+eps[0], `{"url":"https://moved.example/hook"}`)
	assert.Equal(t, id+" https://moved.example/hook", newest(), "the row follows its webhook's new URL")
	check("after a webhook's URL changed")

	serveTest(t, s, http.MethodDelete, "/api/v0/webhooks/"+eps[1], "")
	check("after a webhook was deleted")

	require.NoError(t, s.AdvanceClock(3*time.Hour))
	now = now.Add(3 * time.Hour)
	check("after retries made by a clock move")

	s.Reset()
	check("after Reset")
	assert.Equal(t, before, newest(), "a reset server serves the generated page again")

	require.NoError(t, s.Restore(bytes.NewReader(snap.Bytes())))
	check("after Restore")
	assert.Equal(t, before, newest())
}

// Reading a history once, page after page, keeps no page: a page is kept
// the second time it is asked for.
func TestLogsPageCacheKeepsRepeatedPagesOnly(t *testing.T) {
	t.Parallel()
	s := NewHandler(WithSeed(6), WithMessages(2000), WithClock(func() time.Time { return time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC) }))
	pages := 0
	for path := "/v1/logs?limit=100"; ; pages++ {
		var page struct {
			Meta struct {
				NextCursor *string `json:"next_cursor"`
			} `json:"meta"`
		}
		require.NoError(t, json.Unmarshal(serveTest(t, s, http.MethodGet, path, ""), &page))
		if page.Meta.NextCursor == nil {
			break
		}
		path = "/v1/logs?limit=100&cursor=" + *page.Meta.NextCursor
	}
	require.Greater(t, pages, 15)
	assert.Zero(t, keptPages(s), "no page of a single pass is kept")

	for range 2 {
		serveTest(t, s, http.MethodGet, "/v1/logs?limit=100", "")
	}
	assert.Equal(t, 1, keptPages(s), "the first page, asked for twice in a row, is kept")
}

// The page cache's bound: a page over maxCachedPage is not kept, and the
// slots bound the rest.
func TestPageCacheBounded(t *testing.T) {
	t.Parallel()
	c := newPageCache()
	k := pageKey{limit: 500, hi: 1}
	p, keep := c.get(&k)
	require.Nil(t, p)
	require.False(t, keep, "seen once")
	_, keep = c.get(&k)
	require.True(t, keep, "seen twice")
	c.put(&k, make([]byte, maxCachedPage+1), nil)
	p, _ = c.get(&k)
	assert.Nil(t, p, "a page over the bound is not kept")
	c.put(&k, []byte(`{"data":[`), new("next"))
	p, keep = c.get(&k)
	require.NotNil(t, p)
	assert.Equal(t, `{"data":[`, string(p.body))
	assert.Equal(t, "next", *p.next)
	assert.False(t, keep)
	k.version++
	p, _ = c.get(&k)
	assert.Nil(t, p, "another version is another page")
}

// A kept page's next_cursor is the one computed for its query: two queries
// with the same rows but other filters (an end_time past the newest
// message) each get a cursor bound to their own filters, and reading every
// page twice, the second time from the cache, gives the same cursors, each
// accepted for the next page.
func TestLogsPageCacheKeepsEachQuerysCursor(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(5), WithMessages(300), WithClock(func() time.Time { return now }))
	type page struct {
		Data []struct {
			ID string `json:"message_id"`
		} `json:"data"`
		Meta struct {
			NextCursor *string `json:"next_cursor"`
			HasMore    bool    `json:"has_more"`
		} `json:"meta"`
	}
	get := func(path string) page {
		t.Helper()
		var p page
		require.NoError(t, json.Unmarshal(serveTest(t, s, http.MethodGet, path, ""), &p))
		return p
	}
	for _, base := range []string{"/v1/logs?limit=40", "/v1/logs?limit=40&end_time=2030-01-01T00:00:00Z"} {
		for range 3 { // the third from the cache
			first := get(base)
			require.True(t, first.Meta.HasMore)
			require.NotNil(t, first.Meta.NextCursor)
			second := get(base + "&cursor=" + *first.Meta.NextCursor) // 2xx: the cursor fits this query
			assert.NotEqual(t, first.Data[0].ID, second.Data[0].ID)
		}
	}
	// Every page twice: the same cursors, all accepted.
	walk := func() []string {
		var cursors []string
		path := "/v1/logs?limit=50"
		for {
			p := get(path)
			if p.Meta.NextCursor == nil {
				assert.False(t, p.Meta.HasMore)
				return cursors
			}
			assert.True(t, p.Meta.HasMore)
			cursors = append(cursors, *p.Meta.NextCursor)
			path = "/v1/logs?limit=50&cursor=" + *p.Meta.NextCursor
		}
	}
	once, again := walk(), walk()
	require.Len(t, once, 5)
	assert.Equal(t, once, again)
	assert.Equal(t, once, walk(), "a third pass, pages kept")
}

// Readers of the newest page and writers of new messages at once: every
// answer is a whole page of its moment (the race detector watches the
// cache), and once the writes stop the page served is the computed one.
func TestLogsPageCacheUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(8), WithMessages(300), WithClock(func() time.Time { return now }))
	ep := s.EndpointIDs("")[0]
	const path = "/v1/logs?limit=50"
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 40 {
				var page struct {
					Data []json.RawMessage `json:"data"`
				}
				if !assert.NoError(t, json.Unmarshal(serveTest(t, s, http.MethodGet, path, ""), &page)) {
					return
				}
				assert.Len(t, page.Data, 50)
			}
		})
	}
	wg.Go(func() {
		for i := range 40 {
			_, err := s.AddMessage(Message{EndpointID: ep, CreatedAt: now.Add(-time.Duration(i) * time.Millisecond)})
			assert.NoError(t, err)
		}
	})
	wg.Wait()
	serveTest(t, s, http.MethodGet, path, "")
	serveTest(t, s, http.MethodGet, path, "")
	assert.Equal(t, uncachedGet(t, s, path), stripIDs(serveTest(t, s, http.MethodGet, path, "")))
}

// A webhook's kept encoding (the fields that do not depend on the clock)
// follows every write: after a PATCH of each field, a GET served twice (the
// second from the kept encoding) answers what the write path computes.
func TestWebhookEncodingFollowsWrites(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(5), WithMessages(300), WithClock(func() time.Time { return now }))
	id := s.EndpointIDs("")[0]
	get := func() string {
		t.Helper()
		first := stripIDs(serveTest(t, s, http.MethodGet, "/api/v0/webhooks/"+id+"?include_events=true", ""))
		list := stripIDs(serveTest(t, s, http.MethodGet, "/api/v0/webhooks?limit=100", ""))
		second := stripIDs(serveTest(t, s, http.MethodGet, "/api/v0/webhooks/"+id+"?include_events=true", ""))
		require.Equal(t, first, second)
		s.st.mu.RLock()
		defer s.st.mu.RUnlock()
		o := s.st.orgs[s.DefaultOrgID()]
		ep := o.endpoint(id)
		require.NotNil(t, ep.enc.Load(), "the encoding is kept")
		want := string(appendWebhookLocked(nil, o, ep, now, hookscope.WebhookEventsDefaultLimit))
		assert.Equal(t, want+"\n", second, "GET answers the webhook as computed")
		assert.Contains(t, list, string(appendWebhookLocked(nil, o, ep, now, 0)), "the list holds it as computed")
		return second
	}
	before := get()
	for _, patch := range []string{
		`{"name":"renamed"}`, `{"url":"https://moved.example/hook"}`, `{"isActive":true}`,
		`{"event_types":["invoice.paid"]}`, `{"isActive":false}`,
	} {
		now = now.Add(time.Second) // updated_at moves
		serveTest(t, s, http.MethodPatch, "/api/v0/webhooks/"+id, patch)
		after := get()
		assert.NotEqual(t, before, after, patch)
		before = after
	}
	assert.Contains(t, before, `"name":"renamed","url":"https://moved.example/hook"`)
	assert.Contains(t, before, `"isActive":false`)
	assert.Contains(t, before, `"event_types":["invoice.paid"]`)
}

// The span deliveryStatsSpan gives holds what it says: at any time in it
// the stats are the same, for every endpoint, at times around the
// generated history's messages and failed attempts.
func TestDeliveryStatsSpanHolds(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(11), WithMessages(800), WithClock(func() time.Time { return now }))
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	o := s.st.orgs[s.DefaultOrgID()]
	spans := 0
	for _, ep := range o.endpoints {
		for at := now.Add(-50 * time.Hour); at.Before(now.Add(26 * time.Hour)); at = at.Add(37 * time.Minute) {
			st, span := deliveryStatsSpan(o, ep, at)
			require.True(t, span.holds(at.UnixNano()), "the span holds its own time")
			for _, t2 := range []int64{span.from, span.until - 1, span.from/2 + span.until/2} {
				if t2 < at.UnixNano()-int64(100*time.Hour) || t2 > at.UnixNano()+int64(100*time.Hour) {
					continue // an open end
				}
				assert.Equal(t, st, deliveryStatsLocked(o, ep, time.Unix(0, t2).UTC()), "%s at %v, span time %d", ep.name, at, t2)
			}
			if span.until-span.from < int64(100*time.Hour) {
				spans++
			}
		}
	}
	require.Positive(t, spans, "finite spans were checked")
}

// A webhook asked for at many clock times, the clock moving without any
// write: every answer, served from the answer cache while its span holds,
// is the one computed afresh at that time.
func TestWebhookAnswerFollowsTheClock(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := NewHandler(WithSeed(12), WithMessages(1500), WithClock(clock))
	id := s.EndpointIDs("")[0]
	for _, eid := range s.EndpointIDs("") { // the busiest webhook
		if len(s.st.orgs[s.DefaultOrgID()].outboundBy[filterKey{ep: eid}]) > len(s.st.orgs[s.DefaultOrgID()].outboundBy[filterKey{ep: id}]) {
			id = eid
		}
	}
	path := "/api/v0/webhooks/" + id + "?include_events=true"
	hits := 0
	for step := range 400 {
		at := clock()
		s.st.mu.RLock()
		o := s.st.orgs[s.DefaultOrgID()]
		ep := o.endpoint(id)
		want := string(appendWebhookLocked(nil, o, ep, at, hookscope.WebhookEventsDefaultLimit)) + "\n"
		if a := s.st.answers.get(&answerKey{org: s.DefaultOrgID(), id: id, version: s.st.mu.version.Load(), events: hookscope.WebhookEventsDefaultLimit}); a != nil && a.span.holds(at.UnixNano()) {
			hits++ // the answer kept at an earlier time still holds
		}
		s.st.mu.RUnlock()
		require.Equal(t, want, string(serveTest(t, s, http.MethodGet, path, "")), "step %d at %v", step, at)
		require.Equal(t, want, string(serveTest(t, s, http.MethodGet, path, "")), "step %d at %v, again", step, at)
		mu.Lock()
		now = now.Add(time.Duration(step%7+1) * 3 * time.Minute)
		mu.Unlock()
	}
	t.Logf("%d of 400 clock steps answered from an answer kept at an earlier time", hits)
	assert.Greater(t, hits, 40, "answers are kept across clock steps")
}

// Reset and Restore swap the store's records: the caches keep nothing of
// the records they replaced (an entry names its organization or webhook,
// which would stay alive with it).
func TestCachesDroppedWithTheRecords(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(5), WithMessages(300), WithClock(func() time.Time { return now }))
	var snap bytes.Buffer
	require.NoError(t, s.Snapshot(&snap))
	kept := func() (pages, answers int) {
		s.st.mu.RLock()
		defer s.st.mu.RUnlock()
		for i := range s.st.pages.slots {
			if s.st.pages.slots[i].Load() != nil {
				pages++
			}
		}
		for i := range s.st.answers.slots {
			if s.st.answers.slots[i].Load() != nil {
				answers++
			}
		}
		return pages, answers
	}
	fill := func() {
		for range 2 {
			serveTest(t, s, http.MethodGet, "/v1/logs?limit=20", "")
			serveTest(t, s, http.MethodGet, "/api/v0/webhooks/"+s.EndpointIDs("")[0], "")
		}
		p, a := kept()
		require.Positive(t, p)
		require.Positive(t, a)
	}
	fill()
	s.Reset()
	p, a := kept()
	assert.Zero(t, p+a, "nothing kept after Reset")
	fill()
	require.NoError(t, s.Restore(bytes.NewReader(snap.Bytes())))
	p, a = kept()
	assert.Zero(t, p+a, "nothing kept after Restore")
}

// A key is authenticated from the key cache while the store does not
// change, and every change of keys shows at the next request: a removed
// key is refused, a key given other scopes is held to them, a key of
// another plan gets that plan's limits, and Reset forgets added keys.
func TestKeyCacheFollowsKeyChanges(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(5), WithMessages(300), WithClock(func() time.Time { return now }))
	status := func(token, path string) int { return getStatus(s, token, path) }
	const token = "am_test_keycache"
	webhooks, minutes := "/api/v0/webhooks", "/v1/metrics/webhooks?metric=delivered&granularity=minute"
	s.AddKey(Key{Token: token, Plan: PlanPro, Scopes: AllScopes()})
	for range 3 {
		require.Equal(t, http.StatusOK, status(token, webhooks))
	}
	kept := func() bool {
		return s.st.keyCache.get(&keyCacheKey{token: token, version: s.st.mu.version.Load()}) != nil
	}
	require.True(t, kept(), "the key is kept while nothing changes")
	require.Equal(t, http.StatusOK, status(token, minutes))

	s.AddKey(Key{Token: token, Plan: PlanPro, Scopes: []string{ScopeLogsRead}})
	assert.Equal(t, http.StatusForbidden, status(token, webhooks), "scopes taken away")
	s.AddKey(Key{Token: token, Plan: PlanFree, Scopes: AllScopes()})
	assert.Equal(t, http.StatusOK, status(token, webhooks))
	assert.Equal(t, http.StatusForbidden, status(token, minutes), "a free plan has no minute metrics")
	require.True(t, s.RemoveKey(token))
	assert.Equal(t, http.StatusUnauthorized, status(token, webhooks), "removed")
	s.AddKey(Key{Token: token, Plan: PlanPro, Scopes: AllScopes()})
	require.Equal(t, http.StatusOK, status(token, webhooks))
	s.Reset()
	assert.Equal(t, http.StatusUnauthorized, status(token, webhooks), "an added key is gone after Reset")
	assert.Equal(t, http.StatusOK, status(s.APIKey(), webhooks))
}

// Requests authenticated and answered from the key and answer caches while
// keys are removed and added and webhooks change, concurrently (for the
// race detector): a request that begins after a key is removed is refused.
func TestLockFreeReadsUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	s := NewHandler(WithSeed(5), WithMessages(300), WithClock(func() time.Time { return time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC) }))
	id := s.EndpointIDs("")[0]
	const token = "am_test_racing"
	status := func(token, path string) int { return getStatus(s, token, path) }
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				code := status(s.APIKey(), "/api/v0/webhooks/"+id+"?include_events=true")
				assert.Equal(t, http.StatusOK, code)
			}
		})
	}
	for i := range 200 {
		s.AddKey(Key{Token: token, Scopes: AllScopes()})
		require.Equal(t, http.StatusOK, status(token, "/api/v0/webhooks/"+id), "round %d", i)
		require.True(t, s.RemoveKey(token))
		require.Equal(t, http.StatusUnauthorized, status(token, "/api/v0/webhooks/"+id), "round %d: removed", i)
		serveTest(t, s, http.MethodPatch, "/api/v0/webhooks/"+id, fmt.Sprintf(`{"name":"round %d"}`, i))
		body := serveTest(t, s, http.MethodGet, "/api/v0/webhooks/"+id, "")
		require.Contains(t, string(body), fmt.Sprintf(`"name":"round %d"`, i), "the write shows at once")
	}
	close(stop)
	wg.Wait()
}

// getStatus is the status s answers a GET of path with token.
func getStatus(s *Server, token, path string) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec.Code
}
