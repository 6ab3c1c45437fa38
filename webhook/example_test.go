package webhook_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/hookscope/hookscope-go/webhook"
)

// deliver sends body to url as the platform would: signed with secret, now.
func deliver(url, secret, msgID string, body []byte) (status int) {
	now := time.Now()
	sig, _ := webhook.Sign(secret, msgID, now, body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set(webhook.HeaderID, msgID)
	req.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(webhook.HeaderSignature, sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// Handler verifies each delivery before your handler sees it; your handler
// reads the verified bytes from r.Body.
func ExampleHandler() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

	// README: Verifying deliveries
	// secret is the endpoint's signing secret: wh.SigningSecret.Reveal().
	mux := http.NewServeMux()
	mux.Handle("POST /hooks", webhook.Handler(secret, http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body) // exactly the bytes that were verified
			fmt.Printf("%s: %s\n", r.Header.Get("webhook-id"), body)
		})))
	// Forged, stale or unsigned requests get 401 or 400 and never reach it;
	// bodies over 1 MiB get 413.
	// README end

	srv := httptest.NewServer(mux)
	defer srv.Close()
	fmt.Println(deliver(srv.URL+"/hooks", secret, "msg_1", []byte(`{"type":"message.delivered"}`)))
	fmt.Println(deliver(srv.URL+"/hooks", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "msg_2", []byte(`{"type":"forged"}`)))
	// Output:
	// msg_1: {"type":"message.delivered"}
	// 200
	// 401
}

// Verify checks a delivery whose body you read yourself. Read it raw and
// bounded, and verify it before parsing it.
func ExampleVerify() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	receive := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := webhook.Verify(secret, r.Header, body); err != nil {
			fmt.Println("refused, stale:", errors.Is(err, webhook.ErrTimestamp),
				"forged:", errors.Is(err, webhook.ErrInvalidSignature))
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		fmt.Printf("genuine: %s\n", body)
	}

	srv := httptest.NewServer(http.HandlerFunc(receive))
	defer srv.Close()
	deliver(srv.URL, secret, "msg_1", []byte(`{"type":"message.delivered"}`))
	deliver(srv.URL, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "msg_2", []byte(`{"type":"forged"}`))
	// Output:
	// genuine: {"type":"message.delivered"}
	// refused, stale: false forged: true
}

// Sign gives your tests deliveries signed as the platform signs them. Fix
// the verifier's clock to check recorded deliveries.
func ExampleSign() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"test": 2432232314}`)
	at := time.Unix(1614265330, 0)

	sig, err := webhook.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	h.Set("webhook-signature", sig)
	fmt.Println(sig)

	v, err := webhook.NewVerifier(secret, webhook.WithClock(func() time.Time { return at.Add(time.Minute) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Verify(h, body))
	err = webhook.Verify(secret, h, body) // today's clock: years too late
	fmt.Println(errors.Is(err, webhook.ErrTimestamp))
	// Output:
	// v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
	// <nil>
	// true
}
