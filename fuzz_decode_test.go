package hookscope

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode"
)

// Seed inputs shared by the decoder fuzz targets: the envelopes of every
// endpoint, plus the shapes that have broken decoders elsewhere.
var fuzzSeeds = []string{
	`{"success":true,"data":{"metric":"delivered","granularity":"hour","from":"2026-05-05T00:00:00Z","to":"2026-05-06T00:00:00Z","buckets":[{"bucket_start":"2026-05-05T00:00:00Z","value":14},{"bucket_start":"2026-05-06T00:00:00Z","value":null}]},"meta":{"as_of":"2026-05-05T23:59:43Z","limit":1000,"next_cursor":null}}`,
	`{"data":[{"message_id":"01935abc-def0-7123-4567-890abcdef012","endpoint":"https://customer.app/webhooks","status":"succeeded","attempt_count":1,"created_at":"2025-12-06T12:00:00Z","delivered_at":"2025-12-06T12:00:05Z","response_status":200,"response_latency_ms":120}],"meta":{"next_cursor":"eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0=","has_more":true,"request_id":"req_xyz123"}}`,
	`{"data":[{"id":"01935abc-def0-7123-4567-890abcdef001","attempt_no":1,"response_status":200,"dns_ms":10,"conn_reused":false,"created_at":"2025-12-06T12:00:00Z"}],"meta":{"request_id":"req_xyz123","has_more":false}}`,
	`{"id":"ep_550e8400e29b41d4a716446655440000","name":"n","url":"https://a.example/h","isActive":true,"signing_secret":"whsec_x","delivery_stats":{"total_events":3,"success_rate":66.67,"last_delivery":null},"app":{"id":"app_1","name":"A"},"recent_events":[{"id":"e","delivery_status":"failed","response_code":500}]}`,
	`{"status":200,"data":{"day_metrics":{"total":2,"retry_rate_pct":33.33},"hourly_metrics":[{"hour":"2025-06-29 17:00:00","count":2}],"last_events":[{"id":"1","payload":{"a":1},"error":null,"created_at":"2025-07-01 23:26:30","updated_at":"2025-07-01 23:35:57","first_sent_at":null,"done":1}]},"error":null,"log":null,"validator":null,"support_id":null,"message":"ok","env":"development"}`,
	`{"success":false,"error":{"code":"GRANULARITY_NOT_AVAILABLE","message":"m","request_id":"r","details":{"max_granularity":"day"}}}`,
	`{"error":{"code":"ENDPOINT_NOT_FOUND","message":"endpoint not found"},"meta":{"request_id":"req_xyz123"}}`,
	`{"status":400,"data":null,"message":"bad","env":"production","error":"INVALID_REQUEST","log":{"request_id":"r"},"validator":{"limit":"too big"},"support_id":"s"}`,
	`{"status":500,"data":null,"message":"x","error":null,"log":"some text"}`,
	`<html><body>502 Bad Gateway</body></html>`,
	``, `null`, `[]`, `{"error":[]}`, `{"error":{"code":1}}`, `{"data":{"hour":"2025-13-99 99:99:99"}}`,
	`{"data":[{"created_at":"2025-07-01 23:26:30","done":2}]}`, `{"data":null,"meta":null}`, `{"a":1} {"b":2}`,
}

// FuzzDecodeAPIError: whatever the body and status, an error response
// becomes an *APIError that keeps the status, and nothing panics.
func FuzzDecodeAPIError(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), []int{400, 401, 403, 404, 429, 500, 502, 503}[i%8], "7")
	}
	// The client's key, reflected by a server, with an escape sequence.
	const key = "am_test_Zk4rT9wQ2mXyLp7sVb3N"
	f.Add([]byte(`{"error":{"code":"UNAUTHORIZED","message":"key `+key+`\u001b[2J"}}`), 401, "")
	f.Add([]byte(`<p>Zk4rT9wQ2mXyLp7sVb3N</p>`), 502, "")
	f.Fuzz(func(t *testing.T, body []byte, status int, retryAfter string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Retry-After", retryAfter)
		resp.Header.Set("X-Request-Id", "req_fuzz")
		apiErr := decodeAPIError(resp, &limitedReader{r: bytes.NewReader(body), remaining: 1 << 10}, key)
		if apiErr == nil {
			t.Fatal("nil *APIError")
		}
		if apiErr.StatusCode != status {
			t.Fatalf("status %d became %d", status, apiErr.StatusCode)
		}
		if apiErr.RequestID == "" {
			t.Fatal("request id lost: the header is the fallback")
		}
		if apiErr.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", apiErr.RetryAfter)
		}
		msg := apiErr.Error()
		if strings.Contains(msg, secretPart(key)) {
			t.Fatalf("the key's secret part is in %q", msg)
		}
		if len(apiErr.Message) > maxErrorMessageBytes+len("…") || len(apiErr.RequestID) > maxErrorIDBytes+len("…") {
			t.Fatalf("uncapped: message %d bytes, request id %d bytes", len(apiErr.Message), len(apiErr.RequestID))
		}
		for _, r := range msg {
			if unicode.IsControl(r) {
				t.Fatalf("control character %U in %q", r, msg)
			}
		}
		_ = apiErr.MaxGranularity()
		_ = apiErr.MaxBuckets()
		for _, sentinel := range []error{ErrNotFound, ErrServer, ErrInvalidRequest, ErrUnauthorized} {
			_ = errors.Is(apiErr, sentinel)
		}
	})
}

// FuzzDecodeResponses: every response decoder either decodes or returns an
// error wrapping ErrUnexpectedResponse or ErrResponseTooLarge; none panics.
func FuzzDecodeResponses(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{
			new(metricsEnvelope), new(LogPage), &metricsPageDecoder{env: new(metricsEnvelope), rows: 2},
			&logPageDecoder{page: new(LogPage), rows: 2}, new(AttemptList), new(Webhook),
			new(WebhookPage), new(analyticsEnvelope), new(inboundMessageAnswer),
		}
		for _, out := range targets {
			err, readErr := decodeBody(bytes.NewReader(body), 4<<10, out)
			if readErr != nil {
				t.Fatalf("%T: a bytes.Reader failed: %v", out, readErr)
			}
			if err == nil {
				err = checkAnswer(out)
			}
			if err != nil && !errors.Is(err, ErrUnexpectedResponse) && !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("%T: error %v wraps neither ErrUnexpectedResponse nor ErrResponseTooLarge", out, err)
			}
			if len(body) > 4<<10 && err == nil {
				t.Fatalf("%T: %d-byte body over the 4 KiB limit decoded", out, len(body))
			}
		}
	})
}
