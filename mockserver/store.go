package mockserver

import (
	"cmp"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// absent marks an attempt's optional integer field as not present on the wire.
const absent int64 = -1

// maxAttempts is the number of attempts after which an outbound message that
// never got a 2xx becomes failed_permanent.
const maxAttempts = 8

// store is the one data model behind every endpoint. Everything a handler
// answers is computed from its records: organizations, keys, endpoints,
// outbound and inbound messages and their attempts. mu guards all of it.
type store struct {
	mu   sync.RWMutex
	orgs map[string]*org // by org id
	keys map[string]Key  // by token
	// msgs finds any message (outbound or inbound) by id, for the presigned
	// response-body URLs, which carry no API key.
	msgs map[string]*message
	// idem maps method, org id and Idempotency-Key to the first answer of
	// that write, which a retry with the same key gets again.
	idem map[string]idemAnswer
}

// org is one organization and its indexes.
type org struct {
	id string
	// endpoints in creation order (deleted ones included, so that rollup
	// indexes stay valid); byEndpointID finds them by id.
	endpoints    []*endpoint
	byEndpointID map[string]*endpoint
	// outbound messages sorted by (created_at, id) ascending, one slice per
	// filter combination of /v1/logs: {"", ""}, {ep, ""}, {"", status}, {ep, status}.
	idx map[filterKey][]*message
	// inbound messages sorted by (created_at, id) ascending.
	inbound []*message
	// roll holds the counters of the metrics endpoints per minute, per hour
	// and per UTC day (rollMinute, rollHour, rollDay), kept on insert: a
	// metrics query reads whole days and hours from the coarser levels and
	// only the partial ones from the minutes.
	roll [rollLevels]rollLevel
	// days holds the analytics aggregates of each UTC day, kept on insert.
	days map[int64]*dayAgg
}

// Rollup levels: the unit of each, in seconds, is rollSizes[level].
const (
	rollMinute = iota
	rollHour
	rollDay
	rollLevels
)

var rollSizes = [rollLevels]int64{60, 3600, 86400}

// rollLevel holds the counters of one unit size (a minute, an hour or a UTC
// day): m by the unit's start (unix seconds); keys lists m's keys ascending.
type rollLevel struct {
	m    map[int64][]rollEntry
	keys []int64
}

// add adds n to the counter (unit starting at unit, ep, metric, class).
func (l *rollLevel) add(unit int64, ep int32, metric, class uint8, n int64) {
	entries, ok := l.m[unit]
	if !ok {
		if k := len(l.keys); k == 0 || l.keys[k-1] < unit {
			l.keys = append(l.keys, unit)
		} else {
			j, _ := slices.BinarySearch(l.keys, unit)
			l.keys = slices.Insert(l.keys, j, unit)
		}
	}
	for i := range entries {
		e := &entries[i]
		if e.ep == ep && e.metric == metric && e.class == class {
			e.n += n
			return
		}
	}
	l.m[unit] = append(entries, rollEntry{ep: ep, metric: metric, class: class, n: n})
}

// dayAgg is what /analytics/webhooks reads of one UTC day: the figures of
// the outbound messages created in it (see the package doc), kept on insert.
type dayAgg struct {
	total, success, failed, pending int64
	retried                         int64            // messages with more than one attempt
	events                          map[string]int64 // messages by event type
	failedByEp                      map[int32]int64  // failed_permanent messages by endpoint (rollIdx)
	delays                          delayHist        // delay_ms of the messages with an attempt
}

// delayHist is an exact histogram of delays: the distinct values ascending
// with their counts, their number and sum. Its size is the number of
// distinct values (at most 861 for generated data: 40..900 ms), not the
// number of messages, so percentiles read from it cost the same at any size.
type delayHist struct {
	vals []int64
	cnts []int64
	n    int64
	sum  int64
}

func (h *delayHist) add(v int64) {
	h.n++
	h.sum += v
	i, found := slices.BinarySearch(h.vals, v)
	if found {
		h.cnts[i]++
		return
	}
	h.vals = slices.Insert(h.vals, i, v)
	h.cnts = slices.Insert(h.cnts, i, 1)
}

// dayOf is the start (unix seconds) of t's UTC day.
func dayOf(t time.Time) int64 { return floorDiv(t.Unix(), 86400) * 86400 }

// addToDayLocked counts outbound message m in its day's analytics aggregates.
func (o *org) addToDayLocked(m *message) {
	key := dayOf(m.createdAt)
	d := o.days[key]
	if d == nil {
		d = &dayAgg{events: make(map[string]int64), failedByEp: make(map[int32]int64)}
		o.days[key] = d
	}
	d.total++
	switch m.status {
	case hookscope.StatusSucceeded:
		d.success++
	case hookscope.StatusFailedPermanent:
		d.failed++
		d.failedByEp[m.ep.rollIdx]++
	default:
		d.pending++
	}
	if len(m.attempts) > 1 {
		d.retried++
	}
	if v, ok := delayMS(m); ok {
		d.delays.add(v)
	}
	d.events[m.eventType]++
}

// filterKey selects one of an org's sorted message slices.
type filterKey struct {
	ep     string
	status hookscope.MessageStatus
}

// endpoint is a webhook endpoint ("webhook" and "endpoint" are one entity),
// with the running aggregates its delivery_stats are read from.
type endpoint struct {
	id         string
	rollIdx    int32
	name       string
	url        string
	kind       hookscope.EndpointKind
	active     bool
	encrypted  bool
	secret     string
	app        hookscope.App
	eventTypes []string
	ip         string
	createdAt  time.Time
	updatedAt  time.Time
	deleted    bool

	// Aggregates over the endpoint's outbound messages, kept on insert.
	total          int64 // messages
	succeeded      int64 // messages that succeeded = attempts with a 2xx
	failedAttempts int64 // attempts without a 2xx (HTTP error or network error)
	latencySum     int64 // Σ response_latency_ms over attempts that have one
	latencyN       int64 // number of such attempts
	lastAttempt    time.Time
	failTimes      []int64 // created_at (unix ns) of failed attempts, ascending
}

// message is an outbound or inbound message.
type message struct {
	id            string
	inbound       bool
	org           *org
	ep            *endpoint
	eventType     string
	resourceID    string
	payload       []byte // JSON
	createdAt     time.Time
	status        hookscope.MessageStatus
	nextAttemptAt time.Time // pending_retry only
	attempts      []attempt
	// row caches the encoded /v1/logs row (outbound messages), filled by
	// the first request that serves it.
	row atomic.Pointer[renderedRow]
	// event caches the encoded recent_events entry (outbound messages).
	event atomic.Pointer[[]byte]
}

// attempt is one delivery attempt. Integer fields hold absent when the wire
// leaves them out; status 0 is a network error (no response_status).
type attempt struct {
	id         string
	no         int
	at         time.Time
	status     int
	latency    int64
	processing int64 // outbound only; absent on inbound attempts
	dns        int64
	tcp        int64
	tls        int64
	ttfb       int64
	transfer   int64
	reused     bool
	errText    string
	retryType  hookscope.RetryType
	retryAfter int64
	ip         string
	truncated  bool
}

func (a *attempt) succeeded() bool { return a.status >= 200 && a.status <= 299 }

// statusClass is the http_status_class group of an attempt.
func (a *attempt) statusClass() uint8 {
	switch {
	case a.status == 0:
		return classNetwork
	case a.status < 300:
		return class2xx
	case a.status < 400:
		return class3xx
	case a.status < 500:
		return class4xx
	}
	return class5xx
}

// Rollup metrics and status classes.
const (
	rollDelivered uint8 = iota // attempts with a 2xx
	rollFailed                 // attempts without a 2xx
	rollRetried                // attempts with attempt_no > 1
	rollInboundReceived
	rollOutboundSent
	rollOutboundDelivered // messages, at their successful attempt
	rollOutboundFailed    // failed_permanent messages, at their last attempt
)

const (
	class2xx uint8 = iota
	class3xx
	class4xx
	class5xx
	classNetwork
	classNone // a message with no attempt
)

var classNames = [...]string{"2xx", "3xx", "4xx", "5xx", "network_error", ""}

// rollEntry is one counter of one minute.
type rollEntry struct {
	ep     int32
	metric uint8
	class  uint8
	n      int64
}

func newStore() *store {
	return &store{
		orgs: make(map[string]*org),
		keys: make(map[string]Key),
		msgs: make(map[string]*message),
		idem: make(map[string]idemAnswer),
	}
}

// idemAnswer is the stored first answer of a write.
type idemAnswer struct {
	status int
	body   []byte
}

// idemKey is the idem map's key of a write; "" when the request carries no
// Idempotency-Key.
func idemKey(method, org, key string) string {
	if key == "" {
		return ""
	}
	return method + "\x00" + org + "\x00" + key
}

// orgLocked returns the org with id, creating it empty. Callers hold mu for writing.
func (s *store) orgLocked(id string) *org {
	o, ok := s.orgs[id]
	if !ok {
		o = &org{
			id:           id,
			byEndpointID: make(map[string]*endpoint),
			idx:          make(map[filterKey][]*message),
			days:         make(map[int64]*dayAgg),
		}
		for i := range o.roll {
			o.roll[i].m = make(map[int64][]rollEntry)
		}
		s.orgs[id] = o
	}
	return o
}

// addEndpointLocked adds ep to o. Callers hold mu for writing.
func (o *org) addEndpointLocked(ep *endpoint) {
	ep.rollIdx = int32(len(o.endpoints))
	o.endpoints = append(o.endpoints, ep)
	o.byEndpointID[ep.id] = ep
}

// liveEndpoints returns the endpoints that are not deleted, sorted by
// (created_at, id): the order of GET /api/v0/webhooks.
func (o *org) liveEndpoints() []*endpoint {
	out := make([]*endpoint, 0, len(o.endpoints))
	for _, ep := range o.endpoints {
		if !ep.deleted {
			out = append(out, ep)
		}
	}
	slices.SortFunc(out, func(a, b *endpoint) int {
		return cmp.Or(a.createdAt.Compare(b.createdAt), cmp.Compare(a.id, b.id))
	})
	return out
}

// endpoint returns the live endpoint with id, or nil.
func (o *org) endpoint(id string) *endpoint {
	ep := o.byEndpointID[id]
	if ep == nil || ep.deleted {
		return nil
	}
	return ep
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

// addMessageLocked indexes m (with its attempts) into its org and the store,
// and updates the endpoint aggregates and the rollups. Callers hold mu for writing.
func (s *store) addMessageLocked(m *message) {
	o, ep := m.org, m.ep
	s.msgs[m.id] = m
	if m.inbound {
		o.inbound = insertSorted(o.inbound, m)
		o.count(m.createdAt, ep.rollIdx, rollInboundReceived, classNone, 1)
		return
	}
	for _, k := range []filterKey{{}, {ep: ep.id}, {status: m.status}, {ep: ep.id, status: m.status}} {
		o.idx[k] = insertSorted(o.idx[k], m)
	}
	ep.total++
	o.addToDayLocked(m)
	msgClass := classNone
	if n := len(m.attempts); n > 0 {
		msgClass = m.attempts[n-1].statusClass()
	}
	o.count(m.createdAt, ep.rollIdx, rollOutboundSent, msgClass, 1)
	for i := range m.attempts {
		a := &m.attempts[i]
		c := a.statusClass()
		if a.succeeded() {
			ep.succeeded++
			o.count(a.at, ep.rollIdx, rollDelivered, c, 1)
			o.count(a.at, ep.rollIdx, rollOutboundDelivered, c, 1)
		} else {
			ep.failedAttempts++
			o.count(a.at, ep.rollIdx, rollFailed, c, 1)
			ns := a.at.UnixNano()
			if n := len(ep.failTimes); n == 0 || ep.failTimes[n-1] <= ns {
				ep.failTimes = append(ep.failTimes, ns)
			} else {
				j, _ := slices.BinarySearch(ep.failTimes, ns)
				ep.failTimes = slices.Insert(ep.failTimes, j, ns)
			}
		}
		if a.no > 1 {
			o.count(a.at, ep.rollIdx, rollRetried, c, 1)
		}
		if a.latency != absent {
			ep.latencySum += a.latency
			ep.latencyN++
		}
		if a.at.After(ep.lastAttempt) {
			ep.lastAttempt = a.at
		}
	}
	if m.status == hookscope.StatusFailedPermanent && len(m.attempts) > 0 {
		last := &m.attempts[len(m.attempts)-1]
		o.count(last.at, ep.rollIdx, rollOutboundFailed, last.statusClass(), 1)
	}
}

// count adds n to the counter (minute of t, ep, metric, class) and to those
// of t's hour and UTC day.
func (o *org) count(t time.Time, ep int32, metric, class uint8, n int64) {
	sec := t.Unix()
	for lv := range o.roll {
		o.roll[lv].add(floorDiv(sec, rollSizes[lv])*rollSizes[lv], ep, metric, class, n)
	}
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

// lastAttempt returns m's last attempt, or nil.
func (m *message) lastAttempt() *attempt {
	if len(m.attempts) == 0 {
		return nil
	}
	return &m.attempts[len(m.attempts)-1]
}

// successAttempt returns m's successful attempt, or nil.
func (m *message) successAttempt() *attempt {
	if a := m.lastAttempt(); a != nil && a.succeeded() {
		return a
	}
	return nil
}
