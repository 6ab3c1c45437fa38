package mockserver

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// Option configures a Server in New.
type Option func(*config)

type config struct {
	seed       int64
	messages   int
	clock      func() time.Time
	timeouts   Timeouts
	adminToken string
	rateLimits bool
}

// Default time limits of a Server's connections (see Timeouts).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
)

// Timeouts are the time limits of a Server's connections, so that a stalled
// client cannot hold one forever. A zero field takes its default.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers (default
	// DefaultReadHeaderTimeout).
	ReadHeader time.Duration
	// Read bounds reading a whole request, headers and body (default
	// DefaultReadTimeout). It does not bound the answer: a Delay fault may
	// hold a request longer.
	Read time.Duration
	// Idle bounds the wait for the next request on a keep-alive connection
	// (default DefaultIdleTimeout).
	Idle time.Duration
}

// WithTimeouts sets the time limits of the server's connections; a zero or
// negative field keeps its default.
func WithTimeouts(t Timeouts) Option {
	return func(c *config) {
		if t.ReadHeader > 0 {
			c.timeouts.ReadHeader = t.ReadHeader
		}
		if t.Read > 0 {
			c.timeouts.Read = t.Read
		}
		if t.Idle > 0 {
			c.timeouts.Idle = t.Idle
		}
	}
}

// ConfigureServer sets hs's Handler to the server's handler and its
// ReadHeaderTimeout, ReadTimeout and IdleTimeout to the server's Timeouts,
// to serve the API from another listener with the same limits
// (cmd/hookscope-mock does).
func (s *Server) ConfigureServer(hs *http.Server) {
	hs.Handler = s.handler
	hs.ReadHeaderTimeout = s.cfg.timeouts.ReadHeader
	hs.ReadTimeout = s.cfg.timeouts.Read
	hs.IdleTimeout = s.cfg.timeouts.Idle
}

// WithSeed sets the generator's seed (default DefaultSeed). The same seed and
// clock give the same data, ids and times included, and the same response bytes.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithMessages sets how many outbound messages the generator creates over the
// 7 days before the clock (default DefaultMessages; a negative n is 0). About
// one inbound message per ten outbound ones (at most 20,000) is generated
// beside them. A million messages take about 230 MB and well under a second
// on two cores.
func WithMessages(n int) Option { return func(c *config) { c.messages = max(n, 0) } }

// WithClock sets the server's "now" (default time.Now). The generated history
// ends at the clock's time when New is called; meta.as_of, the analytics day,
// the default metrics window and the expiry of response-body URLs read it on
// every request.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// Server is an in-memory hookscope API on a loopback listener. It is safe for
// concurrent use; create one per test (many can run in one process).
type Server struct {
	cfg       config
	st        *store
	ts        *httptest.Server // nil without a listener (NewHandler)
	handler   http.Handler
	router    router
	ident     atomic.Pointer[identity] // swapped by Reset and Restore
	reqSeq    atomic.Uint64
	closing   chan struct{}
	closeOnce sync.Once

	// genNow is the clock's time when New generated the data: Reset
	// generates the same data again.
	genNow time.Time
	// clockOffset is added to the configured clock (SetClock, AdvanceClock).
	clockOffset atomic.Int64
	// dataSeed is the seed of the data (the configured one, or a restored
	// snapshot's): it draws the outcomes of the retries a moved clock makes.
	dataSeed atomic.Int64
	// clockMu serialises the clock's moves and the retries they make.
	clockMu sync.Mutex

	admin adminState
	rate  rateLimiter

	faultsMu sync.Mutex
	// faultCount is len(faults), kept under faultsMu, read without it so
	// that a request finds "no fault" without taking the lock.
	faultCount atomic.Int32
	faults     []*activeFault

	journal journal

	// idem holds the Idempotency-Keys of writes and their first answers.
	idem *idemTable
	// writeHook, tests only: called once a write holds its Idempotency-Key.
	writeHook func(*http.Request)
}

// identity is what names a Server's data: the default organization, its
// key, and the secret that signs cursors and response-body URLs.
type identity struct {
	defaultOrg string
	apiKey     string
	secret     []byte
	// cursorMACs pools the *cursorMAC of secret (cursor.go): the zero pool
	// is ready, so that every way an identity is made gets one.
	cursorMACs sync.Pool
}

// New generates the data model and starts the server on 127.0.0.1 at a
// random port. Close it when done.
func New(opts ...Option) *Server {
	s := NewHandler(opts...)
	s.ts = httptest.NewUnstartedServer(s.handler)
	s.ConfigureServer(s.ts.Config)
	s.ts.Start()
	return s
}

// NewHandler generates the data model like New but starts no listener:
// serve it from a listener of your own, set up by ConfigureServer
// (cmd/hookscope-mock does). URL is "" and Close only ends the requests held
// by a Delay fault.
func NewHandler(opts ...Option) *Server {
	cfg := config{seed: DefaultSeed, messages: DefaultMessages, clock: time.Now,
		timeouts: Timeouts{ReadHeader: DefaultReadHeaderTimeout, Read: DefaultReadTimeout, Idle: DefaultIdleTimeout}}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	s := &Server{cfg: cfg, router: newRouter(newRoutes()), closing: make(chan struct{}), idem: newIdemTable()}
	s.genNow = cfg.clock().UTC().Truncate(time.Millisecond)
	id, st := s.baseStore()
	s.st = st
	s.ident.Store(id)
	s.dataSeed.Store(cfg.seed)
	s.admin.init(cfg.adminToken)
	s.rate.enabled.Store(cfg.rateLimits)
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// BuildAggregates builds the aggregates that metrics, analytics and the
// webhooks' delivery_stats read (rollups, day aggregates, endpoint stats),
// now rather than on the first request that needs them: about 0.6 s of CPU
// per million messages, nothing once built. Requests that need them while
// it runs wait for it; logs and attempts do not. hookscope-mock calls it in
// the background once it serves, so that a large history answers at once
// and its first metrics answer does not pay for the build.
func (s *Server) BuildAggregates() { s.st.warm() }

// generate builds the data of the server's seed and message count at
// genNow: the same every time.
func (s *Server) generate() (*identity, *store) {
	now := s.genNow
	rng := rand.New(rand.NewPCG(uint64(s.cfg.seed), 0x9e3779b97f4a7c15))
	g := &generator{ids: ids{rng: rng}, now: now}
	id := &identity{secret: []byte(g.hex(32))}
	id.defaultOrg = "org_" + g.uuidV7(now.Add(-400*24*time.Hour))
	id.apiKey = "am_test_" + g.hex(16)
	st := newStore(rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
	st.addKey(Key{Token: id.apiKey, Org: id.defaultOrg, Plan: PlanPro, Scopes: AllScopes()})
	st.generate(g, s.cfg.seed, id.defaultOrg, s.cfg.messages)
	return id, st
}

// id is the server's current identity.
func (s *Server) id() *identity { return s.ident.Load() }

// URL is the server's base URL, http://127.0.0.1:port ("" for a server
// made by NewHandler).
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// APIKey is the key of the default organization: plan pro, every scope.
// Restore may change it (to the snapshot's).
func (s *Server) APIKey() string { return s.id().apiKey }

// DefaultOrgID is the id of the default organization, as analytics'
// organization_id shows it. Restore may change it (to the snapshot's).
func (s *Server) DefaultOrgID() string { return s.id().defaultOrg }

// Handler is the server's http.Handler, to serve the same API from another
// listener. It shares the Server's data. ConfigureServer also gives that
// listener the server's connection time limits.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the listener; requests held by a Delay fault end at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
}

// now is the server's clock in UTC: the configured clock moved by SetClock
// and AdvanceClock.
func (s *Server) now() time.Time {
	return s.cfg.clock().UTC().Add(time.Duration(s.clockOffset.Load()))
}

// requestID derives the n-th request's id from the seed, so that two servers
// with the same seed answer the same sequence of requests with the same bytes.
func (s *Server) requestID() (string, uint64) {
	n := s.reqSeq.Add(1)
	v := splitmix(uint64(s.cfg.seed) ^ n*0x9e3779b97f4a7c15)
	var b [20]byte // "req_" and 16 hex digits, as fmt's "req_%016x"
	copy(b[:], "req_")
	for i := len(b) - 1; i >= 4; i-- {
		b[i] = hexDigits[v&0xf]
		v >>= 4
	}
	return string(b[:]), n
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// supportID is analytics' support_id: a UUID derived from the request number.
func (s *Server) supportID(n uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], splitmix(n^uint64(s.cfg.seed)))
	binary.BigEndian.PutUint64(b[8:], splitmix(n+uint64(s.cfg.seed)))
	b[6] = 0x40 | b[6]&0x0f
	b[8] = 0x80 | b[8]&0x3f
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sleep waits d, or until the request or the server ends; it reports whether
// the whole wait passed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}
