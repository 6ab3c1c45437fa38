package mockserver

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// handleAnalytics serves GET /analytics/webhooks. The day is the current UTC
// day up to the clock; a "delivery" is an outbound message created in it.
// See the package doc for each figure's definition. It takes no parameters.
func (s *Server) handleAnalytics(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	an := s.st.analytics(rc.key.Org, s.now())
	s.writeJSON(w, rc, http.StatusOK, analyticsResp{Status: http.StatusOK, Data: &an,
		Message: "Webhook analytics retrieved successfully", Env: "development"})
}

// analytics computes org's analytics at now from the day aggregates, the
// time-ordered messages and the endpoints.
func (s *store) analytics(orgID string, now time.Time) analyticsData {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgRead(orgID)
	ms := o.outboundBy[filterKey{}]
	hi := o.firstAfter(ms, now) // ms[:hi] were created up to now
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	dc := o.dayCountsLocked(day, ms[hi:max(hi, o.firstAtOrAfter(ms, day.Add(24*time.Hour)))])
	an := analyticsData{
		DayMetrics:    dc.dm,
		TopEvents:     topEvents(dc.events),
		TopFailedURLs: topFailedURLs(o, dc.failedByEp),
		HourlyMetrics: o.hourlyCounts(ms, hi, now),
		Total:         totalsLocked(o),
		LastEvents:    lastEvents(o, ms[:hi], 10),
		Latency:       dc.latency,
	}
	if an.DayMetrics.Total > 0 {
		an.DayMetrics.RetryRatePct = round2(float64(dc.retried) / float64(an.DayMetrics.Total) * 100)
	}
	an.DayMetrics.AvgDelayMS = an.Latency.Avg
	return an
}

// dayCounts are the figures of one UTC day up to now.
type dayCounts struct {
	dm         dayMetrics
	retried    int64
	events     map[string]int64
	failedByEp map[int32]int64
	latency    latencyStats
}

// dayCountsLocked reads day's aggregates, which cover its whole UTC day,
// and takes out again the messages of later (those created after now,
// which only AddMessage makes).
func (o *org) dayCountsLocked(day time.Time, later []int32) dayCounts {
	o.aggregated()
	agg := o.days[day.Unix()]
	if agg == nil {
		agg = newDayAgg()
	}
	dc := dayCounts{
		dm:      dayMetrics{Total: agg.total, Success: agg.success, Failed: agg.failed, Pending: agg.pending},
		retried: agg.retried, events: maps.Clone(agg.events), failedByEp: maps.Clone(agg.failedByEp),
	}
	var laterDelays []int64
	for _, ref := range later {
		m := o.msg(ref)
		dc.dm.Total--
		switch m.state() {
		case hookscope.StatusSucceeded:
			dc.dm.Success--
		case hookscope.StatusFailedPermanent:
			dc.dm.Failed--
			dc.failedByEp[m.ep]--
		default:
			dc.dm.Pending--
		}
		if m.nAtt > 1 {
			dc.retried--
		}
		if d, ok := o.delayMS(m); ok {
			laterDelays = append(laterDelays, d)
		}
		dc.events[o.strs[m.event]]--
	}
	dc.latency = agg.delays.stats(laterDelays)
	return dc
}

// topEvents is the 5 most frequent event types (count descending, then name).
func topEvents(events map[string]int64) []eventCount {
	out := []eventCount{}
	for ev, n := range events {
		if n > 0 {
			out = append(out, eventCount{Event: ev, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b eventCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Event, b.Event))
	})
	return out[:min(5, len(out))]
}

// topFailedURLs is the 5 endpoint URLs with the most failed_permanent
// messages (count descending, then URL); endpoints that share a URL add up.
func topFailedURLs(o *org, failedByEp map[int32]int64) []urlCount {
	byURL := map[string]int64{}
	for ep, n := range failedByEp {
		if n > 0 {
			byURL[o.endpoints[ep].url] += n
		}
	}
	out := []urlCount{}
	for u, n := range byURL {
		out = append(out, urlCount{URL: u, Count: n})
	}
	slices.SortFunc(out, func(a, b urlCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.URL, b.URL))
	})
	return out[:min(5, len(out))]
}

// hourlyCounts counts the messages of ms (sorted; ms[:hi] created up to
// now) created in each of the 24 hours up to the current one.
func (o *org) hourlyCounts(ms []int32, hi int, now time.Time) []hourlyCount {
	out := make([]hourlyCount, 0, 24)
	h0 := now.Truncate(time.Hour).Add(-23 * time.Hour)
	for k := range 24 {
		start := h0.Add(time.Duration(k) * time.Hour)
		end := hi
		if k < 23 {
			end = o.firstAtOrAfter(ms, start.Add(time.Hour))
		}
		out = append(out, hourlyCount{Hour: analyticsTime(start), Count: int64(end - o.firstAtOrAfter(ms, start))})
	}
	return out
}

// totalsLocked is o's live webhooks and their subscribed event types, kept
// by the endpoint index on write.
func totalsLocked(o *org) analyticsTotals {
	return analyticsTotals{Webhooks: int64(len(o.index.live)), EventsSubscribed: o.index.eventTypes}
}

// lastEvents is the newest n messages of ms (sorted ascending), newest first.
func lastEvents(o *org, ms []int32, n int) []analyticsEvent {
	out := make([]analyticsEvent, 0, min(n, len(ms)))
	for i := len(ms) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, toAnalyticsEvent(o, o.view(ms[i])))
	}
	return out
}

// toAnalyticsEvent is m as one of analytics' last_events.
func toAnalyticsEvent(o *org, m *message) analyticsEvent {
	ev := analyticsEvent{
		ID: m.id, WebhookID: m.ep.id, OrganizationID: o.id, URL: m.ep.url, Event: m.eventType,
		ResourceID: m.resourceID, Payload: rawOrNull(m.payloadJSON()), Retries: max(len(m.attempts)-1, 0),
		CreatedAt: analyticsTime(m.createdAt), UpdatedAt: analyticsTime(m.createdAt),
		Done: intBool(m.status == hookscope.StatusSucceeded || m.status == hookscope.StatusFailedPermanent),
	}
	if len(m.attempts) > 0 {
		ev.FirstSentAt = new(analyticsTime(m.attempts[0].at))
		ev.DelayMS = new(delayBetween(m.createdAt.UnixNano(), m.attempts[0].at.UnixNano()))
	}
	if last := m.lastAttempt(); last != nil {
		ev.UpdatedAt = analyticsTime(last.at)
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

// rawOrNull is b as a JSON value: null when empty.
func rawOrNull(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return json.RawMessage(b)
}
