package mockserver

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// readLimited reads r's body, at most limit bytes; w is the answer's writer
// (nil when the body is already in memory).
//
// A declared length over limit is refused before a byte is read, so that a
// client waiting for "100 Continue" gets the 400 instead of sending the body
// into a reset. A body of unknown length (chunked) cannot be judged before it
// is sent: it is read up to limit and no further. Past the limit the answer is
// the 400 and the connection closes once it is written, without reading the
// rest: net/http would otherwise go on reading up to 256 KiB more of it after
// the answer, and wait up to the read timeout for a client that sends no more.
func readLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *apiError) {
	// Built only when answered: a fmt call per request otherwise.
	tooLarge := func() *apiError { return invalid("body", "is larger than %d bytes", limit) }
	if r.ContentLength > limit {
		return nil, tooLarge()
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	// MaxBytesReader marks the answer "Connection: close" when the limit is
	// hit (w == nil: it only stops reading).
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var over *http.MaxBytesError
	switch {
	case errors.As(err, &over):
		if w != nil {
			// A read deadline already past makes net/http's read of the
			// rest, after the handler, fail at once.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now())
		}
		return nil, tooLarge()
	case err != nil:
		return nil, invalid("body", "could not be read")
	}
	return raw, nil
}
