package mockserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"hash/fnv"
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

// cursorMAC is a keyed HMAC-SHA256 of an identity's secret with scratch
// space, reused through the identity's pool: a cursor costs no hash state,
// key schedule or buffer of its own.
type cursorMAC struct {
	mac hash.Hash
	buf []byte   // "cursor\x00" and the payload
	sum [32]byte // the tag
	out []byte   // tag and payload, before base64
}

// cursorMAC takes a cursorMAC of id's secret from its pool; put it back
// with putCursorMAC.
func (id *identity) cursorMAC() *cursorMAC {
	if m, ok := id.cursorMACs.Get().(*cursorMAC); ok {
		m.mac.Reset()
		return m
	}
	return &cursorMAC{mac: hmac.New(sha256.New, id.secret)}
}

func (id *identity) putCursorMAC(m *cursorMAC) {
	if cap(m.buf) <= 4096 && cap(m.out) <= 4096 {
		id.cursorMACs.Put(m)
	}
}

// tag is the cursor tag of the payload in m.buf after its "cursor\x00".
func (m *cursorMAC) tag() []byte {
	_, _ = m.mac.Write(m.buf)
	return m.mac.Sum(m.sum[:0])[:cursorTagLen]
}

const cursorTagPrefix = "cursor\x00"

// encodeCursor returns c's opaque wire form.
func (s *Server) encodeCursor(c cursor) string { return s.id().encodeCursor(c) }

// encodeCursor is c as a cursor string signed with id's secret.
func (id *identity) encodeCursor(c cursor) string {
	m := id.cursorMAC()
	defer id.putCursorMAC(m)
	m.buf = appendCursorJSON(append(m.buf[:0], cursorTagPrefix...), c)
	m.out = append(append(m.out[:0], m.tag()...), m.buf[len(cursorTagPrefix):]...)
	return base64.RawURLEncoding.EncodeToString(m.out)
}

// appendCursorJSON appends c as encoding/json marshals it (fields in order,
// the omitempty ones left out when zero).
func appendCursorJSON(b []byte, c cursor) []byte {
	b = append(b, `{"k":`...)
	b = appendString(b, c.Kind)
	b = append(b, `,"h":`...)
	b = appendString(b, c.Filter)
	if c.TimeNS != 0 {
		b = strconv.AppendInt(append(b, `,"t":`...), c.TimeNS, 10)
	}
	if c.ID != "" {
		b = appendString(append(b, `,"i":`...), c.ID)
	}
	if c.Offset != 0 {
		b = strconv.AppendInt(append(b, `,"o":`...), int64(c.Offset), 10)
	}
	if c.From != 0 {
		b = strconv.AppendInt(append(b, `,"f":`...), c.From, 10)
	}
	if c.To != 0 {
		b = strconv.AppendInt(append(b, `,"u":`...), c.To, 10)
	}
	return append(b, '}')
}

// decodeCursor checks raw and that it was made for kind under filter. Any
// failure is a 400 INVALID_REQUEST naming cursor.
func (s *Server) decodeCursor(raw, kind, filter string) (cursor, *apiError) {
	var c cursor
	bad := func() *apiError { return invalid("cursor", "is not a valid cursor for this request") }
	if len(raw) > 4096 {
		return c, bad()
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(raw, "="))
	if err != nil || len(b) <= cursorTagLen {
		return c, bad()
	}
	tag, payload := b[:cursorTagLen], b[cursorTagLen:]
	id := s.id()
	m := id.cursorMAC()
	m.buf = append(append(m.buf[:0], cursorTagPrefix...), payload...)
	ok := hmac.Equal(tag, m.tag())
	id.putCursorMAC(m)
	if !ok || json.Unmarshal(payload, &c) != nil {
		return c, bad()
	}
	if c.Kind != kind {
		return c, invalid("cursor", "was made for another endpoint")
	}
	if c.Filter != filter {
		return c, invalid("cursor", "was made for other filters")
	}
	if c.Offset < 0 {
		return c, bad()
	}
	return c, nil
}

// cursorTime is the time of a keyset cursor.
func (c cursor) time() time.Time { return time.Unix(0, c.TimeNS).UTC() }

// cursorParam reads the query's cursor, which must have been made for kind
// under filter; ok is false when there is none.
func (s *Server) cursorParam(q *queryArgs, kind, filter string) (c cursor, ok bool, err *apiError) {
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
