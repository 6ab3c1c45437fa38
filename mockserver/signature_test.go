package mockserver_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
	"github.com/hookscope/hookscope-go/webhook"
)

// verifyAttempts checks that every attempt of message id carries request
// headers that webhook.Verify accepts against the webhook's signing_secret
// (as the API shows it) and the message's payload, and that a changed
// payload does not verify. It returns how many attempts it checked.
func verifyAttempts(t *testing.T, srv *mockserver.Server, c *hookscope.Client, id string, inbound bool) int {
	t.Helper()
	ctx := context.Background()
	epID, payload, ok := mockserver.MessageDelivery(srv, id)
	require.True(t, ok, id)
	wh, err := c.Webhooks.Get(ctx, epID, nil)
	require.NoError(t, err)
	secret := wh.SigningSecret.Reveal()

	list := c.Attempts.ListOutbound
	if inbound {
		list = c.Attempts.ListInbound
	}
	attempts, err := list(ctx, id)
	require.NoError(t, err)
	for _, a := range attempts.Data {
		h := http.Header{}
		for k, v := range a.RequestHeaders {
			h.Set(k, v)
		}
		assert.Equal(t, id, h.Get("webhook-id"))
		// The receiver's clock when the attempt arrived.
		v, err := webhook.NewVerifier(secret, webhook.WithClock(func() time.Time { return a.CreatedAt }))
		require.NoError(t, err)
		require.NoError(t, v.Verify(h, payload), "message %s attempt %d", id, a.AttemptNo)
		require.ErrorIs(t, v.Verify(h, append([]byte(" "), payload...)), webhook.ErrInvalidSignature)
	}
	return len(attempts.Data)
}

// Generated deliveries, outbound and inbound, verify as Standard Webhooks
// deliveries against the webhook's signing secret.
func TestGeneratedDeliveriesVerify(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(300))
	checked := 0
	for _, id := range srv.OutboundMessageIDs()[:60] {
		checked += verifyAttempts(t, srv, c, id, false)
	}
	require.NotEmpty(t, srv.InboundMessageIDs())
	for _, id := range srv.InboundMessageIDs() {
		checked += verifyAttempts(t, srv, c, id, true)
	}
	assert.Greater(t, checked, 60, "attempts checked")
}

// A message added at run time verifies too, with its own payload.
func TestAddedDeliveriesVerify(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(20))
	ep := srv.EndpointIDs("")[1]
	for _, m := range []mockserver.Message{
		{EndpointID: ep, Payload: []byte(`{"type":"order.paid","data":{"amount":1250}}`),
			Attempts: []mockserver.AttemptSpec{{Status: 500}, {Status: 0}, {Status: 200}}},
		{EndpointID: ep, EventType: "user.created", Attempts: []mockserver.AttemptSpec{{Status: 204}}},
	} {
		id, err := srv.AddMessage(m)
		require.NoError(t, err)
		assert.Equal(t, len(m.Attempts), verifyAttempts(t, srv, c, id, false))
	}
}

// Every signing secret the mock shows, generated or made by a Create, is
// whsec_ + base64 of 24 to 64 bytes.
func TestSigningSecretsAreStandardWebhooksSecrets(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(20))
	ctx := context.Background()
	created, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "new", URL: "https://example.com/hooks"})
	require.NoError(t, err)
	ids := append(srv.EndpointIDs(""), created.ID)
	for _, id := range ids {
		wh, err := c.Webhooks.Get(ctx, id, nil)
		require.NoError(t, err)
		secret := wh.SigningSecret.Reveal()
		require.True(t, strings.HasPrefix(secret, "whsec_"), id)
		key, err := base64.StdEncoding.Strict().DecodeString(strings.TrimPrefix(secret, "whsec_"))
		require.NoError(t, err, id)
		assert.GreaterOrEqual(t, len(key), 24, id)
		assert.LessOrEqual(t, len(key), 64, id)
		_, err = webhook.NewVerifier(secret)
		require.NoError(t, err, id)
	}
}
