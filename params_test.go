package hookscope_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// paramCase is one call that the SDK must refuse before sending anything.
type paramCase struct {
	name  string
	param string
	call  func(ctx context.Context, c *hookscope.Client) error
}

var (
	paramT0 = time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC)
	paramT1 = paramT0.Add(time.Hour)
)

// badEndpointIDs are endpoint ids the SDK refuses, by what is wrong with them.
func badEndpointIDs() map[string]string {
	hex32 := "550e8400e29b41d4a716446655440000"
	return map[string]string{
		"empty-prefix":  hex32,
		"short":         "ep_123",
		"upper prefix":  "EP_" + hex32,
		"upper hex":     "ep_550E8400E29B41D4A716446655440000",
		"33 hex":        "ep_" + hex32 + "0",
		"31 hex":        "ep_" + hex32[:31],
		"non hex":       "ep_550e8400e29b41d4a71644665544000g",
		"path traverse": "ep_../../v1/logs",
		"slash":         "ep_" + hex32[:16] + "/" + hex32[17:],
		"space":         " ep_" + hex32,
		"newline":       "ep_" + hex32 + "\n",
	}
}

// requireParamErrors runs each case against its own fake API: the call must
// fail with a *ParamError naming the case's parameter, matching
// ErrInvalidRequest, and send nothing.
func requireParamErrors(t *testing.T, cases []paramCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			err := tt.call(context.Background(), c)
			require.Error(t, err)
			pe, ok := errors.AsType[*hookscope.ParamError](err)
			require.True(t, ok, "want *ParamError, got %T: %v", err, err)
			assert.Equal(t, tt.param, pe.Param)
			assert.ErrorIs(t, err, hookscope.ErrInvalidRequest)
			assert.Equal(t, 0, f.count(), "no request may be sent")
			assert.Equal(t, 0, f.mt.GetTotalCallCount())
		})
	}
}

// boundaryCase is a value at a range's boundary: the call must be sent, with
// param carrying want.
type boundaryCase struct {
	name, method, path, body, param, want string
	call                                  func(context.Context, *hookscope.Client) error
}

func requireBoundariesAccepted(t *testing.T, cases []boundaryCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(tt.method, tt.path, respond(200, tt.body))
			require.NoError(t, tt.call(context.Background(), c))
			require.Equal(t, 1, f.count())
			assert.Equal(t, tt.want, f.last().URL.Query().Get(tt.param))
		})
	}
}

// queryCase is one call and the exact query string it must send.
type queryCase struct {
	name     string
	method   string
	path     string
	body     string
	call     func(context.Context, *hookscope.Client) error
	rawQuery string
}

// queryTimes are times in non-UTC zones, which must reach the wire in UTC:
// 2026-05-05T00:00:00Z, 2026-05-06T00:30:15Z and 2026-05-05T10:00:00.5Z.
func queryTimes() (from, to, withNanos time.Time) {
	return time.Date(2026, 5, 5, 2, 0, 0, 0, plus2), time.Date(2026, 5, 5, 17, 30, 15, 0, minus7),
		time.Date(2026, 5, 5, 12, 0, 0, 500_000_000, plus2)
}

// requireQueries sends each case's call to its own fake API and checks the
// method, the URL and the exact query string it sent.
func requireQueries(t *testing.T, cases []queryCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on(tt.method, tt.path, respond(200, tt.body))
			require.NoError(t, tt.call(context.Background(), c))
			require.Equal(t, 1, f.count())
			r := f.last()
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.path, r.URL.Path)
			assert.Equal(t, "https", r.URL.Scheme)
			assert.Equal(t, "api.test", r.URL.Host)
			assert.Equal(t, tt.rawQuery, r.URL.RawQuery)
		})
	}
}

// The params struct a caller passes is not modified by the call.
func TestParamsAreNotModified(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(200, `{"data":[],"meta":{"next_cursor":"n2","has_more":true}}`).Then(respond(200, bodyLogsEmpty)))
	from := time.Date(2026, 5, 5, 2, 0, 0, 0, plus2)
	p := &hookscope.LogListParams{StartTime: from, Cursor: "c1", Limit: 10}
	before := *p
	for range c.Logs.All(context.Background(), p) {
	}
	_, err := c.Logs.List(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, before, *p)
	assert.Equal(t, plus2, p.StartTime.Location())
}

// plus2 and minus7 are non-UTC zones: times must reach the wire in UTC ("Z").
var (
	plus2  = time.FixedZone("UTC+2", 2*3600)
	minus7 = time.FixedZone("UTC-7", -7*3600)
)

// Times the wire format (RFC 3339, years 0000 to 9999) cannot carry are
// parameter errors, before any request.
func TestTimesOutsideRFC3339AreParamErrors(t *testing.T) {
	t.Parallel()
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	before := time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC)
	ok := time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, param string
		call        func(context.Context, *hookscope.Client) error
	}{
		{"logs end", "end_time", logsCall(&hookscope.LogListParams{StartTime: ok, EndTime: far})},
		{"logs start", "start_time", logsCall(&hookscope.LogListParams{StartTime: before})},
		{"metrics to", "to", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: hookscope.GranularityDay, To: far})},
		{"metrics from", "from", metricsCall(&hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, From: before})},
		{"messages from", "from", messagesCall(&hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent, From: before, To: ok})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			err := tc.call(context.Background(), c)
			pe, isParam := errors.AsType[*hookscope.ParamError](err)
			require.True(t, isParam, "%v", err)
			assert.Equal(t, tc.param, pe.Param)
			assert.Zero(t, f.count())
		})
	}
}
