package mockserver

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// Now is the server's "now": the clock of WithClock (default time.Now) moved
// by SetClock and AdvanceClock, in UTC. meta.as_of, the default metrics
// window, the analytics day, the 24-hour figures and the expiry of
// response-body URLs all read it.
func (s *Server) Now() time.Time { return s.now() }

// SetClock moves the server's "now" to t. A fixed clock (WithClock of a
// constant) then stays at t; the real clock moves on from t at its own pace.
// Moving forward makes the attempts that fall due: every pending_retry
// message whose next attempt is at or before t gets its attempts up to t,
// their outcomes drawn from the endpoint's behaviour as the generator draws
// them (deterministic for a seed and a message), so a failed delivery is
// retried and may succeed or fail for good; every figure (logs, metrics,
// delivery_stats, analytics) includes them at once. Moving back makes no
// attempt and undoes none. t must lie between years 1970 and 9999.
func (s *Server) SetClock(t time.Time) error {
	t = t.UTC()
	if t.Before(minQueryTime) || !t.Before(maxQueryTime) {
		return fmt.Errorf("mockserver: SetClock: %s is out of range", t.Format(time.RFC3339))
	}
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	s.clockOffset.Store(int64(t.Sub(s.cfg.clock().UTC())))
	s.st.retryDue(s.now(), s.dataSeed.Load())
	return nil
}

// AdvanceClock moves the server's "now" forward by d (> 0), as SetClock
// does: the attempts that fall due are made.
func (s *Server) AdvanceClock(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("mockserver: AdvanceClock: %v is not positive", d)
	}
	s.clockMu.Lock()
	now := s.now()
	s.clockMu.Unlock()
	if maxQueryTime.Sub(now) <= d {
		return fmt.Errorf("mockserver: AdvanceClock: %v moves the clock out of range", d)
	}
	return s.SetClock(now.Add(d))
}

// profileOf is the behaviour of ep's deliveries: its generated profile (by
// URL), or a healthy one for an endpoint created at runtime.
func profileOf(ep *endpoint) *profile {
	for i := range profiles {
		if profiles[i].url == ep.url {
			return &profiles[i]
		}
	}
	return &profiles[0]
}

// retryDue makes the attempts of every pending_retry message due at now
// (see SetClock) and returns how many attempts were made.
func (s *store) retryDue(now time.Time, seed int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.base != nil && !s.anyDueLocked(now) {
		return 0 // nothing to retry: the shared base stays shared
	}
	s.ownLocked()
	made := 0
	ids := make([]string, 0, len(s.orgs))
	for id := range s.orgs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		o := s.orgs[id]
		var due []*message
		for _, m := range o.outboundBy[filterKey{status: hookscope.StatusPendingRetry}] {
			if !m.nextAttemptAt.After(now) {
				due = append(due, m)
			}
		}
		for _, m := range o.inbound {
			if m.status == hookscope.StatusPendingRetry && !m.nextAttemptAt.After(now) {
				due = append(due, m)
			}
		}
		for _, m := range due {
			nm := retried(m, now, seed)
			made += len(nm.attempts) - len(m.attempts)
			s.removeMessageLocked(m)
			s.addMessageLocked(nm)
		}
	}
	return made
}

// anyDueLocked reports whether a pending_retry message is due at now.
func (s *store) anyDueLocked(now time.Time) bool {
	for _, o := range s.orgs {
		for _, m := range o.outboundBy[filterKey{status: hookscope.StatusPendingRetry}] {
			if !m.nextAttemptAt.After(now) {
				return true
			}
		}
		for _, m := range o.inbound {
			if m.status == hookscope.StatusPendingRetry && !m.nextAttemptAt.After(now) {
				return true
			}
		}
	}
	return false
}

// retried is a copy of pending_retry message m with its attempts due up to
// now made. A message is never changed once stored (readers may hold it
// without the lock): the copy replaces it.
func retried(m *message, now time.Time, seed int64) *message {
	h := fnv.New64a()
	_, _ = h.Write([]byte(m.id))
	rng := rand.New(rand.NewPCG(uint64(seed)^h.Sum64(), uint64(len(m.attempts))))
	g := &generator{ids: ids{rng: rng}, now: now}
	nm := &message{id: m.id, inbound: m.inbound, org: m.org, ep: m.ep, eventType: m.eventType,
		resourceID: m.resourceID, payload: m.payload, createdAt: m.createdAt,
		attempts: slices.Clip(slices.Clone(m.attempts))}
	p := profileOf(m.ep)
	old := len(nm.attempts)
	g.attemptFrom(nm, p, old+1, m.nextAttemptAt, p.success == 0, maxAttempts, m.inbound)
	for i := old; i < len(nm.attempts); i++ {
		if nm.attempts[i].ip != "" {
			nm.attempts[i].ip = m.ep.ip
		}
	}
	return nm
}

// removeSorted removes m from the (created_at, id)-sorted slice ms.
func removeSorted(ms []*message, m *message) []*message {
	i := lowerBound(ms, m.createdAt, m.id)
	if i < len(ms) && ms[i] == m {
		return slices.Delete(ms, i, i+1)
	}
	return ms
}

// removeMessageLocked undoes addMessageLocked(m): m leaves every index and
// aggregate it was counted in.
func (s *store) removeMessageLocked(m *message) {
	o, ep := m.org, m.ep
	delete(s.msgs, m.id)
	if m.inbound {
		o.inbound = removeSorted(o.inbound, m)
		o.count(m.createdAt, ep.ordinal, rollInboundReceived, classNone, -1)
		return
	}
	for _, k := range []filterKey{{}, {ep: ep.id}, {status: m.status}, {ep: ep.id, status: m.status}} {
		o.outboundBy[k] = removeSorted(o.outboundBy[k], m)
	}
	ep.total--
	o.removeFromDayLocked(m)
	msgClass := classNone
	if last := m.lastAttempt(); last != nil {
		msgClass = last.statusClass()
	}
	o.count(m.createdAt, ep.ordinal, rollOutboundSent, msgClass, -1)
	for i := range m.attempts {
		o.removeAttemptLocked(ep, &m.attempts[i])
	}
	if last := m.lastAttempt(); m.status == hookscope.StatusFailedPermanent && last != nil {
		o.count(last.at, ep.ordinal, rollOutboundFailed, last.statusClass(), -1)
	}
}

// removeAttemptLocked undoes addAttemptLocked(ep, a). The endpoint's last
// attempt time stays: the copy that replaces a message has the same
// attempts and later ones.
func (o *org) removeAttemptLocked(ep *endpoint, a *attempt) {
	c := a.statusClass()
	if a.succeeded() {
		ep.succeeded--
		o.count(a.at, ep.ordinal, rollDelivered, c, -1)
		o.count(a.at, ep.ordinal, rollOutboundDelivered, c, -1)
	} else {
		ep.failedAttempts--
		o.count(a.at, ep.ordinal, rollFailed, c, -1)
		if j, found := slices.BinarySearch(ep.failTimes, a.at.UnixNano()); found {
			ep.failTimes = slices.Delete(ep.failTimes, j, j+1)
		}
	}
	if a.no > 1 {
		o.count(a.at, ep.ordinal, rollRetried, c, -1)
	}
	if a.latency != absent {
		ep.latencySum -= a.latency
		ep.latencyN--
	}
}

// removeFromDayLocked undoes addToDayLocked(m).
func (o *org) removeFromDayLocked(m *message) {
	d := o.days[dayOf(m.createdAt)]
	if d == nil {
		return
	}
	d.total--
	switch m.status {
	case hookscope.StatusSucceeded:
		d.success--
	case hookscope.StatusFailedPermanent:
		d.failed--
		if d.failedByEp[m.ep.ordinal]--; d.failedByEp[m.ep.ordinal] <= 0 {
			delete(d.failedByEp, m.ep.ordinal)
		}
	default:
		d.pending--
	}
	if len(m.attempts) > 1 {
		d.retried--
	}
	if v, ok := delayMS(m); ok {
		d.delays.remove(v)
	}
	if d.events[m.eventType]--; d.events[m.eventType] <= 0 {
		delete(d.events, m.eventType)
	}
}

// remove takes one v out of h.
func (h *delayHist) remove(v int64) {
	i, found := slices.BinarySearch(h.vals, v)
	if !found {
		return
	}
	h.n--
	h.sum -= v
	if h.cnts[i]--; h.cnts[i] == 0 {
		h.vals = slices.Delete(h.vals, i, i+1)
		h.cnts = slices.Delete(h.cnts, i, i+1)
	}
}
