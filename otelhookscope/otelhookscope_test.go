package otelhookscope_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
	"github.com/hookscope/hookscope-go/otelhookscope"
)

var mockNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

// telemetry is an in-memory tracer and meter, and a client against a fresh
// mock that reports to them.
type telemetry struct {
	srv    *mockserver.Server
	c      *hookscope.Client
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
}

func newTelemetry(t *testing.T, opts ...otelhookscope.Option) *telemetry {
	t.Helper()
	srv := mockserver.New(mockserver.WithSeed(7), mockserver.WithMessages(200),
		mockserver.WithClock(func() time.Time { return mockNow }))
	t.Cleanup(srv.Close)
	tel := &telemetry{srv: srv, spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tel.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	all := append([]otelhookscope.Option{otelhookscope.WithTracerProvider(tel.tp), otelhookscope.WithMeterProvider(mp)}, opts...)
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()),
		hookscope.WithRetryWait(time.Millisecond, 2*time.Millisecond),
		hookscope.WithMiddleware(otelhookscope.Middleware(all...)))
	require.NoError(t, err)
	tel.c = c
	return tel
}

func attrs(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := make(map[attribute.Key]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// durations collects the data points of http.client.request.duration.
func (tel *telemetry) durations(t *testing.T) (metricdata.Metrics, []metricdata.HistogramDataPoint[float64]) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otelhookscope.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			if m.Name == "http.client.request.duration" {
				h, ok := m.Data.(metricdata.Histogram[float64])
				require.True(t, ok, "histogram of float64, got %T", m.Data)
				return m, h.DataPoints
			}
		}
	}
	t.Fatal("no http.client.request.duration metric")
	return metricdata.Metrics{}, nil
}

func TestSpanNamedByRouteTemplateNeverByID(t *testing.T) {
	t.Parallel()
	tel := newTelemetry(t)
	ctx := context.Background()
	id := tel.srv.EndpointIDs("")[0]

	wh, err := tel.c.Webhooks.Get(ctx, id, nil)
	require.NoError(t, err)
	require.Equal(t, id, wh.ID)

	ended := tel.spans.Ended()
	require.Len(t, ended, 1)
	s := ended[0]
	assert.Equal(t, "GET /api/v0/webhooks/{webhook_id}", s.Name())
	assert.Equal(t, trace.SpanKindClient, s.SpanKind())
	assert.Equal(t, codes.Unset, s.Status().Code)
	assert.Equal(t, otelhookscope.ScopeName, s.InstrumentationScope().Name)

	a := attrs(s.Attributes())
	assert.Equal(t, "GET", a["http.request.method"].AsString())
	assert.Equal(t, "/api/v0/webhooks/{webhook_id}", a["url.template"].AsString())
	assert.Equal(t, "127.0.0.1", a["server.address"].AsString())
	assert.Positive(t, a["server.port"].AsInt64())
	assert.Equal(t, "http", a["url.scheme"].AsString())
	assert.Equal(t, int64(200), a["http.response.status_code"].AsInt64())
	assert.Equal(t, int64(1), a[otelhookscope.TryKey].AsInt64())
	_, resent := a["http.request.resend_count"]
	assert.False(t, resent, "a first try is no resend")
	assert.True(t, strings.HasPrefix(a[otelhookscope.RequestIDKey].AsString(), "req_"), "request id %q", a[otelhookscope.RequestIDKey].AsString())

	for _, kv := range s.Attributes() {
		if kv.Key == otelhookscope.RequestIDKey {
			continue
		}
		assert.NotContains(t, kv.Value.String(), id, "attribute %s carries the raw id", kv.Key)
	}
	assert.NotContains(t, s.Name(), id)

	m, points := tel.durations(t)
	assert.Equal(t, "s", m.Unit)
	require.Len(t, points, 1)
	p := points[0]
	assert.Equal(t, uint64(1), p.Count)
	assert.Positive(t, p.Sum)
	pa := attrs(p.Attributes.ToSlice())
	assert.Equal(t, "/api/v0/webhooks/{webhook_id}", pa["url.template"].AsString())
	assert.Equal(t, int64(200), pa["http.response.status_code"].AsInt64())
	assert.Equal(t, "GET", pa["http.request.method"].AsString())
	for _, high := range []attribute.Key{otelhookscope.RequestIDKey, otelhookscope.TryKey} {
		_, ok := pa[high]
		assert.False(t, ok, "metric carries the high-cardinality %s", high)
	}
}

func TestOneSpanPerTryWithTryNumber(t *testing.T) {
	t.Parallel()
	tel := newTelemetry(t)
	tel.srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: http.StatusServiceUnavailable, Times: 2})

	page, err := tel.c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 5})
	require.NoError(t, err)
	require.Len(t, page.Data, 5)

	ended := tel.spans.Ended()
	require.Len(t, ended, 3, "two refused tries and the one that passed")
	for i, s := range ended {
		a := attrs(s.Attributes())
		assert.Equal(t, "GET /v1/logs", s.Name())
		assert.Equal(t, int64(i+1), a[otelhookscope.TryKey].AsInt64(), "span %d", i)
		if i == 0 {
			_, ok := a["http.request.resend_count"]
			assert.False(t, ok)
		} else {
			assert.Equal(t, int64(i), a["http.request.resend_count"].AsInt64(), "span %d", i)
		}
		if i < 2 {
			assert.Equal(t, int64(503), a["http.response.status_code"].AsInt64())
			assert.Equal(t, codes.Error, s.Status().Code)
			assert.Equal(t, "503", a["error.type"].AsString())
		} else {
			assert.Equal(t, int64(200), a["http.response.status_code"].AsInt64())
			assert.Equal(t, codes.Unset, s.Status().Code)
		}
	}
	// Every try has its own span beside its siblings, not inside them.
	assert.Equal(t, ended[0].Parent(), ended[2].Parent())

	_, points := tel.durations(t)
	counts := map[int64]uint64{}
	for _, p := range points {
		v, _ := p.Attributes.Value("http.response.status_code")
		counts[v.AsInt64()] += p.Count
	}
	assert.Equal(t, map[int64]uint64{503: 2, 200: 1}, counts)
}

func TestErrorAnswersAndTransportErrorsSetErrorStatus(t *testing.T) {
	t.Parallel()
	tel := newTelemetry(t)
	ctx := context.Background()

	_, err := tel.c.Webhooks.Get(ctx, "ep_00000000000000000000000000000000", nil)
	require.ErrorIs(t, err, hookscope.ErrNotFound)

	tel.srv.InjectFault(mockserver.Fault{Path: "/analytics/webhooks", Drop: true})
	c2, err := hookscope.NewClient(tel.srv.APIKey(), hookscope.WithBaseURL(tel.srv.URL()), hookscope.WithMaxRetries(0),
		hookscope.WithMiddleware(otelhookscope.Middleware(otelhookscope.WithTracerProvider(tel.tp))))
	require.NoError(t, err)
	_, err = c2.Analytics.Webhooks(ctx)
	require.Error(t, err)

	ended := tel.spans.Ended()
	require.Len(t, ended, 2)
	notFound, dropped := ended[0], ended[1]
	assert.Equal(t, codes.Error, notFound.Status().Code)
	assert.Equal(t, "404", attrs(notFound.Attributes())["error.type"].AsString())
	assert.NotEmpty(t, attrs(notFound.Attributes())[otelhookscope.RequestIDKey].AsString())

	assert.Equal(t, "GET /analytics/webhooks", dropped.Name())
	assert.Equal(t, codes.Error, dropped.Status().Code)
	da := attrs(dropped.Attributes())
	assert.NotEmpty(t, da["error.type"].AsString())
	_, hasStatus := da["http.response.status_code"]
	assert.False(t, hasStatus, "no answer, no status")
	require.NotEmpty(t, dropped.Events(), "the error is recorded on the span")
	assert.Equal(t, "exception", dropped.Events()[0].Name)
}

func TestSpanIsChildOfCallersSpanAndPropagates(t *testing.T) {
	t.Parallel()
	tel := newTelemetry(t, otelhookscope.WithPropagators(propagation.TraceContext{}))
	ctx, parent := tel.tp.Tracer("test").Start(context.Background(), "job")
	_, err := tel.c.Analytics.Webhooks(ctx)
	require.NoError(t, err)
	parent.End()

	ended := tel.spans.Ended()
	require.Len(t, ended, 2)
	child := ended[0]
	assert.Equal(t, parent.SpanContext().SpanID(), child.Parent().SpanID())
	assert.Equal(t, parent.SpanContext().TraceID(), child.SpanContext().TraceID())

	reqs := tel.srv.Requests()
	require.NotEmpty(t, reqs)
	tp := reqs[len(reqs)-1].Header.Get("Traceparent")
	assert.Contains(t, tp, child.SpanContext().SpanID().String(), "traceparent names the request's own span")
}

// Not parallel: it sets OpenTelemetry's global providers.
func TestDefaultsToGlobalProviders(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	prevTP, prevMP := otel.GetTracerProvider(), otel.GetMeterProvider()
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetMeterProvider(prevMP) })

	srv := mockserver.New(mockserver.WithSeed(7), mockserver.WithMessages(20))
	t.Cleanup(srv.Close)
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()),
		hookscope.WithMiddleware(otelhookscope.Middleware()))
	require.NoError(t, err)
	_, err = c.Logs.List(context.Background(), nil)
	require.NoError(t, err)

	require.Len(t, rec.Ended(), 1)
	assert.Equal(t, "GET /v1/logs", rec.Ended()[0].Name())
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	assert.Equal(t, "http.client.request.duration", rm.ScopeMetrics[0].Metrics[0].Name)
}

func TestMiddlewareOutsideTheSDK(t *testing.T) {
	t.Parallel()
	// Used on a plain request, without the SDK's route: the span is named by
	// the method alone, and nothing breaks.
	rec := tracetest.NewSpanRecorder()
	mw := otelhookscope.Middleware(otelhookscope.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))))
	req, err := http.NewRequest(http.MethodGet, "https://api.example.com/x", nil)
	require.NoError(t, err)
	boom := errors.New("boom")
	_, err = mw(req, func(*http.Request) (*http.Response, error) { return nil, boom })
	require.ErrorIs(t, err, boom)
	require.Len(t, rec.Ended(), 1)
	s := rec.Ended()[0]
	assert.Equal(t, "GET", s.Name())
	a := attrs(s.Attributes())
	assert.Equal(t, int64(443), a["server.port"].AsInt64())
	assert.Equal(t, "*errors.errorString", a["error.type"].AsString())
}
