package mockserver

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// Keys returns the API keys the server accepts, ordered by organization,
// then token. The admin API shows them with their tokens redacted.
func (s *Server) Keys() []Key {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]Key, 0, len(s.st.keys))
	for _, k := range s.st.keys {
		k.Scopes = slices.Clone(k.Scopes)
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Key) int { return cmp.Or(cmp.Compare(a.Org, b.Org), cmp.Compare(a.Token, b.Token)) })
	return out
}

// RemoveKey makes the server refuse token from now on (401) and reports
// whether it was a key. The organization and its data stay.
func (s *Server) RemoveKey(token string) bool {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if _, ok := s.st.keys[token]; !ok {
		return false
	}
	s.st.ownLocked()
	_, ok := s.st.keys[token]
	delete(s.st.keys, token)
	return ok
}

// Faults returns the faults in force, in the order they apply; Times is
// how many requests each still applies to (0: every request).
func (s *Server) Faults() []Fault {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		g := f.Fault
		if g.Times > 0 {
			g.Times = f.left
		}
		out = append(out, g)
	}
	return out
}

// ClearRequests empties the journal that Requests reads.
func (s *Server) ClearRequests() { s.journal.clear() }

// Reset puts the server back in the state New made: the data generated from
// its seed and message count at the clock's time when it was made (keys,
// webhooks, messages; what the API, AddKey, AddMessage and Restore changed is
// gone), the clock as WithClock gave it, and no faults, journal,
// Idempotency-Keys or rate-limit counts. The admin token and whether rate
// limiting is on stay.
func (s *Server) Reset() {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	id, st := s.baseStore()
	s.st.replace(st)
	s.ident.Store(id)
	s.dataSeed.Store(s.cfg.seed)
	s.clockOffset.Store(0)
	s.ClearFaults()
	s.ClearRequests()
	s.idem.clear()
	s.rate.reset()
}

// clear forgets every key. A request in flight finds its entry gone and
// keeps nothing.
func (t *idemTable) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.entries = make(map[idemScope]*idemEntry)
	t.queue, t.head, t.bytes = nil, 0, 0
}

// replace gives s the contents of n (a store nobody else holds), under s's
// lock: the Server keeps one store, whose contents Reset and Restore swap.
func (s *store) replace(n *store) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgs, s.keys, s.oddIDs, s.rng, s.base = n.orgs, n.keys, n.oddIDs, n.rng, n.base
	s.dropKeptLocked()
}

// Message directions of MessageQuery.
const (
	DirectionOutbound = "outbound"
	DirectionInbound  = "inbound"
)

// MessageQuery selects a page of Messages.
type MessageQuery struct {
	// Org is the organization ("" is the default one).
	Org string
	// Direction is DirectionOutbound (default) or DirectionInbound.
	Direction string
	// Limit is the page size, 1..1000 (0: 50).
	Limit int
	// Cursor is the NextCursor of the previous page ("" for the first).
	Cursor string
}

// MessageInfo is one message of Messages.
type MessageInfo struct {
	ID         string
	Direction  string
	Org        string
	EndpointID string
	EventType  string
	Status     hookscope.MessageStatus
	CreatedAt  time.Time
	// Attempts is the number of attempts made.
	Attempts int
	// NextAttemptAt is when a pending_retry message is retried (else zero).
	NextAttemptAt time.Time
}

// MessagePage is a page of Messages.
type MessagePage struct {
	Messages []MessageInfo
	// NextCursor fetches the next page; "" on the last one.
	NextCursor string
}

// Messages lists an organization's messages of one direction, newest
// first, a page at a time: how a client finds inbound message ids. A page
// is keyset-based, as the API's are. A bad query is an error naming the
// field (org, direction, limit, cursor); an unknown organization has no
// messages.
func (s *Server) Messages(q MessageQuery) (MessagePage, error) {
	p, e := s.messages(q)
	if e != nil {
		return MessagePage{}, fmt.Errorf("mockserver: Messages: %s", e.msg)
	}
	return p, nil
}

const (
	defaultMessagesLimit = 50
	maxMessagesLimit     = 1000
)

func (s *Server) messages(q MessageQuery) (MessagePage, *apiError) {
	if q.Org == "" {
		q.Org = s.DefaultOrgID()
	}
	switch q.Direction {
	case "":
		q.Direction = DirectionOutbound
	case DirectionOutbound, DirectionInbound:
	default:
		return MessagePage{}, invalid("direction", "must be inbound or outbound")
	}
	switch {
	case q.Limit == 0:
		q.Limit = defaultMessagesLimit
	case q.Limit < 1 || q.Limit > maxMessagesLimit:
		return MessagePage{}, invalid("limit", "must be between 1 and %d", maxMessagesLimit)
	}
	filter := filterHash(q.Org, q.Direction)
	var after *cursor
	if q.Cursor != "" {
		c, e := s.decodeCursor(q.Cursor, "admin_messages", filter)
		if e != nil {
			return MessagePage{}, e
		}
		after = &c
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	var page MessagePage
	o := s.st.orgs[q.Org]
	if o == nil {
		return page, nil
	}
	ms := o.outboundBy[filterKey{}]
	if q.Direction == DirectionInbound {
		ms = o.inbound
	}
	hi := len(ms) // rows before hi, newest first
	if after != nil {
		hi = o.lowerBoundCursor(ms, *after)
	}
	for i := hi - 1; i >= 0 && len(page.Messages) < q.Limit; i-- {
		m := o.msg(ms[i])
		info := MessageInfo{ID: uuidString(m.id), Direction: q.Direction, Org: o.id, EndpointID: o.endpointOf(m).id,
			EventType: o.strs[m.event], Status: m.state(), CreatedAt: unixTime(m.createdAt), Attempts: int(m.nAtt)}
		if info.Status == hookscope.StatusPendingRetry {
			info.NextAttemptAt = unixTime(m.nextAt)
		}
		page.Messages = append(page.Messages, info)
		if len(page.Messages) == q.Limit && i > 0 {
			page.NextCursor = s.encodeCursor(cursor{Kind: "admin_messages", Filter: filter, TimeNS: m.createdAt, ID: info.ID})
		}
	}
	return page, nil
}

// Health is what GET /_mock/health reports.
type Health struct {
	// Now is the server's clock.
	Now time.Time
	// Messages is the number of messages stored (outbound and inbound).
	Messages int
}

// Health reports the server's clock and size.
func (s *Server) Health() Health {
	s.st.mu.RLock()
	n := 0
	for _, o := range s.st.orgs {
		n += len(o.outboundBy[filterKey{}]) + len(o.inbound)
	}
	s.st.mu.RUnlock()
	return Health{Now: s.now(), Messages: n}
}

// checkFault validates f as InjectFault's callers over HTTP must: a 400
// naming the field.
func checkFault(f Fault) *apiError {
	switch {
	case f.Path == "" || !strings.HasPrefix(f.Path, "/"):
		return invalid("path", "must be a path starting with /")
	case len(f.Path) > 2048:
		return invalid("path", "must be at most 2048 bytes")
	case isAdminPath(f.Path):
		return invalid("path", "must not be an admin path")
	case f.Method != "" && !slices.Contains([]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}, f.Method):
		return invalid("method", "must be an HTTP method in upper case")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return invalid("status", "must be between 100 and 599")
	case f.RetryAfter < 0 || f.RetryAfter > 24*time.Hour:
		return invalid("retry_after", "must be between 0 and 24h")
	case f.Delay < 0 || f.Delay > 10*time.Minute:
		return invalid("delay", "must be between 0 and 10m")
	case f.Times < 0 || f.Times > 1_000_000:
		return invalid("times", "must be between 0 and 1000000")
	case f.Status == 0 && f.Delay == 0 && !f.Drop:
		return invalid("status", "is required unless delay or drop is set")
	}
	return nil
}
