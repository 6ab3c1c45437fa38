package mockserver

import (
	"cmp"
	"slices"
)

// endpointIndex is an organization's live (not deleted) endpoints sorted by
// (created_at, id), the order of GET /api/v0/webhooks, and the totals
// analytics reads of them. Writes keep it, so that a read neither filters
// nor sorts every endpoint.
type endpointIndex struct {
	live       []*endpoint
	eventTypes int64 // Σ len(eventTypes) over live
}

func compareEndpoints(a, b *endpoint) int {
	return cmp.Or(a.createdAt.Compare(b.createdAt), cmp.Compare(a.id, b.id))
}

// insert adds ep; appending is the common case (endpoints arrive in time order).
func (x *endpointIndex) insert(ep *endpoint) {
	if n := len(x.live); n == 0 || compareEndpoints(x.live[n-1], ep) < 0 {
		x.live = append(x.live, ep)
	} else {
		i, _ := slices.BinarySearchFunc(x.live, ep, compareEndpoints)
		x.live = slices.Insert(x.live, i, ep)
	}
	x.eventTypes += int64(len(ep.eventTypes))
}

// remove takes ep out.
func (x *endpointIndex) remove(ep *endpoint) {
	if i, found := slices.BinarySearchFunc(x.live, ep, compareEndpoints); found {
		x.live = slices.Delete(x.live, i, i+1)
		x.eventTypes -= int64(len(ep.eventTypes))
	}
}

// liveEndpoints returns o's live endpoints sorted by (created_at, id): the
// index itself, which callers (holding st.mu) must not change.
func (o *org) liveEndpoints() []*endpoint { return o.index.live }

// deleteEndpointLocked marks ep deleted. Callers hold st.mu for writing.
func (o *org) deleteEndpointLocked(ep *endpoint) {
	if !ep.deleted {
		ep.deleted = true
		o.index.remove(ep)
	}
}
