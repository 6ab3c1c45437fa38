package mockserver

import (
	"fmt"
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
		due := o.dueLocked(now, nil)
		for _, ref := range due {
			rec, atts := o.retried(ref, now, seed)
			made += len(atts) - int(o.msg(ref).nAtt)
			s.removeMessageLocked(o, ref)
			s.addRecLocked(o, rec, atts)
		}
	}
	return made
}

// dueLocked appends to due the pending_retry messages of o due at now:
// outbound ones in (created_at, id) order, then inbound ones.
func (o *org) dueLocked(now time.Time, due []int32) []int32 {
	ns := now.UnixNano()
	for _, ref := range o.outboundBy[filterKey{status: hookscope.StatusPendingRetry}] {
		if o.msg(ref).nextAt <= ns {
			due = append(due, ref)
		}
	}
	for _, ref := range o.inbound {
		if r := o.msg(ref); r.state() == hookscope.StatusPendingRetry && r.nextAt <= ns {
			due = append(due, ref)
		}
	}
	return due
}

// anyDueLocked reports whether a pending_retry message is due at now.
func (s *store) anyDueLocked(now time.Time) bool {
	for _, o := range s.orgs {
		if len(o.dueLocked(now, nil)) > 0 {
			return true
		}
	}
	return false
}

// removeMessageLocked undoes addRecLocked of message ref of o: it leaves
// every index and aggregate it was counted in (its records stay in the
// arenas, unreachable).
func (s *store) removeMessageLocked(o *org, ref int32) {
	r := o.msg(ref)
	if at, ok := s.oddIDs[r.id]; ok && at.o == o && at.ref == ref {
		delete(s.oddIDs, r.id)
	}
	if o.aggReady.Load() {
		o.aggregateLocked(ref, -1)
	}
	if r.inbound() {
		o.inbound = o.removeSorted(o.inbound, ref)
		return
	}
	for _, k := range filterKeys(o.endpointOf(r).id, r.state()) {
		o.outboundBy[k] = o.removeSorted(o.outboundBy[k], ref)
	}
}

// removeFromDayLocked undoes addToDayLocked(r).
func (o *org) removeFromDayLocked(r *msgRec) {
	d := o.days[dayOf(r.createdAt)]
	if d == nil {
		return
	}
	d.total--
	switch r.state() {
	case hookscope.StatusSucceeded:
		d.success--
	case hookscope.StatusFailedPermanent:
		d.failed--
		if d.failedByEp[r.ep]--; d.failedByEp[r.ep] <= 0 {
			delete(d.failedByEp, r.ep)
		}
	default:
		d.pending--
	}
	if r.nAtt > 1 {
		d.retried--
	}
	if v, ok := o.delayMS(r); ok {
		d.delays.remove(v)
	}
	ev := o.strs[r.event]
	if d.events[ev]--; d.events[ev] <= 0 {
		delete(d.events, ev)
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
