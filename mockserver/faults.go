package mockserver

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Fault makes the server misbehave on a path, for tests of a client's retry
// and timeout handling. Faults apply before authentication, in the order
// they were injected; the first that matches a request is used.
type Fault struct {
	// Path is the request path it applies to, exactly ("/v1/logs").
	Path string
	// Method, when set, restricts the fault to one method.
	Method string
	// Status, when set, answers with this status and the path's error
	// envelope: 429 RATE_LIMITED, 5xx INTERNAL_ERROR, 401 UNAUTHORIZED, …
	Status int
	// RetryAfter sets the Retry-After header (in whole seconds, rounded up;
	// a 429 without it says 1 s, as every 429 of the API carries one)
	// on a Status answer.
	RetryAfter time.Duration
	// Delay holds the request this long before it is answered (by Status, or
	// normally). The wait ends early when the client gives up.
	Delay time.Duration
	// Drop closes the connection without any answer (after Delay).
	Drop bool
	// Times is how many requests the fault applies to; 0 is every request
	// until ClearFaults.
	Times int
}

type activeFault struct {
	Fault
	left int // requests left when Times > 0
}

// InjectFault adds f. It applies to the next matching requests.
func (s *Server) InjectFault(f Fault) {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	s.faults = append(s.faults, &activeFault{Fault: f, left: f.Times})
	s.faultCount.Store(int32(len(s.faults)))
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	s.faults = nil
	s.faultCount.Store(0)
}

// takeFault returns the first fault matching method and path, and uses up
// one of its Times.
func (s *Server) takeFault(method, path string) *Fault {
	if s.faultCount.Load() == 0 {
		return nil // no fault in force: no lock for the common request
	}
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	for i, f := range s.faults {
		if f.Path != path || (f.Method != "" && f.Method != method) {
			continue
		}
		out := f.Fault
		if f.Times > 0 {
			f.left--
			if f.left <= 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
				s.faultCount.Store(int32(len(s.faults)))
			}
		}
		return &out
	}
	return nil
}

// hasFault reports whether a fault is pending for method and path, without
// taking it.
func (s *Server) hasFault(method, path string) bool {
	if s.faultCount.Load() == 0 {
		return false
	}
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	return slices.ContainsFunc(s.faults, func(f *activeFault) bool {
		return f.Path == path && (f.Method == "" || f.Method == method)
	})
}

// applyFault carries f out and reports whether the request is answered (or
// dropped); false lets it through to its handler.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, rc *reqCtx, f *Fault) bool {
	if !s.sleep(r.Context(), f.Delay) {
		if f.Drop || r.Context().Err() != nil {
			s.record(r, &rc.query, 0)
			rc.recorded = true
			return true
		}
	}
	if f.Drop {
		// Journal first: a client sees the closed connection at once and
		// may retry, and finish, before this goroutine would get to it.
		s.record(r, &rc.query, 0)
		rc.recorded = true
		if hj, ok := w.(*statusWriter).ResponseWriter.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	if f.Status == 0 {
		return false
	}
	switch {
	case f.RetryAfter > 0:
		secs := int64((f.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	case f.Status == http.StatusTooManyRequests:
		// Every 429 of the API carries a Retry-After in seconds.
		w.Header().Set("Retry-After", "1")
	}
	code, msg := codeForStatus(f.Status, rc.fam)
	s.writeError(w, rc, &apiError{status: f.Status, code: code, msg: msg})
	return true
}
