// Package otelhookscope traces and measures the hookscope client's requests
// with OpenTelemetry.
//
//	c, err := hookscope.NewClient(apiKey, hookscope.WithMiddleware(otelhookscope.Middleware()))
//
// Each HTTP request the client sends (each try: a retried call sends
// several) becomes a client span named by its method and route template,
// such as "GET /api/v0/webhooks/{webhook_id}", never by raw ids, and one
// measurement of the http.client.request.duration histogram (seconds). The
// span carries http.request.method, url.template, url.scheme,
// server.address, server.port, http.response.status_code,
// hookscope.request_id (the answer's X-Request-Id, to quote to support),
// hookscope.try (1 for the first try) and, on a retry,
// http.request.resend_count. A transport error or a 4xx or 5xx answer sets
// the span's status to Error and error.type. The histogram carries the same
// attributes less the ones of high cardinality (request id, try).
//
// The span lasts until the answer's body is closed, as the SDK does once it
// has decoded it. The tracer and meter providers and the propagator default to
// OpenTelemetry's globals; WithTracerProvider, WithMeterProvider and
// WithPropagators override them.
//
// The hookscope package itself does not depend on OpenTelemetry: only a
// program that imports this package does.
package otelhookscope

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/hookscope/hookscope-go"
)

// ScopeName is the instrumentation scope of the spans and the histogram.
const ScopeName = "github.com/hookscope/hookscope-go/otelhookscope"

// Attribute keys of the SDK's own.
const (
	// RequestIDKey is the answer's X-Request-Id.
	RequestIDKey = attribute.Key("hookscope.request_id")
	// TryKey is which try of its call a request is: 1 for the first.
	TryKey = attribute.Key("hookscope.try")
)

// Attribute keys of OpenTelemetry's semantic conventions for HTTP clients.
const (
	methodKey      = attribute.Key("http.request.method")
	templateKey    = attribute.Key("url.template")
	schemeKey      = attribute.Key("url.scheme")
	addressKey     = attribute.Key("server.address")
	portKey        = attribute.Key("server.port")
	statusKey      = attribute.Key("http.response.status_code")
	resendCountKey = attribute.Key("http.request.resend_count")
	errorTypeKey   = attribute.Key("error.type")
)

// durationBounds are the histogram's bucket boundaries in seconds, as the
// semantic conventions advise for http.client.request.duration.
var durationBounds = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Option configures Middleware.
type Option func(*config)

type config struct {
	tp    trace.TracerProvider
	mp    metric.MeterProvider
	props propagation.TextMapPropagator
}

// WithTracerProvider sets the provider of the tracer that makes the spans
// (default: otel.GetTracerProvider() when Middleware is called). nil keeps
// the default.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// WithMeterProvider sets the provider of the meter that records
// http.client.request.duration (default: otel.GetMeterProvider() when
// Middleware is called). nil keeps the default.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// WithPropagators sets the propagator that writes the span's context into
// each request's headers, such as W3C traceparent (default:
// otel.GetTextMapPropagator(), which writes nothing until a program sets
// one). nil keeps the default.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return func(c *config) {
		if p != nil {
			c.props = p
		}
	}
}

// Middleware returns a hookscope.Middleware that traces and measures each
// request of the client or call it is given to. Give it to the client, with
// hookscope.WithMiddleware in NewClient, to see every request.
func Middleware(opts ...Option) hookscope.Middleware {
	cfg := config{}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.tp == nil {
		cfg.tp = otel.GetTracerProvider()
	}
	if cfg.mp == nil {
		cfg.mp = otel.GetMeterProvider()
	}
	if cfg.props == nil {
		cfg.props = otel.GetTextMapPropagator()
	}
	tracer := cfg.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(hookscope.Version))
	meter := cfg.mp.Meter(ScopeName, metric.WithInstrumentationVersion(hookscope.Version))
	duration, err := meter.Float64Histogram("http.client.request.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of HTTP client requests."),
		metric.WithExplicitBucketBoundaries(durationBounds...))
	if err != nil {
		otel.Handle(err)
	}
	m := &middleware{tracer: tracer, duration: duration, props: cfg.props}
	return m.handle
}

type middleware struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram // nil if the meter refused it
	props    propagation.TextMapPropagator
}

func (m *middleware) handle(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	start := time.Now()
	ctx := req.Context()
	route := hookscope.RouteTemplate(ctx)
	try := hookscope.TryNumber(ctx)

	base := make([]attribute.KeyValue, 0, 8)
	base = append(base, methodKey.String(req.Method), schemeKey.String(req.URL.Scheme))
	if route != "" {
		base = append(base, templateKey.String(route))
	}
	host, port := serverAddress(req)
	base = append(base, addressKey.String(host))
	if port > 0 {
		base = append(base, portKey.Int(port))
	}

	spanAttrs := append(make([]attribute.KeyValue, 0, len(base)+2), base...)
	if try > 0 {
		spanAttrs = append(spanAttrs, TryKey.Int(try))
	}
	if try > 1 {
		spanAttrs = append(spanAttrs, resendCountKey.Int(try-1))
	}
	name := req.Method
	if route != "" {
		name += " " + route
	}
	ctx, span := m.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(spanAttrs...))
	req = req.WithContext(ctx)
	m.props.Inject(ctx, propagation.HeaderCarrier(req.Header))

	resp, err := next(req)

	end := &ender{m: m, span: span, start: start, attrs: base, ctx: ctx}
	if err != nil {
		errType := errorType(err)
		span.RecordError(err)
		span.SetStatus(codes.Error, errType)
		end.attrs = append(end.attrs, errorTypeKey.String(errType))
		span.SetAttributes(errorTypeKey.String(errType))
		end.finish()
		return resp, err
	}
	status := resp.StatusCode
	end.attrs = append(end.attrs, statusKey.Int(status))
	span.SetAttributes(statusKey.Int(status))
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		span.SetAttributes(RequestIDKey.String(id))
	}
	if status >= 400 {
		code := strconv.Itoa(status)
		span.SetStatus(codes.Error, code)
		span.SetAttributes(errorTypeKey.String(code))
		end.attrs = append(end.attrs, errorTypeKey.String(code))
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		end.finish()
		return resp, nil
	}
	// The request lasts until its answer is read: end the span when the
	// caller closes the body.
	resp.Body = &endOnClose{ReadCloser: resp.Body, end: end}
	return resp, nil
}

// ender ends a span and records its duration, once.
type ender struct {
	m     *middleware
	span  trace.Span
	start time.Time
	attrs []attribute.KeyValue
	ctx   context.Context
	once  sync.Once
}

func (e *ender) finish() {
	e.once.Do(func() {
		if e.m.duration != nil {
			e.m.duration.Record(e.ctx, time.Since(e.start).Seconds(), metric.WithAttributes(e.attrs...))
		}
		e.span.End()
	})
}

type endOnClose struct {
	io.ReadCloser
	end *ender
}

func (b *endOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.end.finish()
	return err
}

// serverAddress is the host and port the request goes to; the port is the
// scheme's default when the URL has none.
func serverAddress(req *http.Request) (string, int) {
	host := req.URL.Hostname()
	if p := req.URL.Port(); p != "" {
		if n, err := strconv.Atoi(p); err == nil {
			return host, n
		}
	}
	switch req.URL.Scheme {
	case "https":
		return host, 443
	case "http":
		return host, 80
	}
	return host, 0
}

// errorType names a transport error by its kind, with low cardinality:
// "timeout", "canceled", or the Go type of the innermost error, as the
// semantic conventions ask.
func errorType(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "timeout"
	}
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			break
		}
		err = inner
	}
	return fmt.Sprintf("%T", err)
}
