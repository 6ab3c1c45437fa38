package mockserver

import (
	"math"
	"net/http"
	"slices"
	"sort"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

var errWebhookNotFound = notFound(hookscope.CodeWebhookNotFound, "webhook not found")

// webhookFieldsLocked is ep as the webhooks endpoints answer it, without
// recent_events, its delivery_stats at now.
func webhookFieldsLocked(o *org, ep *endpoint, now time.Time) webhookResp {
	return webhookResp{
		ID: ep.id, Name: ep.name, URL: ep.url, Kind: ep.kind, IsActive: ep.active, Encrypted: ep.encrypted,
		SigningSecret: ep.secret, EventTypes: ep.eventTypes,
		CreatedAt: ep.createdAt, UpdatedAt: ep.updatedAt, App: appResp{ID: ep.app.ID, Name: ep.app.Name},
		DeliveryStats: deliveryStatsLocked(o, ep, now),
	}
}

// deliveryStatsLocked is ep's delivery_stats at now, from its running
// aggregates and binary searches in its time-ordered messages and failed
// attempts: no scan of messages. See the package doc for the definitions.
func deliveryStatsLocked(o *org, ep *endpoint, now time.Time) deliveryStatsResp {
	st, _ := deliveryStatsSpan(o, ep, now)
	return st
}

// deliveryStatsSpan is deliveryStatsLocked with the times (unix ns) over
// which the stats stay what they are at now, for the same records: only
// the two 24-hour counts depend on the clock, and they change only when a
// message or a failed attempt enters the window (at its own time) or leaves
// it (24 hours after).
func deliveryStatsSpan(o *org, ep *endpoint, now time.Time) (deliveryStatsResp, timeSpan) {
	o.aggregated()
	var st deliveryStatsResp
	st.TotalEvents = ep.total
	st.SuccessfulDeliveries = ep.succeeded
	st.FailedDeliveries = ep.failedAttempts
	if !ep.lastAttempt.IsZero() {
		// ep's own field, not a copy: the stats are encoded under the lock
		// they were read under.
		st.LastDelivery = &ep.lastAttempt
	}
	if ep.total > 0 {
		st.SuccessRate = round2(float64(ep.succeeded) / float64(ep.total) * 100)
	}
	if ep.latencyN > 0 {
		st.AverageResponseTime = round2(float64(ep.latencySum) / float64(ep.latencyN))
	}
	const day = int64(24 * time.Hour)
	span := timeSpan{from: math.MinInt64, until: math.MaxInt64}
	ms := o.outboundBy[filterKey{ep: ep.id}]
	created := func(i int) int64 { return o.msg(ms[i]).createdAt }
	dayAgo := now.Add(-24 * time.Hour)
	inNow, inDayAgo := o.firstAfter(ms, now), o.firstAfter(ms, dayAgo)
	st.Last24hEvents = int64(inNow - inDayAgo)
	span.narrow(len(ms), inNow, 0, created)
	span.narrow(len(ms), inDayAgo, day, created)
	after := func(t int64) int {
		return sort.Search(len(ep.failTimes), func(i int) bool { return ep.failTimes[i] > t })
	}
	failed := func(i int) int64 { return ep.failTimes[i] }
	fNow, fDayAgo := after(now.UnixNano()), after(dayAgo.UnixNano())
	st.Last24hFailures = int64(fNow - fDayAgo)
	span.narrow(len(ep.failTimes), fNow, 0, failed)
	span.narrow(len(ep.failTimes), fDayAgo, day, failed)
	return st, span
}

// timeSpan is the times [from, until) (unix ns) over which an answer that
// depends on the clock stays the same.
type timeSpan struct{ from, until int64 }

// narrow narrows s to the times at which a count of the n sorted times
// at(0..n-1), shifted by shift, stays k: the count of those at or before
// a time t+… is k from at(k-1)+shift up to at(k)+shift.
func (s *timeSpan) narrow(n, k int, shift int64, at func(int) int64) {
	// Saturated: a time within shift of the largest int64 (past 2262) must
	// not wrap around to a span that holds too much.
	plus := func(t int64) int64 {
		if t > math.MaxInt64-shift {
			return math.MaxInt64
		}
		return t + shift
	}
	if k > 0 {
		s.from = max(s.from, plus(at(k-1)))
	}
	if k < n {
		s.until = min(s.until, plus(at(k)))
	}
}

// holds reports whether s holds t.
func (s timeSpan) holds(t int64) bool { return s.from <= t && t < s.until }

// recentEvent is m as a webhook's recent event: delivered (succeeded),
// failed (failed_permanent) or pending (anything else), with its last attempt.
func recentEvent(m *message) webhookEventResp {
	ev := webhookEventResp{ID: m.id, EventType: m.eventType, CreatedAt: m.createdAt,
		DeliveryStatus: hookscope.DeliveryPending, RetryCount: max(len(m.attempts)-1, 0)}
	switch m.status {
	case hookscope.StatusSucceeded:
		ev.DeliveryStatus = hookscope.DeliveryDelivered
	case hookscope.StatusFailedPermanent:
		ev.DeliveryStatus = hookscope.DeliveryFailed
	}
	if last := m.lastAttempt(); last != nil {
		ev.DeliveredAt = new(last.at)
		if last.status != 0 {
			ev.ResponseCode = new(last.status)
		}
		if last.latency != absent {
			ev.ResponseTime = new(float64(last.latency))
		}
		if !last.succeeded() {
			ev.ErrorMessage = last.errText
		}
	}
	return ev
}

func checkWebhookID(id string) *apiError {
	if !isEndpointID(id) {
		return invalid("webhook_id", "must match ^ep_[a-f0-9]{32}$")
	}
	return nil
}

// webhookGetQuery is a parsed GET /api/v0/webhooks/{webhook_id}.
type webhookGetQuery struct {
	id     string
	events int // recent events to include; 0 without include_events
}

func parseWebhookGet(rc *reqCtx) (webhookGetQuery, *apiError) {
	q := webhookGetQuery{id: rc.params.get("webhook_id")}
	if err := checkWebhookID(q.id); err != nil {
		return q, err
	}
	include, err := queryBool(&rc.query, "include_events", false)
	if err != nil {
		return q, err
	}
	limit, err := queryInt(&rc.query, "events_limit", hookscope.WebhookEventsDefaultLimit, 1, hookscope.WebhookEventsMaxLimit)
	if err != nil {
		return q, err
	}
	if include {
		q.events = limit
	}
	return q, nil
}

// webhookAnswer returns org's live webhook id as GET answers it at now,
// with its newest events (at most events): its JSON and a newline; false
// when there is no such webhook. The answer is built in b, or, with shared
// set, it is one kept by the store's answer cache: read-only, the same
// bytes for every request of that webhook and events limit at a time
// within the span the answer holds for, until the next write. A kept
// answer is found without the store's lock (see storeLock).
func (s *store) webhookAnswer(b []byte, orgID, id string, now time.Time, events int) (answer []byte, shared, ok bool) {
	key := answerKey{org: orgID, id: id, version: s.mu.version.Load(), events: events}
	nowNS := now.UnixNano()
	if a := s.answers.get(&key); a != nil && a.span.holds(nowNS) {
		return a.body, true, true // kept at the version: no write since
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgRead(orgID)
	ep := o.endpoint(id)
	if ep == nil {
		return b, false, false
	}
	key.version = s.mu.version.Load()
	b, span := appendWebhookRLocked(b, o, ep, now, events, key.version)
	b = append(b, '\n')
	s.answers.put(&key, span, slices.Clip(slices.Clone(b)))
	return b, false, true
}

// handleWebhookGet serves GET /api/v0/webhooks/{webhook_id}.
func (s *Server) handleWebhookGet(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q, err := parseWebhookGet(rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	bp := getBuf()
	b, shared, ok := s.st.webhookAnswer((*bp)[:0], rc.key.Org, q.id, s.now(), q.events)
	if !ok {
		bufPool.Put(bp)
		s.writeError(w, rc, errWebhookNotFound)
		return
	}
	if !shared {
		writeLineBuf(w, http.StatusOK, bp, b)
		return
	}
	// A kept answer is shared: writeLine never appends to it.
	bufPool.Put(bp)
	writeLine(w, http.StatusOK, b)
}

// webhookListQuery is a parsed GET /api/v0/webhooks.
type webhookListQuery struct {
	limit    int
	after    cursor // the last webhook of the previous page
	hasAfter bool
}

func (s *Server) parseWebhookList(rc *reqCtx) (webhookListQuery, *apiError) {
	var q webhookListQuery
	var err *apiError
	if q.limit, err = queryInt(&rc.query, "limit", hookscope.WebhooksDefaultLimit, 1, hookscope.WebhooksMaxLimit); err != nil {
		return q, err
	}
	q.after, q.hasAfter, err = s.cursorParam(&rc.query, "webhooks", "")
	return q, err
}

// appendWebhookPage appends the page of org's live webhooks, by (created_at,
// id), that q selects, comma-separated, and the position of its last row,
// with more when more rows follow.
func (s *store) appendWebhookPage(b []byte, orgID string, q webhookListQuery, now time.Time) (_ []byte, last cursor, more bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgRead(orgID)
	eps := o.liveEndpoints()
	lo := 0
	if q.hasAfter {
		t := q.after.time()
		lo = sort.Search(len(eps), func(i int) bool {
			c := eps[i].createdAt.Compare(t)
			return c > 0 || (c == 0 && eps[i].id > q.after.ID)
		})
	}
	hi := min(lo+q.limit, len(eps))
	for i, ep := range eps[lo:hi] {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = appendWebhookRLocked(b, o, ep, now, 0, s.mu.version.Load())
	}
	if hi == len(eps) {
		return b, cursor{}, false
	}
	ep := eps[hi-1]
	return b, cursor{Kind: "webhooks", TimeNS: ep.createdAt.UnixNano(), ID: ep.id}, true
}

// handleWebhookList serves GET /api/v0/webhooks: live webhooks by
// (created_at, id), keyset-paged, each with its delivery_stats.
func (s *Server) handleWebhookList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q, err := s.parseWebhookList(rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	bp, b := listStart()
	b, last, more := s.st.appendWebhookPage(b, rc.key.Org, q, s.now())
	writeList(w, bp, b, listMeta{NextCursor: s.nextCursor(last, more), HasMore: more})
}
