package hookscope

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// RateLimit is the request budget the API reported with an answer, in its
// X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers. The
// API counts requests per API key per minute: 60 on the free plan, 600 on
// starter, 3000 on pro and 12000 on enterprise. An exhausted budget is
// answered 429 RATE_LIMITED (ErrRateLimited) with a Retry-After.
type RateLimit struct {
	// Limit is the budget of the current window (X-RateLimit-Limit).
	Limit int
	// Remaining is what is left of it (X-RateLimit-Remaining).
	Remaining int
	// Reset is when the window ends and the budget is whole again
	// (X-RateLimit-Reset, Unix seconds); the zero time when it was not sent.
	Reset time.Time
}

// String shows the budget as "remaining/limit, resets at <RFC 3339 time>".
func (r RateLimit) String() string {
	s := strconv.Itoa(r.Remaining) + "/" + strconv.Itoa(r.Limit)
	if !r.Reset.IsZero() {
		s += ", resets at " + r.Reset.UTC().Format(time.RFC3339)
	}
	return s
}

// parseRateLimit reads the X-RateLimit-* headers of an answer. It returns
// nil unless both the limit and the remaining count are present as
// non-negative integers: a half-read budget would mislead more than none.
func parseRateLimit(h http.Header) *RateLimit {
	limit, ok1 := headerInt(h, "X-RateLimit-Limit")
	remaining, ok2 := headerInt(h, "X-RateLimit-Remaining")
	if !ok1 || !ok2 {
		return nil
	}
	rl := &RateLimit{Limit: limit, Remaining: remaining}
	if reset, ok := headerInt(h, "X-RateLimit-Reset"); ok && reset > 0 {
		rl.Reset = time.Unix(int64(reset), 0).UTC()
	}
	return rl
}

func headerInt(h http.Header, name string) (int, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// pauseGate is the client-wide pause that a 429 with a Retry-After starts:
// until it ends, no try of any call on the client is sent. Without it, the
// other goroutines of a burst would each hit the exhausted budget, each get
// a 429, and each spend a retry on it. It holds the instant the pause ends,
// in Unix nanoseconds (0: no pause); it only ever moves later.
type pauseGate struct {
	until atomic.Int64
}

// extend makes the pause last at least until t.
func (g *pauseGate) extend(t time.Time) {
	n := t.UnixNano()
	for {
		cur := g.until.Load()
		if cur >= n || g.until.CompareAndSwap(cur, n) {
			return
		}
	}
}

// remaining is how long the pause still lasts at now (0: none).
func (g *pauseGate) remaining(now time.Time) time.Duration {
	u := g.until.Load()
	if u == 0 {
		return 0
	}
	return max(time.Unix(0, u).Sub(now), 0)
}

// errPaused says why a try was not sent: the client is in a pause that a 429
// started, and the caller could not wait it out.
type errPaused struct {
	wait   time.Duration
	reason string
}

func (e *errPaused) Error() string {
	return fmt.Sprintf("the API asked this client to wait %v before its next request (429 Retry-After), %s",
		e.wait.Round(time.Millisecond), e.reason)
}

// Is makes the error match ErrRateLimited.
func (e *errPaused) Is(target error) bool { return target == ErrRateLimited }

// sleeper waits d or until ctx is done, whichever comes first, and returns
// ctx's error in the second case.
type sleeper func(ctx context.Context, d time.Duration) error

// sleepContext is the real sleeper.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitPause holds a try until the client's pause is over. It refuses at once,
// with an error matching ErrRateLimited, a wait longer than maxWait (the
// call's WithMaxRetryAfter) or one that would end past ctx's deadline.
func (g *pauseGate) waitPause(ctx context.Context, now func() time.Time, sleep sleeper, maxWait time.Duration) error {
	t := now()
	d := g.remaining(t)
	if d <= 0 {
		return nil
	}
	if d > maxWait {
		return &errPaused{wait: d, reason: fmt.Sprintf("longer than the call's maximum of %v (WithMaxRetryAfter)", maxWait)}
	}
	if deadline, ok := ctx.Deadline(); ok && t.Add(d).After(deadline) {
		return &errPaused{wait: d, reason: "past the context's deadline"}
	}
	return sleep(ctx, d)
}

// waitTurn holds a try until it may be sent: until the client's 429 pause is
// over (see pauseGate), then until the call's rate limiter gives it a token.
// Both waits end with the context; one that cannot end before the context's
// deadline fails at once.
func (c *Client) waitTurn(ctx context.Context, cfg *config) error {
	if err := c.pause.waitPause(ctx, c.now, c.sleep, cfg.maxRetryAfter); err != nil {
		return err
	}
	if cfg.limiter == nil {
		return nil
	}
	if err := cfg.limiter.Wait(ctx); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		// The limiter refuses a wait that would pass the deadline.
		return fmt.Errorf("%w: rate limiter: %w", context.DeadlineExceeded, err)
	}
	return nil
}
