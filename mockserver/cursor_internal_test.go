package mockserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceCursor is the wire form as the mock made it before the pooled
// MAC and the hand-written JSON: encoding/json, then crypto/hmac.
func referenceCursor(secret []byte, c cursor) string {
	payload, _ := json.Marshal(c)
	m := hmac.New(sha256.New, secret)
	_, _ = m.Write([]byte("cursor\x00"))
	_, _ = m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(append(m.Sum(nil)[:cursorTagLen], payload...))
}

// encodeCursor gives the same bytes as encoding/json and crypto/hmac, for
// every field set or zero and for ids that need escaping, and decodeCursor
// reads them back; a MAC taken from the pool starts afresh.
func TestEncodeCursorAsReference(t *testing.T) {
	t.Parallel()
	s := &Server{}
	id := &identity{secret: []byte("0123456789abcdef0123456789abcdef")}
	s.ident.Store(id)
	cursors := []cursor{
		{Kind: "logs", Filter: "3w5e11264sgsf", TimeNS: 1778079845123000000, ID: "0196a5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b"},
		{Kind: "webhooks", TimeNS: 1, ID: "ep_390637754c3918881bfde2b6c5f7076c"},
		{Kind: "metrics_webhooks", Filter: "x", Offset: 500, From: 1778000000, To: 1778079845},
		{Kind: "admin_messages", Filter: "", TimeNS: -5, ID: `a"b\c<d>&e` + "\u2028\x01\xff日本"},
		{Kind: "", Filter: ""},
		{Kind: "k", Offset: -1, From: -2, To: -3},
	}
	for range 3 { // the second and third rounds use pooled MACs
		for _, c := range cursors {
			got := s.encodeCursor(c)
			require.Equal(t, referenceCursor(id.secret, c), got, "%+v", c)
			back, err := s.decodeCursor(got, c.Kind, c.Filter)
			if c.Offset < 0 {
				assert.NotNil(t, err, "negative offset refused")
				continue
			}
			require.Nil(t, err, "%+v", c)
			if utf8.ValidString(c.ID) { // invalid UTF-8 comes back as U+FFFD
				assert.Equal(t, c, back)
			}
		}
	}
	_, err := s.decodeCursor(s.encodeCursor(cursors[0])+"A", "logs", cursors[0].Filter)
	assert.NotNil(t, err, "altered cursor refused")
	other := &Server{}
	other.ident.Store(&identity{secret: []byte("another secret")})
	_, err = other.decodeCursor(s.encodeCursor(cursors[0]), "logs", cursors[0].Filter)
	assert.NotNil(t, err, "another secret's cursor refused")
}

// Cursors made at once on many goroutines are each right.
func TestEncodeCursorConcurrent(t *testing.T) {
	t.Parallel()
	s := &Server{}
	id := &identity{secret: []byte("secret")}
	s.ident.Store(id)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				c := cursor{Kind: "logs", Filter: "f", TimeNS: int64(g*1000 + i), ID: "id"}
				assert.Equal(t, referenceCursor(id.secret, c), s.encodeCursor(c))
			}
		})
	}
	wg.Wait()
}
