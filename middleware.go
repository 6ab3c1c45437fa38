package hookscope

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// Middleware wraps each try of an API call: it gets the outgoing request and
// next, which sends it, and returns the response (or error) the SDK will see.
// A call that is retried passes through its middleware once per try.
//
// A middleware may change the request it is given (it is a copy made for that
// try) or pass on another one; it must not change the request after next has
// returned, and it owns the response's body only if it does not return it. An
// error a middleware returns without calling next, or other than the error of
// next, ends the call without a retry.
//
// Inside a middleware, RouteTemplate and TryNumber describe the call being made.
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// callInfo describes an API call to the transport under the client's
// http.Client, and to the middlewares of its tries. It travels in the
// request's context.
type callInfo struct {
	route       string // the path with its parameters as names, such as /api/v0/webhooks/{webhook_id}
	middlewares []Middleware
	timeout     time.Duration // bounds each try; 0: no bound
	try         atomic.Int32
}

type callInfoKey struct{}

// RouteTemplate returns the route of the API call that ctx belongs to, with
// its parameters named instead of filled in, such as
// "/api/v0/webhooks/{webhook_id}": a name of low cardinality, fit for a span
// name or a metric attribute. It is set in the context of the request a
// Middleware receives; elsewhere it returns "".
func RouteTemplate(ctx context.Context) string {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return ci.route
	}
	return ""
}

// TryNumber returns which try of its API call the request a Middleware
// receives is: 1 for the first, 2 for the first retry, and so on. Elsewhere it
// returns 0.
func TryNumber(ctx context.Context) int {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return int(ci.try.Load())
	}
	return 0
}

// middlewareError is an error that a middleware made itself; the try policy
// does not retry it.
type middlewareError struct{ err error }

func (e *middlewareError) Error() string { return e.err.Error() }
func (e *middlewareError) Unwrap() error { return e.err }

var errNoResponse = errors.New("hookscope: a middleware returned neither a response nor an error")

// tryTransport is installed once, at NewClient, under the client's own
// http.Client: it bounds each try with the call's timeout, and runs the
// call's middlewares around it, so that a middleware sees each try and the
// timeout bounds the middlewares too. A call without middleware goes straight
// to base.
//
// The per-try timeout lives here rather than in http.Client.Timeout because
// the client would then treat this transport as unknown and start a
// goroutine and a timer per request to cancel it; it also lets a call set
// its own timeout without a copy of the http.Client.
//
// It does not forward CloseIdleConnections: the client's connections are
// shared by every call, and no single call's failure should drop them.
type tryTransport struct {
	base http.RoundTripper
}

func (t *tryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ci, _ := req.Context().Value(callInfoKey{}).(*callInfo)
	if ci == nil {
		return t.base.RoundTrip(req)
	}
	if ci.timeout <= 0 {
		return t.send(ci, req)
	}
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, ci.timeout)
	resp, err := t.send(ci, req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil && parent.Err() == nil {
			err = &tryTimeoutError{timeout: ci.timeout, err: err}
		}
		cancel()
		return nil, err
	}
	// The try lasts until its body is read: the timeout covers the body too.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// send runs the call's middlewares, if any, around one round trip.
func (t *tryTransport) send(ci *callInfo, req *http.Request) (*http.Response, error) {
	if len(ci.middlewares) == 0 {
		return t.base.RoundTrip(req)
	}
	var (
		reached bool
		baseErr error
	)
	next := func(r *http.Request) (*http.Response, error) {
		if r == nil {
			return nil, &middlewareError{errors.New("hookscope: a middleware passed a nil request on")}
		}
		reached = true
		resp, err := t.base.RoundTrip(r)
		baseErr = err
		return resp, err
	}
	for i := len(ci.middlewares) - 1; i >= 0; i-- {
		mw, inner := ci.middlewares[i], next
		next = func(r *http.Request) (*http.Response, error) { return mw(r, inner) }
	}
	// The request the http.Client hands a transport must not be changed; a
	// middleware gets a copy with its own header map.
	r := req.Clone(req.Context())
	resp, err := next(r)
	if !reached && req.Body != nil {
		_ = req.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		if !reached || baseErr == nil || !errors.Is(err, baseErr) {
			var mwErr *middlewareError
			if !errors.As(err, &mwErr) {
				err = &middlewareError{fmt.Errorf("middleware: %w", err)}
			}
		}
		return nil, err
	}
	if resp == nil {
		return nil, &middlewareError{errNoResponse}
	}
	return resp, nil
}

// tryTimeoutError is a try that passed its per-try timeout (WithTimeout)
// while the call's own context was still live; the try policy retries it.
type tryTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *tryTimeoutError) Error() string {
	return fmt.Sprintf("the try passed its %v timeout (WithTimeout): %v", e.timeout, e.err)
}
func (e *tryTimeoutError) Unwrap() error { return e.err }
func (e *tryTimeoutError) Timeout() bool { return true }

// cancelOnClose ends a try's timeout when its body is closed or read to its end.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.cancel()
	}
	return n, err
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
