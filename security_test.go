package hookscope_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// secretPart is the part of testKey after its conventional prefix: the part
// that must never be shown.
var secretPart = strings.TrimPrefix(testKey, "am_test_")

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

var secretSecretPart = strings.TrimPrefix(testSecret, "whsec_")

func TestClientFormattingHidesTheKey(t *testing.T) {
	t.Parallel()
	c, _ := newFakeAPI(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for name, v := range map[string]any{"*Client": c, "Metrics": c.Metrics, "Logs": c.Logs, "Webhooks": c.Webhooks, "[]*Client": []*hookscope.Client{c}} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, secretPart, "%s of %s: %s", verb, name, out)
			assert.NotContains(t, out, testKey)
		}
	}
	s := c.String()
	assert.Contains(t, s, testBase)
	assert.Contains(t, s, "[REDACTED]")
	assert.Contains(t, s, "am_test_", "the key's prefix says which key it is")
	assert.Equal(t, s, c.GoString())

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("client", "client", c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("client", "client", c)
	assert.NotContains(t, buf.String(), secretPart)
	assert.Contains(t, buf.String(), "[REDACTED]")
}

// A Client copied by value and printed with a verb other than %v (%s, %q)
// goes through fmt's bad-verb path, which dereferences the unexported
// *secretKey field and prints the key.
func TestClientValueFormattingHidesTheKey(t *testing.T) {
	t.Parallel()
	c, _ := newFakeAPI(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, *c)
		assert.NotContains(t, out, secretPart, "%s of a Client value leaks the key", verb)
	}
}

func TestSigningSecretIsRedacted(t *testing.T) {
	t.Parallel()
	wh := hookscope.Webhook{ID: testEndpointID, Name: "n", SigningSecret: hookscope.Secret(testSecret)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		for name, v := range map[string]any{"Webhook": wh, "*Webhook": &wh, "Secret": wh.SigningSecret, "[]Webhook": []hookscope.Webhook{wh}} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, secretSecretPart, "%s of %s: %s", verb, name, out)
		}
	}
	assert.Equal(t, testSecret, wh.SigningSecret.Reveal())
	assert.Equal(t, "whsec_[REDACTED]", wh.SigningSecret.String())
	assert.Contains(t, fmt.Sprintf("%+v", wh), "whsec_[REDACTED]")
	assert.Equal(t, "", hookscope.Secret("").String())

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("secret", "secret", wh.SigningSecret)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("webhook", "webhook", wh)
	assert.NotContains(t, buf.String(), secretSecretPart)

	// JSON carries the real value, as the API does.
	b, err := json.Marshal(wh)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"signing_secret":"`+testSecret+`"`)
}

func TestDecodedWebhookSecretIsRedacted(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/api/v0/webhooks/"+testEndpointID, respondFile(t, 200, "constructed_seed002_webhook_200.json"))
	wh, err := c.Webhooks.Get(context.Background(), testEndpointID, nil)
	require.NoError(t, err)
	assert.Equal(t, testSecret, wh.SigningSecret.Reveal())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, wh), secretSecretPart)
	}
}

func TestNewClientRefusals(t *testing.T) {
	t.Parallel()
	refused := []struct {
		name string
		key  string
		opts []hookscope.Option
	}{
		{"empty key", "", nil},
		{"blank key", "  \t", nil},
		{"plain http to a remote host", testKey, []hookscope.Option{hookscope.WithBaseURL("http://example.com")}},
		{"plain http to a look-alike of localhost", testKey, []hookscope.Option{hookscope.WithBaseURL("http://localhost.example.com")}},
		{"plain http to a look-alike of 127.0.0.1", testKey, []hookscope.Option{hookscope.WithBaseURL("http://127.0.0.1.nip.io")}},
		{"ftp", testKey, []hookscope.Option{hookscope.WithBaseURL("ftp://example.com")}},
		{"no scheme", testKey, []hookscope.Option{hookscope.WithBaseURL("example.com")}},
		{"no host", testKey, []hookscope.Option{hookscope.WithBaseURL("https://")}},
		{"user info", testKey, []hookscope.Option{hookscope.WithBaseURL("https://user:pass@example.com")}},
		{"query", testKey, []hookscope.Option{hookscope.WithBaseURL("https://example.com?x=1")}},
		{"fragment", testKey, []hookscope.Option{hookscope.WithBaseURL("https://example.com#x")}},
		{"unparsable", testKey, []hookscope.Option{hookscope.WithBaseURL("https://exa mple.com/%zz")}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := hookscope.NewClient(tt.key, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.NotContains(t, err.Error(), "pass", "user info is not echoed")
		})
	}
	allowed := []struct {
		name string
		opts []hookscope.Option
	}{
		{"default", nil},
		{"https", []hookscope.Option{hookscope.WithBaseURL("https://api.example.com")}},
		{"http 127.0.0.1", []hookscope.Option{hookscope.WithBaseURL("http://127.0.0.1:8080")}},
		{"http 127.1.2.3", []hookscope.Option{hookscope.WithBaseURL("http://127.1.2.3")}},
		{"http [::1]", []hookscope.Option{hookscope.WithBaseURL("http://[::1]:1")}},
		{"http localhost", []hookscope.Option{hookscope.WithBaseURL("http://localhost")}},
		{"http LOCALHOST:9000", []hookscope.Option{hookscope.WithBaseURL("http://LOCALHOST:9000/prefix")}},
		{"http remote with WithInsecureHTTP", []hookscope.Option{hookscope.WithBaseURL("http://example.com"), hookscope.WithInsecureHTTP()}},
	}
	for _, tt := range allowed {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := hookscope.NewClient(testKey, tt.opts...)
			require.NoError(t, err)
			require.NotNil(t, c)
			assert.NotNil(t, c.Metrics)
			assert.NotNil(t, c.Logs)
			assert.NotNil(t, c.Attempts)
			assert.NotNil(t, c.Webhooks)
			assert.NotNil(t, c.Analytics)
		})
	}
}

// A key read from a file often ends in a newline. Such a key can never be
// sent (net/http refuses the header value, on every try), so NewClient
// should refuse it, as it refuses an empty one.
func TestNewClientRefusesUnsendableKey(t *testing.T) {
	t.Parallel()
	for name, key := range map[string]string{
		"trailing newline":  testKey + "\n",
		"carriage return":   testKey + "\r\n",
		"control character": "am_live_abc\x00def",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := hookscope.NewClient(key)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.NotContains(t, err.Error(), secretPart)
		})
	}
}

func TestPlainHTTPLoopbackIsUsedAsGiven(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPIAt(t, "http://127.0.0.1:8080/", "http://127.0.0.1:8080")
	f.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/v1/logs", f.last().URL.String())
}

func TestErrorsNeverContainTheKey(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(1))
	// A server that echoes the Authorization header back in its error: the
	// SDK cannot hide that, so it is left out here; every error the SDK
	// builds itself is checked.
	f.on("GET", "/v1/logs", respond(401, `{"error":{"code":"UNAUTHORIZED","message":"Invalid or missing API key"},"meta":{"request_id":"r"}}`))
	f.on("GET", "/analytics/webhooks", httpmock.ConnectionFailure)
	f.on("GET", "/v1/metrics/webhooks", respond(200, "<html>"))
	f.on("GET", "/api/v0/webhooks", respond(502, "<html>proxy</html>"))

	var errs []error
	_, err := c.Logs.List(context.Background(), nil)
	errs = append(errs, err)
	_, err = c.Analytics.Webhooks(context.Background())
	errs = append(errs, err)
	_, err = c.Metrics.Webhooks(context.Background(), &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed})
	errs = append(errs, err)
	_, err = c.Webhooks.List(context.Background(), nil)
	errs = append(errs, err)
	_, err = c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: -4})
	errs = append(errs, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Logs.List(ctx, nil)
	errs = append(errs, err)

	for i, err := range errs {
		require.Error(t, err, "call %d", i)
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			out := fmt.Sprintf(verb, err)
			assert.NotContains(t, out, secretPart, "call %d, %s: %s", i, verb, out)
		}
		var apiErr *hookscope.APIError
		if errors.As(err, &apiErr) {
			assert.NotContains(t, fmt.Sprintf("%#v", *apiErr), secretPart)
		}
	}
}

func TestLoggerRecordsEachTryWithoutTheKey(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, f := newFakeAPI(t, hookscope.WithLogger(logger))
	f.on("GET", "/v1/logs", respond(503, "", "X-Request-Id", "req_first"), respond(200, bodyLogsEmpty, "X-Request-Id", "req_second"))

	_, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 3})
	require.NoError(t, err)
	require.Equal(t, 2, f.count())

	out := buf.String()
	assert.NotContains(t, out, secretPart)
	assert.NotContains(t, out, "Bearer")

	var records []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		records = append(records, rec)
	}
	require.Len(t, records, 2, out)
	want := []struct {
		status  float64
		attempt float64
		retry   bool
		reqID   string
	}{{503, 1, true, "req_first"}, {200, 2, false, "req_second"}}
	for i, w := range want {
		r := records[i]
		assert.Equal(t, "DEBUG", r["level"])
		assert.Equal(t, "GET", r["method"])
		assert.Equal(t, "/v1/logs", r["path"])
		assert.Equal(t, w.status, r["status"])
		assert.Equal(t, w.attempt, r["attempt"])
		assert.Equal(t, w.retry, r["retry"])
		assert.Equal(t, w.reqID, r["request_id"])
		assert.Contains(t, r, "duration")
		_, hasWait := r["retry_after"]
		assert.Equal(t, w.retry, hasWait, "the wait is logged with a retry")
	}
}

func TestLoggerRecordsTransportErrorsWithoutTheKey(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, f := newFakeAPI(t, hookscope.WithLogger(logger), hookscope.WithMaxRetries(1))
	f.on("POST", "/api/v0/webhooks", httpmock.ConnectionFailure)
	_, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "n", URL: "https://a.example/h"})
	require.Error(t, err)
	out := buf.String()
	assert.NotContains(t, out, secretPart)
	assert.Equal(t, 2, strings.Count(out, `"method":"POST"`))
	assert.Contains(t, out, `"error":`)
	assert.Contains(t, out, `"path":"/api/v0/webhooks"`)
}

func TestLoggerAboveDebugRecordsNothing(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, f := newFakeAPI(t, hookscope.WithLogger(logger))
	f.on("GET", "/v1/logs", respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

// slog's JSON handler encodes a struct with encoding/json, and Secret has no
// MarshalJSON (the wire needs the value), so a Webhook logged as an attribute
// carries its signing secret in clear unless Webhook itself implements
// slog.LogValuer.
func TestWebhookLoggedWithSlogJSONHidesTheSecret(t *testing.T) {
	t.Parallel()
	wh := hookscope.Webhook{ID: testEndpointID, Name: "n", SigningSecret: hookscope.Secret(testSecret)}
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("fetched", "webhook", wh)
	logger.Info("fetched", "webhook", &wh)
	assert.Contains(t, buf.String(), testEndpointID)
	assert.NotContains(t, buf.String(), secretSecretPart, buf.String())
}

// The redacted form keeps only the conventional prefix ("am_live_",
// "whsec_"). Keys and secrets are random strings that may themselves contain
// "_" (base64url does): the characters before such an underscore are secret
// too and must not be shown.
func TestRedactionKeepsOnlyTheConventionalPrefix(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		secret, want string
	}{
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_[REDACTED]"},
		{"whsec_Mf_KQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_[REDACTED]"},
		{"whsec_MfKQ_9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_[REDACTED]"},
		{"nounderscoreatall", "[REDACTED]"},
	} {
		assert.Equal(t, tt.want, hookscope.Secret(tt.secret).String(), "Secret(%q)", tt.secret)
	}
	for _, tt := range []struct {
		key, want string
	}{
		{"am_live_Zk4rT9wQ2mXyLp7sVb3N", "am_live_[REDACTED]"},
		{"am_live_Zk4_rT9wQ2mXyLp7sVb3N", "am_live_[REDACTED]"},
		{"am_test_Z_k4rT9wQ2mXyLp7sVb3N", "am_test_[REDACTED]"},
	} {
		c, err := hookscope.NewClient(tt.key)
		require.NoError(t, err)
		assert.Contains(t, c.String(), "api_key: "+tt.want+"}", "key %q", tt.key)
	}
}

// NewClient refuses a plain-http base URL so that the key never crosses the
// network in clear; a redirect from the https API to http must not send it
// either. net/http keeps Authorization on a redirect to the same host
// whatever the scheme, so the SDK has to stop it.
func TestRedirectToPlainHTTPDoesNotSendTheKey(t *testing.T) {
	t.Parallel()
	for _, status := range []int{301, 302, 307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, f := newFakeAPI(t, hookscope.WithMaxRetries(0))
			f.on("GET", "/v1/logs", respond(status, "", "Location", "http://api.test/v1/logs"))
			f.mt.RegisterResponder("GET", "http://api.test/v1/logs", func(req *http.Request) (*http.Response, error) {
				f.record(req)
				return respond(200, bodyLogsEmpty)(req)
			})
			_, _ = c.Logs.List(context.Background(), nil)
			for _, r := range f.requests() {
				if r.URL.Scheme == "http" {
					assert.NotContains(t, r.Header.Get("Authorization"), secretPart, "the key was sent over plain http to %s", r.URL)
				}
			}
		})
	}
}

// The same host over https is fine to follow, with the key.
func TestRedirectWithinHTTPSIsFollowed(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t)
	f.on("GET", "/v1/logs", respond(307, "", "Location", "https://api.test/v2/logs"))
	f.on("GET", "/v2/logs", respond(200, bodyLogsEmpty))
	_, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err)
	reqs := f.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/v2/logs", reqs[1].URL.Path)
	assert.Equal(t, "Bearer "+testKey, reqs[1].Header.Get("Authorization"))
}

// A refused redirect is final: retrying would only be refused again.
func TestRefusedRedirectIsNotRetried(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithMaxRetries(3))
	f.on("GET", "/v1/logs", respond(307, "", "Location", "http://api.test/v1/logs"))
	_, err := c.Logs.List(context.Background(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "plain http")
	assert.NotContains(t, err.Error(), secretPart)
	https := 0
	for _, r := range f.requests() {
		if r.URL.Scheme == "https" {
			https++
		}
	}
	assert.Equal(t, 1, https, "one try, no retry")
	assert.Equal(t, 1, f.count(), "nothing sent to the http URL")
}
