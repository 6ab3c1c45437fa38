package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	hookscope "github.com/hookscope/hookscope-go"
)

const (
	codeUnauthorized   = hookscope.CodeUnauthorized
	codeForbidden      = hookscope.CodeForbidden
	codeInvalidRequest = hookscope.CodeInvalidRequest
	codeInternal       = hookscope.CodeInternalError
)

// family is an endpoint family; each answers errors in its own envelope, as
// the API does.
type family int

const (
	famLogs      family = iota // logs, attempts, inbound messages, unknown paths
	famMetrics                 // {"success": false, "error": {...}}
	famWebhooks                // {"error": {"code", "message", "request_id"}}
	famAnalytics               // {"status", "data": null, "error": "CODE", "log", ...}
)

func familyOf(path string) family {
	switch {
	case strings.HasPrefix(path, "/v1/metrics/"):
		return famMetrics
	case path == "/api/v0/webhooks" || strings.HasPrefix(path, "/api/v0/webhooks/"):
		return famWebhooks
	case path == "/analytics/webhooks" || strings.HasPrefix(path, "/analytics/"):
		return famAnalytics
	}
	return famLogs
}

// apiError is an error answer before its family's envelope is applied.
type apiError struct {
	status  int
	code    string
	msg     string
	field   string         // the parameter at fault (analytics' validator)
	details map[string]any // metrics' details
	allow   []string       // the methods of the path (405)
}

// invalid is a 400 INVALID_REQUEST about param; the message starts with the
// parameter's name.
func invalid(param, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, field: param,
		msg: param + " " + fmt.Sprintf(format, args...)}
}

// The texts the API's documentation spells for 401 and 500 answers.
const (
	// msgUnauthorized is the 401 text of logs, attempts and inbound messages.
	msgUnauthorized = "Invalid or missing API key"
	// msgAuthFailed is the 401 text of metrics (and of the endpoints whose
	// documentation shows no 401 body: webhooks, analytics).
	msgAuthFailed = "authentication failed"
	// msgInternal is the 500 text of every endpoint.
	msgInternal = "An internal error occurred"
)

// errInternal is a 500 INTERNAL_ERROR; every server fault says the same
// text, whatever the cause.
func errInternal() *apiError {
	return &apiError{status: http.StatusInternalServerError, code: codeInternal, msg: msgInternal}
}

// errUnauthorized is the 401 UNAUTHORIZED of family fam, with its text.
func errUnauthorized(fam family) *apiError {
	code, msg := codeForStatus(http.StatusUnauthorized, fam)
	return &apiError{status: http.StatusUnauthorized, code: code, msg: msg}
}

func notFound(code, msg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: code, msg: msg}
}

// codeForStatus is the code an injected fault of status answers with on a
// path of family fam.
func codeForStatus(status int, fam family) (string, string) {
	switch {
	case status == http.StatusBadRequest:
		return codeInvalidRequest, "invalid request"
	case status == http.StatusUnauthorized:
		if fam == famLogs {
			return codeUnauthorized, msgUnauthorized
		}
		return codeUnauthorized, msgAuthFailed
	case status == http.StatusForbidden:
		return codeForbidden, "missing required scope"
	case status == http.StatusNotFound:
		switch fam {
		case famWebhooks:
			return hookscope.CodeWebhookNotFound, "webhook not found"
		case famLogs:
			return hookscope.CodeMessageNotFound, "message not found"
		}
		return "NOT_FOUND", "not found"
	case status == http.StatusTooManyRequests:
		return hookscope.CodeRateLimited, "rate limit exceeded"
	case status >= 500:
		return codeInternal, msgInternal
	}
	return strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_")), http.StatusText(status)
}

// writeError answers e in rc's family envelope, with the request id in it.
func (s *Server) writeError(w http.ResponseWriter, rc *reqCtx, e *apiError) {
	if len(e.allow) > 0 {
		w.Header().Set("Allow", strings.Join(e.allow, ", "))
	}
	type object struct {
		Code      string         `json:"code"`
		Message   string         `json:"message"`
		RequestID string         `json:"request_id,omitempty"`
		Details   map[string]any `json:"details,omitempty"`
	}
	type reqMeta struct {
		RequestID string `json:"request_id"`
	}
	var body any
	switch rc.fam {
	case famMetrics:
		body = struct {
			Success bool   `json:"success"`
			Error   object `json:"error"`
		}{false, object{e.code, e.msg, rc.id, e.details}}
	case famWebhooks:
		body = struct {
			Error object `json:"error"`
		}{object{Code: e.code, Message: e.msg, RequestID: rc.id}}
	case famAnalytics:
		var validator map[string]string
		if e.field != "" {
			validator = map[string]string{e.field: e.msg}
		}
		body = struct {
			Status    int               `json:"status"`
			Data      any               `json:"data"`
			Message   string            `json:"message"`
			Env       string            `json:"env"`
			Error     string            `json:"error"`
			Log       reqMeta           `json:"log"`
			Validator map[string]string `json:"validator"`
			SupportID string            `json:"support_id"`
		}{e.status, nil, e.msg, "development", e.code, reqMeta{rc.id}, validator, s.supportID(rc.seq)}
	default:
		body = struct {
			Error object  `json:"error"`
			Meta  reqMeta `json:"meta"`
		}{object{Code: e.code, Message: e.msg}, reqMeta{rc.id}}
	}
	writeErrorBody(w, e.status, body)
}

// writeErrorBody writes v, which always encodes (it holds only strings,
// numbers and string maps).
func writeErrorBody(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":{"code":"INTERNAL_ERROR","message":"encoding the error failed"}}`)
		status = http.StatusInternalServerError
	}
	writeRaw(w, status, b)
}
