package hookscope

import (
	"bytes"
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

// send sends req through go-retryablehttp under the call's try policy and
// returns the final response, whose body the caller closes. Every retry
// decision lives behind this function, and every wait: each try first waits
// its turn (waitTurn: the client's 429 pause, the rate limiter). An error
// means no usable response (tries.failed keeps the last one received, for
// WithResponseInto); it carries the call's context error, if any, so that
// errors.Is finds it. tries.readBody, when set, reads a response that
// will not be retried, within its try: an error it returns wrapping a
// *bodyReadError is a failure of the connection, retried like one before the
// headers (GET and HEAD only).
func (c *Client) send(ctx context.Context, req *http.Request, tries *tryPolicy) (*http.Response, error) {
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, err
	}
	cfg := tries.cfg
	if tries.readBody != nil {
		rreq.SetResponseHandler(tries.readBody)
	}
	rc := &retryablehttp.Client{
		HTTPClient:     c.httpClient,
		Logger:         nil,
		RetryWaitMin:   cfg.retryWaitMin,
		RetryWaitMax:   cfg.retryWaitMax,
		RetryMax:       cfg.maxRetries,
		RequestLogHook: tries.beforeTry,
		CheckRetry:     tries.checkRetry,
		Backoff:        tries.backoff,
		PrepareRetry:   tries.prepareRetry,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
	}
	var resp *http.Response
	if err = c.waitTurn(ctx, cfg); err == nil { // the retries wait theirs in prepareRetry
		resp, err = rc.Do(rreq)
	}
	if err != nil {
		if resp != nil {
			tries.failed = resp
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
	cfg     *config // the call's options
	method  string
	path    string
	attempt int // 1-based number of the try in flight
	start   time.Time
	wait    time.Duration  // the wait checkRetry chose for the next retry
	info    callInfo       // the call as the transport and its middlewares see it
	failed  *http.Response // the last response of a call that ended in an error
	checked int            // the attempt checkRetry last saw
	// readBody reads a 2xx body within its try (see send); nil: none.
	readBody func(*http.Response) error
}

func (c *Client) newTryPolicy(cfg *config, req request) *tryPolicy {
	p := &tryPolicy{c: c, cfg: cfg, method: req.method, path: req.path}
	p.info.route = req.route
	if p.info.route == "" {
		p.info.route = req.path
	}
	p.info.middlewares = cfg.middlewares
	p.info.timeout = cfg.timeout
	return p
}

func (p *tryPolicy) beforeTry(_ retryablehttp.Logger, _ *http.Request, i int) {
	p.attempt = i + 1
	p.start = time.Now()
	p.info.try.Store(int32(p.attempt))
}

// checkRetry retries connection errors and 429, 500, 502, 503 and 504, on
// every method: GET and HEAD are idempotent, and writes carry an
// Idempotency-Key. A write's 409 IDEMPOTENCY_KEY_IN_USE is retried too, with
// the same key: the first request with that key is still being processed,
// and a later try gets its answer. It declines a retry whose wait would pass the context's
// deadline or the Retry-After cap, so the caller gets the error at once.
func (p *tryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if p.checked == p.attempt && err == nil {
		// go-retryablehttp asks again after the body of a final answer was
		// read without trouble: that try is already decided and logged.
		return false, ctx.Err()
	}
	p.checked = p.attempt
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		// Every call of the client holds off until the budget is back, not
		// only this one: see waitTurn.
		now := p.c.now()
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok && ra > 0 {
			p.c.pause.extend(now.Add(min(ra, p.c.cfg.maxRetryAfter)))
		}
	}
	retry, wait := p.decide(ctx, resp, err)
	if p.attempt > p.cfg.maxRetries {
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
		// A body cut off after a 2xx is retried for reads only: a write's
		// answer says it was applied, and its Idempotency-Key cannot show
		// the caller what a replay would have answered.
		if _, inBody := errors.AsType[*bodyReadError](err); inBody && p.method != http.MethodGet && p.method != http.MethodHead {
			return false, 0
		}
	} else {
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		case http.StatusConflict:
			// The key's first request is still being processed: once it
			// completes, the same key gets its answer. Any other 409 is final.
			if !isWrite(p.method) || resp.Request == nil || resp.Request.Header.Get("Idempotency-Key") == "" || !keyInUse(resp) {
				return false, 0
			}
		default:
			return false, 0
		}
	}
	wait := p.backoffFor(p.attempt)
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), p.c.now()); ok {
			if ra > p.cfg.maxRetryAfter {
				return false, 0
			}
			wait = ra
		}
	}
	if deadline, ok := ctx.Deadline(); ok && p.c.now().Add(wait).After(deadline) {
		return false, 0
	}
	return true, wait
}

// backoffFor is exponential backoff with full jitter: the n-th retry waits a
// uniformly random time between the minimum and min(max, minimum·2^(n-1)).
func (p *tryPolicy) backoffFor(n int) time.Duration {
	lo, hi := p.cfg.retryWaitMin, p.cfg.retryWaitMax
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

// backoff tells go-retryablehttp not to sleep: prepareRetry waits instead,
// with the client's sleeper, so that tests can replace the clock.
func (p *tryPolicy) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return 0
}

// prepareRetry runs before each retry: it waits the backoff or Retry-After
// that checkRetry chose, then the retry's turn (the client's 429 pause and
// the rate limiter). An error ends the call with it.
func (p *tryPolicy) prepareRetry(req *http.Request) error {
	ctx := req.Context()
	if err := p.c.sleep(ctx, p.wait); err != nil {
		return err
	}
	return p.c.waitTurn(ctx, p.cfg)
}

func (p *tryPolicy) log(ctx context.Context, resp *http.Response, err error, retry bool, wait time.Duration) {
	l := p.cfg.logger
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
	var mwErr *middlewareError
	if errors.As(err, &mwErr) {
		return false
	}
	if errors.Is(err, ErrRedirectRefused) {
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

// maxRetryAfterHeader caps what a Retry-After header can say, in either
// form: a server asking for more is taken to ask for a day.
const maxRetryAfterHeader = 24 * time.Hour

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date,
// and caps it at maxRetryAfterHeader. A date in the past is a wait of 0.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(maxRetryAfterHeader/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		// t.Sub saturates at the largest Duration, so a date centuries
		// ahead cannot wrap around to a negative wait.
		return min(max(t.Sub(now), 0), maxRetryAfterHeader), true
	}
	return 0, false
}

// maxConflictPeekBytes bounds how much of a 409 body keyInUse reads.
const maxConflictPeekBytes = 16 << 10

// keyInUse reports whether the 409 resp is IDEMPOTENCY_KEY_IN_USE. It reads
// the start of the body and puts it back, so that the caller still decodes
// the whole answer when the 409 is final.
func keyInUse(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxConflictPeekBytes))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	var e APIError
	return parseErrorBody(head, &e) && e.Code == CodeIdempotencyKeyInUse
}
