package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
	"github.com/hookscope/hookscope-go/webhook"
)

// The headers of every delivery attempt that the API (here the mock) shows
// verify against the webhook's signing secret and the message's payload.
func ExampleVerify_attemptHeaders() {
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	srv := mockserver.New(mockserver.WithMessages(20), mockserver.WithClock(func() time.Time { return now }))
	defer srv.Close()
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// A delivery of a payload we know: failed once, then succeeded.
	payload := []byte(`{"type":"order.paid","data":{"amount":1250}}`)
	epID := srv.EndpointIDs("")[0]
	msgID, err := srv.AddMessage(mockserver.Message{EndpointID: epID, Payload: payload,
		Attempts: []mockserver.AttemptSpec{{Status: 503}, {Status: 200}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	wh, err := c.Webhooks.Get(ctx, epID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for a, err := range c.Attempts.AllOutbound(ctx, msgID) {
		if err != nil {
			fmt.Println(err)
			return
		}
		h := http.Header{}
		for k, v := range a.RequestHeaders {
			h.Set(k, v)
		}
		// The receiver's clock when the attempt arrived.
		v, err := webhook.NewVerifier(wh.SigningSecret.Reveal(),
			webhook.WithClock(func() time.Time { return a.CreatedAt }))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("attempt %d (%d): %v\n", a.AttemptNo, *a.ResponseStatus, v.Verify(h, payload))
	}
	// Output:
	// attempt 1 (503): <nil>
	// attempt 2 (200): <nil>
}
