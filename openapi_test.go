package hookscope_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/internal/openapitest"
)

// The tests of openapi.yaml, the API contract: it loads and validates
// (TestOpenAPISpecValidates), every example body matches its response and the
// seeds' bodies are verbatim (TestOpenAPIExamples), its schemas carry the same
// fields as the SDK's types (TestOpenAPIDrift, openapi_drift_test.go), and
// every request the SDK sends matches it (TestOpenAPISDKRequests,
// openapi_requests_test.go).

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
