package hookscope

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// send sends req through go-retryablehttp under the client's try policy
// and returns the final response, whose body the caller closes; path names
// the call in log records. Every retry decision lives behind this function.
// An error means no response at all; it carries the call's context error, if
// any, so that errors.Is finds it.
func (c *Client) send(ctx context.Context, req *http.Request, path string) (*http.Response, error) {
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, err
	}
	tries := c.newTryPolicy(req.Method, path)
	rc := &retryablehttp.Client{
		HTTPClient:     c.httpClient,
		Logger:         nil,
		RetryWaitMin:   c.retryWaitMin,
		RetryWaitMax:   c.retryWaitMax,
		RetryMax:       c.maxRetries,
		RequestLogHook: tries.beforeTry,
		CheckRetry:     tries.checkRetry,
		Backoff:        tries.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
	}
	resp, err := rc.Do(rreq)
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body)
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return nil, err
	}
	return resp, nil
}

// tryPolicy is the state of one call across its tries. go-retryablehttp runs
// the loop; tryPolicy decides whether to retry, how long to wait, and logs
// each try.
type tryPolicy struct {
	c       *Client
	method  string
	path    string
	attempt int // 1-based number of the try in flight
	start   time.Time
	wait    time.Duration // the wait checkRetry chose for the next retry
}

func (c *Client) newTryPolicy(method, path string) *tryPolicy {
	return &tryPolicy{c: c, method: method, path: path}
}

func (p *tryPolicy) beforeTry(_ retryablehttp.Logger, _ *http.Request, i int) {
	p.attempt = i + 1
	p.start = time.Now()
}

// checkRetry retries connection errors and 429, 500, 502, 503 and 504, on
// every method: GET and HEAD are idempotent, and writes carry an
// Idempotency-Key. It declines a retry whose wait would pass the context's
// deadline or the Retry-After cap, so the caller gets the error at once.
func (p *tryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, wait := p.decide(ctx, resp, err)
	if p.attempt > p.c.maxRetries {
		retry = false
	}
	p.wait = wait
	p.log(ctx, resp, err, retry, wait)
	if retry && resp != nil {
		// go-retryablehttp drains only 4 KiB before closing; read a proxy's
		// error page to its end so that the connection is reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrainBytes))
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	return retry, nil
}

func (p *tryPolicy) decide(ctx context.Context, resp *http.Response, err error) (bool, time.Duration) {
	if ctx.Err() != nil {
		return false, 0
	}
	if p.method != http.MethodGet && p.method != http.MethodHead && !isWrite(p.method) {
		return false, 0
	}
	if err != nil {
		if !retryableTransportError(err) {
			return false, 0
		}
	} else {
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return false, 0
		}
	}
	wait := p.backoffFor(p.attempt)
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if ra > p.c.maxRetryAfter {
				return false, 0
			}
			wait = ra
		}
	}
	if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
		return false, 0
	}
	return true, wait
}

// backoffFor is exponential backoff with full jitter: the n-th retry waits a
// uniformly random time between the minimum and min(max, minimum·2^(n-1)).
func (p *tryPolicy) backoffFor(n int) time.Duration {
	lo, hi := p.c.retryWaitMin, p.c.retryWaitMax
	// The ceiling grows from the minimum, or from 1 ms when the minimum is 0.
	ceiling := max(lo, time.Millisecond)
	for i := 1; i < n && ceiling < hi; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, hi)
	if ceiling <= lo {
		return lo
	}
	return lo + rand.N(ceiling-lo+1)
}

func (p *tryPolicy) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return p.wait
}

func (p *tryPolicy) log(ctx context.Context, resp *http.Response, err error, retry bool, wait time.Duration) {
	l := p.c.logger
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", p.method),
		slog.String("path", p.path),
		slog.Int("attempt", p.attempt),
		slog.Duration("duration", time.Since(p.start)),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode),
			slog.String("request_id", resp.Header.Get("X-Request-Id")))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	attrs = append(attrs, slog.Bool("retry", retry))
	if retry {
		attrs = append(attrs, slog.Duration("retry_after", wait))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "hookscope: request", attrs...)
}

// retryableTransportError reports whether a transport error may pass on a
// new try: not a bad URL, too many redirects or a certificate the client does
// not trust. A try that timed out (the per-try timeout) is retried; the
// caller's own context is checked before this, in decide.
func retryableTransportError(err error) bool {
	if errors.Is(err, errInsecureRedirect) {
		return false
	}
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) {
		return false
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		msg := urlErr.Error()
		if strings.Contains(msg, "stopped after") && strings.Contains(msg, "redirects") ||
			strings.Contains(msg, "unsupported protocol scheme") {
			return false
		}
	}
	return true
}

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
