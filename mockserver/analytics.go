package mockserver

import (
	"cmp"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"slices"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// handleAnalytics serves GET /analytics/webhooks. The day is the current UTC
// day up to the clock; a "delivery" is an outbound message created in it.
// See the package doc for each figure's definition.
func (s *Server) handleAnalytics(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	now := s.now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)

	s.st.mu.RLock()
	o := s.st.orgs[rc.key.Org]
	ms := o.idx[filterKey{}]
	hi := firstAfter(ms, now)
	an := hookscope.WebhookAnalytics{TopEvents: []hookscope.EventCount{}, TopFailedURLs: []hookscope.URLCount{},
		HourlyMetrics: []hookscope.HourlyCount{}, LastEvents: []hookscope.AnalyticsEvent{}}
	dm := &an.DayMetrics
	// The day's aggregates cover its whole UTC day; the messages created
	// after now (added with a later CreatedAt) are taken out again.
	agg := o.days[day.Unix()]
	if agg == nil {
		agg = &dayAgg{events: map[string]int64{}, failedByEp: map[int32]int64{}}
	}
	later := ms[hi:max(hi, firstAtOrAfter(ms, day.Add(24*time.Hour)))]
	dm.Total, dm.Success, dm.Failed, dm.Pending = agg.total, agg.success, agg.failed, agg.pending
	retried := agg.retried
	events := maps.Clone(agg.events)
	failedByEp := maps.Clone(agg.failedByEp)
	var laterDelays []int64
	for _, m := range later {
		dm.Total--
		switch m.status {
		case hookscope.StatusSucceeded:
			dm.Success--
		case hookscope.StatusFailedPermanent:
			dm.Failed--
			failedByEp[m.ep.rollIdx]--
		default:
			dm.Pending--
		}
		if len(m.attempts) > 1 {
			retried--
		}
		if d, ok := delayMS(m); ok {
			laterDelays = append(laterDelays, d)
		}
		events[m.eventType]--
	}
	failedURLs := map[string]int64{}
	for ep, n := range failedByEp {
		if n > 0 {
			failedURLs[o.endpoints[ep].url] += n
		}
	}
	an.Latency = agg.delays.stats(laterDelays)
	if dm.Total > 0 {
		dm.RetryRatePct = round2(float64(retried) / float64(dm.Total) * 100)
	}
	dm.AvgDelayMS = an.Latency.Avg
	for ev, n := range events {
		if n <= 0 {
			continue
		}
		an.TopEvents = append(an.TopEvents, hookscope.EventCount{Event: ev, Count: n})
	}
	slices.SortFunc(an.TopEvents, func(a, b hookscope.EventCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Event, b.Event))
	})
	an.TopEvents = an.TopEvents[:min(5, len(an.TopEvents))]
	for u, n := range failedURLs {
		an.TopFailedURLs = append(an.TopFailedURLs, hookscope.URLCount{URL: u, Count: n})
	}
	slices.SortFunc(an.TopFailedURLs, func(a, b hookscope.URLCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.URL, b.URL))
	})
	an.TopFailedURLs = an.TopFailedURLs[:min(5, len(an.TopFailedURLs))]

	// The last 24 hours: the current hour and the 23 before it.
	h0 := now.Truncate(time.Hour).Add(-23 * time.Hour)
	for k := range 24 {
		start := h0.Add(time.Duration(k) * time.Hour)
		endIdx := firstAtOrAfter(ms, start.Add(time.Hour))
		if k == 23 {
			endIdx = hi
		}
		an.HourlyMetrics = append(an.HourlyMetrics, hookscope.HourlyCount{Hour: start, Count: int64(endIdx - firstAtOrAfter(ms, start))})
	}
	for _, ep := range o.liveEndpoints() {
		an.Total.Webhooks++
		an.Total.EventsSubscribed += int64(len(ep.eventTypes))
	}
	for i := hi - 1; i >= 0 && len(an.LastEvents) < 10; i-- {
		an.LastEvents = append(an.LastEvents, analyticsEvent(o, ms[i]))
	}
	s.st.mu.RUnlock()

	s.writeJSON(w, rc, http.StatusOK, struct {
		Status    int                         `json:"status"`
		Data      *hookscope.WebhookAnalytics `json:"data"`
		Error     *string                     `json:"error"`
		Log       any                         `json:"log"`
		Validator any                         `json:"validator"`
		SupportID *string                     `json:"support_id"`
		Message   string                      `json:"message"`
		Env       string                      `json:"env"`
	}{Status: http.StatusOK, Data: &an, Message: "Webhook analytics retrieved successfully", Env: "development"})
}

// delayMS is a message's delay: from its creation to its first attempt.
func delayMS(m *message) (int64, bool) {
	if len(m.attempts) == 0 {
		return 0, false
	}
	return m.attempts[0].at.Sub(m.createdAt).Milliseconds(), true
}

// stats summarises the delays of h without those of except (a subset of
// them): min, max, mean (two decimals) and nearest-rank percentiles; all 0
// when there are none. It walks h's distinct values once: the cost is the
// number of distinct delays plus len(except), not the number of messages.
func (h *delayHist) stats(except []int64) hookscope.LatencyStats {
	n, sum := h.n-int64(len(except)), h.sum
	for _, d := range except {
		sum -= d
	}
	if n <= 0 {
		return hookscope.LatencyStats{}
	}
	slices.Sort(except)
	ps := [4]float64{50, 90, 95, 99}
	var ranks [4]int64 // 0-based positions of the percentiles in the sorted delays
	for k, p := range ps {
		ranks[k] = max(int64(math.Ceil(p/100*float64(n)))-1, 0)
	}
	var vals [4]float64
	out := hookscope.LatencyStats{Avg: round2(float64(sum) / float64(n))}
	var seen int64 // delays before vals[i]
	j, k, first := 0, 0, true
	for i, v := range h.vals {
		c := h.cnts[i]
		for j < len(except) && except[j] < v {
			j++
		}
		for j < len(except) && except[j] == v {
			c--
			j++
		}
		if c <= 0 {
			continue
		}
		if first {
			out.Min, first = float64(v), false
		}
		out.Max = float64(v)
		seen += c
		for k < len(ranks) && ranks[k] < seen {
			vals[k] = float64(v)
			k++
		}
	}
	out.P50, out.P90, out.P95, out.P99 = vals[0], vals[1], vals[2], vals[3]
	return out
}

// analyticsEvent is m as one of analytics' last_events.
func analyticsEvent(o *org, m *message) hookscope.AnalyticsEvent {
	ev := hookscope.AnalyticsEvent{
		ID: m.id, WebhookID: m.ep.id, OrganizationID: o.id, URL: m.ep.url, Event: m.eventType,
		ResourceID: m.resourceID, Payload: json.RawMessage(m.payload), Retries: max(len(m.attempts)-1, 0),
		CreatedAt: m.createdAt, UpdatedAt: m.createdAt,
		Done: m.status == hookscope.StatusSucceeded || m.status == hookscope.StatusFailedPermanent,
	}
	if len(m.attempts) > 0 {
		ev.FirstSentAt = new(m.attempts[0].at)
		d, _ := delayMS(m)
		ev.DelayMS = new(d)
	}
	if last := m.lastAttempt(); last != nil {
		ev.UpdatedAt = last.at
		if last.status != 0 {
			ev.ResponseStatus = new(last.status)
			_, body := responseBody(last)
			ev.ResponseBody = new(body)
		}
		if !last.succeeded() {
			b, _ := json.Marshal(map[string]string{"error": last.errText})
			ev.Error = b
		}
	}
	return ev
}
