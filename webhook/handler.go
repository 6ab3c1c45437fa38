package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// DefaultMaxBodyBytes is the largest body Handler reads unless
// WithMaxBodyBytes says otherwise: 1 MiB.
const DefaultMaxBodyBytes int64 = 1 << 20

// ErrBodyTooLarge: a request body is larger than the handler's cap. Handler
// answers it with 413.
var ErrBodyTooLarge = errors.New("webhook: request body too large")

// HandlerOption configures Handler and Verifier.Handler.
type HandlerOption func(*handlerConfig) error

type handlerConfig struct {
	maxBody  int64
	onReject func(*http.Request, error)
}

// WithMaxBodyBytes caps the body the handler reads (default
// DefaultMaxBodyBytes, 1 MiB); a larger body is answered 413. n must be
// positive.
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
// The handler reads at most DefaultMaxBodyBytes (1 MiB) unless
// WithMaxBodyBytes changes it. It answers, with the status text only and
// never the reason (WithOnReject receives it):
//   - 400 when a webhook-* header is missing or the body cannot be read,
//   - 401 when the timestamp or the signature does not verify,
//   - 413 when the body is larger than the cap.
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
	// The headers are checked first, so a request that cannot verify is
	// refused before its body is read.
	d, err := h.v.parseHeaders(r.Header)
	if err != nil {
		h.reject(w, r, err)
		return
	}
	if r.ContentLength > h.cfg.maxBody {
		h.reject(w, r, fmt.Errorf("%w: Content-Length %d, cap %d", ErrBodyTooLarge, r.ContentLength, h.cfg.maxBody))
		return
	}
	src := r.Body
	if src == nil { // a hand-made request; servers always set a Body
		src = http.NoBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, src, h.cfg.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			err = fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, h.cfg.maxBody)
		}
		h.reject(w, r, err)
		return
	}
	if err := h.v.check(d, body); err != nil {
		h.reject(w, r, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	h.next.ServeHTTP(w, r)
}

func (h *handler) reject(w http.ResponseWriter, r *http.Request, err error) {
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
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}
