package mockserver

import (
	"net/http"
	"net/url"
	"sync"
)

// maxJournal bounds Requests.
const maxJournal = 10000

// RecordedRequest is a request that reached the server, as Requests reports it.
type RecordedRequest struct {
	Method string
	Path   string
	Query  url.Values
	// Header is the request's header; the Authorization value's token is
	// redacted to its prefix ("Bearer am_test_[REDACTED]").
	Header http.Header
	// Status is the status answered; 0 when a Drop fault closed the
	// connection or the client went away before an answer.
	Status int
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
	h := r.Header.Clone()
	if v := h.Get("Authorization"); v != "" {
		h.Set("Authorization", redactAuthorization(v))
	}
	if q == nil {
		q, _ = url.ParseQuery(r.URL.RawQuery)
	}
	s.journal.add(RecordedRequest{Method: r.Method, Path: r.URL.Path, Query: q, Header: h, Status: status})
}

// Requests returns the requests that reached the server, oldest first: the
// last 10,000 of them.
func (s *Server) Requests() []RecordedRequest { return s.journal.list() }
