package hookscope_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/internal/openapitest"
)

// The tests of openapi.yaml, the API contract: it loads and validates
// (TestOpenAPISpecValidates), every example body matches its response and the
// seeds' bodies are verbatim (TestOpenAPIExamples), its schemas carry the same
// fields as the SDK's types (TestOpenAPIDrift), and every request the SDK
// sends matches it (TestOpenAPISDKRequests).

// openapiSpecFile is the API contract, at the repository root.
const openapiSpecFile = "openapi.yaml"

// loadOpenAPI loads and validates openapi.yaml. Each test gets its own
// document, so that tests that add a server can run in parallel.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapitest.Load(openapiSpecFile)
	require.NoError(t, err)
	return doc
}

func openapiOperation(t *testing.T, doc *openapi3.T, id string) openapitest.Operation {
	t.Helper()
	o, ok := openapitest.OperationByID(doc, id)
	require.True(t, ok, "no operation %s", id)
	return o
}

// openapiOperations is every endpoint of API.md: its method and path as the
// document spells them, its scope, and the statuses it answers with.
var openapiOperations = []struct {
	ID       string
	Method   string
	Path     string
	Scope    string
	Statuses []int
}{
	{"getMetricsWebhooks", http.MethodGet, "/v1/metrics/webhooks", "metrics:read", []int{200, 400, 401, 403, 429, 500, 503}},
	{"getMetricsMessages", http.MethodGet, "/v1/metrics/messages", "metrics:read", []int{200, 400, 401, 403, 429, 500, 503}},
	{"listLogs", http.MethodGet, "/v1/logs", "logs:read", []int{200, 400, 401, 403, 404, 429, 500, 503}},
	{"getWebhook", http.MethodGet, "/api/v0/webhooks/{webhook_id}", "webhook:read", []int{200, 400, 401, 403, 404, 429, 500, 503}},
	{"listWebhooks", http.MethodGet, "/api/v0/webhooks", "webhook:read", []int{200, 400, 401, 403, 429, 500, 503}},
	{"createWebhook", http.MethodPost, "/api/v0/webhooks", "webhook:write", []int{201, 400, 401, 403, 409, 422, 429, 500, 503}},
	{"updateWebhook", http.MethodPatch, "/api/v0/webhooks/{webhook_id}", "webhook:write", []int{200, 400, 401, 403, 404, 409, 422, 429, 500, 503}},
	{"deleteWebhook", http.MethodDelete, "/api/v0/webhooks/{webhook_id}", "webhook:write", []int{204, 400, 401, 403, 404, 409, 422, 429, 500, 503}},
	{"listInboundMessageAttempts", http.MethodGet, "/v1/inbound-messages/{id}/attempts", "messages:read", []int{200, 400, 401, 403, 429, 500, 503}},
	{"getInboundMessage", http.MethodGet, "/v1/inbound-messages/{id}", "messages:read", []int{200, 400, 401, 403, 404, 429, 500, 503}},
	{"listMessageAttempts", http.MethodGet, "/v1/messages/{id}/attempts", "messages:read", []int{200, 400, 401, 403, 429, 500, 503}},
	{"getWebhookAnalytics", http.MethodGet, "/analytics/webhooks", "analytics:read", []int{200, 401, 403, 429, 500, 503}},
}

// TestOpenAPISpecValidates checks that the document loads, validates, and
// covers every path, status, header and error code of API.md.
func TestOpenAPISpecValidates(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	require.NotEmpty(t, doc.Servers)
	assert.Equal(t, hookscope.DefaultBaseURL, doc.Servers[0].URL, "the first server is the SDK's default base URL")

	scheme := doc.Components.SecuritySchemes["bearerAuth"]
	require.NotNil(t, scheme, "bearerAuth security scheme")
	assert.Equal(t, "http", scheme.Value.Type)
	assert.Equal(t, "bearer", scheme.Value.Scheme)
	for _, scope := range []string{"metrics:read", "logs:read", "messages:read", "webhook:read", "webhook:write", "analytics:read"} {
		assert.Contains(t, scheme.Value.Description, scope, "the scheme describes every scope")
	}
	require.Len(t, doc.Security, 1)
	assert.Contains(t, doc.Security[0], "bearerAuth")

	assert.Len(t, openapitest.Operations(doc), len(openapiOperations), "the document has exactly the operations of API.md")
	for _, want := range openapiOperations {
		t.Run(want.ID, func(t *testing.T) {
			item := doc.Paths.Value(want.Path)
			require.NotNil(t, item, "path %s", want.Path)
			op := item.GetOperation(want.Method)
			require.NotNil(t, op, "%s %s", want.Method, want.Path)
			assert.Equal(t, want.ID, op.OperationID)
			assert.Equal(t, []any{want.Scope}, op.Extensions["x-required-scopes"], "x-required-scopes")
			assert.Contains(t, op.Description, want.Scope, "the description names the scope")

			var statuses []int
			for code, ref := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				require.NoError(t, err, "response %q is not a status", code)
				statuses = append(statuses, status)
				resp := ref.Value
				assert.Contains(t, resp.Headers, "X-Request-Id", "%d carries X-Request-Id", status)
				if h := resp.Headers["X-Request-Id"]; h != nil {
					assert.True(t, h.Value.Required, "X-Request-Id is required on %d", status)
				}
				retryAfter := resp.Headers["Retry-After"]
				assert.Equal(t, status == 429 || status == 503, retryAfter != nil, "Retry-After on %d", status)
				if retryAfter != nil {
					assert.Equal(t, status == 429, retryAfter.Value.Required, "Retry-After is required on a 429 only (%d)", status)
				}
				for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
					// Every answer to an authenticated request may carry them.
					assert.Equal(t, status != 401, resp.Headers[h] != nil, "%s on %d", h, status)
				}
				_, hasCacheControl := resp.Headers["Cache-Control"]
				assert.Equal(t, status == 200 && strings.HasPrefix(want.Path, "/v1/metrics/"), hasCacheControl, "Cache-Control on %d", status)
				if status == 204 {
					assert.Empty(t, resp.Content, "204 has no body")
				} else {
					assert.NotNil(t, resp.Content.Get("application/json"), "%d is JSON", status)
				}
			}
			sort.Ints(statuses)
			assert.Equal(t, want.Statuses, statuses)
		})
	}

	t.Run("error codes per status", func(t *testing.T) {
		// The codes each error response admits: API.md's code table, per
		// envelope family.
		want := map[string]map[int][]string{
			"getMetricsWebhooks":         {400: {"INVALID_REQUEST", "TOO_MANY_BUCKETS"}, 401: {"UNAUTHORIZED"}, 403: {"FORBIDDEN", "GRANULARITY_NOT_AVAILABLE"}, 429: {"RATE_LIMITED"}, 500: {"INTERNAL_ERROR"}},
			"listLogs":                   {400: {"INVALID_REQUEST"}, 401: {"UNAUTHORIZED"}, 403: {"FORBIDDEN"}, 404: {"ENDPOINT_NOT_FOUND"}, 429: {"RATE_LIMITED"}, 500: {"INTERNAL_ERROR"}},
			"listInboundMessageAttempts": {400: {"INVALID_REQUEST"}, 401: {"UNAUTHORIZED"}, 403: {"FORBIDDEN"}, 429: {"RATE_LIMITED"}, 500: {"INTERNAL_ERROR"}},
			"getInboundMessage":          {404: {"MESSAGE_NOT_FOUND"}},
			"getWebhook":                 {400: {"INVALID_REQUEST"}, 401: {"UNAUTHORIZED"}, 403: {"FORBIDDEN"}, 404: {"WEBHOOK_NOT_FOUND"}, 429: {"RATE_LIMITED"}, 500: {"INTERNAL_ERROR"}, 503: {"INTERNAL_ERROR"}},
			"createWebhook":              {409: {"IDEMPOTENCY_KEY_IN_USE"}, 422: {"IDEMPOTENCY_KEY_REUSED"}},
			"deleteWebhook":              {409: {"IDEMPOTENCY_KEY_IN_USE"}, 422: {"IDEMPOTENCY_KEY_REUSED"}},
			"getWebhookAnalytics":        {401: {"UNAUTHORIZED"}, 403: {"FORBIDDEN"}, 429: {"RATE_LIMITED"}, 500: {"INTERNAL_ERROR"}},
		}
		for id, byStatus := range want {
			o := openapiOperation(t, doc, id)
			for status, codes := range byStatus {
				resp := o.Op.Responses.Status(status).Value
				schema := resp.Content.Get("application/json").Schema.Value
				assert.Subset(t, openapiErrorCodes(schema), codes, "%s %d", id, status)
				for name, ex := range resp.Content.Get("application/json").Examples {
					body, err := json.Marshal(ex.Value.Value)
					require.NoError(t, err)
					assert.Contains(t, codes, mockSpecErrorCode(body), "%s %d example %s", id, status, name)
				}
			}
		}
	})
}

// openapiErrorCodes returns the code enum of an error response schema: its
// family's envelope, written without allOf so that generated clients keep
// every field of it.
func openapiErrorCodes(schema *openapi3.Schema) []string {
	var codes []string
	e := schema.Properties["error"]
	if e == nil {
		return nil
	}
	enum := e.Value.Enum // analytics: "error": "<CODE>"
	if c := e.Value.Properties["code"]; c != nil {
		enum = c.Value.Enum // {"error": {"code": ...}} envelopes
	}
	for _, v := range enum {
		codes = append(codes, v.(string))
	}
	return codes
}

// openapiSeedExamples are the seeds' example bodies as the document carries
// them, with the testdata file that holds the same body copied from the seed.
var openapiSeedExamples = []struct {
	OperationID string
	Status      int
	Example     string
	File        string
}{
	{"getMetricsWebhooks", 200, "seed000", "seed000_metrics_webhooks_200.json"},
	{"getMetricsWebhooks", 401, "seed000", "seed000_error_401_unauthorized.json"},
	{"getMetricsWebhooks", 403, "seed000_forbidden", "seed000_error_403_forbidden.json"},
	{"getMetricsWebhooks", 403, "seed000_granularity", "seed000_error_403_granularity_not_available.json"},
	{"listLogs", 200, "seed001", "seed001_logs_200.json"},
	{"listLogs", 401, "seed001", "seed001_error_401_unauthorized.json"},
	{"listLogs", 404, "seed001", "seed001_error_404_endpoint_not_found.json"},
	{"listInboundMessageAttempts", 200, "seed003", "seed003_attempts_200.json"},
	{"listInboundMessageAttempts", 401, "seed001", "seed003_error_401_unauthorized.json"},
	{"listInboundMessageAttempts", 500, "seed003", "seed003_error_500_internal_error.json"},
	{"getWebhookAnalytics", 200, "seed004", "seed004_analytics_200.json"},
}

// openapiExample returns the example body name of o's status response.
func openapiExample(t *testing.T, o openapitest.Operation, status int, name string) []byte {
	t.Helper()
	ref := o.Op.Responses.Status(status)
	require.NotNil(t, ref, "%s has no %d", o.ID(), status)
	mt := ref.Value.Content.Get("application/json")
	require.NotNil(t, mt, "%s %d has no JSON content", o.ID(), status)
	ex := mt.Examples[name]
	require.NotNil(t, ex, "%s %d has no example %q", o.ID(), status, name)
	body, err := json.Marshal(ex.Value.Value)
	require.NoError(t, err)
	return body
}

// TestOpenAPIExamples validates every example body of every response of the
// document against that response's schema and headers, and checks that the
// seeds' examples are the seeds' bodies.
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)

	validated := 0
	for _, o := range openapitest.Operations(doc) {
		for code, ref := range o.Op.Responses.Map() {
			status, err := strconv.Atoi(code)
			require.NoError(t, err)
			mt := ref.Value.Content.Get("application/json")
			if mt == nil {
				continue
			}
			assert.NotEmpty(t, mt.Examples, "%s %d has no example", o.ID(), status)
			for name, ex := range mt.Examples {
				body, err := json.Marshal(ex.Value.Value)
				require.NoError(t, err)
				err = openapitest.ValidateResponse(doc, o, status, openapitest.ValidHeaders(ref.Value), body)
				assert.NoError(t, err, "%s %d example %q", o.ID(), status, name)
				validated++
			}
		}
	}
	assert.GreaterOrEqual(t, validated, 70, "examples validated")

	t.Run("seed bodies verbatim", func(t *testing.T) {
		t.Parallel()
		for _, s := range openapiSeedExamples {
			body := openapiExample(t, openapiOperation(t, doc, s.OperationID), s.Status, s.Example)
			want, err := os.ReadFile(filepath.Join("testdata", s.File))
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(body), "%s %d %s differs from testdata/%s", s.OperationID, s.Status, s.Example, s.File)
		}
	})

	t.Run("validation can fail", func(t *testing.T) {
		t.Parallel()
		logs := openapiOperation(t, doc, "listLogs")
		okHeader := openapitest.ValidHeaders(logs.Op.Responses.Status(200).Value)
		seed := openapiExample(t, logs, 200, "seed001")
		require.NoError(t, openapitest.ValidateResponse(doc, logs, 200, okHeader, seed))

		mutate := func(body []byte, f func(m map[string]any)) []byte {
			var m map[string]any
			require.NoError(t, json.Unmarshal(body, &m))
			f(m)
			b, err := json.Marshal(m)
			require.NoError(t, err)
			return b
		}
		entry := func(m map[string]any) map[string]any { return m["data"].([]any)[0].(map[string]any) }
		cases := map[string][]byte{
			"unknown field":       mutate(seed, func(m map[string]any) { entry(m)["surprise"] = 1 }),
			"null absent field":   mutate(seed, func(m map[string]any) { entry(m)["delivered_at"] = nil }),
			"bad status enum":     mutate(seed, func(m map[string]any) { entry(m)["status"] = "done" }),
			"missing message_id":  mutate(seed, func(m map[string]any) { delete(entry(m), "message_id") }),
			"bad created_at":      mutate(seed, func(m map[string]any) { entry(m)["created_at"] = "2025-12-06 12:00:00" }),
			"unknown meta field":  mutate(seed, func(m map[string]any) { m["meta"].(map[string]any)["total"] = 2 }),
			"has_more not a bool": mutate(seed, func(m map[string]any) { m["meta"].(map[string]any)["has_more"] = "yes" }),
		}
		for name, body := range cases {
			assert.Error(t, openapitest.ValidateResponse(doc, logs, 200, okHeader, body), name)
		}

		noRequestID := okHeader.Clone()
		noRequestID.Del("X-Request-Id")
		assert.Error(t, openapitest.ValidateResponse(doc, logs, 200, noRequestID, seed), "missing X-Request-Id")
		assert.Error(t, openapitest.ValidateResponse(doc, logs, 418, okHeader, seed), "undocumented status")

		metrics := openapiOperation(t, doc, "getMetricsWebhooks")
		mHeader := openapitest.ValidHeaders(metrics.Op.Responses.Status(200).Value)
		noCache := mHeader.Clone()
		noCache.Del("Cache-Control")
		assert.Error(t, openapitest.ValidateResponse(doc, metrics, 200, noCache, openapiExample(t, metrics, 200, "seed000")), "missing Cache-Control")
		mSeed := openapiExample(t, metrics, 200, "seed000")
		assert.Error(t, openapitest.ValidateResponse(doc, metrics, 200, mHeader, mutate(mSeed, func(m map[string]any) {
			delete(m["meta"].(map[string]any), "next_cursor")
		})), "metrics next_cursor is null on the last page, never absent")
		rl := metrics.Op.Responses.Status(429).Value
		rlBody := openapiExample(t, metrics, 429, "rate_limited")
		require.NoError(t, openapitest.ValidateResponse(doc, metrics, 429, openapitest.ValidHeaders(rl), rlBody))
		noRetry := openapitest.ValidHeaders(rl)
		noRetry.Del("Retry-After")
		assert.Error(t, openapitest.ValidateResponse(doc, metrics, 429, noRetry, rlBody), "missing Retry-After")
		// A code the family does not have, and another family's envelope.
		assert.Error(t, openapitest.ValidateResponse(doc, metrics, 429, openapitest.ValidHeaders(rl), mutate(rlBody, func(m map[string]any) {
			m["error"].(map[string]any)["code"] = "WEBHOOK_NOT_FOUND"
		})), "a webhooks code in the metrics envelope")
		assert.Error(t, openapitest.ValidateResponse(doc, metrics, 401, openapitest.ValidHeaders(rl), openapiExample(t, logs, 401, "seed001")), "logs envelope on metrics")

		analytics := openapiOperation(t, doc, "getWebhookAnalytics")
		aHeader := openapitest.ValidHeaders(analytics.Op.Responses.Status(200).Value)
		aSeed := openapiExample(t, analytics, 200, "seed004")
		lastEvent := func(m map[string]any) map[string]any {
			return m["data"].(map[string]any)["last_events"].([]any)[0].(map[string]any)
		}
		assert.Error(t, openapitest.ValidateResponse(doc, analytics, 200, aHeader, mutate(aSeed, func(m map[string]any) {
			lastEvent(m)["done"] = true
		})), "done must be 0 or 1")
		assert.Error(t, openapitest.ValidateResponse(doc, analytics, 200, aHeader, mutate(aSeed, func(m map[string]any) {
			lastEvent(m)["created_at"] = "2025-07-01T23:26:30Z"
		})), "analytics times are not RFC 3339")
		assert.Error(t, openapitest.ValidateResponse(doc, analytics, 200, aHeader, mutate(aSeed, func(m map[string]any) {
			delete(lastEvent(m), "first_sent_at")
		})), "first_sent_at is null, never absent")

		list := openapiOperation(t, doc, "listWebhooks")
		assert.Error(t, openapitest.ValidateResponse(doc, list, 200, openapitest.ValidHeaders(list.Op.Responses.Status(200).Value),
			mutate(openapiExample(t, list, 200, "first_page"), func(m map[string]any) {
				entry(m)["recent_events"] = []any{}
			})), "recent_events in a list")
	})
}

// ---- drift: schemas against the SDK's Go types -------------------------

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

// ---- every request the SDK sends ----------------------------------------

const openapiTestKey = "am_test_openapi_spec"

// openapiFirstPage names the example each list operation answers with; a
// request that carries a cursor gets the same body as the last page.
var openapiFirstPage = map[string]string{
	"getMetricsWebhooks":         "grouped_compared_page",
	"getMetricsMessages":         "grouped_compared_page",
	"listLogs":                   "seed001",
	"listWebhooks":               "first_page",
	"listInboundMessageAttempts": "seed003",
	"listMessageAttempts":        "all_fields",
}

// openapiCannedAnswer answers an operation with its success status, valid
// headers and an example body.
func openapiCannedAnswer(o openapitest.Operation, req *http.Request) (int, http.Header, []byte) {
	for _, status := range []int{200, 201, 204} {
		ref := o.Op.Responses.Status(status)
		if ref == nil {
			continue
		}
		header := openapitest.ValidHeaders(ref.Value)
		mt := ref.Value.Content.Get("application/json")
		if mt == nil {
			return status, header, nil
		}
		name := openapiFirstPage[o.ID()]
		if name == "" {
			names := make([]string, 0, len(mt.Examples))
			for n := range mt.Examples {
				names = append(names, n)
			}
			sort.Strings(names)
			name = names[0]
		}
		body, err := json.Marshal(mt.Examples[name].Value.Value)
		if err != nil {
			panic(err)
		}
		if req.URL.Query().Has("cursor") {
			body = openapiLastPage(body)
		}
		return status, header, body
	}
	panic("no success response for " + o.ID())
}

// openapiLastPage returns a page body without a next cursor.
func openapiLastPage(body []byte) []byte {
	var page map[string]any
	if err := json.Unmarshal(body, &page); err != nil {
		panic(err)
	}
	if meta, ok := page["meta"].(map[string]any); ok {
		meta["next_cursor"] = nil
		if _, ok := meta["has_more"]; ok {
			meta["has_more"] = false
		}
	}
	out, err := json.Marshal(page)
	if err != nil {
		panic(err)
	}
	return out
}

func newOpenAPITransport(t *testing.T, doc *openapi3.T) *openapitest.Transport {
	t.Helper()
	tr, err := openapitest.NewTransport(doc, openapiTestKey)
	require.NoError(t, err)
	tr.Answer = openapiCannedAnswer
	return tr
}

// TestOpenAPISDKRequests calls every SDK method, with every parameter filled
// and with none, through a transport that validates each request (and the
// canned answer) against the document.
func TestOpenAPISDKRequests(t *testing.T) {
	t.Parallel()

	for _, base := range []string{"", "https://sdk.test/gateway"} {
		name := "default base URL"
		if base != "" {
			name = "base URL " + base
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc := loadOpenAPI(t)
			opts := []hookscope.Option{hookscope.WithMaxRetries(0)}
			if base != "" {
				// The test host joins the document's servers, path prefix included.
				doc.Servers = append(doc.Servers, &openapi3.Server{URL: base})
				opts = append(opts, hookscope.WithBaseURL(base))
			}
			tr := newOpenAPITransport(t, doc)
			c, err := hookscope.NewClient(openapiTestKey, append(opts, hookscope.WithHTTPClient(&http.Client{Transport: tr}))...)
			require.NoError(t, err)

			callEverySDKMethod(t, c)

			assert.Empty(t, tr.Problems(), "requests or answers that do not match openapi.yaml")
			for _, o := range openapitest.Operations(doc) {
				assert.NotEmpty(t, tr.Calls(o.ID()), "no SDK method sent %s", o.ID())
			}
			for _, id := range []string{"getMetricsWebhooks", "getMetricsMessages", "listLogs", "listWebhooks"} {
				withCursor := 0
				for _, u := range tr.Calls(id) {
					if u.Query().Get("cursor") != "" {
						withCursor++
					}
				}
				assert.Positive(t, withCursor, "%s was never sent with a cursor", id)
			}
			if base != "" {
				for _, u := range tr.Calls("getMetricsWebhooks") {
					assert.True(t, strings.HasPrefix(u.Path, "/gateway/"), "path prefix kept: %s", u.Path)
				}
			}
		})
	}

	t.Run("validation can fail", func(t *testing.T) {
		t.Parallel()
		doc := loadOpenAPI(t)
		const auth = "Bearer " + openapiTestKey
		bad := []struct {
			name, method, target, auth, body string
		}{
			{"limit above maximum", "GET", "/v1/logs?limit=501", auth, ""},
			{"endpoint_id pattern", "GET", "/v1/logs?endpoint_id=ep_XYZ", auth, ""},
			{"status enum", "GET", "/v1/logs?status=done", auth, ""},
			{"time format", "GET", "/v1/logs?start_time=2025-12-01", auth, ""},
			{"undocumented query parameter", "GET", "/v1/logs?page=2", auth, ""},
			{"missing metric", "GET", "/v1/metrics/webhooks", auth, ""},
			{"messages metric on webhooks", "GET", "/v1/metrics/webhooks?metric=messages.outbound.sent", auth, ""},
			{"cursor not base64url", "GET", "/v1/metrics/webhooks?metric=failed&cursor=a%2Fb", auth, ""},
			{"attempts id not a UUID", "GET", "/v1/inbound-messages/123/attempts", auth, ""},
			{"webhook id pattern", "GET", "/api/v0/webhooks/ep_1", auth, ""},
			{"events_limit above maximum", "GET", "/api/v0/webhooks/ep_550e8400e29b41d4a716446655440000?events_limit=51", auth, ""},
			{"no Authorization", "GET", "/analytics/webhooks", "", ""},
			{"wrong key", "GET", "/analytics/webhooks", "Bearer am_other", ""},
			{"create without url", "POST", "/api/v0/webhooks", auth, `{"name":"n"}`},
			{"create with http url", "POST", "/api/v0/webhooks", auth, `{"name":"n","url":"http://a.example/h"}`},
			{"update with unknown field", "PATCH", "/api/v0/webhooks/ep_550e8400e29b41d4a716446655440000", auth, `{"active":false}`},
			{"undocumented path", "GET", "/v1/webhooks", auth, ""},
		}
		send := func(method, target, authorization, body string) []string {
			tr := newOpenAPITransport(t, doc)
			var rd io.Reader
			if body != "" {
				rd = strings.NewReader(body)
			}
			req, err := http.NewRequest(method, hookscope.DefaultBaseURL+target, rd)
			require.NoError(t, err)
			if authorization != "" {
				req.Header.Set("Authorization", authorization)
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := tr.RoundTrip(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			return tr.Problems()
		}
		for _, b := range bad {
			assert.NotEmpty(t, send(b.method, b.target, b.auth, b.body), "%s: no validation error", b.name)
		}
		// Valid requests pass, so the cases above fail for their own reason.
		assert.Empty(t, send("GET", "/v1/logs?limit=500&status=failed_permanent", auth, ""))
		assert.Empty(t, send("POST", "/api/v0/webhooks", auth, `{"name":"n","url":"https://a.example/h"}`))
		assert.Empty(t, send("PATCH", "/api/v0/webhooks/ep_550e8400e29b41d4a716446655440000", auth, `{"isActive":false}`))
	})
}

// callEverySDKMethod calls every method of every service, with all
// parameters filled and with the least, and checks what each decoded from
// the examples.
func callEverySDKMethod(t *testing.T, c *hookscope.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const (
		endpointID = "ep_550e8400e29b41d4a716446655440000"
		messageID  = "01935abc-def0-7123-4567-890abcdef012"
		cursor     = "eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0="
	)
	from := time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)

	// Metrics.
	mp := &hookscope.WebhookMetricsParams{
		Metric: hookscope.MetricDelivered, From: from, To: to,
		Granularity: hookscope.GranularityHour, GroupBy: hookscope.GroupByKind,
		CompareTo: hookscope.ComparePriorPeriod, Limit: 3, Cursor: cursor,
	}
	series, err := c.Metrics.Webhooks(ctx, mp)
	require.NoError(t, err)
	require.Len(t, series.Buckets, 3)
	assert.Equal(t, "number", series.Buckets[0].Group)
	require.NotNil(t, series.Buckets[0].Value)
	assert.EqualValues(t, 3, *series.Buckets[0].Value)
	assert.Nil(t, series.Buckets[2].Value, "null value decodes to nil")
	require.NotNil(t, series.Buckets[2].PriorValue)
	assert.EqualValues(t, 4, *series.Buckets[2].PriorValue)
	require.NotNil(t, series.PriorFrom)
	assert.Equal(t, from.Add(-24*time.Hour), *series.PriorFrom)
	assert.Empty(t, series.Meta.NextCursor, "a request with a cursor gets the last page")
	assert.Equal(t, "req_spec_test", series.Meta.RequestID)
	firstSeries, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	require.NoError(t, err)
	assert.Equal(t, "eyJiIjoiMjAyNi0wNS0wNlQwMDowMDowMFoiLCJnIjoibnVtYmVyIn0", firstSeries.Meta.NextCursor)
	assert.Equal(t, 3, firstSeries.Meta.Limit)

	for _, variant := range []*hookscope.WebhookMetricsParams{
		{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByEndpointID, Granularity: hookscope.GranularityMinute},
		{Metric: hookscope.MetricRetried, GroupBy: hookscope.GroupByHTTPStatusClass, Granularity: hookscope.GranularityDay},
	} {
		_, err := c.Metrics.Webhooks(ctx, variant)
		require.NoError(t, err)
	}

	allParams := *mp
	allParams.Cursor = ""
	n := 0
	for b, err := range c.Metrics.WebhookBuckets(ctx, &allParams) {
		require.NoError(t, err)
		require.NotNil(t, b)
		n++
	}
	assert.Equal(t, 6, n, "two pages of three bucket rows")
	pages := 0
	for p, err := range c.Metrics.WebhookPages(ctx, &allParams) {
		require.NoError(t, err)
		require.NotNil(t, p)
		pages++
	}
	assert.Equal(t, 2, pages)

	msgParams := hookscope.MessageMetricsParams(*mp)
	msgParams.Metric = hookscope.MetricOutboundDelivered
	ms, err := c.Metrics.Messages(ctx, &msgParams)
	require.NoError(t, err)
	assert.Len(t, ms.Buckets, 3)
	n = 0
	for _, err := range c.Metrics.MessageBuckets(ctx, &hookscope.MessageMetricsParams{Metric: hookscope.MetricInboundReceived}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 6, n)

	// Logs.
	lp := &hookscope.LogListParams{
		EndpointID: endpointID, Status: hookscope.StatusFailedPermanent,
		StartTime: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC),
		EndTime:   time.Date(2025, 12, 6, 23, 59, 59, 0, time.UTC),
		Limit:     500, Cursor: cursor,
	}
	page, err := c.Logs.List(ctx, lp)
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef012", page.Data[0].MessageID)
	require.NotNil(t, page.Data[0].ResponseStatus)
	assert.Equal(t, 200, *page.Data[0].ResponseStatus)
	assert.Nil(t, page.Data[1].DeliveredAt)
	require.NotNil(t, page.Data[1].NextAttemptAt)
	assert.Equal(t, "connection timeout", page.Data[1].LastError)
	assert.False(t, page.Meta.HasMore, "a request with a cursor gets the last page")
	assert.Empty(t, page.Meta.NextCursor)
	assert.Equal(t, "req_xyz123", page.Meta.RequestID)
	firstPage, err := c.Logs.List(ctx, nil)
	require.NoError(t, err)
	assert.True(t, firstPage.Meta.HasMore)
	assert.Equal(t, cursor, firstPage.Meta.NextCursor)
	first := *lp
	first.Cursor = ""
	n = 0
	for e, err := range c.Logs.All(ctx, &first) {
		require.NoError(t, err)
		require.NotEmpty(t, e.MessageID)
		n++
	}
	assert.Equal(t, 4, n, "two pages of two rows")
	pages = 0
	for p, err := range c.Logs.Pages(ctx, &first) {
		require.NoError(t, err)
		require.NotNil(t, p)
		pages++
	}
	assert.Equal(t, 2, pages)

	// Attempts and inbound messages.
	in, err := c.Attempts.ListInbound(ctx, messageID)
	require.NoError(t, err)
	require.Len(t, in.Data, 1)
	assert.Equal(t, 1, in.Data[0].AttemptNo)
	assert.True(t, in.Data[0].Succeeded())
	assert.Nil(t, in.Data[0].ProcessingMS)
	assert.False(t, in.Meta.HasMore)
	n = 0
	for a, err := range c.Attempts.AllInbound(ctx, messageID) {
		require.NoError(t, err)
		require.NotNil(t, a)
		n++
	}
	assert.Equal(t, 1, n)

	out, err := c.Attempts.ListOutbound(ctx, messageID)
	require.NoError(t, err)
	require.Len(t, out.Data, 2)
	require.NotNil(t, out.Data[1].ProcessingMS)
	assert.EqualValues(t, 300, *out.Data[1].ProcessingMS)
	assert.True(t, out.Data[1].ResponseBodyTruncated)
	assert.Equal(t, "1800", out.Data[1].ResponseHeaders["Retry-After"])
	assert.Equal(t, hookscope.RetrySlow, out.Data[1].RetryType)
	n = 0
	var outErr error
	for _, err := range c.Attempts.AllOutbound(ctx, messageID) {
		if err != nil {
			outErr = err
			break
		}
		n++
	}
	assert.Equal(t, 2, n)
	assert.ErrorIs(t, outErr, hookscope.ErrIncompletePage, "has_more without a cursor")

	msg, err := c.Attempts.GetInboundMessage(ctx, messageID)
	require.NoError(t, err)
	assert.Equal(t, messageID, msg.ID)
	assert.Equal(t, endpointID, msg.EndpointID)
	assert.Equal(t, hookscope.StatusSucceeded, msg.Status)
	require.NotNil(t, msg.DeliveredAt)

	// Webhooks.
	wh, err := c.Webhooks.Get(ctx, endpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 20})
	require.NoError(t, err)
	assert.Equal(t, "Order events", wh.Name)
	assert.Equal(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wh.SigningSecret.Reveal())
	require.Len(t, wh.RecentEvents, 3)
	assert.Nil(t, wh.RecentEvents[2].ResponseCode)
	assert.InDelta(t, 99.04, wh.DeliveryStats.SuccessRate, 1e-9)
	h := wh.Health()
	assert.Equal(t, hookscope.SuccessRateExcellent, h.SuccessRate)
	assert.Equal(t, hookscope.ResponseTimeFast, h.ResponseTime)
	assert.Equal(t, hookscope.ActivityActive, h.Activity)
	_, err = c.Webhooks.Get(ctx, endpointID, nil)
	require.NoError(t, err)

	list, err := c.Webhooks.List(ctx, &hookscope.WebhookListParams{Limit: 100, Cursor: cursor})
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	assert.Equal(t, hookscope.KindOrganization, list.Data[0].Kind)
	assert.Equal(t, []string{"order.created", "order.updated"}, list.Data[0].EventTypes)
	assert.False(t, list.Meta.HasMore, "a request with a cursor gets the last page")
	firstList, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	assert.True(t, firstList.Meta.HasMore)
	assert.Equal(t, "req_spec_test", firstList.Meta.RequestID, "the list's meta has no request id: X-Request-Id")
	n = 0
	for w, err := range c.Webhooks.All(ctx, &hookscope.WebhookListParams{Limit: 1}) {
		require.NoError(t, err)
		require.NotEmpty(t, w.ID)
		n++
	}
	assert.Equal(t, 2, n, "two pages of one webhook")

	created, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "Order events", URL: "https://customer.app/webhooks"})
	require.NoError(t, err)
	assert.Equal(t, "ep_0123456789abcdef0123456789abcdef", created.ID)
	assert.Nil(t, created.DeliveryStats.LastDelivery)

	updated, err := c.Webhooks.Update(ctx, endpointID, &hookscope.WebhookUpdateParams{
		Name: new("Order events (paused)"), URL: new("https://customer.app/webhooks/v2"), IsActive: new(false),
	})
	require.NoError(t, err)
	assert.False(t, updated.IsActive)
	assert.Equal(t, hookscope.KindNumber, updated.Kind)
	_, err = c.Webhooks.Update(ctx, endpointID, &hookscope.WebhookUpdateParams{IsActive: new(true)})
	require.NoError(t, err)
	_, err = c.Webhooks.Update(ctx, endpointID, nil)
	require.NoError(t, err)

	require.NoError(t, c.Webhooks.Delete(ctx, endpointID))

	// Analytics.
	an, err := c.Analytics.Webhooks(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 2, an.DayMetrics.Total)
	assert.InDelta(t, 33.33, an.DayMetrics.RetryRatePct, 1e-9)
	require.Len(t, an.LastEvents, 3)
	assert.False(t, an.LastEvents[0].Done)
	assert.Nil(t, an.LastEvents[0].Payload)
	assert.JSONEq(t, `{"name":"Ho","description":"Hu"}`, string(an.LastEvents[1].Payload))
	assert.Equal(t, time.Date(2025, 7, 1, 23, 26, 30, 0, time.UTC), an.LastEvents[0].CreatedAt)
	require.Len(t, an.HourlyMetrics, 1)
	assert.Equal(t, time.Date(2025, 6, 29, 17, 0, 0, 0, time.UTC), an.HourlyMetrics[0].Hour)
	assert.Equal(t, "development", an.Env)
	assert.Equal(t, "req_spec_test", an.RequestID, "log is null: X-Request-Id")

	// A request the SDK refuses before sending never reaches the transport.
	_, err = c.Logs.List(ctx, &hookscope.LogListParams{Limit: 501})
	var pe *hookscope.ParamError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "limit", pe.Param)
}
