package peers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/bench/peers/oapiclient"
	"github.com/hookscope/hookscope-go/bench/peers/ogenclient"
	"github.com/hookscope/hookscope-go/mockserver"
)

// liveNow is the mock's fixed clock: the same data on every run.
var liveNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

// Keys of the live test besides the mock's own (pro plan, every scope).
const (
	liveFreeKey    = "am_test_peers_free"
	liveNoScopeKey = "am_test_peers_noscope"
	liveUnknownKey = "am_test_peers_nobody"
)

// bearer is the ogen client's security source: one API key.
type bearer string

func (k bearer) BearerAuth(context.Context, ogenclient.OperationName) (ogenclient.BearerAuth, error) {
	return ogenclient.BearerAuth{Token: string(k)}, nil
}

// liveMock starts a mock in process with a free-plan key and a key without
// scopes beside its default key.
func liveMock(t *testing.T) *mockserver.Server {
	t.Helper()
	srv := mockserver.New(mockserver.WithSeed(11), mockserver.WithMessages(400),
		mockserver.WithClock(func() time.Time { return liveNow }))
	t.Cleanup(srv.Close)
	srv.AddKey(mockserver.Key{Token: liveFreeKey, Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()})
	srv.AddKey(mockserver.Key{Token: liveNoScopeKey, Plan: mockserver.PlanPro})
	return srv
}

func newOgen(t *testing.T, srv *mockserver.Server, key string) *ogenclient.Client {
	t.Helper()
	c, err := ogenclient.NewClient(srv.URL(), bearer(key))
	require.NoError(t, err)
	return c
}

func newOapi(t *testing.T, srv *mockserver.Server, key string) *oapiclient.ClientWithResponses {
	t.Helper()
	c, err := oapiclient.NewClientWithResponses(srv.URL(), oapiclient.WithRequestEditorFn(
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+key)
			return nil
		}))
	require.NoError(t, err)
	return c
}

// rawGet is the mock's answer to target as JSON, with its status and
// X-Request-Id.
func rawGet(t *testing.T, srv *mockserver.Server, key, target string) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+target, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s: %s", target, b)
	return resp.StatusCode, resp.Header.Get("X-Request-Id"), m
}

// asJSON re-encodes what a generated client decoded, so that it can be
// compared with the mock's own bytes: a field the generated type dropped is
// missing here.
func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// requestIDPaths are where an envelope repeats the X-Request-Id header.
var requestIDPaths = [][]string{{"meta", "request_id"}, {"error", "request_id"}, {"log", "request_id"}}

// sameAnswer asserts that got (decoded by a generated client from one
// request) equals want (the raw body of another request to the same
// target), once each request id has been checked against its own
// X-Request-Id header and blanked, along with the analytics support id.
func sameAnswer(t *testing.T, name string, want map[string]any, wantID string, got map[string]any, gotID string) {
	t.Helper()
	require.NotEmpty(t, gotID, "%s: X-Request-Id", name)
	for _, m := range []struct {
		body map[string]any
		id   string
	}{{want, wantID}, {got, gotID}} {
		for _, p := range requestIDPaths {
			parent, ok := m.body[p[0]].(map[string]any)
			if !ok {
				continue
			}
			if v, ok := parent[p[1]]; ok {
				assert.Equal(t, m.id, v, "%s: %s.%s is the X-Request-Id", name, p[0], p[1])
				parent[p[1]] = "<request id>"
			}
		}
		if _, ok := m.body["support_id"]; ok {
			m.body["support_id"] = "<support id>"
		}
	}
	assert.Equal(t, wholeSeconds(want), wholeSeconds(got), "%s: what the generated client decoded differs from what the mock sent", name)
}

// wholeSeconds rewrites every RFC 3339 time in a decoded JSON value to whole
// seconds: ogen writes date-times back without their fraction.
func wholeSeconds(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = wholeSeconds(e)
		}
	case []any:
		for i, e := range v {
			v[i] = wholeSeconds(e)
		}
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return ts.Truncate(time.Second).Format(time.RFC3339)
		}
	}
	return v
}

// ogenAnswer splits an ogen result (a *XxxHeaders of the operation's
// response) into its X-Request-Id and its body.
func ogenAnswer(t *testing.T, res any) (string, any) {
	t.Helper()
	v := reflect.ValueOf(res)
	require.Equal(t, reflect.Pointer, v.Kind(), "%T", res)
	v = v.Elem()
	id := v.FieldByName("XRequestID")
	body := v.FieldByName("Response")
	require.True(t, id.IsValid() && body.IsValid(), "%T has no X-Request-Id or body", res)
	return id.String(), body.Addr().Interface() // ogen encodes from the pointer
}

// errorFields returns the code, message, request id and details an error
// envelope of any family carries.
func errorFields(m map[string]any) (code, message, requestID string, details map[string]any) {
	switch e := m["error"].(type) {
	case string: // analytics
		code = e
		message, _ = m["message"].(string)
		if log, ok := m["log"].(map[string]any); ok {
			requestID, _ = log["request_id"].(string)
		}
	case map[string]any:
		code, _ = e["code"].(string)
		message, _ = e["message"].(string)
		requestID, _ = e["request_id"].(string)
		if meta, ok := m["meta"].(map[string]any); ok {
			requestID, _ = meta["request_id"].(string)
		}
		details, _ = e["details"].(map[string]any)
	}
	return code, message, requestID, details
}

// TestLiveAnswersThroughGeneratedClients decodes the mock's answers, errors
// included (and injected 429, 500 and 503 faults), through the clients ogen
// and oapi-codegen generate from openapi.yaml, and checks that each decoded
// value carries every field the mock sent: code, message, request_id and
// details of each error family.
func TestLiveAnswersThroughGeneratedClients(t *testing.T) {
	t.Parallel()
	srv := liveMock(t)
	ctx := context.Background()
	key := srv.APIKey()
	ep := srv.EndpointIDs("")[0]
	inbound := srv.InboundMessageIDs()[0]
	const (
		noWebhook = "ep_00000000000000000000000000000000"
		badCursor = "bm90LWEtY3Vyc29y" // base64url, but no cursor of the mock
	)
	tooManyFrom := liveNow.Add(-30 * 24 * time.Hour)
	minute := oapiclient.GetMetricsWebhooksParamsGranularityMinute

	cases := []struct {
		name    string
		key     string
		target  string // the same request, raw
		status  int
		code    string            // "" on success
		details bool              // the error carries details
		fault   *mockserver.Fault // injected for the three requests of the case
		retry   int               // the Retry-After the generated clients must read
		ogen    func(c *ogenclient.Client) (any, error)
		oapi    func(c *oapiclient.ClientWithResponses) (*http.Response, any, error)
	}{
		{
			name: "logs page", key: key, target: "/v1/logs?limit=50", status: 200,
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.ListLogs(ctx, ogenclient.ListLogsParams{Limit: ogenclient.NewOptInt(50)})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.ListLogsWithResponse(ctx, &oapiclient.ListLogsParams{Limit: new(50)})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON200 }), err
			},
		},
		{
			name: "metrics page", key: key, target: "/v1/metrics/webhooks?metric=failed&granularity=hour", status: 200,
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.GetMetricsWebhooks(ctx, ogenclient.GetMetricsWebhooksParams{Metric: ogenclient.WebhookMetricFailed,
					Granularity: ogenclient.NewOptMetricsGranularity(ogenclient.MetricsGranularityHour)})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				g := oapiclient.GetMetricsWebhooksParamsGranularityHour
				r, err := c.GetMetricsWebhooksWithResponse(ctx, &oapiclient.GetMetricsWebhooksParams{Metric: oapiclient.WebhookMetricFailed, Granularity: &g})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON200 }), err
			},
		},
		{
			name: "webhook with events", key: key, target: "/api/v0/webhooks/" + ep + "?include_events=true&events_limit=5", status: 200,
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.GetWebhook(ctx, ogenclient.GetWebhookParams{WebhookID: ogenclient.EndpointID(ep),
					IncludeEvents: ogenclient.NewOptBool(true), EventsLimit: ogenclient.NewOptInt(5)})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetWebhookWithResponse(ctx, ep, &oapiclient.GetWebhookParams{IncludeEvents: new(true), EventsLimit: new(5)})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON200 }), err
			},
		},
		{
			name: "inbound attempts", key: key, target: "/v1/inbound-messages/" + inbound + "/attempts", status: 200,
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.ListInboundMessageAttempts(ctx, ogenclient.ListInboundMessageAttemptsParams{ID: ogenclient.UUID(uuid.MustParse(inbound))})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.ListInboundMessageAttemptsWithResponse(ctx, uuid.MustParse(inbound))
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON200 }), err
			},
		},
		{
			name: "analytics", key: key, target: "/analytics/webhooks", status: 200,
			ogen: func(c *ogenclient.Client) (any, error) { return c.GetWebhookAnalytics(ctx) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetWebhookAnalyticsWithResponse(ctx)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON200 }), err
			},
		},
		{
			name: "logs 401", key: liveUnknownKey, target: "/v1/logs", status: 401, code: "UNAUTHORIZED",
			ogen: func(c *ogenclient.Client) (any, error) { return c.ListLogs(ctx, ogenclient.ListLogsParams{}) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.ListLogsWithResponse(ctx, nil)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON401 }), err
			},
		},
		{
			name: "logs 404", key: key, target: "/v1/logs?endpoint_id=" + noWebhook, status: 404, code: "ENDPOINT_NOT_FOUND",
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.ListLogs(ctx, ogenclient.ListLogsParams{EndpointID: ogenclient.NewOptEndpointID(noWebhook)})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				id := noWebhook
				r, err := c.ListLogsWithResponse(ctx, &oapiclient.ListLogsParams{EndpointId: &id})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON404 }), err
			},
		},
		{
			name: "logs 400 bad cursor", key: key, target: "/v1/logs?cursor=" + badCursor, status: 400, code: "INVALID_REQUEST",
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.ListLogs(ctx, ogenclient.ListLogsParams{Cursor: ogenclient.NewOptCursor(badCursor)})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				cur := badCursor
				r, err := c.ListLogsWithResponse(ctx, &oapiclient.ListLogsParams{Cursor: &cur})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON400 }), err
			},
		},
		{
			name: "metrics 401", key: liveUnknownKey, target: "/v1/metrics/webhooks?metric=delivered", status: 401, code: "UNAUTHORIZED",
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.GetMetricsWebhooks(ctx, ogenclient.GetMetricsWebhooksParams{Metric: ogenclient.WebhookMetricDelivered})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetMetricsWebhooksWithResponse(ctx, &oapiclient.GetMetricsWebhooksParams{Metric: oapiclient.WebhookMetricDelivered})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON401 }), err
			},
		},
		{
			name: "metrics 400 with details", key: key, status: 400, code: "TOO_MANY_BUCKETS", details: true,
			target: "/v1/metrics/webhooks?metric=delivered&granularity=minute&from=" + tooManyFrom.Format(time.RFC3339) + "&to=" + liveNow.Format(time.RFC3339),
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.GetMetricsWebhooks(ctx, ogenclient.GetMetricsWebhooksParams{Metric: ogenclient.WebhookMetricDelivered,
					Granularity: ogenclient.NewOptMetricsGranularity(ogenclient.MetricsGranularityMinute),
					From:        ogenclient.NewOptDateTime(tooManyFrom), To: ogenclient.NewOptDateTime(liveNow)})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetMetricsWebhooksWithResponse(ctx, &oapiclient.GetMetricsWebhooksParams{Metric: oapiclient.WebhookMetricDelivered,
					Granularity: &minute, From: &tooManyFrom, To: new(liveNow)})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON400 }), err
			},
		},
		{
			name: "metrics 403 granularity", key: liveFreeKey, target: "/v1/metrics/webhooks?metric=delivered&granularity=minute",
			status: 403, code: "GRANULARITY_NOT_AVAILABLE", details: true,
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.GetMetricsWebhooks(ctx, ogenclient.GetMetricsWebhooksParams{Metric: ogenclient.WebhookMetricDelivered,
					Granularity: ogenclient.NewOptMetricsGranularity(ogenclient.MetricsGranularityMinute)})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetMetricsWebhooksWithResponse(ctx, &oapiclient.GetMetricsWebhooksParams{Metric: oapiclient.WebhookMetricDelivered, Granularity: &minute})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON403 }), err
			},
		},
		{
			name: "metrics 403 scope", key: liveNoScopeKey, target: "/v1/metrics/webhooks?metric=delivered", status: 403, code: "FORBIDDEN",
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.GetMetricsWebhooks(ctx, ogenclient.GetMetricsWebhooksParams{Metric: ogenclient.WebhookMetricDelivered})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetMetricsWebhooksWithResponse(ctx, &oapiclient.GetMetricsWebhooksParams{Metric: oapiclient.WebhookMetricDelivered})
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON403 }), err
			},
		},
		{
			name: "webhook 404", key: key, target: "/api/v0/webhooks/" + noWebhook, status: 404, code: "WEBHOOK_NOT_FOUND",
			ogen: func(c *ogenclient.Client) (any, error) {
				return c.GetWebhook(ctx, ogenclient.GetWebhookParams{WebhookID: noWebhook})
			},
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetWebhookWithResponse(ctx, noWebhook, nil)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON404 }), err
			},
		},
		{
			name: "webhooks 403 scope", key: liveNoScopeKey, target: "/api/v0/webhooks", status: 403, code: "FORBIDDEN",
			ogen: func(c *ogenclient.Client) (any, error) { return c.ListWebhooks(ctx, ogenclient.ListWebhooksParams{}) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.ListWebhooksWithResponse(ctx, nil)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON403 }), err
			},
		},
		{
			name: "analytics 401", key: liveUnknownKey, target: "/analytics/webhooks", status: 401, code: "UNAUTHORIZED",
			ogen: func(c *ogenclient.Client) (any, error) { return c.GetWebhookAnalytics(ctx) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetWebhookAnalyticsWithResponse(ctx)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON401 }), err
			},
		},
		{
			name: "logs 429", key: key, target: "/v1/logs", status: 429, code: "RATE_LIMITED", retry: 7,
			fault: &mockserver.Fault{Path: "/v1/logs", Status: 429, RetryAfter: 7 * time.Second},
			ogen:  func(c *ogenclient.Client) (any, error) { return c.ListLogs(ctx, ogenclient.ListLogsParams{}) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.ListLogsWithResponse(ctx, nil)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON429 }), err
			},
		},
		{
			name: "webhooks 503", key: key, target: "/api/v0/webhooks", status: 503, code: "INTERNAL_ERROR",
			fault: &mockserver.Fault{Path: "/api/v0/webhooks", Status: 503},
			ogen:  func(c *ogenclient.Client) (any, error) { return c.ListWebhooks(ctx, ogenclient.ListWebhooksParams{}) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.ListWebhooksWithResponse(ctx, nil)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON503 }), err
			},
		},
		{
			name: "analytics 500", key: key, target: "/analytics/webhooks", status: 500, code: "INTERNAL_ERROR",
			fault: &mockserver.Fault{Path: "/analytics/webhooks", Status: 500},
			ogen:  func(c *ogenclient.Client) (any, error) { return c.GetWebhookAnalytics(ctx) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetWebhookAnalyticsWithResponse(ctx)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON500 }), err
			},
		},
		{
			name: "analytics 403 scope", key: liveNoScopeKey, target: "/analytics/webhooks", status: 403, code: "FORBIDDEN",
			ogen: func(c *ogenclient.Client) (any, error) { return c.GetWebhookAnalytics(ctx) },
			oapi: func(c *oapiclient.ClientWithResponses) (*http.Response, any, error) {
				r, err := c.GetWebhookAnalyticsWithResponse(ctx)
				return hr(r, err), jsonOf(r, err, func() any { return r.JSON403 }), err
			},
		},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.fault != nil {
				f := *c.fault
				f.Times = 3 // the raw request, ogen's and oapi-codegen's
				srv.InjectFault(f)
				t.Cleanup(srv.ClearFaults)
			}
			status, rawID, raw := rawGet(t, srv, c.key, c.target)
			require.Equal(t, c.status, status, "the mock's status: %v", raw)
			if c.code != "" {
				code, message, requestID, details := errorFields(raw)
				require.Equal(t, c.code, code, "the mock's code")
				require.NotEmpty(t, message, "the mock's message")
				require.Equal(t, rawID, requestID, "the mock's request id")
				require.Equal(t, c.details, details != nil, "the mock's details: %v", details)
			}

			res, err := c.ogen(newOgen(t, srv, c.key))
			require.NoError(t, err, "ogen")
			ogenID, ogenBody := ogenAnswer(t, res)
			if c.retry != 0 {
				assert.EqualValues(t, c.retry, reflect.ValueOf(res).Elem().FieldByName("RetryAfter").Interface(), "ogen's Retry-After")
			}
			sameAnswer(t, "ogen", clone(t, raw), rawID, asJSON(t, ogenBody), ogenID)

			resp, body, err := c.oapi(newOapi(t, srv, c.key))
			require.NoError(t, err, "oapi-codegen")
			require.Equal(t, c.status, resp.StatusCode, "oapi-codegen")
			require.False(t, reflect.ValueOf(body).IsNil(), "oapi-codegen decoded no %d body", c.status)
			sameAnswer(t, "oapi-codegen", clone(t, raw), rawID, asJSON(t, body), resp.Header.Get("X-Request-Id"))
			if c.retry != 0 {
				assert.Equal(t, strconv.Itoa(c.retry), resp.Header.Get("Retry-After"), "oapi-codegen's answer's Retry-After")
			}
		})
	}
}

// hr is the HTTP response of an oapi-codegen result.
func hr[R interface{ StatusCode() int }](r R, err error) *http.Response {
	if err != nil {
		return nil
	}
	return reflect.ValueOf(r).Elem().FieldByName("HTTPResponse").Interface().(*http.Response)
}

// jsonOf returns the typed body an oapi-codegen result decoded for its
// status (pick), or nil on error.
func jsonOf[R any](_ R, err error, pick func() any) any {
	if err != nil {
		return nil
	}
	return pick()
}

// clone deep-copies a decoded JSON object.
func clone(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	return asJSON(t, m)
}
