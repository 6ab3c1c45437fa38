package mockserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// cursor is the state of a keyset page, bound to the endpoint (Kind) and to
// the filters it was made under (Filter). The wire form is base64url of an
// HMAC tag and the JSON of this struct: a cursor that does not decode, was
// altered, or was made for another endpoint or other filters is rejected.
type cursor struct {
	Kind   string `json:"k"`
	Filter string `json:"h"`
	// Keyset position: the last row served, by (created_at, id).
	TimeNS int64  `json:"t,omitempty"`
	ID     string `json:"i,omitempty"`
	// Offset is the next row (metrics pages, whose rows are computed).
	Offset int `json:"o,omitempty"`
	// From and To pin a metrics window whose defaults depend on the clock.
	From int64 `json:"f,omitempty"`
	To   int64 `json:"u,omitempty"`
}

const cursorTagLen = 12

// filterHash condenses the filters a cursor is bound to.
func filterHash(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

func (s *Server) cursorTag(payload []byte) []byte {
	m := hmac.New(sha256.New, s.id().secret)
	_, _ = m.Write([]byte("cursor\x00"))
	_, _ = m.Write(payload)
	return m.Sum(nil)[:cursorTagLen]
}

// encodeCursor returns c's opaque wire form.
func (s *Server) encodeCursor(c cursor) string {
	payload, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(append(s.cursorTag(payload), payload...))
}

// decodeCursor checks raw and that it was made for kind under filter. Any
// failure is a 400 INVALID_REQUEST naming cursor.
func (s *Server) decodeCursor(raw, kind, filter string) (cursor, *apiError) {
	var c cursor
	bad := invalid("cursor", "is not a valid cursor for this request")
	if len(raw) > 4096 {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(raw, "="))
	if err != nil || len(b) <= cursorTagLen {
		return c, bad
	}
	tag, payload := b[:cursorTagLen], b[cursorTagLen:]
	if !hmac.Equal(tag, s.cursorTag(payload)) {
		return c, bad
	}
	if json.Unmarshal(payload, &c) != nil {
		return c, bad
	}
	if c.Kind != kind {
		return c, invalid("cursor", "was made for another endpoint")
	}
	if c.Filter != filter {
		return c, invalid("cursor", "was made for other filters")
	}
	if c.Offset < 0 {
		return c, bad
	}
	return c, nil
}

// cursorTime is the time of a keyset cursor.
func (c cursor) time() time.Time { return time.Unix(0, c.TimeNS).UTC() }

// cursorParam reads the query's cursor, which must have been made for kind
// under filter; ok is false when there is none.
func (s *Server) cursorParam(q url.Values, kind, filter string) (c cursor, ok bool, err *apiError) {
	raw, ok, err := queryValue(q, "cursor")
	if err != nil || !ok {
		return c, false, err
	}
	c, err = s.decodeCursor(raw, kind, filter)
	return c, err == nil, err
}

// nextCursor is next_cursor of a page whose last position is last: null
// (nil) unless more rows follow.
func (s *Server) nextCursor(last cursor, more bool) *string {
	if !more {
		return nil
	}
	return new(s.encodeCursor(last))
}
