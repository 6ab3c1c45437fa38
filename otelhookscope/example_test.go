package otelhookscope_test

import (
	"context"
	"fmt"
	"log"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
	"github.com/hookscope/hookscope-go/otelhookscope"
)

// A client traced and measured with OpenTelemetry. A real program gives no
// providers, and the middleware uses the globals it has set up.
func ExampleMiddleware() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(100))
	defer srv.Close()
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()),
		hookscope.WithRetryWait(10*time.Millisecond, 50*time.Millisecond),
		hookscope.WithMiddleware(otelhookscope.Middleware(
			otelhookscope.WithTracerProvider(tp), otelhookscope.WithMeterProvider(mp))))
	if err != nil {
		log.Fatal(err)
	}
	id := srv.EndpointIDs("")[0]
	srv.InjectFault(mockserver.Fault{Path: "/api/v0/webhooks/" + id, Status: 503, Times: 1})
	if _, err := c.Webhooks.Get(context.Background(), id, nil); err != nil {
		log.Fatal(err)
	}

	for _, s := range spans.Ended() {
		status := ""
		for _, kv := range s.Attributes() {
			if kv.Key == "http.response.status_code" {
				status = kv.Value.String()
			}
		}
		fmt.Println(s.Name(), status, s.Status().Code)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	m := rm.ScopeMetrics[0].Metrics[0]
	fmt.Println(m.Name, m.Unit, len(m.Data.(metricdata.Histogram[float64]).DataPoints), "series")
	// Output:
	// GET /api/v0/webhooks/{webhook_id} 503 Error
	// GET /api/v0/webhooks/{webhook_id} 200 Unset
	// http.client.request.duration s 2 series
}
