package hookscope_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

func TestSeed002WebhookDecodesEveryField(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on(http.MethodGet, "/api/v0/webhooks/"+testEndpointID, respondFile(t, 200, "constructed_seed002_webhook_200.json"))

	wh, err := c.Webhooks.Get(context.Background(), testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 3})
	require.NoError(t, err)
	assert.Equal(t, testEndpointID, wh.ID)
	assert.Equal(t, "Order events", wh.Name)
	assert.Equal(t, "https://customer.app/webhooks", wh.URL)
	assert.True(t, wh.IsActive)
	assert.False(t, wh.Encrypted)
	assert.Equal(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wh.SigningSecret.Reveal())
	requireTime(t, utcTime(2025, 11, 1, 9, 30, 0), wh.CreatedAt, "created_at")
	requireTime(t, utcTime(2025, 12, 5, 16, 45, 12), wh.UpdatedAt, "updated_at")
	assert.Empty(t, wh.Kind, "kind is not in seed 002's table")
	assert.Nil(t, wh.EventTypes)

	st := wh.DeliveryStats
	assert.Equal(t, int64(1250), st.TotalEvents)
	assert.Equal(t, int64(1238), st.SuccessfulDeliveries)
	assert.Equal(t, int64(12), st.FailedDeliveries)
	requireTimePtr(t, utcTime(2025, 12, 6, 11, 58, 30), st.LastDelivery, "last_delivery")
	assert.InDelta(t, 99.04, st.SuccessRate, 1e-9)
	assert.InDelta(t, 245.5, st.AverageResponseTime, 1e-9)
	assert.Equal(t, int64(48), st.Last24hEvents)
	assert.Equal(t, int64(1), st.Last24hFailures)

	assert.Equal(t, hookscope.App{ID: "app_2f1c9d7e", Name: "Storefront"}, wh.App)

	require.Len(t, wh.RecentEvents, 3)
	ev := wh.RecentEvents[0]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef012", ev.ID)
	assert.Equal(t, "order.created", ev.EventType)
	assert.Equal(t, hookscope.DeliveryDelivered, ev.DeliveryStatus)
	require.NotNil(t, ev.ResponseCode)
	assert.Equal(t, 200, *ev.ResponseCode)
	require.NotNil(t, ev.ResponseTime, "response_time")
	assert.InDelta(t, 180.0, *ev.ResponseTime, 0, "response_time")
	assert.Empty(t, ev.ErrorMessage)
	requireTime(t, utcTime(2025, 12, 6, 11, 58, 29), ev.CreatedAt, "created_at")
	requireTimePtr(t, utcTime(2025, 12, 6, 11, 58, 30), ev.DeliveredAt, "delivered_at")
	assert.Equal(t, 0, ev.RetryCount)

	ev = wh.RecentEvents[1]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef013", ev.ID)
	assert.Equal(t, "order.updated", ev.EventType)
	assert.Equal(t, hookscope.DeliveryFailed, ev.DeliveryStatus)
	require.NotNil(t, ev.ResponseCode)
	assert.Equal(t, 500, *ev.ResponseCode)
	require.NotNil(t, ev.ResponseTime, "response_time")
	assert.InDelta(t, 3012.0, *ev.ResponseTime, 0, "response_time")
	assert.Equal(t, "HTTP 500: Internal Server Error", ev.ErrorMessage)
	requireTime(t, utcTime(2025, 12, 6, 10, 0, 0), ev.CreatedAt, "created_at")
	requireTimePtr(t, utcTime(2025, 12, 6, 10, 20, 0), ev.DeliveredAt, "delivered_at")
	assert.Equal(t, 3, ev.RetryCount)

	ev = wh.RecentEvents[2]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef014", ev.ID)
	assert.Equal(t, "order.paid", ev.EventType)
	assert.Equal(t, hookscope.DeliveryPending, ev.DeliveryStatus)
	assert.Nil(t, ev.ResponseCode)
	assert.Nil(t, ev.ResponseTime)
	assert.Empty(t, ev.ErrorMessage)
	requireTime(t, utcTime(2025, 12, 6, 11, 59, 0), ev.CreatedAt, "created_at")
	assert.Nil(t, ev.DeliveredAt)
	assert.Equal(t, 0, ev.RetryCount)

	// the constructed stats: 99.04% excellent, 245.5 ms fast, 1 of 48 failed but
	// 1 recent event failed: active.
	h := wh.Health()
	assert.Equal(t, hookscope.SuccessRateExcellent, h.SuccessRate)
	assert.Equal(t, hookscope.ResponseTimeFast, h.ResponseTime)
	assert.Equal(t, hookscope.ActivityActive, h.Activity)
}

func TestWebhookListAndCreateDecode(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	one := string(readTestdata(t, "constructed_seed002_webhook_200.json"))
	f.on(http.MethodGet, "/api/v0/webhooks", respond(200, `{"data":[`+one+`],"meta":{"next_cursor":"bmV4dA","has_more":true}}`, "X-Request-Id", "req_list"))
	f.on(http.MethodPost, "/api/v0/webhooks", respond(201, one))

	page, err := c.Webhooks.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, testEndpointID, page.Data[0].ID)
	assert.Equal(t, int64(1250), page.Data[0].DeliveryStats.TotalEvents)
	assert.Equal(t, "bmV4dA", page.Meta.NextCursor)
	assert.True(t, page.Meta.HasMore)
	assert.Equal(t, "req_list", page.Meta.RequestID)

	wh, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "Order events", URL: "https://customer.app/webhooks"})
	require.NoError(t, err)
	assert.Equal(t, testEndpointID, wh.ID)
	assert.Equal(t, "Order events", wh.Name)
	assert.Equal(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", wh.SigningSecret.Reveal())
}

// webhooksPage is a GET /api/v0/webhooks body with one webhook per name.
func webhooksPage(next string, hasMore bool, names ...string) httpmock.Responder {
	rows := make([]string, len(names))
	for i, n := range names {
		rows[i] = strings.Replace(bodyWebhook, `"name":"n"`, fmt.Sprintf(`"name":%q`, n), 1)
	}
	nc := "null"
	if next != "" {
		nc = fmt.Sprintf("%q", next)
	}
	return respond(200, fmt.Sprintf(`{"data":[%s],"meta":{"next_cursor":%s,"has_more":%t}}`, strings.Join(rows, ","), nc, hasMore))
}

func TestWebhooksAll(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*hookscope.Client, *fakeAPI) {
		c, f := newFakeAPI(t)
		f.on("GET", "/api/v0/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   webhooksPage("w2", true, "a", "b"),
			"w2": webhooksPage("w3", true, "c"),
			"w3": webhooksPage("", false, "d"),
		}))
		return c, f
	}
	names := func(t *testing.T, c *hookscope.Client, p *hookscope.WebhookListParams) ([]string, []error) {
		return collect(t, c.Webhooks.All(context.Background(), p), func(wh *hookscope.Webhook) string { return wh.Name })
	}
	t.Run("lazy, every page, restart", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		it := c.Webhooks.All(context.Background(), &hookscope.WebhookListParams{Limit: 2})
		assert.Equal(t, 0, f.count())
		var got []string
		for wh, err := range it {
			require.NoError(t, err)
			got = append(got, wh.Name)
		}
		assert.Equal(t, []string{"a", "b", "c", "d"}, got)
		assert.Equal(t, []string{"", "w2", "w3"}, cursorsSent(f))
		for range it {
		}
		assert.Equal(t, 6, f.count())
		for _, r := range f.requests() {
			assert.Equal(t, "2", r.URL.Query().Get("limit"))
		}
	})
	t.Run("early break", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		for wh, err := range c.Webhooks.All(context.Background(), nil) {
			require.NoError(t, err)
			if wh.Name == "c" {
				break
			}
		}
		assert.Equal(t, 2, f.count())
	})
	t.Run("resume from cursor", func(t *testing.T) {
		t.Parallel()
		c, f := setup(t)
		got, errs := names(t, c, &hookscope.WebhookListParams{Cursor: "w3"})
		assert.Empty(t, errs)
		assert.Equal(t, []string{"d"}, got)
		assert.Equal(t, []string{"w3"}, cursorsSent(f))
	})
	t.Run("repeated cursor", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t)
		f.on("GET", "/api/v0/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   webhooksPage("w2", true, "a"),
			"w2": webhooksPage("w2", true, "b"),
		}))
		got, errs := names(t, c, nil)
		assert.Equal(t, []string{"a", "b"}, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrRepeatedCursor)
		assert.Equal(t, 2, f.count())
	})
	t.Run("error on page 3", func(t *testing.T) {
		t.Parallel()
		c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
		f.on("GET", "/api/v0/webhooks", cursorPages(t, map[string]httpmock.Responder{
			"":   webhooksPage("w2", true, "a"),
			"w2": webhooksPage("w3", true, "b"),
			"w3": respond(401, `{"error":{"code":"UNAUTHORIZED","message":"authentication failed","request_id":"r"}}`),
		}))
		got, errs := names(t, c, nil)
		assert.Equal(t, []string{"a", "b"}, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], hookscope.ErrUnauthorized)
		assert.Equal(t, 3, f.count())
	})
}

// TestWriteParamsRefused: bodies the API would refuse never leave the SDK.
func TestWriteParamsRefused(t *testing.T) {
	t.Parallel()
	tooMany := make([]string, hookscope.WebhookMaxEventTypes+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprint("event.", i)
	}
	tests := []struct {
		name  string
		call  func(context.Context, *hookscope.Client) error
		param string
	}{
		{"update nothing", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{}), "params"},
		{"update nil params", webhookUpdateCall(testEndpointID, nil), "params"},
		{"update empty event type", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{EventTypes: []string{"a", " "}}), "event_types"},
		{"update 101 event types", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{EventTypes: tooMany}), "event_types"},
		{"create empty event type", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https://x.example", EventTypes: []string{""}}), "event_types"},
		{"create 101 event types", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https://x.example", EventTypes: tooMany}), "event_types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			err := tt.call(context.Background(), c)
			var pe *hookscope.ParamError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.param, pe.Param)
			assert.Equal(t, 0, f.count(), "no request sent")
		})
	}
	// 100 event types are allowed.
	c, f := newFakeAPI(t)
	f.on("POST", "/api/v0/webhooks", respond(201, bodyWebhook))
	_, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "n", URL: "https://x.example", EventTypes: tooMany[:100]})
	require.NoError(t, err)
}

func TestWriteBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		call     func(context.Context, *hookscope.Client) error
		wantJSON string
	}{
		{"create", "POST", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "Order events", URL: "https://customer.app/webhooks"}),
			`{"name":"Order events","url":"https://customer.app/webhooks"}`},
		{"create with event types, paused", "POST", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https://customer.app/webhooks",
			EventTypes: []string{"order.created", "order.paid"}, IsActive: new(false)}),
			`{"name":"n","url":"https://customer.app/webhooks","event_types":["order.created","order.paid"],"isActive":false}`},
		{"update event types", "PATCH", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{EventTypes: []string{"call.missed"}}), `{"event_types":["call.missed"]}`},
		{"update name", "PATCH", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{Name: new("renamed")}), `{"name":"renamed"}`},
		{"update url", "PATCH", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{URL: new("https://new.example/h")}), `{"url":"https://new.example/h"}`},
		{"update isActive false", "PATCH", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{IsActive: new(false)}), `{"isActive":false}`},
		{"update isActive true", "PATCH", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{IsActive: new(true)}), `{"isActive":true}`},
		{"update all", "PATCH", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{Name: new("n"), URL: new("https://x.example"), IsActive: new(false)}),
			`{"name":"n","url":"https://x.example","isActive":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			path := "/api/v0/webhooks"
			if tt.method == "PATCH" {
				path += "/" + testEndpointID
			}
			f.on(tt.method, path, respond(200, bodyWebhook))
			require.NoError(t, tt.call(context.Background(), c))
			r := f.last()
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, path, r.URL.Path)
			assert.Empty(t, r.URL.RawQuery)
			assert.JSONEq(t, tt.wantJSON, string(r.Body))
			var keys map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(r.Body, &keys))
			var want map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(tt.wantJSON), &want))
			assert.Len(t, keys, len(want), "nil fields are left out")
		})
	}
}

func TestDeleteAcceptsEmpty204AndMapsErrors(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("DELETE", "/api/v0/webhooks/"+testEndpointID, respond(204, ""),
		respondFile(t, 404, "constructed_seed002_error_404_webhook_not_found.json"))
	require.NoError(t, c.Webhooks.Delete(context.Background(), testEndpointID))
	err := c.Webhooks.Delete(context.Background(), testEndpointID)
	require.ErrorIs(t, err, hookscope.ErrNotFound)
	assert.Equal(t, 2, f.count())
}

// Pages walks GET /api/v0/webhooks page by page: lazily, with the limit on
// every page, each page's cursor exposed, resumable from a saved cursor.
func TestWebhooksPagesExposeCursorAndResume(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/api/v0/webhooks", cursorPages(t, map[string]httpmock.Responder{
		"":   webhooksPage("w2", true, "a", "b"),
		"w2": webhooksPage("w3", true, "c"),
		"w3": webhooksPage("", false, "d"),
	}))

	it := c.Webhooks.Pages(context.Background(), &hookscope.WebhookListParams{Limit: 2})
	assert.Equal(t, 0, f.count(), "creating the iterator sends nothing")
	var saved string
	for page, err := range it {
		require.NoError(t, err)
		require.NotNil(t, page)
		if page.Meta.NextCursor == "w2" {
			assert.True(t, page.Meta.HasMore)
			assert.Len(t, page.Data, 2)
			continue
		}
		saved = page.Meta.NextCursor
		break // checkpoint after the second page
	}
	require.Equal(t, "w3", saved)
	assert.Equal(t, 2, f.count())

	var names []string
	for page, err := range c.Webhooks.Pages(context.Background(), &hookscope.WebhookListParams{Limit: 2, Cursor: saved}) {
		require.NoError(t, err)
		for _, wh := range page.Data {
			names = append(names, wh.Name)
		}
		assert.Empty(t, page.Meta.NextCursor)
		assert.False(t, page.Meta.HasMore)
	}
	assert.Equal(t, []string{"d"}, names)
	assert.Equal(t, []string{"", "w2", "w3"}, cursorsSent(f))
	for _, r := range f.requests() {
		assert.Equal(t, "2", r.URL.Query().Get("limit"))
	}
}

// Webhooks params the SDK can check fail before any request, with a *ParamError
// naming the parameter.
func TestWebhooksInvalidParamsSendNoRequest(t *testing.T) {
	t.Parallel()
	cases := []paramCase{
		{"webhook get events_limit -1", "events_limit", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{EventsLimit: -1})},
		{"webhook get events_limit 51", "events_limit", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 51})},
		{"webhook list limit -1", "limit", webhookListCall(&hookscope.WebhookListParams{Limit: -1})},
		{"webhook list limit 101", "limit", webhookListCall(&hookscope.WebhookListParams{Limit: 101})},
		{"create nil", "name", webhookCreateCall(nil)},
		{"create no name", "name", webhookCreateCall(&hookscope.WebhookCreateParams{URL: "https://a.example/h"})},
		{"create blank name", "name", webhookCreateCall(&hookscope.WebhookCreateParams{Name: " \t", URL: "https://a.example/h"})},
		{"create no url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n"})},
		{"create http url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "http://a.example/h"})},
		{"create ftp url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "ftp://a.example/h"})},
		{"create relative url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "/hooks"})},
		{"create no host", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https:///hooks"})},
		{"create port only", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https://:443/hooks"})},
		{"create not a url", "url", webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: "https://exa mple.com/%zz"})},
		{"update blank name", "name", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{Name: new("")})},
		{"update http url", "url", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{URL: new("http://a.example/h")})},
		{"update empty url", "url", webhookUpdateCall(testEndpointID, &hookscope.WebhookUpdateParams{URL: new("")})},
		{"Webhooks.All limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Webhooks.All(ctx, &hookscope.WebhookListParams{Limit: 101}))
		}},
		{"Webhooks.Pages limit", "limit", func(ctx context.Context, c *hookscope.Client) error {
			return firstErr(c.Webhooks.Pages(ctx, &hookscope.WebhookListParams{Limit: -1}))
		}},
	}
	for name, id := range badEndpointIDs() {
		cases = append(cases,
			paramCase{"webhook get id " + name, "webhook_id", webhookGetCall(id, nil)},
			paramCase{"webhook update id " + name, "webhook_id", webhookUpdateCall(id, &hookscope.WebhookUpdateParams{Name: new("x")})},
			paramCase{"webhook delete id " + name, "webhook_id", func(ctx context.Context, c *hookscope.Client) error {
				return c.Webhooks.Delete(ctx, id)
			}},
		)
	}
	requireParamErrors(t, cases)
}

// The values at each of the webhooks ranges' boundaries are accepted and sent.
func TestWebhooksParamBoundariesAreAccepted(t *testing.T) {
	t.Parallel()
	requireBoundariesAccepted(t, []boundaryCase{
		{"events_limit 1", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook, "events_limit", "1", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{EventsLimit: 1})},
		{"events_limit 50", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook, "events_limit", "50", webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{EventsLimit: 50})},
		{"webhooks limit 1", "GET", "/api/v0/webhooks", bodyWebhooksEmpty, "limit", "1", webhookListCall(&hookscope.WebhookListParams{Limit: 1})},
		{"webhooks limit 100", "GET", "/api/v0/webhooks", bodyWebhooksEmpty, "limit", "100", webhookListCall(&hookscope.WebhookListParams{Limit: 100})},
	})
	for _, u := range []string{"https://a.example/h", "https://a.example:8443/h?x=1", "https://127.0.0.1/h", "HTTPS://A.EXAMPLE/h"} {
		t.Run("create url "+u, func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t)
			f.on("POST", "/api/v0/webhooks", respond(201, bodyWebhook))
			// url.Parse lower-cases the scheme, so "HTTPS://" is https too.
			require.NoError(t, webhookCreateCall(&hookscope.WebhookCreateParams{Name: "n", URL: u})(context.Background(), c))
			assert.Equal(t, 1, f.count())
		})
	}
}

// Every webhooks parameter reaches the wire under its name, times in UTC.
func TestWebhooksQueryEncoding(t *testing.T) {
	t.Parallel()
	requireQueries(t, []queryCase{
		{"webhook get nil params", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook, webhookGetCall(testEndpointID, nil), ""},
		{"webhook get include_events", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook,
			webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 20}),
			"events_limit=20&include_events=true"},
		{"webhook get include_events false left out", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook,
			webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: false, EventsLimit: 5}),
			"events_limit=5"},
		{"webhook get include_events only", "GET", "/api/v0/webhooks/" + testEndpointID, bodyWebhook,
			webhookGetCall(testEndpointID, &hookscope.WebhookGetParams{IncludeEvents: true}),
			"include_events=true"},
		{"webhook list nil", "GET", "/api/v0/webhooks", bodyWebhooksEmpty, webhookListCall(nil), ""},
		{"webhook list every param", "GET", "/api/v0/webhooks", bodyWebhooksEmpty,
			webhookListCall(&hookscope.WebhookListParams{Limit: 100, Cursor: "a/b+c=="}), "cursor=a%2Fb%2Bc%3D%3D&limit=100"},
		{"delete", "DELETE", "/api/v0/webhooks/" + testEndpointID, "",
			func(ctx context.Context, c *hookscope.Client) error { return c.Webhooks.Delete(ctx, testEndpointID) }, ""},
	})
}

// A webhook answer without its ep_ id (or a list without data) is not a
// webhook: ErrUnexpectedResponse, never a zero Webhook.
func TestWebhookAnswersWithoutAnIDAreUnexpected(t *testing.T) {
	t.Parallel()
	requireUnexpectedAnswers(t, "Webhooks.Get", map[string]string{
		"empty object": `{}`,
		"no id":        `{"name":"n","url":"https://a.example/h"}`,
		"foreign id":   `{"id":"wh_1","name":"n"}`,
		"wrapped":      `{"data":` + bodyWebhook + `}`,
	})
	requireUnexpectedAnswers(t, "Webhooks.Create", map[string]string{"empty object": `{}`, "no id": `{"name":"n"}`})
	requireUnexpectedAnswers(t, "Webhooks.Update", map[string]string{"empty object": `{}`, "error-ish": `{"error":"nope"}`})
	requireUnexpectedAnswers(t, "Webhooks.List", map[string]string{
		"empty object":   `{}`,
		"null data":      `{"data":null,"meta":{"has_more":false}}`,
		"row without id": `{"data":[{"name":"n"}],"meta":{"has_more":false}}`,
	})
}
