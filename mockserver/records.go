package mockserver

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// chunkBits sizes an arena's chunks: 1<<chunkBits records each.
const chunkBits = 14

// arena is an append-only sequence of records in fixed-size chunks,
// addressed by an int32 position (chunk<<chunkBits | offset). Records of a
// type without pointers make chunks the garbage collector does not scan,
// and a chunk never moves once full, so growing an arena copies at most one
// chunk. The last chunk grows by doubling; trim cuts its spare capacity.
type arena[T any] struct {
	chunks [][]T
}

// at is the record at position i.
func (a *arena[T]) at(i int32) *T { return &a.chunks[i>>chunkBits][i&(1<<chunkBits-1)] }

// span is the n records from position i, which alloc made contiguous.
func (a *arena[T]) span(i int32, n int) []T {
	off := int(i & (1<<chunkBits - 1))
	return a.chunks[i>>chunkBits][off : off+n : off+n]
}

// alloc appends n zero records, all in one chunk (n ≤ 1<<chunkBits), and
// returns the position of the first.
func (a *arena[T]) alloc(n int) int32 {
	k := len(a.chunks) - 1
	if k < 0 || len(a.chunks[k])+n > 1<<chunkBits {
		size := 1 << chunkBits
		if k < 0 {
			size = max(n, 64) // a small org stays small
		}
		a.chunks = append(a.chunks, make([]T, 0, size))
		k++
	}
	c := a.chunks[k]
	start := len(c)
	a.chunks[k] = slices.Grow(c, n)[:start+n]
	return int32(k<<chunkBits | start)
}

// trim gives the last chunk's spare capacity back.
func (a *arena[T]) trim() {
	if k := len(a.chunks) - 1; k >= 0 && cap(a.chunks[k]) > len(a.chunks[k]) {
		a.chunks[k] = slices.Clone(a.chunks[k])
	}
}

// intern returns the number of s in o.strs, adding it if new.
func (o *org) intern(s string) uint32 {
	if i, ok := o.strIdx[s]; ok {
		return i
	}
	i := uint32(len(o.strs))
	o.strs = append(o.strs, s)
	o.strIdx[s] = i
	return i
}

// msg is the record of message ref.
func (o *org) msg(ref int32) *msgRec { return o.msgs.at(ref) }

// attemptsOf is r's attempt records.
func (o *org) attemptsOf(r *msgRec) []attRec {
	if r.nAtt == 0 {
		return nil
	}
	return o.atts.span(r.att, int(r.nAtt))
}

// lastAtt is r's last attempt, or nil.
func (o *org) lastAtt(r *msgRec) *attRec {
	if r.nAtt == 0 {
		return nil
	}
	return o.atts.at(r.att + int32(r.nAtt) - 1)
}

// successAtt is r's successful attempt (its last), or nil.
func (o *org) successAtt(r *msgRec) *attRec {
	if a := o.lastAtt(r); a != nil && a.succeeded() {
		return a
	}
	return nil
}

// lastFailedAtt is r's latest failed attempt, or nil.
func (o *org) lastFailedAtt(r *msgRec) *attRec {
	as := o.attemptsOf(r)
	for i := len(as) - 1; i >= 0; i-- {
		if !as[i].succeeded() {
			return &as[i]
		}
	}
	return nil
}

// resourceOf is r's resource id.
func (o *org) resourceOf(r *msgRec) string {
	if r.flags&recResourceStr != 0 {
		return o.strs[r.resource]
	}
	return strconv.FormatUint(uint64(r.resource), 10)
}

// endpointOf is r's endpoint.
func (o *org) endpointOf(r *msgRec) *endpoint { return o.endpoints[r.ep] }

// statusIndex is the number of a message status in statusNames.
func statusIndex(s hookscope.MessageStatus) uint8 {
	for i, n := range statusNames {
		if n == string(s) {
			return uint8(i)
		}
	}
	return 0
}

// retryTypeIndex is the number of a retry type in retryTypes.
func retryTypeIndex(t hookscope.RetryType) uint8 {
	for i, v := range retryTypes {
		if v == t {
			return uint8(i)
		}
	}
	return 0
}

// numericResource is s as a resource number when s is the decimal form of
// one (no sign, no leading zero but for "0"), and fits.
func numericResource(s string) (uint32, bool) {
	if s == "" || len(s) > 9 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// toRec is m's message record and its attempts' records, with strings
// interned in o; the attempt positions are left to the caller.
func (o *org) toRec(m *message) (msgRec, []attRec) {
	r := msgRec{createdAt: m.createdAt.UnixNano(), status: statusIndex(m.status), ep: m.ep.ordinal,
		event: o.intern(m.eventType), payload: -1}
	r.id, _ = parseUUID(m.id)
	if m.inbound {
		r.flags |= recInbound
	}
	if m.status == hookscope.StatusPendingRetry {
		r.nextAt = m.nextAttemptAt.UnixNano()
	}
	if n, ok := numericResource(m.resourceID); ok {
		r.resource = n
	} else {
		r.resource = o.intern(m.resourceID)
		r.flags |= recResourceStr
	}
	// A payload that is the one the generator would compute (a restored
	// generated history) is not kept: the record computes it again.
	if m.payload != nil && !bytes.Equal(m.payload, generatedPayload(m.eventType, m.resourceID, m.createdAt)) {
		r.payload = int32(len(o.payloads))
		o.payloads = append(o.payloads, m.payload)
	}
	atts := make([]attRec, len(m.attempts))
	for i := range m.attempts {
		atts[i] = o.toAttRec(&m.attempts[i])
	}
	r.nAtt = uint16(len(atts))
	return r, atts
}

// toAttRec is a's record, with its strings interned in o. The timings fit
// an int32: the generator's do, and AddMessage and Restore refuse larger.
func (o *org) toAttRec(a *attempt) attRec {
	ar := attRec{at: a.at.UnixNano(), latency: int32(a.latency), processing: int32(a.processing),
		dns: int32(a.dns), tcp: int32(a.tcp), tls: int32(a.tls), ttfb: int32(a.ttfb), transfer: int32(a.transfer),
		retryAfter: int32(a.retryAfter), err: o.intern(a.errText), ip: o.intern(a.ip), status: int16(a.status),
		no: uint16(a.no), retryType: retryTypeIndex(a.retryType)}
	ar.id, _ = parseUUID(a.id)
	if a.reused {
		ar.flags |= attReused
	}
	if a.truncated {
		ar.flags |= attTruncated
	}
	return ar
}

// view is message ref as plain values (it allocates: for the reads that
// need a whole message, not for a page of rows).
func (o *org) view(ref int32) *message {
	r := o.msg(ref)
	m := &message{id: uuidString(r.id), inbound: r.inbound(), org: o, ep: o.endpointOf(r),
		eventType: o.strs[r.event], resourceID: o.resourceOf(r), createdAt: unixTime(r.createdAt), status: r.state()}
	if r.payload >= 0 {
		m.payload = o.payloads[r.payload]
	}
	if m.status == hookscope.StatusPendingRetry {
		m.nextAttemptAt = unixTime(r.nextAt)
	}
	as := o.attemptsOf(r)
	m.attempts = make([]attempt, len(as))
	for i := range as {
		m.attempts[i] = o.attemptView(&as[i])
	}
	return m
}

// attemptView is a as plain values.
func (o *org) attemptView(a *attRec) attempt {
	return attempt{id: uuidString(a.id), no: int(a.no), at: unixTime(a.at), status: int(a.status),
		latency: int64(a.latency), processing: int64(a.processing), dns: int64(a.dns), tcp: int64(a.tcp),
		tls: int64(a.tls), ttfb: int64(a.ttfb), transfer: int64(a.transfer), reused: a.flags&attReused != 0,
		errText: o.strs[a.err], retryType: retryTypes[a.retryType], retryAfter: int64(a.retryAfter),
		ip: o.strs[a.ip], truncated: a.flags&attTruncated != 0}
}

// unixTime is unix ns as a UTC time.
func unixTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// parseUUID reads a UUID in its canonical text form (either case).
func parseUUID(s string) (id [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, false
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		hi, ok1 := fromHex(s[i])
		lo, ok2 := fromHex(s[i+1])
		if !ok1 || !ok2 {
			return [16]byte{}, false
		}
		id[j] = hi<<4 | lo
		i, j = i+2, j+1
	}
	return id, true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendUUID appends id in its canonical lower-case text form.
func appendUUID(b []byte, id [16]byte) []byte {
	var s [36]byte
	hex.Encode(s[0:8], id[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], id[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], id[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], id[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], id[10:16])
	return append(b, s[:]...)
}

// uuidString is id in its canonical text form.
func uuidString(id [16]byte) string { return string(appendUUID(make([]byte, 0, 36), id)) }

// uuidMilli is the unix millisecond a UUIDv7 carries.
func uuidMilli(id [16]byte) int64 {
	return int64(id[0])<<40 | int64(id[1])<<32 | int64(id[2])<<24 | int64(id[3])<<16 | int64(id[4])<<8 | int64(id[5])
}

// rowCacheSlots is the size of a rowCache: a power of two above
// maxCachedRows, so that the newest rows (consecutive positions, mostly)
// do not evict one another.
const rowCacheSlots = 1 << 14

// rowCache keeps encoded rows of messages, one slot per position modulo
// rowCacheSlots (a newer row of the same slot replaces an older one). Its
// slots are allocated on the first row stored, and read and written
// atomically under the store's read lock: concurrent readers may both
// encode a row and store it, which is harmless (the bytes are the same).
type rowCache struct {
	slots atomic.Pointer[[rowCacheSlots]atomic.Pointer[renderedRow]]
}

// renderedRow is a message's encoded row and the endpoint URL it was
// encoded with. A message never changes once stored, but its endpoint's
// URL may (PATCH), so a row is reused only while the URL is the same.
type renderedRow struct {
	ref int32
	url string
	row []byte
}

// get is the row of ref encoded with url, or nil.
func (c *rowCache) get(ref int32, url string) []byte {
	slots := c.slots.Load()
	if slots == nil {
		return nil
	}
	if r := slots[ref&(rowCacheSlots-1)].Load(); r != nil && r.ref == ref && r.url == url {
		return r.row
	}
	return nil
}

// put stores row as ref's, encoded with url.
func (c *rowCache) put(ref int32, url string, row []byte) {
	slots := c.slots.Load()
	if slots == nil {
		slots = new([rowCacheSlots]atomic.Pointer[renderedRow])
		if !c.slots.CompareAndSwap(nil, slots) {
			slots = c.slots.Load()
		}
	}
	slots[ref&(rowCacheSlots-1)].Store(&renderedRow{ref: ref, url: url, row: row})
}
