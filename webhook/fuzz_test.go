package webhook_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookscope/hookscope-go/webhook"
)

// FuzzVerify: no header or body makes Verify or Handler panic or answer
// anything but the documented errors and statuses; Verify accepts only a
// delivery that carries the right signature; and whatever Sign signs, Verify
// accepts.
func FuzzVerify(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.msgID, strconv.FormatInt(v.timestamp, 10), v.signature, []byte(v.payload))
		f.Add(v.msgID, strconv.FormatInt(v.timestamp, 10), strings.Join(append(slices.Clone(wrongSignatures), v.signature), " "), []byte(v.payload))
	}
	f.Add("", "", "", []byte(nil))
	f.Add("msg 1", "-1", "v1, v1a,x v1,,", []byte("{}"))
	f.Add("msg_1", "99999999999999999999", "v1,AAAA", []byte{0xff})

	v := vectors[0]
	at := time.Unix(v.timestamp, 0)
	ver, err := webhook.NewVerifier(v.secret, fixedClock(at))
	if err != nil {
		f.Fatal(err)
	}
	h := ver.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), webhook.WithMaxBodyBytes(64))

	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		hdr := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Webhook-Signature": {sig}}
		err := ver.Verify(hdr, body)
		switch {
		case err == nil:
			want, serr := webhook.Sign(v.secret, strings.TrimSpace(id), at, body)
			if serr == nil && strings.TrimSpace(ts) == strconv.FormatInt(v.timestamp, 10) && !slices.Contains(strings.Fields(sig), want) {
				t.Fatalf("verified without the right signature: id %q ts %q sig %q", id, ts, sig)
			}
		case !anyIs(err, webhook.ErrMissingHeaders, webhook.ErrTimestamp, webhook.ErrInvalidSignature):
			t.Fatalf("undocumented error %v", err)
		}

		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header = hdr.Clone()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("handler answered %d", rec.Code)
		}
		if rec.Code == http.StatusOK && err != nil {
			t.Fatalf("handler let through what Verify refused: %v", err)
		}

		// Sign then Verify round-trips for every id Sign accepts.
		sigOut, serr := webhook.Sign(v.secret, id, at, body)
		if serr != nil {
			return
		}
		good := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {strconv.FormatInt(v.timestamp, 10)}, "Webhook-Signature": {sigOut}}
		if err := ver.Verify(good, body); err != nil {
			t.Fatalf("Sign then Verify: %v", err)
		}
	})
}

func anyIs(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
