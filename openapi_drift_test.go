package hookscope_test

import (
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/internal/openapitest"
)

// Drift: the document's schemas against the SDK's Go types.

// openapiDriftPairs maps each schema the SDK decodes (or encodes) to its Go
// type.
var openapiDriftPairs = []struct {
	Schema string
	Type   reflect.Type
}{
	{"MetricSeries", reflect.TypeFor[hookscope.MetricSeries]()},
	{"MetricBucket", reflect.TypeFor[hookscope.MetricBucket]()},
	{"MetricsMeta", reflect.TypeFor[hookscope.MetricsMeta]()},
	{"LogsResponse", reflect.TypeFor[hookscope.LogPage]()},
	{"LogEntry", reflect.TypeFor[hookscope.LogEntry]()},
	{"LogsMeta", reflect.TypeFor[hookscope.ListMeta]()},
	{"AttemptListResponse", reflect.TypeFor[hookscope.AttemptList]()},
	{"AttemptsMeta", reflect.TypeFor[hookscope.ListMeta]()},
	{"Attempt", reflect.TypeFor[hookscope.Attempt]()},
	{"InboundMessage", reflect.TypeFor[hookscope.InboundMessage]()},
	{"Webhook", reflect.TypeFor[hookscope.Webhook]()},
	{"WebhookListItem", reflect.TypeFor[hookscope.Webhook]()},
	{"DeliveryStats", reflect.TypeFor[hookscope.DeliveryStats]()},
	{"WebhookEvent", reflect.TypeFor[hookscope.WebhookEvent]()},
	{"App", reflect.TypeFor[hookscope.App]()},
	{"WebhookListResponse", reflect.TypeFor[hookscope.WebhookPage]()},
	{"ListMeta", reflect.TypeFor[hookscope.ListMeta]()},
	{"WebhookCreateRequest", reflect.TypeFor[hookscope.WebhookCreateParams]()},
	{"WebhookUpdateRequest", reflect.TypeFor[hookscope.WebhookUpdateParams]()},
	{"WebhookAnalytics", reflect.TypeFor[hookscope.WebhookAnalytics]()},
	{"DayMetrics", reflect.TypeFor[hookscope.DayMetrics]()},
	{"EventCount", reflect.TypeFor[hookscope.EventCount]()},
	{"URLCount", reflect.TypeFor[hookscope.URLCount]()},
	{"HourlyCount", reflect.TypeFor[hookscope.HourlyCount]()},
	{"AnalyticsTotals", reflect.TypeFor[hookscope.AnalyticsTotals]()},
	{"LatencyStats", reflect.TypeFor[hookscope.LatencyStats]()},
	{"AnalyticsEvent", reflect.TypeFor[hookscope.AnalyticsEvent]()},
}

// openapiQueryDriftPairs maps each operation's query parameters to the SDK's
// params struct (by url tag).
var openapiQueryDriftPairs = []struct {
	OperationID string
	Type        reflect.Type
}{
	{"getMetricsWebhooks", reflect.TypeFor[hookscope.WebhookMetricsParams]()},
	{"getMetricsMessages", reflect.TypeFor[hookscope.MessageMetricsParams]()},
	{"listLogs", reflect.TypeFor[hookscope.LogListParams]()},
	{"getWebhook", reflect.TypeFor[hookscope.WebhookGetParams]()},
	{"listWebhooks", reflect.TypeFor[hookscope.WebhookListParams]()},
}

// TestOpenAPIDrift fails when a schema and the SDK type it decodes into do
// not carry the same fields, or an operation's query parameters and the
// SDK's params struct differ.
func TestOpenAPIDrift(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)

	t.Run("schemas", func(t *testing.T) {
		t.Parallel()
		for _, p := range openapiDriftPairs {
			ref := doc.Components.Schemas[p.Schema]
			require.NotNil(t, ref, "schema %s", p.Schema)
			names := openapitest.SchemaPropertyNames(ref.Value)
			require.NotEmpty(t, names, "schema %s has no properties", p.Schema)
			assert.Empty(t, openapitest.DriftReport(p.Schema+" <-> "+p.Type.String(), names, openapitest.TagNames(p.Type, "json")))
		}
	})

	t.Run("closed schemas", func(t *testing.T) {
		t.Parallel()
		// Every schema the SDK decodes rejects fields it does not know, so
		// that a server that adds one fails validation until the spec and
		// the SDK have it too.
		for _, p := range openapiDriftPairs {
			s := doc.Components.Schemas[p.Schema].Value
			if len(s.AllOf) > 0 {
				s = s.AllOf[0].Value
			}
			ap := s.AdditionalProperties.Has
			assert.True(t, ap != nil && !*ap, "%s: additionalProperties must be false", p.Schema)
		}
	})

	t.Run("query parameters", func(t *testing.T) {
		t.Parallel()
		for _, p := range openapiQueryDriftPairs {
			o := openapiOperation(t, doc, p.OperationID)
			assert.Empty(t, openapitest.DriftReport(p.OperationID+" query <-> "+p.Type.String(), o.QueryParams(), openapitest.TagNames(p.Type, "url")))
		}
	})

	t.Run("comparison reports a mismatch", func(t *testing.T) {
		t.Parallel()
		type wire struct {
			Kept     string `json:"kept"`
			Renamed  string `json:"renamed_in_go,omitempty"`
			Internal string `json:"-"`
			NoTag    int
			hidden   int // unexported: never on the wire
		}
		_ = wire{}.hidden
		schema := &openapi3.Schema{Properties: openapi3.Schemas{
			"kept":    openapi3.NewStringSchema().NewRef(),
			"renamed": openapi3.NewStringSchema().NewRef(),
			"NoTag":   openapi3.NewIntegerSchema().NewRef(),
		}}
		missingInGo, missingInSchema := openapitest.DiffNames(openapitest.SchemaPropertyNames(schema), openapitest.TagNames(reflect.TypeFor[wire](), "json"))
		assert.Equal(t, []string{"renamed"}, missingInGo)
		assert.Equal(t, []string{"renamed_in_go"}, missingInSchema)

		// A real schema against the wrong type: both directions reported.
		logEntry := openapitest.SchemaPropertyNames(doc.Components.Schemas["LogEntry"].Value)
		report := openapitest.DriftReport("LogEntry <-> Attempt", logEntry, openapitest.TagNames(reflect.TypeFor[hookscope.Attempt](), "json"))
		assert.Contains(t, report, "properties the Go type lacks: [attempt_count delivered_at endpoint")
		assert.Contains(t, report, "Go fields the schema lacks: [attempt_no conn_reused dns_ms")

		// The right pair is clean.
		assert.Empty(t, openapitest.DriftReport("LogEntry <-> LogEntry", logEntry, openapitest.TagNames(reflect.TypeFor[hookscope.LogEntry](), "json")))
	})
}
