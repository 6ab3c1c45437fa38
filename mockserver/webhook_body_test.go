package mockserver_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestWebhookBodiesStrict: a create or update body may name only the fields
// the API takes; any other is a 400 naming it, and nothing changes.
func TestWebhookBodiesStrict(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ep := srv.EndpointIDs("")[0]
	before := get(t, srv, "/api/v0/webhooks/"+ep).body
	n := len(srv.EndpointIDs(""))
	cases := []struct {
		method, path, body, field string
	}{
		{http.MethodPost, "/api/v0/webhooks", `{"name":"x","url":"https://x.example","kind":"number"}`, "kind"},
		{http.MethodPost, "/api/v0/webhooks", `{"name":"x","url":"https://x.example","encrypted":true}`, "encrypted"},
		{http.MethodPost, "/api/v0/webhooks", `{"name":"x","url":"https://x.example","id":"ep_00000000000000000000000000000000"}`, "id"},
		{http.MethodPost, "/api/v0/webhooks", `{"name":"x","url":"https://x.example","signing_secret":"whsec_x"}`, "signing_secret"},
		{http.MethodPost, "/api/v0/webhooks", `{"name":"x","url":"https://x.example","is_active":false}`, "is_active"},
		{http.MethodPost, "/api/v0/webhooks", `{"name":"x","url":"https://x.example","event_types":["a",""]}`, "event_types"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{"name":"y","colour":"red"}`, "colour"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{"kind":"number"}`, "kind"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{}`, "body"},
		{http.MethodPatch, "/api/v0/webhooks/" + ep, `{"event_types":[""]}`, "event_types"},
	}
	for _, tc := range cases {
		r := do(t, srv, tc.method, tc.path, srv.APIKey(), tc.body, "Content-Type", "application/json")
		require.Equal(t, http.StatusBadRequest, r.status, "%s %s", tc.method, tc.body)
		code, msg, _ := errorOf(t, r)
		assert.Equal(t, hookscope.CodeInvalidRequest, code)
		assert.Regexp(t, "^"+tc.field+" ", msg, "%s: the message names the field", tc.body)
	}
	assert.Len(t, srv.EndpointIDs(""), n, "no refused create made a webhook")
	assert.JSONEq(t, string(before), string(get(t, srv, "/api/v0/webhooks/"+ep).body), "no refused update changed the webhook")

	// The SDK refuses an empty update before sending it.
	_, err := c.Webhooks.Update(context.Background(), ep, &hookscope.WebhookUpdateParams{})
	var pe *hookscope.ParamError
	require.ErrorAs(t, err, &pe)
}

// TestWebhookEventTypesAndIsActive: create honours event_types and isActive
// (default: every event type, active); update sets event_types; a PATCH
// that changes nothing leaves updated_at as it was.
func TestWebhookEventTypesAndIsActive(t *testing.T) {
	t.Parallel()
	clock := mockserver.NewTestClock(fixedNow)
	_, c := newServer(t, mockserver.WithClock(clock.Now))
	ctx := context.Background()
	subscribed := func() int64 {
		an, err := c.Analytics.Webhooks(ctx)
		require.NoError(t, err)
		return an.Total.EventsSubscribed
	}
	before := subscribed()

	def, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "default", URL: "https://d.example/h"})
	require.NoError(t, err)
	assert.True(t, def.IsActive, "isActive defaults to true")
	assert.NotEmpty(t, def.EventTypes, "default: every event type of the organization")

	wh, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "paused", URL: "https://p.example/h",
		EventTypes: []string{"order.created", "order.paid"}, IsActive: new(false)})
	require.NoError(t, err)
	assert.False(t, wh.IsActive)
	assert.Equal(t, []string{"order.created", "order.paid"}, wh.EventTypes)
	got, err := c.Webhooks.Get(ctx, wh.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"order.created", "order.paid"}, got.EventTypes, "GET shows what create set")
	assert.Equal(t, before+int64(len(def.EventTypes))+2, subscribed(), "analytics counts the subscriptions")

	clock.Add(time.Minute)
	up, err := c.Webhooks.Update(ctx, wh.ID, &hookscope.WebhookUpdateParams{EventTypes: []string{"call.missed"}, IsActive: new(true)})
	require.NoError(t, err)
	assert.Equal(t, []string{"call.missed"}, up.EventTypes)
	assert.True(t, up.IsActive)
	assert.Equal(t, fixedNow.Add(time.Minute), up.UpdatedAt, "a change bumps updated_at")
	assert.Equal(t, before+int64(len(def.EventTypes))+1, subscribed(), "analytics follows the update")

	clock.Add(time.Minute)
	same, err := c.Webhooks.Update(ctx, wh.ID, &hookscope.WebhookUpdateParams{Name: new("paused"), EventTypes: []string{"call.missed"}, IsActive: new(true)})
	require.NoError(t, err)
	assert.Equal(t, up.UpdatedAt, same.UpdatedAt, "a PATCH that changes nothing leaves updated_at")
}
