package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultMaxBodyBytes is the largest body Handler reads unless
// WithMaxBodyBytes says otherwise: 1 MiB.
const DefaultMaxBodyBytes int64 = 1 << 20

// ErrBodyTooLarge: a request body is larger than the handler's cap. Handler
// answers it with 413 and "Connection: close", without reading the rest of
// the body.
var ErrBodyTooLarge = errors.New("webhook: request body too large")

// HandlerOption configures Handler and Verifier.Handler.
type HandlerOption func(*handlerConfig) error

type handlerConfig struct {
	maxBody  int64
	onReject func(*http.Request, error)
}

// WithMaxBodyBytes caps the body the handler reads (default
// DefaultMaxBodyBytes, 1 MiB); a larger body is answered 413, after reading
// at most n+1 bytes of it (none when its declared length is over n). n must
// be positive.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(c *handlerConfig) error {
		if n <= 0 {
			return fmt.Errorf("webhook: WithMaxBodyBytes: n must be positive, got %d", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithOnReject calls f with the request and the reason before the handler
// answers a request it refuses, so the reason can be logged; the sender
// only ever sees the status. The reason matches one of this package's
// errors (ErrMissingHeaders, ErrTimestamp, ErrInvalidSignature,
// ErrBodyTooLarge, ErrInvalidSecret) or is the error that reading the body
// gave. f must be safe for concurrent use.
func WithOnReject(f func(r *http.Request, err error)) HandlerOption {
	return func(c *handlerConfig) error {
		c.onReject = f
		return nil
	}
}

// Handler returns an http.Handler that verifies each request as Verify does
// (default tolerance, 5 minutes) and passes it on to next only when it is
// genuine. next reads the very bytes that were verified from r.Body.
//
// The handler reads at most DefaultMaxBodyBytes (1 MiB) of a body unless
// WithMaxBodyBytes changes the cap, and decides all it can from the headers
// before it reads any of the body. It answers, with the status text only and
// never the reason (WithOnReject receives it):
//   - 400 when a webhook-* header is missing or the body cannot be read,
//   - 401 when the timestamp or the signature does not verify,
//   - 413 when the body is larger than the cap.
//
// A missing webhook-* header, a timestamp that is malformed or outside the
// tolerance, and a declared Content-Length over the cap are refused before a
// byte of the body is read: a sender that sent "Expect: 100-continue" gets the
// refusal instead of "100 Continue" and need not send the body. A body of
// unknown length (chunked) is read up to the cap plus one byte, no further;
// one byte over is enough to answer 413. Whenever a refusal leaves part of
// the body unread, the answer carries "Connection: close" and, over HTTP/1.x,
// the server closes the connection after it rather than reading or draining
// the rest. A request that verifies, or whose body was read whole before its
// signature failed, leaves the connection open for the next delivery.
//
// Handler has no error result: with a malformed secret or option it answers
// every request 500 (and WithOnReject sees the error). Use NewVerifier and
// Verifier.Handler to find such a mistake at start-up, or to set the
// tolerance or the clock.
func Handler(secret string, next http.Handler, opts ...HandlerOption) http.Handler {
	v, err := NewVerifier(secret)
	if err != nil {
		c := handlerConfig{}
		for _, opt := range opts {
			if opt != nil {
				_ = opt(&c)
			}
		}
		return misconfigured{err: err, onReject: c.onReject}
	}
	return v.Handler(next, opts...)
}

// Handler returns an http.Handler that verifies each request with v and
// passes it on to next only when it is genuine; see the package-level
// Handler for what it answers otherwise. A nil next, a bad option or a
// Verifier not made by NewVerifier makes every request a 500.
func (v *Verifier) Handler(next http.Handler, opts ...HandlerOption) http.Handler {
	c := handlerConfig{maxBody: DefaultMaxBodyBytes}
	var cfgErr error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&c); err != nil && cfgErr == nil {
			cfgErr = err
		}
	}
	if next == nil && cfgErr == nil {
		cfgErr = errors.New("webhook: Handler: next must not be nil")
	}
	if err := v.usable(); err != nil && cfgErr == nil {
		cfgErr = err
	}
	if cfgErr != nil {
		return misconfigured{err: cfgErr, onReject: c.onReject}
	}
	return &handler{v: v, next: next, cfg: c}
}

type handler struct {
	v    *Verifier
	next http.Handler
	cfg  handlerConfig
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Everything the headers decide is decided before the body is touched,
	// so that a refused sender is not asked for it ("100 Continue" is sent
	// on the first read) and none of it is read.
	d, err := h.v.parseHeaders(r.Header)
	if err != nil {
		h.reject(w, r, err, hasBody(r))
		return
	}
	if r.ContentLength > h.cfg.maxBody {
		h.reject(w, r, fmt.Errorf("%w: Content-Length %d, cap %d", ErrBodyTooLarge, r.ContentLength, h.cfg.maxBody), true)
		return
	}
	src := r.Body
	if src == nil { // a hand-made request; servers always set a Body
		src = http.NoBody
	}
	// MaxBytesReader reads at most maxBody+1 bytes: the extra byte tells a
	// body at the cap from one over it.
	body, err := io.ReadAll(http.MaxBytesReader(w, src, h.cfg.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			err = fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, h.cfg.maxBody)
		}
		h.reject(w, r, err, true)
		return
	}
	if err := h.v.check(d, body); err != nil {
		h.reject(w, r, err, false)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	h.next.ServeHTTP(w, r)
}

// reject answers a refused request; unread says part of its body may still
// be unread.
func (h *handler) reject(w http.ResponseWriter, r *http.Request, err error, unread bool) {
	if h.cfg.onReject != nil {
		h.cfg.onReject(r, err)
	}
	code := http.StatusBadRequest
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		code = http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrTimestamp), errors.Is(err, ErrInvalidSignature):
		code = http.StatusUnauthorized
	}
	refuse(w, r, code, unread)
}

// hasBody reports whether r may carry a body (servers set http.NoBody when
// it has none).
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// refuse answers code with its status text. When part of the body is
// unread, the answer closes the connection and nothing more of it is read.
// net/http would otherwise read the rest to keep the connection: up to
// 256 KiB before the answer (and wait for a sender that sends no more, such
// as one waiting for "100 Continue"), and as much again after it.
func refuse(w http.ResponseWriter, r *http.Request, code int, unread bool) {
	if unread && r.ProtoMajor < 2 {
		// HTTP/2 ends the stream instead, and there "Connection: close"
		// would shut down every other stream of the connection.
		w.Header().Set("Connection", "close")
		// A read deadline already past makes net/http's reads of the
		// rest, after the handler returns, fail at once. A ResponseWriter
		// that cannot set it (a recorder, a wrapper without Unwrap) leaves
		// "Connection: close" to stop the drain before the answer.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now())
	}
	http.Error(w, http.StatusText(code), code)
}

// misconfigured answers every request 500: its secret or options were bad.
type misconfigured struct {
	err      error
	onReject func(*http.Request, error)
}

func (m misconfigured) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.onReject != nil {
		m.onReject(r, m.err)
	}
	refuse(w, r, http.StatusInternalServerError, hasBody(r))
}
