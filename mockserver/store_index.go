package mockserver

import (
	"bytes"
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

// cmpRec orders records by (created_at, id).
func cmpRec(r *msgRec, t int64, id *[16]byte) int {
	if r.createdAt != t {
		return cmp.Compare(r.createdAt, t)
	}
	return bytes.Compare(r.id[:], id[:])
}

// insertSorted inserts ref into o's (created_at, id)-sorted slice ms.
// Appending is the common case (messages arrive in time order), so it is
// checked first.
func (o *org) insertSorted(ms []int32, ref int32) []int32 {
	r := o.msg(ref)
	if n := len(ms); n == 0 || cmpRec(o.msg(ms[n-1]), r.createdAt, &r.id) < 0 {
		return append(ms, ref)
	}
	return slices.Insert(ms, o.lowerBound(ms, r.createdAt, r.id), ref)
}

// removeSorted removes ref from o's (created_at, id)-sorted slice ms.
func (o *org) removeSorted(ms []int32, ref int32) []int32 {
	r := o.msg(ref)
	for i := o.lowerBound(ms, r.createdAt, r.id); i < len(ms) && cmpRec(o.msg(ms[i]), r.createdAt, &r.id) == 0; i++ {
		if ms[i] == ref {
			return slices.Delete(ms, i, i+1)
		}
	}
	return ms
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
func (o *org) lowerBound(ms []int32, t int64, id [16]byte) int {
	return sort.Search(len(ms), func(i int) bool { return cmpRec(o.msg(ms[i]), t, &id) >= 0 })
}

// lowerBoundCursor is lowerBound at a cursor's position.
func (o *org) lowerBoundCursor(ms []int32, c cursor) int {
	id, _ := parseUUID(c.ID)
	return o.lowerBound(ms, c.TimeNS, id)
}

// firstAtOrAfter is the index of the first message of ms created at or after t.
func (o *org) firstAtOrAfter(ms []int32, t time.Time) int {
	ns := t.UnixNano()
	return sort.Search(len(ms), func(i int) bool { return o.msg(ms[i]).createdAt >= ns })
}

// firstAfter is the index of the first message of ms created after t.
func (o *org) firstAfter(ms []int32, t time.Time) int {
	ns := t.UnixNano()
	return sort.Search(len(ms), func(i int) bool { return o.msg(ms[i]).createdAt > ns })
}

// filterKeys are the four outbound slices a message of endpoint ep with
// status st is in.
func filterKeys(ep string, st hookscope.MessageStatus) [4]filterKey {
	return [4]filterKey{{}, {ep: ep}, {status: st}, {ep: ep, status: st}}
}

// addMessageLocked stores m (with its attempts) in its org and indexes it
// (see addRecLocked). It returns the message's position.
func (s *store) addMessageLocked(m *message) int32 {
	rec, atts := m.org.toRec(m)
	return s.addRecLocked(m.org, rec, atts)
}

// addRecLocked stores message record rec with the records of its attempts
// in o, indexes it, and counts it in o's aggregates once they are built
// (see aggregated). It returns the message's position.
func (s *store) addRecLocked(o *org, rec msgRec, atts []attRec) int32 {
	rec.nAtt = uint16(len(atts))
	if len(atts) > 0 {
		rec.att = o.atts.alloc(len(atts))
		copy(o.atts.span(rec.att, len(atts)), atts)
	}
	ref := o.msgs.alloc(1)
	*o.msg(ref) = rec
	r := o.msg(ref)
	if uuidMilli(r.id) != floorDiv(r.createdAt, int64(time.Millisecond)) {
		s.oddIDs[r.id] = msgAt{o, ref}
	}
	if r.inbound() {
		o.inbound = o.insertSorted(o.inbound, ref)
	} else {
		for _, k := range filterKeys(o.endpointOf(r).id, r.state()) {
			o.outboundBy[k] = o.insertSorted(o.outboundBy[k], ref)
		}
	}
	if o.aggReady.Load() {
		o.aggregateLocked(ref, 1)
	}
	return ref
}

// aggregated builds o's aggregates (the rollups, the day aggregates, the
// endpoints' running stats and the attempts by minute) from its records,
// once: the reads that need them call it first, and from then on every
// insert and removal keeps them. A history is thus served (logs, attempts)
// before its aggregates cost anything, and a Server that never answers
// metrics, analytics or webhooks never builds them. Concurrent callers wait
// for the one build (sync.Once); writers hold the store's write lock, so
// none runs during a build, which readers run under the read lock.
func (o *org) aggregated() {
	o.aggOnce.Do(func() {
		o.beginBulk()
		for _, ref := range o.inbound {
			o.aggregateLocked(ref, 1)
		}
		for _, ref := range o.outboundBy[filterKey{}] {
			o.aggregateLocked(ref, 1)
		}
		o.endBulkAggregates()
		o.aggReady.Store(true)
	})
}

// warm builds the aggregates of every organization of s (see aggregated).
func (s *store) warm() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, o := range s.orgs {
		o.aggregated()
	}
}

// aggregateLocked counts message ref in o's aggregates (sign 1) or takes
// it out again (sign -1, for a message about to leave the indexes).
func (o *org) aggregateLocked(ref int32, sign int64) {
	r := o.msg(ref)
	ep := o.endpointOf(r)
	if r.inbound() {
		o.count(r.createdAt, ep.ordinal, rollInboundReceived, classNone, sign)
		return
	}
	ep.total += sign
	if sign > 0 {
		o.addToDayLocked(r)
	} else {
		o.removeFromDayLocked(r)
	}
	msgClass := classNone
	if last := o.lastAtt(r); last != nil {
		msgClass = last.statusClass()
	}
	o.count(r.createdAt, ep.ordinal, rollOutboundSent, msgClass, sign)
	for k := range int(r.nAtt) {
		a := o.atts.at(r.att + int32(k))
		o.countAttemptLocked(ep, a, sign)
		if sign > 0 {
			o.addByMinute(a.at, attRef{msg: ref, k: int32(k)})
		} else {
			o.removeByMinute(a.at, attRef{msg: ref, k: int32(k)})
		}
	}
	if last := o.lastAtt(r); r.state() == hookscope.StatusFailedPermanent && last != nil {
		o.count(last.at, ep.ordinal, rollOutboundFailed, last.statusClass(), sign)
	}
}

// countAttemptLocked counts outbound attempt a of endpoint ep in its
// aggregates and the rollups (sign 1), or takes it out (-1). The
// endpoint's last attempt time stays when an attempt leaves: the copy that
// replaces a retried message has the same attempts and later ones.
func (o *org) countAttemptLocked(ep *endpoint, a *attRec, sign int64) {
	c := a.statusClass()
	if a.succeeded() {
		ep.succeeded += sign
		o.count(a.at, ep.ordinal, rollDelivered, c, sign)
		o.count(a.at, ep.ordinal, rollOutboundDelivered, c, sign)
	} else {
		ep.failedAttempts += sign
		o.count(a.at, ep.ordinal, rollFailed, c, sign)
		switch {
		case sign < 0:
			if j, found := slices.BinarySearch(ep.failTimes, a.at); found {
				ep.failTimes = slices.Delete(ep.failTimes, j, j+1)
			}
		case o.roll[rollMinute].bulk:
			ep.failTimes = append(ep.failTimes, a.at) // sorted by endBulkAggregates
		default:
			ep.failTimes = insertInt64(ep.failTimes, a.at)
		}
	}
	if a.no > 1 {
		o.count(a.at, ep.ordinal, rollRetried, c, sign)
	}
	if a.latency != int32(absent) {
		ep.latencySum += sign * int64(a.latency)
		ep.latencyN += sign
	}
	if t := unixTime(a.at); sign > 0 && t.After(ep.lastAttempt) {
		ep.lastAttempt = t
	}
}

// addByMinute files attempt ref, made at at (unix ns), under its minute.
func (o *org) addByMinute(at int64, ref attRef) {
	if o.byMinute == nil {
		o.byMinute = make(map[int64][]attRef)
	}
	m := floorDiv(at, int64(time.Minute))
	o.byMinute[m] = append(o.byMinute[m], ref)
}

// removeByMinute takes attempt ref, made at at, out of its minute.
func (o *org) removeByMinute(at int64, ref attRef) {
	m := floorDiv(at, int64(time.Minute))
	refs := o.byMinute[m]
	if i := slices.Index(refs, ref); i >= 0 {
		refs = slices.Delete(refs, i, i+1)
	}
	if len(refs) == 0 {
		delete(o.byMinute, m)
		return
	}
	o.byMinute[m] = refs
}

// findLocked finds the message with id in any organization (org "" ) or in
// org orgID: by the millisecond a UUIDv7 carries, a binary search in the
// time-ordered messages, and in oddIDs for the ids that carry another time.
func (s *store) findLocked(orgID string, id [16]byte) (*org, int32, bool) {
	if at, ok := s.oddIDs[id]; ok {
		if orgID != "" && at.o.id != orgID {
			return nil, 0, false
		}
		return at.o, at.ref, true
	}
	ms := uuidMilli(id)
	if ms > (1<<63-1)/int64(time.Millisecond) {
		return nil, 0, false
	}
	lo, hi := ms*int64(time.Millisecond), (ms+1)*int64(time.Millisecond)
	find := func(o *org, refs []int32) (int32, bool) {
		for i := o.lowerBound(refs, lo, [16]byte{}); i < len(refs); i++ {
			r := o.msg(refs[i])
			if r.createdAt >= hi {
				break
			}
			if r.id == id {
				return refs[i], true
			}
		}
		return 0, false
	}
	for oid, o := range s.orgs {
		if orgID != "" && oid != orgID {
			continue
		}
		if ref, ok := find(o, o.outboundBy[filterKey{}]); ok {
			return o, ref, true
		}
		if ref, ok := find(o, o.inbound); ok {
			return o, ref, true
		}
	}
	return nil, 0, false
}
