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

// journal is a ring of the last maxJournal requests.
type journal struct {
	mu   sync.Mutex
	recs []RecordedRequest
	at   int // next slot when full
}

func (j *journal) add(rec RecordedRequest) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.recs) < maxJournal {
		j.recs = append(j.recs, rec)
		return
	}
	j.recs[j.at] = rec
	j.at = (j.at + 1) % maxJournal
}

// list returns the requests oldest first.
func (j *journal) list() []RecordedRequest {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]RecordedRequest, 0, len(j.recs))
	out = append(out, j.recs[j.at:]...)
	return append(out, j.recs[:j.at]...)
}

// record journals r; q is its parsed query when the request got that far
// (nil: parse it here).
func (s *Server) record(r *http.Request, q url.Values, status int) {
	s.journal.add(journalEntry(r, q, status))
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

// journalEntry is r as the journal keeps it: Authorization redacted, path,
// query and header cut to the entry's bounds (Truncated says so). q is r's
// parsed query when the request got that far (nil: parse it here).
func journalEntry(r *http.Request, q url.Values, status int) RecordedRequest {
	b := entryBudget{left: maxEntryBytes}
	path, _ := b.value(r.URL.Path)
	if q == nil {
		q, _ = url.ParseQuery(r.URL.RawQuery)
	}
	return RecordedRequest{Method: cutUTF8(r.Method, 32), Path: path, Query: boundValues(&b, q),
		Header: boundHeader(&b, r.Header), Status: status, Truncated: b.truncated}
}

// boundValues copies q within b, keys in order.
func boundValues(b *entryBudget, q url.Values) url.Values {
	out := make(url.Values, min(len(q), 16))
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name, ok := b.value(k)
		if !ok {
			continue
		}
		for _, v := range q[k] {
			if v, ok := b.value(v); ok {
				out[name] = append(out[name], v)
			}
		}
	}
	return out
}

// boundHeader copies h within b, Authorization redacted: the headers of
// journalHeaderFirst first, then the others by name.
func boundHeader(b *entryBudget, h http.Header) http.Header {
	out := make(http.Header, min(len(h), 16))
	names := make([]string, 0, len(h))
	for k := range h {
		if !slices.Contains(journalHeaderFirst, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range append(slices.Clone(journalHeaderFirst), names...) {
		vs, ok := h[k]
		if !ok {
			continue
		}
		name, ok := b.value(k)
		if !ok {
			continue
		}
		for _, v := range vs {
			if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Proxy-Authorization") {
				v = redactAuthorization(v)
			}
			if v, ok := b.value(v); ok {
				out[name] = append(out[name], v)
			}
		}
	}
	return out
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
	out := "[REDACTED]"
	for _, p := range knownTokenPrefixes {
		if strings.HasPrefix(token, p) {
			out = p + "[REDACTED]"
			break
		}
	}
	if scheme != "" {
		return scheme + " " + out
	}
	return out
}
