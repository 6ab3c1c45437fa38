package mockserver

import (
	"cmp"
	"encoding/json"
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
	lo, hi := firstAtOrAfter(ms, day), firstAfter(ms, now)
	an := hookscope.WebhookAnalytics{TopEvents: []hookscope.EventCount{}, TopFailedURLs: []hookscope.URLCount{},
		HourlyMetrics: []hookscope.HourlyCount{}, LastEvents: []hookscope.AnalyticsEvent{}}
	dm := &an.DayMetrics
	events := map[string]int64{}
	failedURLs := map[string]int64{}
	var delays []int64
	var retried int64
	for _, m := range ms[lo:hi] {
		dm.Total++
		switch m.status {
		case hookscope.StatusSucceeded:
			dm.Success++
		case hookscope.StatusFailedPermanent:
			dm.Failed++
			failedURLs[m.ep.url]++
		default:
			dm.Pending++
		}
		if len(m.attempts) > 1 {
			retried++
		}
		if d, ok := delayMS(m); ok {
			delays = append(delays, d)
		}
		events[m.eventType]++
	}
	if dm.Total > 0 {
		dm.RetryRatePct = round2(float64(retried) / float64(dm.Total) * 100)
	}
	an.Latency = latencyStats(delays)
	dm.AvgDelayMS = an.Latency.Avg
	for ev, n := range events {
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

// latencyStats summarises delays: min, max, mean (two decimals) and
// nearest-rank percentiles; all 0 when there are none.
func latencyStats(delays []int64) hookscope.LatencyStats {
	if len(delays) == 0 {
		return hookscope.LatencyStats{}
	}
	slices.Sort(delays)
	var sum int64
	for _, d := range delays {
		sum += d
	}
	rank := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(len(delays)))) - 1
		return float64(delays[max(i, 0)])
	}
	return hookscope.LatencyStats{
		Min: float64(delays[0]), Max: float64(delays[len(delays)-1]),
		Avg: round2(float64(sum) / float64(len(delays))),
		P50: rank(50), P90: rank(90), P95: rank(95), P99: rank(99),
	}
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
