package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/webhook"
)

// The published vectors of the Standard Webhooks specification
// (github.com/standard-webhooks/standard-webhooks): values copied from
//   - libraries/go/webhook_test.go TestWebhookSign (the same vector is in the
//     javascript, python, php, ruby, java and csharp libraries' tests), and
//   - libraries/rust/src/lib.rs test_sign.
var vectors = []struct {
	name      string
	secret    string
	msgID     string
	timestamp int64
	payload   string
	signature string
}{
	{
		name:      "libraries/go TestWebhookSign",
		secret:    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		msgID:     "msg_p5jXN8AQM9LWM0D4loKWxJek",
		timestamp: 1614265330,
		payload:   `{"test": 2432232314}`,
		signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	},
	{
		name:      "libraries/rust test_sign",
		secret:    "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
		msgID:     "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
		timestamp: 1649367553,
		payload:   `{"email":"test@example.com","username":"test_user"}`,
		signature: "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
	},
}

// Wrong signatures that the same libraries' tests use; none matches either vector.
var wrongSignatures = []string{
	"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", // libraries/go "invalid signature is invalid"
	"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", // libraries/python, one character off
	"v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=", // libraries/rust test_no_verify
	"v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ=", // libraries/rust multiple signatures
	"v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=",
	"v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE=",
}

func headers(id string, ts int64, sig string) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, id)
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func fixedClock(t time.Time) webhook.VerifierOption {
	return webhook.WithClock(func() time.Time { return t })
}

func TestSignMatchesPublishedVectors(t *testing.T) {
	t.Parallel()
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			got, err := webhook.Sign(v.secret, v.msgID, time.Unix(v.timestamp, 0), []byte(v.payload))
			require.NoError(t, err)
			assert.Equal(t, v.signature, got)

			// The bare base64, without "whsec_", is the same key.
			got, err = webhook.Sign(strings.TrimPrefix(v.secret, "whsec_"), v.msgID, time.Unix(v.timestamp, 0), []byte(v.payload))
			require.NoError(t, err)
			assert.Equal(t, v.signature, got)
		})
	}
}

func TestVerifyPublishedVectors(t *testing.T) {
	t.Parallel()
	for _, v := range vectors {
		at := time.Unix(v.timestamp, 0)
		other := wrongSignatures[0]
		cases := []struct {
			name    string
			now     time.Time
			header  http.Header
			payload string
			wantErr error
		}{
			{"exact", at, headers(v.msgID, v.timestamp, v.signature), v.payload, nil},
			{"clock 5 minutes later", at.Add(5 * time.Minute), headers(v.msgID, v.timestamp, v.signature), v.payload, nil},
			{"clock 5 minutes earlier", at.Add(-5 * time.Minute), headers(v.msgID, v.timestamp, v.signature), v.payload, nil},
			{"rotation: one of several matches", at, headers(v.msgID, v.timestamp, strings.Join(append(append([]string{"v2," + strings.TrimPrefix(v.signature, "v1,")}, wrongSignatures...), v.signature), " ")), v.payload, nil},
			{"other versions ignored", at, headers(v.msgID, v.timestamp, "v1a,"+strings.TrimPrefix(v.signature, "v1,")+" v2,"+strings.TrimPrefix(v.signature, "v1,")), v.payload, webhook.ErrInvalidSignature},
			{"wrong signature", at, headers(v.msgID, v.timestamp, other), v.payload, webhook.ErrInvalidSignature},
			{"only wrong signatures", at, headers(v.msgID, v.timestamp, strings.Join(wrongSignatures, " ")), v.payload, webhook.ErrInvalidSignature},
			{"partial signature v1,", at, headers(v.msgID, v.timestamp, "v1,"), v.payload, webhook.ErrInvalidSignature},
			{"partial signature prefix", at, headers(v.msgID, v.timestamp, v.signature[:8]), v.payload, webhook.ErrInvalidSignature},
			{"no version", at, headers(v.msgID, v.timestamp, strings.TrimPrefix(v.signature, "v1,")), v.payload, webhook.ErrInvalidSignature},
			{"body changed", at, headers(v.msgID, v.timestamp, v.signature), v.payload + " ", webhook.ErrInvalidSignature},
			{"id changed", at, headers(v.msgID+"x", v.timestamp, v.signature), v.payload, webhook.ErrInvalidSignature},
			{"timestamp changed within tolerance", at, headers(v.msgID, v.timestamp+1, v.signature), v.payload, webhook.ErrInvalidSignature},
			{"too old", at.Add(5*time.Minute + time.Second), headers(v.msgID, v.timestamp, v.signature), v.payload, webhook.ErrTimestamp},
			{"too new", at.Add(-5*time.Minute - time.Second), headers(v.msgID, v.timestamp, v.signature), v.payload, webhook.ErrTimestamp},
			{"missing id", at, deleted(headers(v.msgID, v.timestamp, v.signature), webhook.HeaderID), v.payload, webhook.ErrMissingHeaders},
			{"missing timestamp", at, deleted(headers(v.msgID, v.timestamp, v.signature), webhook.HeaderTimestamp), v.payload, webhook.ErrMissingHeaders},
			{"missing signature", at, deleted(headers(v.msgID, v.timestamp, v.signature), webhook.HeaderSignature), v.payload, webhook.ErrMissingHeaders},
			{"blank signature", at, headers(v.msgID, v.timestamp, "   "), v.payload, webhook.ErrMissingHeaders},
		}
		for _, tc := range cases {
			t.Run(v.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				ver, err := webhook.NewVerifier(v.secret, fixedClock(tc.now))
				require.NoError(t, err)
				err = ver.Verify(tc.header, []byte(tc.payload))
				if tc.wantErr == nil {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, tc.wantErr)
				assert.NotContains(t, err.Error(), strings.TrimPrefix(v.secret, "whsec_"))
				assert.NotContains(t, err.Error(), strings.TrimPrefix(v.signature, "v1,"), "the error must not reveal the expected signature")
			})
		}
	}
}

func hmacBase64(key []byte, content string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(content))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func deleted(h http.Header, name string) http.Header {
	h.Del(name)
	return h
}

func TestVerifyMalformedTimestamp(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	ver, err := webhook.NewVerifier(v.secret, fixedClock(time.Unix(v.timestamp, 0)))
	require.NoError(t, err)
	for _, ts := range []string{"abc", "1614265330.0", "+1614265330", "-1", " ", "1e9", "99999999999999999999999"} {
		h := headers(v.msgID, 0, v.signature)
		h.Set(webhook.HeaderTimestamp, ts)
		err := ver.Verify(h, []byte(v.payload))
		if strings.TrimSpace(ts) == "" {
			require.ErrorIs(t, err, webhook.ErrMissingHeaders, "%q", ts)
			continue
		}
		require.ErrorIs(t, err, webhook.ErrTimestamp, "%q", ts)
	}
	// A far-away timestamp is refused without overflowing the comparison.
	for _, ts := range []int64{0, 1<<63 - 1} {
		err := ver.Verify(headers(v.msgID, ts, v.signature), []byte(v.payload))
		require.ErrorIs(t, err, webhook.ErrTimestamp, "%d", ts)
	}
}

// Headers copied from a map (an attempt's request headers, a proxy's log)
// may hold lower-case or canonical keys; both verify.
func TestVerifyHeaderNamesIgnoreCase(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	ver, err := webhook.NewVerifier(v.secret, fixedClock(time.Unix(v.timestamp, 0)))
	require.NoError(t, err)
	for _, names := range [][3]string{
		{"webhook-id", "webhook-timestamp", "webhook-signature"},
		{"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"},
		{"WEBHOOK-ID", "WEBHOOK-TIMESTAMP", "WEBHOOK-SIGNATURE"},
	} {
		h := http.Header{
			names[0]: {v.msgID},
			names[1]: {strconv.FormatInt(v.timestamp, 10)},
			names[2]: {v.signature},
		}
		require.NoError(t, ver.Verify(h, []byte(v.payload)), "%v", names)
	}
	// svix-* names are not read: the platform sends webhook-*.
	h := http.Header{"Svix-Id": {v.msgID}, "Svix-Timestamp": {strconv.FormatInt(v.timestamp, 10)}, "Svix-Signature": {v.signature}}
	require.ErrorIs(t, ver.Verify(h, []byte(v.payload)), webhook.ErrMissingHeaders)
}

// Several webhook-signature header lines count as one space-separated list.
func TestVerifySignatureAcrossHeaderLines(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	ver, err := webhook.NewVerifier(v.secret, fixedClock(time.Unix(v.timestamp, 0)))
	require.NoError(t, err)
	h := headers(v.msgID, v.timestamp, wrongSignatures[0])
	h.Add(webhook.HeaderSignature, v.signature)
	require.NoError(t, ver.Verify(h, []byte(v.payload)))
}

func TestVerifyUsesSystemClockAndDefaultTolerance(t *testing.T) {
	t.Parallel()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"type":"message.delivered"}`)
	for _, tc := range []struct {
		offset  time.Duration
		wantErr error
	}{
		{0, nil},
		{-4 * time.Minute, nil},
		{4 * time.Minute, nil},
		{-6 * time.Minute, webhook.ErrTimestamp},
		{6 * time.Minute, webhook.ErrTimestamp},
	} {
		ts := time.Now().Add(tc.offset)
		sig, err := webhook.Sign(secret, "msg_1", ts, body)
		require.NoError(t, err)
		err = webhook.Verify(secret, headers("msg_1", ts.Unix(), sig), body)
		if tc.wantErr == nil {
			require.NoError(t, err, "offset %v", tc.offset)
		} else {
			require.ErrorIs(t, err, tc.wantErr, "offset %v", tc.offset)
		}
	}
}

func TestWithTolerance(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	at := time.Unix(v.timestamp, 0)
	h := headers(v.msgID, v.timestamp, v.signature)

	ver, err := webhook.NewVerifier(v.secret, webhook.WithTolerance(time.Hour), fixedClock(at.Add(59*time.Minute)))
	require.NoError(t, err)
	require.NoError(t, ver.Verify(h, []byte(v.payload)))

	ver, err = webhook.NewVerifier(v.secret, webhook.WithTolerance(30*time.Second), fixedClock(at.Add(31*time.Second)))
	require.NoError(t, err)
	require.ErrorIs(t, ver.Verify(h, []byte(v.payload)), webhook.ErrTimestamp)

	ver, err = webhook.NewVerifier(v.secret, webhook.WithTolerance(30*time.Second), fixedClock(at.Add(-31*time.Second)))
	require.NoError(t, err)
	require.ErrorIs(t, ver.Verify(h, []byte(v.payload)), webhook.ErrTimestamp)
}

func TestNewVerifierRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opt  webhook.VerifierOption
		want string
	}{
		{webhook.WithTolerance(0), "WithTolerance"},
		{webhook.WithTolerance(-time.Second), "WithTolerance"},
		{webhook.WithClock(nil), "WithClock"},
	} {
		_, err := webhook.NewVerifier(vectors[0].secret, tc.opt)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
}

func TestInvalidSecret(t *testing.T) {
	t.Parallel()
	key := func(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
	for _, tc := range []struct {
		name, secret, want string
	}{
		{"empty", "", "empty"},
		{"prefix only", "whsec_", "empty"},
		{"not base64", "whsec_not*base64*at*all*but*long*enough", "base64"},
		{"url alphabet", "whsec_" + strings.NewReplacer("+", "-", "/", "_").Replace("C2FVsBQIhrscChlQIMV+b5sSYspob7oD"), "base64"},
		{"missing padding", "whsec_" + strings.TrimRight(key(25), "="), "base64"},
		{"secret text itself", "my webhook secret", "base64"},
		{"too short", "whsec_" + key(16), "decodes to 16 bytes, want 24 to 64"},
		{"too long", "whsec_" + key(65), "decodes to 65 bytes, want 24 to 64"},
		{"trailing space", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ", "base64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := webhook.NewVerifier(tc.secret)
			require.ErrorIs(t, err, webhook.ErrInvalidSecret)
			assert.Contains(t, err.Error(), tc.want)
			if s := strings.TrimPrefix(strings.TrimSpace(tc.secret), "whsec_"); len(s) > 4 {
				assert.NotContains(t, err.Error(), s)
			}
			require.ErrorIs(t, webhook.Verify(tc.secret, http.Header{}, nil), webhook.ErrInvalidSecret)
			_, err = webhook.Sign(tc.secret, "msg_1", time.Unix(1, 0), nil)
			require.ErrorIs(t, err, webhook.ErrInvalidSecret)
		})
	}
	for _, n := range []int{24, 32, 64} {
		_, err := webhook.NewVerifier("whsec_" + key(n))
		require.NoError(t, err, "%d bytes", n)
	}
}

// The key is the decoded secret, not its text: a signature keyed with the
// text (the mistake the specification's libraries guard against) fails.
func TestKeyIsDecodedSecret(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	ver, err := webhook.NewVerifier(v.secret, fixedClock(time.Unix(v.timestamp, 0)))
	require.NoError(t, err)
	textKeyed := "v1," + hmacBase64([]byte(v.secret), v.msgID+"."+strconv.FormatInt(v.timestamp, 10)+"."+v.payload)
	require.ErrorIs(t, ver.Verify(headers(v.msgID, v.timestamp, textKeyed), []byte(v.payload)), webhook.ErrInvalidSignature)
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(v.secret, "whsec_"))
	require.NoError(t, err)
	decodedKeyed := "v1," + hmacBase64(key, v.msgID+"."+strconv.FormatInt(v.timestamp, 10)+"."+v.payload)
	assert.Equal(t, v.signature, decodedKeyed)
	require.NoError(t, ver.Verify(headers(v.msgID, v.timestamp, decodedKeyed), []byte(v.payload)))
}

func TestSignRejectsBadArguments(t *testing.T) {
	t.Parallel()
	secret := vectors[0].secret
	for _, tc := range []struct {
		name, id string
		ts       time.Time
		want     string
	}{
		{"empty id", "", time.Unix(1, 0), "msgID must not be empty"},
		{"id with space", "msg 1", time.Unix(1, 0), "msgID has a byte 0x20"},
		{"id with newline", "msg\n1", time.Unix(1, 0), "msgID has a byte 0x0a"},
		{"id not ASCII", "msg_é", time.Unix(1, 0), "msgID has a byte 0xc3"},
		{"zero time", "msg_1", time.Time{}, "before 1970"},
		{"negative time", "msg_1", time.Unix(-1, 0), "before 1970"},
	} {
		_, err := webhook.Sign(secret, tc.id, tc.ts, nil)
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
		assert.NotContains(t, err.Error(), strings.TrimPrefix(secret, "whsec_"), tc.name)
	}
}

// Sign counts whole seconds, as the timestamp header does.
func TestSignTruncatesToSeconds(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	got, err := webhook.Sign(v.secret, v.msgID, time.Unix(v.timestamp, 999_999_999), []byte(v.payload))
	require.NoError(t, err)
	assert.Equal(t, v.signature, got)
}

func TestVerifierNeverPrintsItsKey(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	ver, err := webhook.NewVerifier(v.secret)
	require.NoError(t, err)
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(v.secret, "whsec_"))
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		for _, x := range []any{ver, *ver} {
			out := fmt.Sprintf(verb, x)
			assert.NotContains(t, out, strings.TrimPrefix(v.secret, "whsec_"), verb)
			assert.NotContains(t, out, fmt.Sprint(key[:4]), verb)
			assert.NotContains(t, out, fmt.Sprintf("%x", key[:4]), verb)
			assert.NotContains(t, out, fmt.Sprintf("%d", key[0])+" "+fmt.Sprintf("%d", key[1]), verb)
		}
	}
	assert.Equal(t, "webhook.Verifier{tolerance: 5m0s}", fmt.Sprint(ver))
}

func TestZeroVerifierRefusesEverything(t *testing.T) {
	t.Parallel()
	v := vectors[0]
	h := headers(v.msgID, v.timestamp, v.signature)
	for _, ver := range []*webhook.Verifier{nil, {}} {
		require.ErrorIs(t, ver.Verify(h, []byte(v.payload)), webhook.ErrInvalidSecret)
	}
}
