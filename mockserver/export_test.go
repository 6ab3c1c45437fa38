package mockserver

import (
	"net/http"
	"sync"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// SetPanicHook makes every routed request call f before its handler, so
// that tests can make a handler panic. Set it before the server takes requests.
func SetPanicHook(s *Server, f func(*http.Request)) {
	for i := range s.router.routes {
		h := s.router.routes[i].h
		s.router.routes[i].h = func(s *Server, w http.ResponseWriter, r *http.Request, rc *reqCtx) {
			f(r)
			h(s, w, r, rc)
		}
	}
}

// SetWriteHook makes every write with an Idempotency-Key call f once it
// holds its key, before it runs, so that tests can keep a write in flight.
// Set it before the server takes requests.
func SetWriteHook(s *Server, f func(*http.Request)) { s.writeHook = f }

// IdempotencyKeys is the number of Idempotency-Keys s holds.
func IdempotencyKeys(s *Server) int { return s.idem.len() }

// AddWebhooks adds n webhooks to s's default organization directly (not
// through the API, which would cost seconds for 20,000), created at the
// clock's time minus a pseudo-random number of seconds, so that they arrive
// out of list order.
func AddWebhooks(s *Server, n int) {
	now := s.now().Truncate(time.Millisecond)
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	s.st.ownLocked()
	o := s.st.orgs[s.DefaultOrgID()]
	g := ids{rng: s.st.rng}
	for i := range n {
		o.addEndpointLocked(&endpoint{
			id: g.endpointID(), name: "w", url: "https://w.example", kind: hookscope.KindOrganization, active: true,
			secret: g.signingSecret(), app: apps[0], eventTypes: []string{"message.created"},
			createdAt: now.Add(-time.Duration(splitmix(uint64(i))%86400) * time.Second), updatedAt: now,
		})
	}
}

// TestClock is a clock a test can move, for WithClock(clock.Now); the
// internal and the external tests share it.
type TestClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewTestClock returns a clock that reads t until moved.
func NewTestClock(t time.Time) *TestClock { return &TestClock{t: t} }

// Now is the clock's time.
func (c *TestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *TestClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
