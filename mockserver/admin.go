package mockserver

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// AdminPrefix is the path prefix of the mock's own admin API: everything a
// Go test does to a Server (AddKey, InjectFault, SetClock, Reset,
// Snapshot, …), a client in any language does over HTTP under it, with the
// admin token. It is described by the module's admin.openapi.yaml.
const AdminPrefix = "/_mock/"

// WithAdminToken sets the admin token, which opens the admin API (default:
// a random token drawn when the server is made; see AdminToken). API keys
// never open the admin API and the admin token never opens the API.
func WithAdminToken(token string) Option { return func(c *config) { c.adminToken = token } }

// AdminToken is the token of the admin API: "Authorization: Bearer
// <AdminToken>" on every /_mock/ request but GET /_mock/health.
func (s *Server) AdminToken() string { return s.admin.token }

// adminState is the admin API's token and request counter.
type adminState struct {
	token string
	seq   atomic.Uint64
}

func (a *adminState) init(token string) {
	if token == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		token = "mock_admin_" + hex.EncodeToString(b[:])
	}
	a.token = token
}

// Bounds of admin request bodies: a snapshot is the whole state.
const (
	maxAdminBody    = 1 << 20
	maxSnapshotBody = 256 << 20
)

// isAdminPath reports whether p is the admin API's; the presigned
// response-body URLs, under /_mock/response-bodies/, are the API's.
func isAdminPath(p string) bool {
	return (p == "/_mock" || strings.HasPrefix(p, AdminPrefix)) && !strings.HasPrefix(p, bodyPathPrefix)
}

// adminHandler serves one admin route; q is the request's query, checked
// against the route's names.
type adminHandler func(s *Server, w http.ResponseWriter, r *http.Request, q url.Values, arg string) *apiError

// adminRoute is one method and path of the admin API; a path ending in "/"
// takes the rest of the path as its argument.
type adminRoute struct {
	method string
	path   string
	open   bool     // needs no token
	query  []string // the query parameters it takes
	body   bool     // it takes a JSON body
	h      adminHandler
}

var adminRoutes = []adminRoute{
	{method: http.MethodGet, path: "/_mock/health", open: true, h: (*Server).adminHealth},
	{method: http.MethodGet, path: "/_mock/keys", h: (*Server).adminKeys},
	{method: http.MethodPost, path: "/_mock/keys", body: true, h: (*Server).adminAddKey},
	{method: http.MethodDelete, path: "/_mock/keys/", h: (*Server).adminRemoveKey},
	{method: http.MethodGet, path: "/_mock/messages", query: []string{"org", "direction", "limit", "cursor"}, h: (*Server).adminMessages},
	{method: http.MethodPost, path: "/_mock/messages", body: true, h: (*Server).adminAddMessage},
	{method: http.MethodGet, path: "/_mock/faults", h: (*Server).adminFaults},
	{method: http.MethodPost, path: "/_mock/faults", body: true, h: (*Server).adminInjectFault},
	{method: http.MethodDelete, path: "/_mock/faults", h: (*Server).adminClearFaults},
	{method: http.MethodGet, path: "/_mock/requests", query: []string{"path", "method", "status", "limit"}, h: (*Server).adminRequests},
	{method: http.MethodDelete, path: "/_mock/requests", h: (*Server).adminClearRequests},
	{method: http.MethodGet, path: "/_mock/clock", h: (*Server).adminClock},
	{method: http.MethodPut, path: "/_mock/clock", body: true, h: (*Server).adminSetClock},
	{method: http.MethodPost, path: "/_mock/clock/advance", body: true, h: (*Server).adminAdvanceClock},
	{method: http.MethodGet, path: "/_mock/rate-limits", h: (*Server).adminRateLimits},
	{method: http.MethodPut, path: "/_mock/rate-limits", body: true, h: (*Server).adminSetRateLimits},
	{method: http.MethodPost, path: "/_mock/reset", h: (*Server).adminReset},
	{method: http.MethodGet, path: "/_mock/snapshot", h: (*Server).adminSnapshot},
	{method: http.MethodPut, path: "/_mock/snapshot", h: (*Server).adminRestore},
}

// matchAdmin finds the route of method and path, with its argument, or the
// methods the path allows.
func matchAdmin(method, path string) (*adminRoute, string, []string) {
	var allowed []string
	for i := range adminRoutes {
		rt := &adminRoutes[i]
		arg := ""
		if strings.HasSuffix(rt.path, "/") {
			rest, ok := strings.CutPrefix(path, rt.path)
			if !ok || rest == "" || strings.Contains(rest, "/") {
				continue
			}
			arg = rest
		} else if path != rt.path {
			continue
		}
		if rt.method == method {
			return rt, arg, nil
		}
		allowed = append(allowed, rt.method)
	}
	return nil, "", allowed
}

// serveAdmin serves the admin API. Its requests are not journaled, meet no
// fault and no rate limit, and take no request id from the API's sequence.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", "req_admin_"+strconv.FormatUint(s.admin.seq.Add(1), 10))
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeAdminError(w, errInternal())
		}
	}()
	rt, arg, allowed := matchAdmin(r.Method, r.URL.EscapedPath())
	if rt == nil {
		if len(allowed) > 0 {
			writeAdminError(w, &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED",
				msg: fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path), allow: allowed})
			return
		}
		writeAdminError(w, &apiError{status: http.StatusNotFound, code: "NOT_FOUND", msg: "no such admin endpoint: " + r.URL.Path})
		return
	}
	if !rt.open && !s.adminAuthorized(r) {
		writeAdminError(w, &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, msg: "missing or wrong admin token"})
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeAdminError(w, invalid("query", "is malformed"))
		return
	}
	for name := range q {
		if !slices.Contains(rt.query, name) {
			writeAdminError(w, invalid(name, "is not a parameter of %s %s", rt.method, rt.path))
			return
		}
	}
	if arg != "" {
		if arg, err = url.PathUnescape(arg); err != nil {
			writeAdminError(w, invalid("path", "is malformed"))
			return
		}
	}
	if e := rt.h(s, w, r, q, arg); e != nil {
		writeAdminError(w, e)
	}
}

// adminAuthorized reports whether r carries the admin token.
func (s *Server) adminAuthorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	token = strings.TrimSpace(token)
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.admin.token)) == 1
}

// writeAdminError answers e as {"error": {"code", "message", "field"?}}.
func writeAdminError(w http.ResponseWriter, e *apiError) {
	if len(e.allow) > 0 {
		w.Header().Set("Allow", strings.Join(e.allow, ", "))
	}
	writeErrorBody(w, e.status, struct {
		Error adminErrorBody `json:"error"`
	}{adminErrorBody{e.code, e.msg, e.field}})
}

type adminErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeAdminJSON answers status with v.
func writeAdminJSON(w http.ResponseWriter, status int, v any) *apiError {
	b, err := json.Marshal(v)
	if err != nil {
		return errInternal()
	}
	writeRaw(w, status, b)
	return nil
}

// readAdminBody reads r's body, at most limit bytes, as readLimited says.
func readAdminBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *apiError) {
	return readLimited(w, r, limit)
}

// decodeStrict decodes the JSON object raw into v. A field v does not name,
// a value of the wrong type, or anything but one object is a 400 naming the
// field (or "body").
func decodeStrict(raw []byte, v any) *apiError {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return invalid("body", "is required (a JSON object)")
	}
	if trimmed[0] != '{' {
		return invalid("body", "must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return invalid(typeErr.Field, "has the wrong type (want %s)", jsonKind(typeErr.Type.String()))
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name = strings.Trim(name, `"`)
			return invalid(name, "is not a field of this body")
		}
		var fe *fieldError
		if errors.As(err, &fe) {
			return invalid(fe.field, "%s", fe.msg)
		}
		return invalid("body", "is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("body", "must hold one JSON object")
	}
	return nil
}

// jsonKind names a Go type as JSON does.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "array"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "number"
	case goType == "bool":
		return "boolean"
	case goType == "string", strings.HasSuffix(goType, "Duration"), strings.HasSuffix(goType, "Time"):
		return "string"
	}
	return "object"
}

// fieldError is a value a body's field holds that its type refuses.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + " " + e.msg }

// decodeAdminBody reads and strictly decodes r's JSON body into v.
func decodeAdminBody(w http.ResponseWriter, r *http.Request, v any) *apiError {
	raw, e := readAdminBody(w, r, maxAdminBody)
	if e != nil {
		return e
	}
	return decodeStrict(raw, v)
}

// randomHex is n random bytes in hex, for tokens nobody should guess.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
