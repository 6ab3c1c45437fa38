package mockserver

import (
	"math/rand/v2"
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
// outbound and inbound messages and their attempts.
//
// The store owns its lock: handlers call its methods, which take mu and
// release it before they return. Methods and functions named …Locked are
// the pieces those methods are built from; they run with mu held. Message
// and attempt records are read under the lock too: the arenas that hold
// them grow under the write lock.
type store struct {
	mu   storeLock
	orgs map[string]*org // by org id
	keys map[string]Key  // by token
	// oddIDs finds the messages whose id does not carry their creation
	// millisecond (only a restored snapshot makes them); every other message
	// is found by a binary search on its id's time (see findLocked).
	oddIDs map[[16]byte]msgAt
	// rng draws the ids of records added at runtime (nil while base is set).
	rng *rand.Rand
	// none is the empty org that orgRead returns for an unknown id.
	none *org
	// pages keeps /v1/logs pages asked for again, until the next write.
	pages *pageCache
	// answers keeps webhook answers asked for again, until the next write;
	// keyCache keeps the keys of the tokens requests carry. Both are read
	// without mu, and are cleared, never replaced.
	answers  *answerCache
	keyCache *keyCache
	// base, while set, means orgs, keys and oddIDs are a generated base
	// that other Servers share, read-only: a write first calls ownLocked,
	// which builds the store's own copy with base and clears it.
	base func() *store
}

// msgAt names a stored message: its organization and its place in the
// organization's message arena.
type msgAt struct {
	o   *org
	ref int32
}

func newStore(rng *rand.Rand) *store {
	return &store{
		orgs:     make(map[string]*org),
		keys:     make(map[string]Key),
		oddIDs:   make(map[[16]byte]msgAt),
		rng:      rng,
		none:     newOrg(""),
		pages:    newPageCache(),
		answers:  newAnswerCache(),
		keyCache: newKeyCache(),
	}
}

// org is one organization and its indexes.
//
// Its messages and attempts are compact records without pointers (msgRec,
// attRec) in two arenas, and its indexes hold their positions (int32), so
// that a history of a million messages is a few large blocks the garbage
// collector does not scan, about 230 bytes per message in all.
type org struct {
	id string
	// endpoints in creation order (deleted ones included, so that an
	// endpoint's ordinal stays valid); byEndpointID finds them by id.
	endpoints    []*endpoint
	byEndpointID map[string]*endpoint
	// index holds the live endpoints in list order.
	index endpointIndex
	// msgs and atts hold the records of the org's messages and attempts; a
	// message's attempts are contiguous. A record never changes once stored:
	// a message that gets new attempts (retryDue) is stored again and the
	// old record leaves the indexes.
	msgs arena[msgRec]
	atts arena[attRec]
	// strs holds the strings records name by number (event types, error
	// texts, IPs, odd resource ids), strs[0] = ""; strIdx finds them.
	strs   []string
	strIdx map[string]uint32
	// gen numbers the strings the generator writes (see genStrings).
	gen *genStrs
	// payloads holds the payloads given with messages (AddMessage, a
	// snapshot); a generated message's payload is computed from its record.
	payloads [][]byte
	// outboundBy holds the outbound messages sorted by (created_at, id)
	// ascending, one slice per filter combination of /v1/logs: {"", ""},
	// {ep, ""}, {"", status}, {ep, status}.
	outboundBy map[filterKey][]int32
	// inbound messages sorted by (created_at, id) ascending.
	inbound []int32
	// byMinute holds the outbound attempts by the minute (unix minutes) they
	// were made in, in no order within a minute: the metrics read the
	// seconds at a window's edges from it (see coverSeconds).
	byMinute map[int64][]attRef
	// roll holds the counters of the metrics endpoints per minute, hour and
	// UTC day (rollMinute … rollDay), kept on insert.
	roll [rollLevels]rollLevel
	// days holds the analytics aggregates of each UTC day, kept on insert.
	days map[int64]*dayAgg
	// aggOnce builds roll, days, byMinute and the endpoints' aggregates
	// when first read; aggReady tells writers to keep them from then on
	// (see aggregated).
	aggOnce  sync.Once
	aggReady atomic.Bool
	// rows and events cache encoded /v1/logs rows and recent_events entries
	// (see rowCache).
	rows, events rowCache
}

// endpoint is a webhook endpoint ("webhook" and "endpoint" are one entity),
// with the running aggregates its delivery_stats are read from.
type endpoint struct {
	id string
	// ordinal is the endpoint's position in org.endpoints: its key in the
	// records, the rollups and the day aggregates.
	ordinal    int32
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

	// enc keeps the JSON of the fields above that do not depend on the
	// clock, for the read paths (see encoding).
	enc atomic.Pointer[webhookEncoding]
}

// msgRec is a stored message: 56 bytes, no pointers.
type msgRec struct {
	id        [16]byte
	createdAt int64 // unix ns
	nextAt    int64 // unix ns: the next attempt of a pending_retry message
	att       int32 // its first attempt in org.atts
	nAtt      uint16
	status    uint8 // index in statusNames
	flags     uint8 // recInbound, recResourceStr
	ep        int32 // endpoint ordinal
	event     uint32
	// resource is the resource id: a number, or with recResourceStr the
	// index of a string in org.strs.
	resource uint32
	payload  int32 // index in org.payloads; -1: generated (see generatedPayload)
}

// Flags of msgRec.
const (
	recInbound uint8 = 1 << iota
	recResourceStr
)

// attRec is a stored attempt: 72 bytes, no pointers. Integer fields hold
// absent when the wire leaves them out; status 0 is a network error.
type attRec struct {
	id                                 [16]byte
	at                                 int64 // unix ns
	latency, processing, dns, tcp, tls int32
	ttfb, transfer, retryAfter         int32
	err, ip                            uint32 // indexes in org.strs
	status                             int16
	no                                 uint16
	retryType                          uint8 // index in retryTypes
	flags                              uint8 // attReused, attTruncated
}

// Flags of attRec.
const (
	attReused uint8 = 1 << iota
	attTruncated
)

// retryTypes are the retry_type values an attRec numbers.
var retryTypes = [...]hookscope.RetryType{"", hookscope.RetryFast, hookscope.RetrySlow}

// attRef names an outbound attempt: its message and its index in it.
type attRef struct {
	msg int32
	k   int32
}

func (a *attRec) succeeded() bool { return a.status >= 200 && a.status <= 299 }

// statusClass is the http_status_class group of an attempt.
func (a *attRec) statusClass() uint8 { return statusClassOf(int(a.status)) }

func (r *msgRec) inbound() bool { return r.flags&recInbound != 0 }

// state is r's status.
func (r *msgRec) state() hookscope.MessageStatus {
	return hookscope.MessageStatus(statusNames[r.status])
}

// message is a message with its attempts as plain values: what the
// generator, AddMessage and a snapshot build before storing it (insert
// makes its records), and what the rarer reads (an attempts list, a
// snapshot, a retry) get back from the records (view).
type message struct {
	id            string
	inbound       bool
	org           *org
	ep            *endpoint
	eventType     string
	resourceID    string
	payload       []byte // JSON; nil for a generated message (see payloadJSON)
	createdAt     time.Time
	status        hookscope.MessageStatus
	nextAttemptAt time.Time // pending_retry only
	attempts      []attempt
}

// attempt is one delivery attempt of a message. Integer fields hold absent
// when the wire leaves them out; status 0 is a network error (no
// response_status).
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

// statusClassOf is the http_status_class group of an attempt's status.
func statusClassOf(status int) uint8 {
	switch {
	case status == 0:
		return classNetwork
	case status < 300:
		return class2xx
	case status < 400:
		return class3xx
	case status < 500:
		return class4xx
	}
	return class5xx
}

// payloadJSON is m's JSON payload: the one it was given, or, for a
// generated message (payload nil), the one its event type, resource id and
// creation time make, computed when asked rather than held per message.
func (m *message) payloadJSON() []byte {
	if m.payload != nil {
		return m.payload
	}
	return generatedPayload(m.eventType, m.resourceID, m.createdAt)
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

// newOrg is an empty org.
func newOrg(id string) *org {
	o := &org{
		id:           id,
		byEndpointID: make(map[string]*endpoint),
		strs:         []string{""},
		strIdx:       map[string]uint32{"": 0},
		outboundBy:   make(map[filterKey][]int32),
		days:         make(map[int64]*dayAgg),
	}
	for i := range o.roll {
		o.roll[i].m = make(map[int64][]rollEntry)
	}
	return o
}

// orgLocked returns the org with id, creating it empty.
func (s *store) orgLocked(id string) *org {
	o, ok := s.orgs[id]
	if !ok {
		o = newOrg(id)
		s.orgs[id] = o
	}
	return o
}

// orgRead returns the org with id for reading: an empty org, never
// changed, when there is none. A request authenticated just before Reset
// or Restore replaced the store may name an org the new store lacks; it
// sees nothing rather than a nil org.
func (s *store) orgRead(id string) *org {
	if o := s.orgs[id]; o != nil {
		return o
	}
	return s.none
}

// addKey makes the store accept k, creating its organization if new.
func (s *store) addKey(k Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ownLocked()
	s.orgLocked(k.Org)
	s.keys[k.Token] = k
}

// key returns the key with token: the one kept for it at the store's
// version, without the lock, or the store's.
func (s *store) key(token string) (Key, bool) {
	ck := keyCacheKey{token: token, version: s.mu.version.Load()}
	if k := s.keyCache.get(&ck); k != nil {
		return *k, true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.keys[token]
	if ok {
		ck.version = s.mu.version.Load()
		s.keyCache.put(&ck, k)
	}
	return k, ok
}

// addEndpointLocked adds ep to o.
func (o *org) addEndpointLocked(ep *endpoint) {
	ep.ordinal = int32(len(o.endpoints))
	o.endpoints = append(o.endpoints, ep)
	o.byEndpointID[ep.id] = ep
	if !ep.deleted {
		o.index.insert(ep)
	}
}

// endpoint returns the live endpoint with id, or nil.
func (o *org) endpoint(id string) *endpoint {
	ep := o.byEndpointID[id]
	if ep == nil || ep.deleted {
		return nil
	}
	return ep
}
