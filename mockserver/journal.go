package mockserver

import (
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

// journal is a ring of the last maxJournal requests, kept compact: an
// entry's strings are copied, back to back, into a buffer the entry's slot
// owns and reuses when the ring comes round, so that journaling a request
// allocates nothing once the ring is full and keeps none of the request's
// memory alive; the maps of RecordedRequest are made when Requests asks.
type journal struct {
	mu   sync.Mutex
	recs []journalRec
	at   int // next slot when full
	// kv is the name/value list an entry is built in before it is copied
	// into its slot (under mu; cleared after, to hold no request strings).
	kv []string
}

// journalRec is a RecordedRequest as the journal keeps it.
type journalRec struct {
	// buf holds the method, the path, then the kept query values, then the
	// kept header values, each as a name and a value, back to back; item i
	// ends at ends[i].
	buf  []byte
	ends []int32
	// nq is the number of items of the query's part (after method and
	// path).
	nq        int
	status    int
	truncated bool
}

// item returns a copy of rec's item i.
func (rec *journalRec) item(i int) string {
	start := int32(0)
	if i > 0 {
		start = rec.ends[i-1]
	}
	return string(rec.buf[start:rec.ends[i]])
}

// set makes rec hold method, path and kv (nq of them the query's), in its
// own buffers.
func (rec *journalRec) set(method, path string, kv []string, nq, status int, truncated bool) {
	size := len(method) + len(path)
	for _, v := range kv {
		size += len(v)
	}
	if cap(rec.buf) > 4*size && cap(rec.buf) > 1<<10 {
		rec.buf = nil // a large entry's buffer is not kept for small ones
	}
	buf, ends := rec.buf[:0], rec.ends[:0]
	buf = append(buf, method...)
	ends = append(ends, int32(len(buf)))
	buf = append(buf, path...)
	ends = append(ends, int32(len(buf)))
	for _, v := range kv {
		buf = append(buf, v...)
		ends = append(ends, int32(len(buf)))
	}
	*rec = journalRec{buf: buf, ends: ends, nq: nq, status: status, truncated: truncated}
}

// add journals r in the next slot: Authorization redacted, the path, q's
// values (r's parsed query) and the header cut to the entry's bounds
// (Truncated says so).
func (j *journal) add(r *http.Request, q *queryArgs, status int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	b := entryBudget{left: maxEntryBytes}
	path, _ := b.value(r.URL.Path)
	kv := boundValues(&b, j.kv[:0], q)
	nq := len(kv)
	kv = boundHeader(&b, kv, r.Header)
	var rec *journalRec
	if len(j.recs) < maxJournal {
		j.recs = append(j.recs, journalRec{})
		rec = &j.recs[len(j.recs)-1]
	} else {
		rec = &j.recs[j.at]
		j.at = (j.at + 1) % maxJournal
	}
	rec.set(cutUTF8(r.Method, 32), path, kv, nq, status, b.truncated)
	clear(kv)
	j.kv = kv[:0]
}

// list returns the requests oldest first.
func (j *journal) list() []RecordedRequest {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]RecordedRequest, 0, len(j.recs))
	for i := range j.recs[j.at:] {
		out = append(out, j.recs[j.at+i].recorded())
	}
	for i := range j.recs[:j.at] {
		out = append(out, j.recs[i].recorded())
	}
	return out
}

// recorded is rec as Requests reports it, with strings and maps of its own.
func (rec *journalRec) recorded() RecordedRequest {
	const first = 2 // method and path
	n := len(rec.ends) - first
	query := make(url.Values, min(rec.nq/2, 16))
	for i := 0; i+1 < rec.nq; i += 2 {
		k := rec.item(first + i)
		query[k] = append(query[k], rec.item(first+i+1))
	}
	header := make(http.Header, min((n-rec.nq)/2, 16))
	for i := rec.nq; i+1 < n; i += 2 {
		k := rec.item(first + i)
		header[k] = append(header[k], rec.item(first+i+1))
	}
	return RecordedRequest{Method: rec.item(0), Path: rec.item(1), Query: query, Header: header,
		Status: rec.status, Truncated: rec.truncated}
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
var journalHeaderFirst = []string{"Authorization", "Idempotency-Key", "Content-Type", "Content-Length", "User-Agent", "Accept", "X-Request-Id"}

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
// others by name.
func boundHeader(b *entryBudget, kv []string, h http.Header) []string {
	var buf [8]string
	names := buf[:0]
	for k := range h {
		if !slices.Contains(journalHeaderFirst, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range journalHeaderFirst {
		kv = boundHeaderValues(b, kv, k, h)
	}
	for _, k := range names {
		kv = boundHeaderValues(b, kv, k, h)
	}
	return kv
}

// boundHeaderValues appends the values of h's header k within b to kv.
func boundHeaderValues(b *entryBudget, kv []string, k string, h http.Header) []string {
	vs, ok := h[k]
	if !ok {
		return kv
	}
	name, ok := b.value(k)
	if !ok {
		return kv
	}
	for _, v := range vs {
		if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Proxy-Authorization") {
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
