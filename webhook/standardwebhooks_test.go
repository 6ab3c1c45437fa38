package webhook_test

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/webhook"
)

// Round trips with the specification's own Go library: what one signs, the
// other verifies, for keys of every allowed size and for bodies that are not
// JSON.
func TestRoundTripWithStandardWebhooksLibrary(t *testing.T) {
	t.Parallel()
	bodies := [][]byte{nil, []byte(`{"type":"message.delivered"}`), {0, 0xff, '.', '\n', 0x80}}
	for _, n := range []int{webhook.MinSecretBytes, 32, webhook.MaxSecretBytes} {
		key := make([]byte, n)
		_, _ = rand.Read(key)
		secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
		theirs, err := standardwebhooks.NewWebhook(secret)
		require.NoError(t, err)
		for i, body := range bodies {
			id := "msg_" + strconv.Itoa(n) + "_" + strconv.Itoa(i)
			now := time.Now()

			// Ours signs, theirs verifies.
			sig, err := webhook.Sign(secret, id, now, body)
			require.NoError(t, err)
			require.NoError(t, theirs.Verify(body, deliveryHeader(id, now, sig)), "%d-byte key, body %d", n, i)

			// Theirs signs, ours verifies (rotation: among a wrong value).
			sig, err = theirs.Sign(id, now, body)
			require.NoError(t, err)
			require.NoError(t, webhook.Verify(secret, deliveryHeader(id, now, wrongSignatures[0]+" "+sig), body), "%d-byte key, body %d", n, i)

			// Both refuse a changed body.
			changed := append([]byte{'!'}, body...)
			require.Error(t, theirs.Verify(changed, deliveryHeader(id, now, sig)))
			require.ErrorIs(t, webhook.Verify(secret, deliveryHeader(id, now, sig), changed), webhook.ErrInvalidSignature)
		}
	}
}

func deliveryHeader(id string, at time.Time, sig string) http.Header {
	h := http.Header{}
	h.Set(standardwebhooks.HeaderWebhookID, id)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(standardwebhooks.HeaderWebhookSignature, sig)
	return h
}

// BenchmarkVerify compares a reused Verifier with the specification's Go
// library on the same 2 KiB delivery (report the ratio of the two lines).
func BenchmarkVerify(b *testing.B) {
	v := vectors[0]
	body := make([]byte, 2048)
	now := time.Now()
	sig, err := webhook.Sign(v.secret, v.msgID, now, body)
	require.NoError(b, err)
	h := deliveryHeader(v.msgID, now, sig)
	b.Run("hookscope", func(b *testing.B) {
		ver, err := webhook.NewVerifier(v.secret)
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			if err := ver.Verify(h, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("standardwebhooks", func(b *testing.B) {
		theirs, err := standardwebhooks.NewWebhook(v.secret)
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			if err := theirs.Verify(body, h); err != nil {
				b.Fatal(err)
			}
		}
	})
}
