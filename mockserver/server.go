package mockserver

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Option configures a Server in New.
type Option func(*config)

type config struct {
	seed     int64
	messages int
	clock    func() time.Time
}

// WithSeed sets the generator's seed (default DefaultSeed). The same seed and
// clock give the same data, ids and times included, and the same response bytes.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithMessages sets how many outbound messages the generator creates over the
// 7 days before the clock (default DefaultMessages; a negative n is 0). About
// one inbound message per ten outbound ones is generated beside them.
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
	cfg        config
	st         *store
	ts         *httptest.Server
	handler    http.Handler
	defaultOrg string
	apiKey     string
	secret     []byte // signs cursors and response-body URLs
	reqSeq     atomic.Uint64
	closing    chan struct{}
	closeOnce  sync.Once

	// rng draws the ids of records added at runtime; st.mu (write) guards it.
	rng *rand.Rand

	faultsMu sync.Mutex
	faults   []*activeFault

	journalMu sync.Mutex
	journal   []RecordedRequest // ring of at most maxJournal
	journalAt int               // next slot when full

	panicHook func(*http.Request) // tests only: called before routing
}

// New generates the data model and starts the server on 127.0.0.1 at a
// random port. Close it when done.
func New(opts ...Option) *Server {
	cfg := config{seed: DefaultSeed, messages: DefaultMessages, clock: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	now := cfg.clock().UTC().Truncate(time.Millisecond)
	rng := rand.New(rand.NewPCG(uint64(cfg.seed), 0x9e3779b97f4a7c15))
	g := &generator{ids: ids{rng: rng}, now: now}

	s := &Server{cfg: cfg, st: newStore(), closing: make(chan struct{})}
	s.secret = []byte(g.hex(32))
	s.defaultOrg = "org_" + g.uuidV7(now.Add(-400*24*time.Hour))
	s.apiKey = "am_test_" + g.hex(16)
	s.rng = rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))

	s.st.mu.Lock()
	o := s.st.orgLocked(s.defaultOrg)
	s.st.keys[s.apiKey] = Key{Token: s.apiKey, Org: s.defaultOrg, Plan: PlanPro, Scopes: AllScopes()}
	g.generate(s.st, o, cfg.messages)
	s.st.mu.Unlock()

	s.handler = http.HandlerFunc(s.serveHTTP)
	s.ts = httptest.NewServer(s.handler)
	return s
}

// URL is the server's base URL, http://127.0.0.1:port.
func (s *Server) URL() string { return s.ts.URL }

// APIKey is the key of the default organization: plan pro, every scope.
func (s *Server) APIKey() string { return s.apiKey }

// DefaultOrg is the id of the default organization, as analytics'
// organization_id shows it.
func (s *Server) DefaultOrg() string { return s.defaultOrg }

// Handler is the server's http.Handler, to serve the same API from another
// listener (cmd/hookscope-mock does). It shares the Server's data.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the listener; requests held by a Delay fault end at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// now is the server's clock in UTC.
func (s *Server) now() time.Time { return s.cfg.clock().UTC() }

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

// reqCtx is what the middleware hands a handler.
type reqCtx struct {
	id     string
	seq    uint64
	fam    family
	key    Key
	params map[string]string // path parameters by name
	query  url.Values
	// recorded is set once the request is in the journal, so that a dropped
	// request is journaled before its connection closes, not after.
	recorded bool
}

// handlerFunc serves one route.
type handlerFunc func(s *Server, w http.ResponseWriter, r *http.Request, rc *reqCtx)

// route is one method and path pattern ("{name}" matches one segment).
type route struct {
	method  string
	pattern []string
	scope   string // "" needs no key (presigned URLs)
	h       handlerFunc
}

var routes = []route{
	{http.MethodGet, split("/v1/metrics/webhooks"), ScopeMetricsRead, (*Server).handleWebhookMetrics},
	{http.MethodGet, split("/v1/metrics/messages"), ScopeMetricsRead, (*Server).handleMessageMetrics},
	{http.MethodGet, split("/v1/logs"), ScopeLogsRead, (*Server).handleLogs},
	{http.MethodGet, split("/v1/inbound-messages/{id}/attempts"), ScopeMessagesRead, (*Server).handleInboundAttempts},
	{http.MethodGet, split("/v1/inbound-messages/{id}"), ScopeMessagesRead, (*Server).handleInboundMessage},
	{http.MethodGet, split("/v1/messages/{id}/attempts"), ScopeMessagesRead, (*Server).handleOutboundAttempts},
	{http.MethodGet, split("/api/v0/webhooks"), ScopeWebhookRead, (*Server).handleWebhookList},
	{http.MethodPost, split("/api/v0/webhooks"), ScopeWebhookWrite, (*Server).handleWebhookCreate},
	{http.MethodGet, split("/api/v0/webhooks/{webhook_id}"), ScopeWebhookRead, (*Server).handleWebhookGet},
	{http.MethodPatch, split("/api/v0/webhooks/{webhook_id}"), ScopeWebhookWrite, (*Server).handleWebhookUpdate},
	{http.MethodDelete, split("/api/v0/webhooks/{webhook_id}"), ScopeWebhookWrite, (*Server).handleWebhookDelete},
	{http.MethodGet, split("/analytics/webhooks"), ScopeAnalyticsRead, (*Server).handleAnalytics},
	{http.MethodGet, split(bodyPathPrefix + "{message_id}/{attempt_no}"), "", (*Server).handleResponseBody},
}

func split(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// match returns the route for method and path, whether some route has the
// path under another method (405), and the methods allowed for the path.
func match(method, path string) (*route, map[string]string, []string) {
	segs := split(path)
	var allowed []string
	for i := range routes {
		rt := &routes[i]
		params, ok := matchPattern(rt.pattern, segs)
		if !ok {
			continue
		}
		if rt.method == method || (method == http.MethodHead && rt.method == http.MethodGet) {
			return rt, params, nil
		}
		allowed = append(allowed, rt.method)
	}
	return nil, nil, allowed
}

func matchPattern(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if params == nil {
				params = make(map[string]string)
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// serveHTTP is the one entry point: request id, journal, panic recovery,
// faults, routing, auth, then the route's handler.
func (s *Server) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	id, seq := s.requestID()
	rw.Header().Set("X-Request-Id", id)
	w := &statusWriter{ResponseWriter: rw}
	rc := &reqCtx{id: id, seq: seq, fam: familyOf(r.URL.Path)}
	defer func() {
		if !rc.recorded {
			s.record(r, rc.query, w.status)
		}
	}()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler || w.status != 0 {
				panic(v)
			}
			w.status = 0
			s.writeError(w, rc, errInternal("an internal error occurred"))
		}
	}()

	if f := s.takeFault(r.Method, r.URL.Path); f != nil {
		if done := s.applyFault(w, r, rc, f); done {
			return
		}
	}
	if s.panicHook != nil {
		s.panicHook(r)
	}
	rt, params, allowed := match(r.Method, r.URL.Path)
	if rt == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			s.writeError(w, rc, &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED",
				msg: fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path)})
			return
		}
		s.writeError(w, rc, &apiError{status: http.StatusNotFound, code: "NOT_FOUND", msg: "no such endpoint: " + r.URL.Path})
		return
	}
	rc.params = params
	if rt.scope != "" {
		key, ok := s.authenticate(r)
		if !ok {
			s.writeError(w, rc, &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, msg: "authentication failed"})
			return
		}
		if !hasScope(key.Scopes, rt.scope) {
			s.writeError(w, rc, &apiError{status: http.StatusForbidden, code: codeForbidden, msg: "missing required scope"})
			return
		}
		rc.key = key
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.writeError(w, rc, invalid("query", "the query string is malformed"))
		return
	}
	rc.query = q
	rt.h(s, w, r, rc)
}

func hasScope(scopes []string, want string) bool {
	for _, sc := range scopes {
		if sc == want {
			return true
		}
	}
	return false
}

// writeJSON answers status with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, rc *reqCtx, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.writeError(w, rc, errInternal("encoding the response failed"))
		return
	}
	s.writeRaw(w, status, b)
}

func (s *Server) writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
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
