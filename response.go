package hookscope

import "net/http"

// Response describes the HTTP answer behind an API call, for a caller who
// needs more than the decoded result: pass WithResponseInto(&resp) to a call.
// The SDK fills it when the call returns, on success and on error alike; a
// call that sent no request (a parameter the SDK refused) leaves it zero.
type Response struct {
	// StatusCode is the HTTP status of the last answer; 0 when no answer was
	// received (a connection error on every try).
	StatusCode int
	// Header holds the headers of the last answer (nil without one).
	Header http.Header
	// RequestID is the last answer's X-Request-Id, to quote to support.
	RequestID string
	// Tries is how many tries were sent: 1, plus one per retry.
	Tries int
	// RateLimit is the request budget the last answer reported; nil when it
	// carried no X-RateLimit-* headers.
	RateLimit *RateLimit
}

// fill sets r from the final response of a call, or the last one received
// when the call ended in an error.
func (r *Response) fill(resp *http.Response, tries *tryPolicy) {
	*r = Response{Tries: tries.attempt}
	if resp == nil {
		resp = tries.failed
	}
	if resp == nil {
		return
	}
	r.StatusCode = resp.StatusCode
	r.Header = resp.Header
	r.RequestID = resp.Header.Get("X-Request-Id")
	r.RateLimit = parseRateLimit(resp.Header)
}
