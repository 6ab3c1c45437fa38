package hookscope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Match them with errors.Is on any error a call returns; an
// *APIError matches by its code first and its HTTP status second.
var (
	// ErrUnauthorized: code UNAUTHORIZED, or a 401. The key is missing or unknown.
	ErrUnauthorized = errors.New("hookscope: unauthorized")
	// ErrForbidden: code FORBIDDEN, or a 403 with no more specific code. The key
	// lacks the endpoint's scope.
	ErrForbidden = errors.New("hookscope: forbidden")
	// ErrGranularityNotAvailable: code GRANULARITY_NOT_AVAILABLE under any
	// status. APIError.MaxGranularity says the finest granularity the plan allows.
	ErrGranularityNotAvailable = errors.New("hookscope: granularity not available at this plan tier")
	// ErrInvalidRequest: code INVALID_REQUEST or IDEMPOTENCY_KEY_REUSED, a 400
	// or 422, an error with field errors, or a *ParamError caught before any
	// request was sent.
	ErrInvalidRequest = errors.New("hookscope: invalid request")
	// ErrConflict: code IDEMPOTENCY_KEY_IN_USE, or a 409. A request with the
	// same Idempotency-Key is still being processed; the same request with
	// the same key, sent again later, gets that request's answer.
	ErrConflict = errors.New("hookscope: conflict")
	// ErrTooManyBuckets: code TOO_MANY_BUCKETS, a metrics window of more than
	// 10,000 bucket rows. It matches ErrInvalidRequest too.
	ErrTooManyBuckets = errors.New("hookscope: too many buckets")
	// ErrNotFound: any code ending in _NOT_FOUND (ENDPOINT_NOT_FOUND,
	// WEBHOOK_NOT_FOUND, MESSAGE_NOT_FOUND), or a 404.
	ErrNotFound = errors.New("hookscope: not found")
	// ErrRateLimited: code RATE_LIMITED, or a 429. APIError.RetryAfter holds the
	// server's Retry-After.
	ErrRateLimited = errors.New("hookscope: rate limited")
	// ErrServer: any 5xx, or code INTERNAL_ERROR.
	ErrServer = errors.New("hookscope: server error")

	// ErrUnexpectedResponse: a response the SDK cannot use: an empty,
	// truncated or non-JSON 2xx body, or a JSON object that lacks what its
	// endpoint must answer (a webhook without its ep_ id, a page without data,
	// metrics without buckets).
	ErrUnexpectedResponse = errors.New("hookscope: unexpected response body")
	// ErrResponseTooLarge: the body passed WithMaxResponseBytes; the rest was not read.
	ErrResponseTooLarge = errors.New("hookscope: response body too large")
	// ErrRepeatedCursor: the server returned a cursor it had returned before, so
	// following it would loop. The iterator stops with this error: before any
	// page comes twice when the loop is at most 32 pages long, else once the
	// walk has gone round it (within about twice the pages walked).
	ErrRepeatedCursor = errors.New("hookscope: server repeated a pagination cursor")
	// ErrIncompletePage: the server said it has more results (has_more) but
	// gave no cursor to fetch them, as the attempts endpoint does past its
	// 200-attempt cap. The iterator stops with this error after the last row.
	ErrIncompletePage = errors.New("hookscope: more results exist but the server gave no cursor")
	// ErrEmptyPages: the server answered MaxEmptyPages pages in a row without
	// a row while saying it had more; the iterator stops with this error
	// rather than follow such cursors forever.
	ErrEmptyPages = errors.New("hookscope: too many empty pages in a row")
	// ErrRedirectRefused: the SDK refused to follow a redirect: one to another
	// origin (scheme, host or port) than the base URL, which would take the API
	// key elsewhere, or a 301, 302 or 303 answering a write, which would turn
	// it into a GET and write nothing. It is never retried.
	ErrRedirectRefused = errors.New("hookscope: redirect refused")
)

// Error codes the API answers with, in APIError.Code.
const (
	CodeUnauthorized            = "UNAUTHORIZED"
	CodeForbidden               = "FORBIDDEN"
	CodeGranularityNotAvailable = "GRANULARITY_NOT_AVAILABLE"
	CodeInvalidRequest          = "INVALID_REQUEST"
	CodeTooManyBuckets          = "TOO_MANY_BUCKETS"
	CodeEndpointNotFound        = "ENDPOINT_NOT_FOUND"
	CodeWebhookNotFound         = "WEBHOOK_NOT_FOUND"
	CodeMessageNotFound         = "MESSAGE_NOT_FOUND"
	CodeRateLimited             = "RATE_LIMITED"
	CodeInternalError           = "INTERNAL_ERROR"
	// CodeIdempotencyKeyReused (422): the Idempotency-Key was used before
	// with another path or body.
	CodeIdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
	// CodeIdempotencyKeyInUse (409): the Idempotency-Key's first request is
	// still being processed.
	CodeIdempotencyKeyInUse = "IDEMPOTENCY_KEY_IN_USE"
)

// APIError is a non-2xx answer of the API. The four error envelopes of the
// API (metrics', the logs and attempts one, the webhooks one and analytics')
// all decode into it, and so does a body that is none of them, such as an
// HTML 502 from a proxy or an empty body: then Code is empty, StatusCode is
// set and Body holds the start of the body.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the machine-readable code, such as "GRANULARITY_NOT_AVAILABLE".
	Code string
	// Message is the human-readable message.
	Message string
	// RequestID is the envelope's request id, else (none, or nothing
	// printable in it) the X-Request-Id header's.
	RequestID string
	// Details holds the envelope's "details" object (metrics errors), such as
	// max_granularity or max_buckets and requested_buckets.
	Details map[string]any
	// FieldErrors maps a field to its message (analytics' "validator").
	FieldErrors map[string]string
	// SupportID is analytics' support_id, to quote to support.
	SupportID string
	// RetryAfter is the wait the server asked for in its Retry-After header
	// (seconds or an HTTP date), 0 when it sent none.
	RetryAfter time.Duration
	// RateLimit is the request budget the answer reported in its
	// X-RateLimit-* headers; nil when it sent none. On a 429 its Reset says
	// when the budget is whole again.
	RateLimit *RateLimit
	// Body is the start (at most 512 bytes) of a body that was not a known
	// envelope, to show what a proxy answered.
	Body string
}

// Error describes the error with its status, code, message and request id.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("hookscope: ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	switch {
	case e.Message != "":
		b.WriteString(": ")
		b.WriteString(e.Message)
	case e.Body != "":
		b.WriteString(": ")
		b.WriteString(snippet([]byte(e.Body), 120))
	default:
		b.WriteString(": ")
		b.WriteString(http.StatusText(e.StatusCode))
	}
	if len(e.FieldErrors) > 0 {
		fmt.Fprintf(&b, " %v", e.FieldErrors)
	}
	if e.RequestID != "" {
		b.WriteString(" (request_id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Is matches the sentinel errors: by code first, then by HTTP status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrGranularityNotAvailable:
		return e.Code == CodeGranularityNotAvailable
	case ErrTooManyBuckets:
		return e.Code == CodeTooManyBuckets
	case ErrNotFound:
		return strings.HasSuffix(e.Code, "_NOT_FOUND") || e.StatusCode == http.StatusNotFound
	case ErrServer:
		return e.StatusCode >= 500 || e.Code == CodeInternalError
	case ErrInvalidRequest:
		return e.Code == CodeInvalidRequest || e.Code == CodeTooManyBuckets || e.Code == CodeIdempotencyKeyReused ||
			e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity ||
			len(e.FieldErrors) > 0
	case ErrConflict:
		return e.Code == CodeIdempotencyKeyInUse || (!e.knownCode() && e.StatusCode == http.StatusConflict)
	case ErrUnauthorized:
		return e.Code == CodeUnauthorized || (!e.knownCode() && e.StatusCode == http.StatusUnauthorized)
	case ErrForbidden:
		return e.Code == CodeForbidden || (!e.knownCode() && e.StatusCode == http.StatusForbidden)
	case ErrRateLimited:
		return e.Code == CodeRateLimited || (!e.knownCode() && e.StatusCode == http.StatusTooManyRequests)
	}
	return false
}

func (e *APIError) knownCode() bool {
	switch e.Code {
	case CodeUnauthorized, CodeForbidden, CodeGranularityNotAvailable, CodeInvalidRequest,
		CodeTooManyBuckets, CodeRateLimited, CodeInternalError, CodeIdempotencyKeyReused, CodeIdempotencyKeyInUse:
		return true
	}
	return strings.HasSuffix(e.Code, "_NOT_FOUND")
}

// MaxGranularity is details.max_granularity of a GRANULARITY_NOT_AVAILABLE
// error: the finest granularity the key's plan allows. It is "" when absent.
func (e *APIError) MaxGranularity() Granularity {
	s, _ := e.Details["max_granularity"].(string)
	return Granularity(s)
}

// MaxBuckets is details.max_buckets of a TOO_MANY_BUCKETS error, 0 when absent.
func (e *APIError) MaxBuckets() int64 { return detailInt(e.Details, "max_buckets") }

// RequestedBuckets is details.requested_buckets of a TOO_MANY_BUCKETS error,
// 0 when absent.
func (e *APIError) RequestedBuckets() int64 { return detailInt(e.Details, "requested_buckets") }

func detailInt(details map[string]any, key string) int64 {
	if f, ok := details[key].(float64); ok {
		return int64(f)
	}
	return 0
}

// ParamError is a parameter the SDK rejected before sending any request: a
// value out of its documented range, not in its enumeration, an id of the
// wrong format, or an end before a start. It matches ErrInvalidRequest.
type ParamError struct {
	// Param is the parameter's wire name, such as "limit" or "endpoint_id".
	Param string
	// Message says what is wrong with it.
	Message string

	// sentinel is a second sentinel error it matches, such as
	// ErrTooManyBuckets for a metrics window the server would refuse as such.
	sentinel error
}

// Error names the parameter and what is wrong with it.
func (e *ParamError) Error() string {
	return "hookscope: invalid parameter " + e.Param + ": " + e.Message
}

// Is makes a *ParamError match ErrInvalidRequest, and ErrTooManyBuckets
// for a metrics window of more than MetricsMaxBuckets buckets.
func (e *ParamError) Is(target error) bool {
	return target == ErrInvalidRequest || (e.sentinel != nil && target == e.sentinel)
}

func paramErrorf(param, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Message: fmt.Sprintf(format, args...)}
}

// errorEnvelope is the union of the API's four error envelopes:
//
//	metrics:   {"success": false, "error": {"code", "message", "request_id", "details"}}
//	logs:      {"error": {"code", "message"}, "meta": {"request_id"}}
//	webhooks:  {"error": {"code", "message", "request_id"}}
//	analytics: {"status", "data": null, "message", "error": "<CODE>", "log": {"request_id"},
//	            "validator": {field: message}, "support_id"}
type errorEnvelope struct {
	Error     json.RawMessage   `json:"error"`
	Meta      *envelopeMeta     `json:"meta"`
	Status    int               `json:"status"`
	Message   string            `json:"message"`
	Log       json.RawMessage   `json:"log"`
	Validator map[string]string `json:"validator"`
	SupportID *string           `json:"support_id"`
}

type envelopeMeta struct {
	RequestID string `json:"request_id"`
}

type errorObject struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	RequestID string         `json:"request_id"`
	Details   map[string]any `json:"details"`
}

// decodeAPIError reads a non-2xx response into an *APIError. It never fails:
// whatever the body, the status survives. The error's texts are cleaned and
// capped, and key (the client's API key) is masked wherever the server
// reflected it.
func decodeAPIError(resp *http.Response, body io.Reader, key string) *APIError {
	raw, readErr := io.ReadAll(body)
	e := &APIError{StatusCode: resp.StatusCode}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	}
	if !parseErrorBody(raw, e) {
		e.Body = snippet(raw, maxErrorBodyBytes)
		if errors.Is(readErr, ErrResponseTooLarge) {
			e.Message = "error body larger than the client's limit"
		}
	}
	e.RateLimit = parseRateLimit(resp.Header)
	e.sanitize(key)
	if e.RequestID == "" {
		// The body gave none, or nothing printable once cleaned: the
		// header's, cleaned alike.
		e.RequestID = cleanText(maskKey(resp.Header.Get("X-Request-Id"), key), maxErrorIDBytes)
	}
	return e
}

// parseErrorBody fills e from one of the four envelopes, and reports whether
// raw was one of them.
func parseErrorBody(raw []byte, e *APIError) bool {
	var env errorEnvelope
	if len(bytes.TrimSpace(raw)) == 0 || json.Unmarshal(raw, &env) != nil {
		return false
	}
	if env.Meta != nil {
		e.RequestID = env.Meta.RequestID
	}
	trimmed := bytes.TrimSpace(env.Error)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		var obj errorObject
		if json.Unmarshal(trimmed, &obj) != nil {
			return false
		}
		e.Code, e.Message, e.Details = obj.Code, obj.Message, obj.Details
		if obj.RequestID != "" {
			e.RequestID = obj.RequestID
		}
	case len(trimmed) > 0 && trimmed[0] == '"':
		// analytics: "error" is the code, "message" the text.
		if json.Unmarshal(trimmed, &e.Code) != nil {
			return false
		}
		e.Message = env.Message
		e.FieldErrors = env.Validator
		if env.SupportID != nil {
			e.SupportID = *env.SupportID
		}
		var log envelopeMeta
		if json.Unmarshal(env.Log, &log) == nil && log.RequestID != "" {
			e.RequestID = log.RequestID
		}
	case env.Status != 0 && env.Message != "":
		// analytics with "error": null: only the message and the status.
		e.Message = env.Message
		e.FieldErrors = env.Validator
		if env.SupportID != nil {
			e.SupportID = *env.SupportID
		}
	default:
		return false
	}
	return true
}
