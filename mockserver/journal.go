package mockserver

import (
	"encoding/binary"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// maxJournal bounds Requests.
const maxJournal = 10000

// RecordedRequest is a request that reached the server, as Requests reports it.
type RecordedRequest struct {
	Method string
	Path   string
	Query  url.Values
	// Header is the request's header. Authorization shows its scheme and,
	// of the token, only a known key prefix ("Bearer am_test_[REDACTED]").
	Header http.Header
	// Status is the status answered; 0 when a Drop fault closed the
	// connection or the client went away before an answer.
	Status int
	// Truncated reports that the journal cut the request to its bounds:
	// the path and each query or header value are kept up to 1 KiB (a cut
	// value ends in "…[truncated]"), and an entry keeps at most 8 KiB of
	// path, query and header (the values past that are left out).
	Truncated bool
}

// journal keeps the last maxJournal requests, compact and in sequence:
// an entry is written, its length first, then its status, query count and
// truncation, then its strings each after its length, at the end of the
// current chunk of the journal's buffers, one entry after the other. The
// oldest entries are at the start of the oldest chunk; a chunk whose
// entries have all left the journal is used again. So journaling a request
// writes only memory next to the last entry's (no slot array to reach, cold
// after ten thousand other requests), allocates nothing once the journal
// is full, and keeps none of the request's memory alive; the maps of
// RecordedRequest are made when Requests asks.
type journal struct {
	mu sync.Mutex
	// chunks hold the entries, oldest first; the last is the current one.
	chunks []*journalChunk
	n      int // entries in the journal
	gone   int // entries at the start of chunks[0] that have left it
	// free are chunks whose entries have all left the journal, for the
	// next chunk to be begun (at most maxFreeChunks).
	free []*journalChunk
}

// journalChunkSize is the size of a journal's chunks: an entry takes at
// most about maxEntryBytes of one, so several go in each.
const journalChunkSize = 64 << 10

// maxFreeChunks is the most emptied chunks a journal keeps for reuse.
const maxFreeChunks = 2

// journalChunk is one of a journal's buffers.
type journalChunk struct {
	buf   []byte // the entries written in it, back to back
	count int    // how many
}

// add journals r: Authorization redacted, the path, q's values (r's
// parsed query) and the header cut to the entry's bounds (Truncated says
// so). The entry is bounded before the lock is taken; under it, its bytes
// are only copied.
func (j *journal) add(r *http.Request, q *queryArgs, status int) {
	b := entryBudget{left: maxEntryBytes}
	var buf [32]string
	path, _ := b.value(r.URL.Path)
	kv := append(buf[:0], cutUTF8(r.Method, 32), path)
	kv = boundValues(&b, kv, q)
	nq := len(kv) - 2
	kv = boundHeader(&b, kv, r.Header)
	truncated := 0
	if b.truncated {
		truncated = 1
	}
	body := uvarintLen(uint64(status)) + uvarintLen(uint64(nq)) + 1
	for _, v := range kv {
		body += uvarintLen(uint64(len(v))) + len(v)
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	if j.n == maxJournal {
		j.dropOldest()
	}
	c := j.chunkFor(uvarintLen(uint64(body)) + body)
	c.buf = binary.AppendUvarint(c.buf, uint64(body))
	c.buf = binary.AppendUvarint(c.buf, uint64(status))
	c.buf = binary.AppendUvarint(c.buf, uint64(nq))
	c.buf = append(c.buf, byte(truncated))
	for _, v := range kv {
		c.buf = binary.AppendUvarint(c.buf, uint64(len(v)))
		c.buf = append(c.buf, v...)
	}
	c.count++
	j.n++
}

// uvarintLen is the length of n as binary.AppendUvarint writes it.
func uvarintLen(n uint64) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// dropOldest takes the oldest entry out of the journal; its chunk, once
// all of its entries are gone, is emptied for reuse.
func (j *journal) dropOldest() {
	j.n--
	j.gone++
	oldest := j.chunks[0]
	if j.gone < oldest.count {
		return
	}
	j.gone = 0
	oldest.buf, oldest.count = oldest.buf[:0], 0
	if len(j.chunks) == 1 {
		return // the current chunk: written again from its start
	}
	j.chunks = append(j.chunks[:0], j.chunks[1:]...)
	if len(j.free) < maxFreeChunks {
		j.free = append(j.free, oldest)
	}
}

// chunkFor returns a chunk with room for size more bytes: the current one,
// or a new current one (emptied before, or allocated).
func (j *journal) chunkFor(size int) *journalChunk {
	if n := len(j.chunks); n > 0 {
		if c := j.chunks[n-1]; cap(c.buf)-len(c.buf) >= size {
			return c
		}
	}
	var c *journalChunk
	if n := len(j.free); n > 0 && cap(j.free[n-1].buf) >= size {
		c = j.free[n-1]
		j.free[n-1] = nil
		j.free = j.free[:n-1]
	} else {
		c = &journalChunk{buf: make([]byte, 0, max(journalChunkSize, size))}
	}
	j.chunks = append(j.chunks, c)
	return c
}

// clear empties the journal.
func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.chunks, j.n, j.gone, j.free = nil, 0, 0, nil
}

// entries calls f with each entry's bytes (after its length), oldest first.
// j.mu is held.
func (j *journal) entries(f func(e []byte)) {
	for i, c := range j.chunks {
		p := c.buf
		for k := range c.count {
			size, w := binary.Uvarint(p)
			e := p[w : w+int(size)]
			p = p[w+int(size):]
			if i == 0 && k < j.gone {
				continue // left the journal
			}
			f(e)
		}
	}
}

// list returns the requests oldest first.
func (j *journal) list() []RecordedRequest {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]RecordedRequest, 0, j.n)
	j.entries(func(e []byte) { out = append(out, recordedEntry(e)) })
	return out
}

// recordedEntry is the entry e as Requests reports it, with strings and
// maps of its own.
func recordedEntry(e []byte) RecordedRequest {
	status, w := binary.Uvarint(e)
	e = e[w:]
	nq, w := binary.Uvarint(e)
	e = e[w:]
	truncated := e[0] == 1
	e = e[1:]
	var items []string
	for len(e) > 0 {
		n, w := binary.Uvarint(e)
		items = append(items, string(e[w:w+int(n)]))
		e = e[w+int(n):]
	}
	const first = 2 // method and path
	kv := items[first:]
	query := make(url.Values, min(int(nq)/2, 16))
	for i := 0; i+1 < int(nq); i += 2 {
		query[kv[i]] = append(query[kv[i]], kv[i+1])
	}
	header := make(http.Header, min((len(kv)-int(nq))/2, 16))
	for i := int(nq); i+1 < len(kv); i += 2 {
		header[kv[i]] = append(header[kv[i]], kv[i+1])
	}
	return RecordedRequest{Method: items[0], Path: items[1], Query: query, Header: header,
		Status: int(status), Truncated: truncated}
}

// record journals r; q is its parsed query when the request got that far
// (nil or not parsed: parse it here).
func (s *Server) record(r *http.Request, q *queryArgs, status int) {
	if q == nil || !q.parsed {
		q = new(queryArgs)
		_ = q.parse(r.URL.RawQuery)
	}
	s.journal.add(r, q, status)
}

// Requests returns the requests that reached the server, oldest first: the
// last 10,000 of them, each cut to at most 8 KiB (see RecordedRequest), so
// that the journal stays within about 80 MiB whatever clients send.
func (s *Server) Requests() []RecordedRequest { return s.journal.list() }

// Bounds of one journal entry, so that the journal's memory is bounded in
// bytes (at most maxJournal entries of at most maxEntryBytes each), whatever
// a client sends: headers and a request line may hold a megabyte each.
const (
	// maxJournalValue bounds the path and each kept query or header value.
	maxJournalValue = 1 << 10
	// maxEntryBytes bounds the bytes an entry keeps of path, query and
	// header: names, values and a fixed cost per value.
	maxEntryBytes = 8 << 10
	// valueOverhead is counted per kept value beside its bytes, so that a
	// flood of empty headers is bounded too.
	valueOverhead = 32
)

// truncatedMark ends a value the journal cut.
const truncatedMark = "…[truncated]"

// journalHeaderFirst are the headers an entry keeps first, before the others
// (by name), so that a large unknown header cannot push them out.
var journalHeaderFirst = [...]string{"Authorization", "Idempotency-Key", "Content-Type", "Content-Length", "User-Agent", "Accept", "X-Request-Id"}

// entryBudget tracks what an entry may still keep.
type entryBudget struct {
	left      int
	truncated bool
}

// value returns v cut to maxJournalValue, and charges it; ok is false when
// the entry has no room left for it.
func (b *entryBudget) value(v string) (string, bool) {
	if len(v) > maxJournalValue {
		v = cutUTF8(v, maxJournalValue) + truncatedMark
		b.truncated = true
	}
	cost := len(v) + valueOverhead
	if cost > b.left {
		b.truncated = true
		return "", false
	}
	b.left -= cost
	return v, true
}

// cutUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// boundValues appends q's values within b to kv, as name and value, names
// in order and each name's values in the order given.
func boundValues(b *entryBudget, kv []string, q *queryArgs) []string {
	var buf [inlineQueryPairs]queryPair
	ps := append(buf[:0], q.pairs()...)
	slices.SortStableFunc(ps, func(x, y queryPair) int { return strings.Compare(x.key, y.key) })
	for len(ps) > 0 {
		k := ps[0].key
		same := 1
		for same < len(ps) && ps[same].key == k {
			same++
		}
		if name, ok := b.value(k); ok {
			for _, p := range ps[:same] {
				if v, ok := b.value(p.value); ok {
					kv = append(kv, name, v)
				}
			}
		}
		ps = ps[same:]
	}
	return kv
}

// boundHeader appends h's values within b to kv, as name and value,
// Authorization redacted: the headers of journalHeaderFirst first, then the
// others by name. It goes over h once.
func boundHeader(b *entryBudget, kv []string, h http.Header) []string {
	var first [len(journalHeaderFirst)][]string
	var present [len(journalHeaderFirst)]bool
	type header struct {
		name   string
		values []string
	}
	var buf [8]header
	others := buf[:0]
	for k, vs := range h {
		if i := headerFirstIndex(k); i >= 0 {
			first[i], present[i] = vs, true
			continue
		}
		others = append(others, header{k, vs})
	}
	slices.SortFunc(others, func(x, y header) int { return strings.Compare(x.name, y.name) })
	for i, k := range journalHeaderFirst {
		if present[i] {
			kv = boundHeaderValues(b, kv, k, first[i])
		}
	}
	for _, o := range others {
		kv = boundHeaderValues(b, kv, o.name, o.values)
	}
	return kv
}

// headerFirstIndex is the place of the header name k in
// journalHeaderFirst, -1 when it is not there.
func headerFirstIndex(k string) int { return slices.Index(journalHeaderFirst[:], k) }

// boundHeaderValues appends the values vs of the header k within b to kv.
func boundHeaderValues(b *entryBudget, kv []string, k string, vs []string) []string {
	name, ok := b.value(k)
	if !ok {
		return kv
	}
	redact := strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Proxy-Authorization")
	for _, v := range vs {
		if redact {
			v = redactAuthorization(v)
		}
		if v, ok := b.value(v); ok {
			kv = append(kv, name, v)
		}
	}
	return kv
}

// knownTokenPrefixes are the prefixes of the API's keys: the only part of a
// token the journal shows.
var knownTokenPrefixes = []string{"am_live_", "am_test_"}

// redactAuthorization hides the credentials of an Authorization value. It
// keeps a Bearer or Basic scheme word and, of a token, only a known key
// prefix ("Bearer am_test_[REDACTED]"); anything else is "[REDACTED]".
func redactAuthorization(v string) string {
	v = strings.TrimSpace(v)
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "Basic")) {
		scheme, token = "", v // the raw-key form, or an unknown scheme word that may be the secret
	}
	token = strings.TrimSpace(token)
	prefix := ""
	for _, p := range knownTokenPrefixes {
		if strings.HasPrefix(token, p) {
			prefix = p
			break
		}
	}
	return redacted(scheme, prefix)
}

// redacted is scheme, a space and prefix+"[REDACTED]" (without a scheme,
// no space): a constant for the scheme words as the API spells them, so
// that journaling a request's key allocates nothing.
func redacted(scheme, prefix string) string {
	switch {
	case scheme == "Bearer" && prefix == "am_test_":
		return "Bearer am_test_[REDACTED]"
	case scheme == "Bearer" && prefix == "am_live_":
		return "Bearer am_live_[REDACTED]"
	case scheme == "Bearer" && prefix == "":
		return "Bearer [REDACTED]"
	case scheme == "" && prefix == "am_test_":
		return "am_test_[REDACTED]"
	case scheme == "" && prefix == "am_live_":
		return "am_live_[REDACTED]"
	case scheme == "" && prefix == "":
		return "[REDACTED]"
	case scheme == "":
		return prefix + "[REDACTED]"
	}
	return scheme + " " + prefix + "[REDACTED]"
}
