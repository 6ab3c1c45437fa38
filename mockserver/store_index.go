package mockserver

import (
	"cmp"
	"slices"
	"sort"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// filterKey selects one of an org's sorted outbound message slices.
type filterKey struct {
	ep     string
	status hookscope.MessageStatus
}

// compareMsg orders messages by (created_at, id).
func compareMsg(a *message, t time.Time, id string) int {
	return cmp.Or(a.createdAt.Compare(t), cmp.Compare(a.id, id))
}

// insertSorted inserts m into the (created_at, id)-sorted slice ms. Appending
// is the common case (messages arrive in time order), so it is checked first.
func insertSorted(ms []*message, m *message) []*message {
	if n := len(ms); n == 0 || compareMsg(ms[n-1], m.createdAt, m.id) < 0 {
		return append(ms, m)
	}
	i := sort.Search(len(ms), func(i int) bool { return compareMsg(ms[i], m.createdAt, m.id) >= 0 })
	return slices.Insert(ms, i, m)
}

// insertInt64 inserts v into the ascending slice vs, appending when it can.
func insertInt64(vs []int64, v int64) []int64 {
	if n := len(vs); n == 0 || vs[n-1] <= v {
		return append(vs, v)
	}
	j, _ := slices.BinarySearch(vs, v)
	return slices.Insert(vs, j, v)
}

// lowerBound is the index of the first message of ms at or after (t, id).
func lowerBound(ms []*message, t time.Time, id string) int {
	return sort.Search(len(ms), func(i int) bool { return compareMsg(ms[i], t, id) >= 0 })
}

// firstAtOrAfter is the index of the first message of ms created at or after t.
func firstAtOrAfter(ms []*message, t time.Time) int {
	return sort.Search(len(ms), func(i int) bool { return !ms[i].createdAt.Before(t) })
}

// firstAfter is the index of the first message of ms created after t.
func firstAfter(ms []*message, t time.Time) int {
	return sort.Search(len(ms), func(i int) bool { return ms[i].createdAt.After(t) })
}

// addMessageLocked indexes m (with its attempts) into its org and the store,
// and updates the endpoint aggregates, the rollups and the day aggregates.
func (s *store) addMessageLocked(m *message) {
	o, ep := m.org, m.ep
	s.msgs[m.id] = m
	if m.inbound {
		o.inbound = insertSorted(o.inbound, m)
		o.count(m.createdAt, ep.ordinal, rollInboundReceived, classNone, 1)
		return
	}
	for _, k := range []filterKey{{}, {ep: ep.id}, {status: m.status}, {ep: ep.id, status: m.status}} {
		o.outboundBy[k] = insertSorted(o.outboundBy[k], m)
	}
	ep.total++
	o.addToDayLocked(m)
	msgClass := classNone
	if last := m.lastAttempt(); last != nil {
		msgClass = last.statusClass()
	}
	o.count(m.createdAt, ep.ordinal, rollOutboundSent, msgClass, 1)
	for i := range m.attempts {
		o.addAttemptLocked(ep, &m.attempts[i])
	}
	if last := m.lastAttempt(); m.status == hookscope.StatusFailedPermanent && last != nil {
		o.count(last.at, ep.ordinal, rollOutboundFailed, last.statusClass(), 1)
	}
}

// addAttemptLocked counts outbound attempt a of endpoint ep in its
// aggregates and the rollups.
func (o *org) addAttemptLocked(ep *endpoint, a *attempt) {
	c := a.statusClass()
	if a.succeeded() {
		ep.succeeded++
		o.count(a.at, ep.ordinal, rollDelivered, c, 1)
		o.count(a.at, ep.ordinal, rollOutboundDelivered, c, 1)
	} else {
		ep.failedAttempts++
		o.count(a.at, ep.ordinal, rollFailed, c, 1)
		ep.failTimes = insertInt64(ep.failTimes, a.at.UnixNano())
	}
	if a.no > 1 {
		o.count(a.at, ep.ordinal, rollRetried, c, 1)
	}
	if a.latency != absent {
		ep.latencySum += a.latency
		ep.latencyN++
	}
	if a.at.After(ep.lastAttempt) {
		ep.lastAttempt = a.at
	}
}
