package mockserver

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// WithRateLimits switches rate limiting on (it is off by default, so that
// ordinary tests never meet a 429 they did not ask for): each API key may
// make RateLimit(plan) requests per minute of the server's clock; every
// answer to a request with a known key carries X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset (Unix seconds when the window
// ends), and a request over the budget is answered 429 RATE_LIMITED with
// Retry-After (whole seconds). SetRateLimits switches it at runtime.
func WithRateLimits() Option { return func(c *config) { c.rateLimits = true } }

// RateLimit is the number of requests per minute a key of plan may make
// when rate limiting is on: free 60, starter 600, pro 3000, enterprise
// 12000.
func RateLimit(plan Plan) int {
	switch plan {
	case PlanStarter:
		return 600
	case PlanPro:
		return 3000
	case PlanEnterprise:
		return 12000
	}
	return 60
}

// SetRateLimits switches rate limiting on or off (see WithRateLimits).
// Switching clears the counts of the current windows.
func (s *Server) SetRateLimits(on bool) {
	s.rate.mu.Lock()
	defer s.rate.mu.Unlock()
	s.rate.enabled.Store(on)
	s.rate.windows = nil
}

// RateLimits reports whether rate limiting is on.
func (s *Server) RateLimits() bool { return s.rate.enabled.Load() }

// rateLimiter counts each key's requests in fixed one-minute windows.
type rateLimiter struct {
	enabled atomic.Bool
	mu      sync.Mutex
	windows map[string]*rateWindow // by token
}

type rateWindow struct {
	start int64 // unix seconds
	used  int
}

// rateState is one request's standing against its key's budget.
type rateState struct {
	limit, remaining int
	reset            int64 // unix seconds
	retryAfter       int64 // seconds; > 0 when over the budget
}

// take counts a request of key k at now; nil when rate limiting is off.
func (rl *rateLimiter) take(k Key, now time.Time) *rateState {
	if !rl.enabled.Load() {
		return nil
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if rl.windows == nil {
		rl.windows = make(map[string]*rateWindow)
	}
	start := floorDiv(now.Unix(), 60) * 60
	w := rl.windows[k.Token]
	if w == nil || w.start != start {
		w = &rateWindow{start: start}
		rl.windows[k.Token] = w
	}
	st := &rateState{limit: RateLimit(k.Plan), reset: start + 60}
	if w.used >= st.limit {
		st.retryAfter = max(start+60-now.Unix(), 1)
		return st
	}
	w.used++
	st.remaining = st.limit - w.used
	return st
}

// reset forgets every window.
func (rl *rateLimiter) reset() {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.windows = nil
}

// setHeaders writes st's X-RateLimit-* headers (and Retry-After when over).
func (st *rateState) setHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(st.reset, 10))
	if st.retryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(st.retryAfter, 10))
	}
}

// errRateLimited is the answer to a request over its key's budget.
func errRateLimited() *apiError {
	return &apiError{status: http.StatusTooManyRequests, code: hookscope.CodeRateLimited, msg: "rate limit exceeded"}
}
