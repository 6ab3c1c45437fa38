package mockserver

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
)

// The aggregates kept on insert (rollups per minute, hour and day; the
// analytics day aggregates; the endpoints' running stats) are checked here
// against brute-force references that read nothing but the raw messages
// (the records of the org's message arena) and their attempts, after generation and after AddMessage of
// messages of every shape, at times before, inside and after the clock's
// day, while the clock moves.

// rawOutbound is every outbound message of org, straight from the records
// of its message arena (of the records of one id, the last stored: a
// retried message is stored again), sorted by (created_at, id).
func rawOutbound(s *Server, org string) []*message {
	o := s.st.orgs[org]
	latest := map[[16]byte]int32{}
	for c, chunk := range o.msgs.chunks {
		for i := range chunk {
			latest[chunk[i].id] = int32(c<<chunkBits | i)
		}
	}
	var out []*message
	for _, ref := range latest {
		if m := o.view(ref); !m.inbound {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b *message) int {
		return cmp.Or(a.createdAt.Compare(b.createdAt), cmp.Compare(a.id, b.id))
	})
	return out
}

// bruteAnalytics recomputes /analytics/webhooks' data by scanning and
// sorting every message, with the package doc's definitions.
func bruteAnalytics(s *Server, now time.Time) analyticsData {
	o := s.st.orgs[s.DefaultOrgID()]
	all := rawOutbound(s, o.id)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	an := analyticsData{TopEvents: []eventCount{}, TopFailedURLs: []urlCount{},
		HourlyMetrics: []hourlyCount{}, LastEvents: []analyticsEvent{}}
	dm := &an.DayMetrics
	events, urls := map[string]int64{}, map[string]int64{}
	var delays []int64
	var retried int64
	for _, m := range all {
		if m.createdAt.Before(day) || m.createdAt.After(now) {
			continue
		}
		dm.Total++
		switch m.status {
		case hookscope.StatusSucceeded:
			dm.Success++
		case hookscope.StatusFailedPermanent:
			dm.Failed++
			urls[m.ep.url]++
		default:
			dm.Pending++
		}
		if len(m.attempts) > 1 {
			retried++
		}
		if len(m.attempts) > 0 {
			delays = append(delays, m.attempts[0].at.Sub(m.createdAt).Milliseconds())
		}
		events[m.eventType]++
	}
	if dm.Total > 0 {
		dm.RetryRatePct = math.Round(float64(retried)/float64(dm.Total)*100*100) / 100
	}
	if len(delays) > 0 {
		slices.Sort(delays)
		var sum int64
		for _, d := range delays {
			sum += d
		}
		rank := func(p float64) float64 {
			return float64(delays[max(int(math.Ceil(p/100*float64(len(delays))))-1, 0)])
		}
		an.Latency = latencyStats{Min: float64(delays[0]), Max: float64(delays[len(delays)-1]),
			Avg: math.Round(float64(sum)/float64(len(delays))*100) / 100, P50: rank(50), P90: rank(90), P95: rank(95), P99: rank(99)}
	}
	dm.AvgDelayMS = an.Latency.Avg
	for ev, n := range events {
		an.TopEvents = append(an.TopEvents, eventCount{Event: ev, Count: n})
	}
	slices.SortFunc(an.TopEvents, func(a, b eventCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Event, b.Event))
	})
	an.TopEvents = an.TopEvents[:min(5, len(an.TopEvents))]
	for u, n := range urls {
		an.TopFailedURLs = append(an.TopFailedURLs, urlCount{URL: u, Count: n})
	}
	slices.SortFunc(an.TopFailedURLs, func(a, b urlCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.URL, b.URL))
	})
	an.TopFailedURLs = an.TopFailedURLs[:min(5, len(an.TopFailedURLs))]
	h0 := now.Truncate(time.Hour).Add(-23 * time.Hour)
	for k := range 24 {
		start := h0.Add(time.Duration(k) * time.Hour)
		var n int64
		for _, m := range all {
			if !m.createdAt.Before(start) && m.createdAt.Before(start.Add(time.Hour)) && !m.createdAt.After(now) {
				n++
			}
		}
		an.HourlyMetrics = append(an.HourlyMetrics, hourlyCount{Hour: analyticsTime(start), Count: n})
	}
	for _, ep := range o.endpoints {
		if !ep.deleted {
			an.Total.Webhooks++
			an.Total.EventsSubscribed += int64(len(ep.eventTypes))
		}
	}
	for i := len(all) - 1; i >= 0 && len(an.LastEvents) < 10; i-- {
		if !all[i].createdAt.After(now) {
			an.LastEvents = append(an.LastEvents, toAnalyticsEvent(o, all[i]))
		}
	}
	return an
}

// bruteWebhook recomputes a webhook's delivery_stats and recent_events by
// scanning every message.
func bruteWebhook(s *Server, ep *endpoint, now time.Time, events int) webhookResp {
	o := s.st.orgs[s.DefaultOrgID()]
	wh := webhookResp{
		ID: ep.id, Name: ep.name, URL: ep.url, Kind: ep.kind, IsActive: ep.active, Encrypted: ep.encrypted,
		SigningSecret: ep.secret, EventTypes: ep.eventTypes,
		CreatedAt: ep.createdAt, UpdatedAt: ep.updatedAt, App: appResp{ID: ep.app.ID, Name: ep.app.Name},
	}
	st := &wh.DeliveryStats
	var mine []*message
	var latSum, latN int64
	var last time.Time
	dayAgo := now.Add(-24 * time.Hour)
	for _, m := range rawOutbound(s, o.id) {
		if m.ep != ep {
			continue
		}
		mine = append(mine, m)
		st.TotalEvents++
		if m.status == hookscope.StatusSucceeded {
			st.SuccessfulDeliveries++
		}
		if m.createdAt.After(dayAgo) && !m.createdAt.After(now) {
			st.Last24hEvents++
		}
		for _, a := range m.attempts {
			if !a.succeeded() {
				st.FailedDeliveries++
				if a.at.After(dayAgo) && !a.at.After(now) {
					st.Last24hFailures++
				}
			}
			if a.latency != absent {
				latSum += a.latency
				latN++
			}
			if a.at.After(last) {
				last = a.at
			}
		}
	}
	if !last.IsZero() {
		st.LastDelivery = &last
	}
	if st.TotalEvents > 0 {
		st.SuccessRate = math.Round(float64(st.SuccessfulDeliveries)/float64(st.TotalEvents)*100*100) / 100
	}
	if latN > 0 {
		st.AverageResponseTime = math.Round(float64(latSum)/float64(latN)*100) / 100
	}
	if events > 0 {
		wh.RecentEvents = []webhookEventResp{}
		for i := len(mine) - 1; i >= 0 && len(wh.RecentEvents) < events; i-- {
			wh.RecentEvents = append(wh.RecentEvents, recentEvent(mine[i]))
		}
	}
	return wh
}

// bruteMetric recomputes a /v1/metrics/webhooks series: value by bucket
// start and group, from every attempt. A bucket counts the attempts of its
// span inside [from, to), and not after asOf when it starts at or before
// asOf (a bucket that starts after asOf has no value); shift > 0 reads the
// same spans shift seconds earlier (the prior period).
func bruteMetric(s *Server, metric string, groupBy string, b0, nb, g, from, to, shift int64, asOf time.Time) map[string]int64 {
	out := map[string]int64{}
	for _, m := range rawOutbound(s, s.DefaultOrgID()) {
		for _, a := range m.attempts {
			ok := false
			switch metric {
			case "delivered":
				ok = a.succeeded()
			case "failed":
				ok = !a.succeeded()
			case "retried":
				ok = a.no > 1
			}
			sec := a.at.Unix() + shift // where it lands on the window's grid
			start := floorDiv(sec-b0, g)*g + b0
			if !ok || sec < from || sec >= to || (start <= asOf.Unix() && sec > asOf.Unix()) || (shift == 0 && start > asOf.Unix()) {
				continue
			}
			group := ""
			switch groupBy {
			case "endpoint_id":
				group = m.ep.id
			case "kind":
				group = string(m.ep.kind)
			case "http_status_class":
				group = classNames[statusClassOf(a.status)]
			}
			out[fmt.Sprint(start, "/", group)]++
		}
	}
	return out
}

func serveTest(t *testing.T, s *Server, method, path, body string) []byte {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	require.Less(t, rec.Code, 300, "%s %s: %s", method, path, rec.Body)
	return rec.Body.Bytes()
}

// checkAggregates compares every aggregate-backed answer with its brute-force reference.
func checkAggregates(t *testing.T, s *Server, now time.Time) {
	t.Helper()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	require.NoError(t, json.Unmarshal(serveTest(t, s, "GET", "/analytics/webhooks", ""), &env))
	s.st.mu.RLock()
	want, err := json.Marshal(bruteAnalytics(s, now))
	s.st.mu.RUnlock()
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(env.Data), "analytics at %s", now)

	s.st.mu.RLock()
	eps := slices.Clone(s.st.orgs[s.DefaultOrgID()].endpoints)
	s.st.mu.RUnlock()
	for _, ep := range eps {
		if ep.deleted {
			continue
		}
		got := serveTest(t, s, "GET", "/api/v0/webhooks/"+ep.id+"?include_events=true&events_limit=50", "")
		s.st.mu.RLock()
		want, err := json.Marshal(bruteWebhook(s, ep, now, 50))
		s.st.mu.RUnlock()
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(got), "webhook %s at %s", ep.name, now)
	}

	for _, q := range []struct {
		metric, gran, groupBy string
		from, to              time.Time
	}{
		{"delivered", "hour", "endpoint_id", now.Add(-24 * time.Hour), now},
		{"failed", "day", "http_status_class", now.Add(-9 * 24 * time.Hour), now.Add(3 * 24 * time.Hour)},
		{"retried", "minute", "kind", now.Add(-150 * time.Minute), now.Add(7 * time.Minute)},
		{"failed", "hour", "", now.Add(-71*time.Hour - 13*time.Minute), now.Add(-5 * time.Hour)},
	} {
		v := url.Values{"metric": {q.metric}, "granularity": {q.gran}, "limit": {"5000"}, "compare_to": {"prior_period"},
			"from": {q.from.Format(time.RFC3339)}, "to": {q.to.Format(time.RFC3339)}}
		if q.groupBy != "" {
			v.Set("group_by", q.groupBy)
		}
		var resp struct {
			Data struct {
				Buckets []hookscope.MetricBucket `json:"buckets"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(serveTest(t, s, "GET", "/v1/metrics/webhooks?"+v.Encode(), ""), &resp))
		g := int64(hookscope.Granularity(q.gran).Duration() / time.Second)
		from, to := q.from.Truncate(time.Second).Unix(), q.to.Truncate(time.Second).Unix()
		b0 := floorDiv(from, g) * g
		nb := (floorDiv(to, g)*g-b0)/g + 1
		s.st.mu.RLock()
		want := bruteMetric(s, q.metric, q.groupBy, b0, nb, g, from, to, 0, now)
		wantPrior := bruteMetric(s, q.metric, q.groupBy, b0, nb, g, from, to, to-from, now)
		s.st.mu.RUnlock()
		// Rows exist for the groups with an event in the window only.
		groups := map[string]bool{}
		for k := range want {
			groups[k[strings.IndexByte(k, '/'):]] = true
		}
		for k := range wantPrior {
			if q.groupBy != "" && !groups[k[strings.IndexByte(k, '/'):]] {
				delete(wantPrior, k)
			}
		}
		got, gotPrior := map[string]int64{}, map[string]int64{}
		for _, b := range resp.Data.Buckets {
			key := fmt.Sprint(b.BucketStart.Unix(), "/", b.Group)
			if b.Value != nil && *b.Value != 0 {
				got[key] = *b.Value
			}
			if b.PriorValue != nil && *b.PriorValue != 0 {
				gotPrior[key] = *b.PriorValue
			}
		}
		require.Equal(t, want, got, "metric %+v at %s", q, now)
		require.Equal(t, wantPrior, gotPrior, "prior of metric %+v at %s", q, now)
	}
}

func TestAggregatesMatchBruteForce(t *testing.T) {
	t.Parallel()
	clock := NewTestClock(time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC))
	s := New(WithSeed(5), WithMessages(3000), WithClock(clock.Now))
	defer s.Close()
	checkAggregates(t, s, clock.Now())

	rng := rand.New(rand.NewPCG(7, 11))
	eps := s.EndpointIDs("")
	statuses := []int{500, 502, 503, 429, 404, 410, 0, 301}
	for round := range 12 {
		now := clock.Now()
		for range 150 {
			created := now.Add(time.Duration(rng.Int64N(int64(9*24*time.Hour))) - 7*24*time.Hour)
			m := Message{EndpointID: eps[rng.IntN(len(eps))], CreatedAt: created,
				EventType: []string{"", "order.paid", "call.missed", "x"}[rng.IntN(4)], Final: rng.IntN(2) == 0}
			n := rng.IntN(maxAttempts + 1)
			for k := range n {
				spec := AttemptSpec{Status: statuses[rng.IntN(len(statuses))], LatencyMS: rng.Int64N(5000)}
				if k == n-1 && rng.IntN(2) == 0 {
					spec.Status = 200
				}
				if k == 0 && rng.IntN(3) == 0 {
					// An explicit first attempt, sometimes before the creation (a negative delay).
					spec.At = created.Add(time.Duration(rng.Int64N(int64(2*time.Hour))) - 10*time.Minute)
				}
				m.Attempts = append(m.Attempts, spec)
			}
			if _, err := s.AddMessage(m); err != nil {
				t.Fatal(err)
			}
		}
		switch round {
		case 3:
			// Two endpoints share a URL: top_failed_urls adds them up.
			serveTest(t, s, http.MethodPatch, "/api/v0/webhooks/"+eps[1], `{"url":"https://api.shopwave.example/webhooks/hookscope"}`)
		case 5:
			serveTest(t, s, http.MethodDelete, "/api/v0/webhooks/"+eps[2], "")
			eps = slices.Delete(eps, 2, 3)
		}
		checkAggregates(t, s, clock.Now())
		// The clock moves on: messages added later today (and tomorrow) come in.
		clock.Add(time.Duration(rng.Int64N(int64(5 * time.Hour))))
		checkAggregates(t, s, clock.Now())
	}
}
