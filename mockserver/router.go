package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// reqCtx is what the middleware hands a handler.
type reqCtx struct {
	id     string
	seq    uint64
	fam    family
	key    Key
	params pathArgs  // path parameters by name
	query  queryArgs // the parsed query, once route got that far
	// rate is the request's standing against its key's budget (nil when
	// rate limiting is off).
	rate *rateState
	// recorded is set once the request is in the journal, so that a dropped
	// request is journaled before its connection closes, not after.
	recorded bool
	// w is the request's writer, allocated with rc (one allocation, not two).
	w statusWriter
	// idHeader backs the X-Request-Id header's value: no slice of its own.
	idHeader [1]string
}

// handlerFunc serves one route.
type handlerFunc func(s *Server, w http.ResponseWriter, r *http.Request, rc *reqCtx)

// route is one method and path pattern ("{name}" matches one segment).
type route struct {
	method  string
	pattern []string
	scope   string // "" needs no key (presigned URLs)
	h       handlerFunc
	// params are the names of the pattern's "{name}" segments, in order
	// ("" past the last).
	params [maxPathParams]string
}

// newRoutes is the route table of a Server.
func newRoutes() []route {
	routes := []route{
		{method: http.MethodGet, pattern: split("/v1/metrics/webhooks"), scope: ScopeMetricsRead, h: (*Server).handleWebhookMetrics},
		{method: http.MethodGet, pattern: split("/v1/metrics/messages"), scope: ScopeMetricsRead, h: (*Server).handleMessageMetrics},
		{method: http.MethodGet, pattern: split("/v1/logs"), scope: ScopeLogsRead, h: (*Server).handleLogs},
		{method: http.MethodGet, pattern: split("/v1/inbound-messages/{id}/attempts"), scope: ScopeMessagesRead, h: (*Server).handleInboundAttempts},
		{method: http.MethodGet, pattern: split("/v1/inbound-messages/{id}"), scope: ScopeMessagesRead, h: (*Server).handleInboundMessage},
		{method: http.MethodGet, pattern: split("/v1/messages/{id}/attempts"), scope: ScopeMessagesRead, h: (*Server).handleOutboundAttempts},
		{method: http.MethodGet, pattern: split("/api/v0/webhooks"), scope: ScopeWebhookRead, h: (*Server).handleWebhookList},
		{method: http.MethodPost, pattern: split("/api/v0/webhooks"), scope: ScopeWebhookWrite, h: (*Server).handleWebhookCreate},
		{method: http.MethodGet, pattern: split("/api/v0/webhooks/{webhook_id}"), scope: ScopeWebhookRead, h: (*Server).handleWebhookGet},
		{method: http.MethodPatch, pattern: split("/api/v0/webhooks/{webhook_id}"), scope: ScopeWebhookWrite, h: (*Server).handleWebhookUpdate},
		{method: http.MethodDelete, pattern: split("/api/v0/webhooks/{webhook_id}"), scope: ScopeWebhookWrite, h: (*Server).handleWebhookDelete},
		{method: http.MethodGet, pattern: split("/analytics/webhooks"), scope: ScopeAnalyticsRead, h: (*Server).handleAnalytics},
		{method: http.MethodGet, pattern: split(bodyPathPrefix + "{message_id}/{attempt_no}"), h: (*Server).handleResponseBody},
	}
	for i := range routes {
		n := 0
		for _, p := range routes[i].pattern {
			if strings.HasPrefix(p, "{") {
				routes[i].params[n] = p[1 : len(p)-1]
				n++
			}
		}
	}
	return routes
}

func split(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// router is a route table with an index of its routes by shape, so that a
// request is compared with the few routes that may match it, not with all.
type router struct {
	routes []route
	// byCount lists, for each segment count, the groups of the routes of
	// that many segments by first segment: each group the routes (indexes
	// into routes, in table order) that may match a path of that shape,
	// those with its first segment and those whose first segment is a
	// "{name}".
	byCount [maxPathSegments + 1][]shapeGroup
	// anyFirst lists, by segment count, the routes whose first segment is
	// a "{name}": those that may match a path whose first segment no
	// group has.
	anyFirst [maxPathSegments + 1][]int
}

// shapeGroup is the routes that may match a path of a segment count and
// a first segment.
type shapeGroup struct {
	first  string
	routes []int
}

// maxPathSegments is the most segments a route's pattern has (newRouter
// panics on more); a path of more segments matches no route.
const maxPathSegments = 6

// pathSegments is a path split at "/", as split splits a pattern.
type pathSegments struct {
	n    int
	segs [maxPathSegments]string
}

// splitPath splits path, trimmed of its outer slashes, at "/" into p, in
// place; false when it has more than maxPathSegments segments.
func splitPath(path string, p *pathSegments) bool {
	path = strings.Trim(path, "/")
	for p.n = 0; p.n < maxPathSegments; {
		seg, rest, found := strings.Cut(path, "/")
		p.segs[p.n] = seg
		p.n++
		if !found {
			return true
		}
		path = rest
	}
	return false
}

// newRouter indexes routes by shape. It panics when a pattern has more
// than maxPathSegments segments.
func newRouter(routes []route) router {
	var t router
	t.routes = routes
	for i, rt := range routes {
		n := len(rt.pattern)
		if n > maxPathSegments {
			panic(fmt.Sprintf("mockserver: route %v has more than %d segments", rt.pattern, maxPathSegments))
		}
		if strings.HasPrefix(rt.pattern[0], "{") {
			t.anyFirst[n] = append(t.anyFirst[n], i)
			continue
		}
		if !slices.ContainsFunc(t.byCount[n], func(g shapeGroup) bool { return g.first == rt.pattern[0] }) {
			t.byCount[n] = append(t.byCount[n], shapeGroup{first: rt.pattern[0]})
		}
	}
	for n, groups := range t.byCount {
		for gi := range groups {
			g := &groups[gi]
			for i, rt := range routes {
				if len(rt.pattern) == n && (rt.pattern[0] == g.first || strings.HasPrefix(rt.pattern[0], "{")) {
					g.routes = append(g.routes, i)
				}
			}
		}
	}
	return t
}

// candidates are the indexes of the routes that may match p, in table
// order.
func (t *router) candidates(p *pathSegments) []int {
	for _, g := range t.byCount[p.n] {
		if g.first == p.segs[0] {
			return g.routes
		}
	}
	return t.anyFirst[p.n]
}

// match returns the route for method and path, whether some route has the
// path under another method (405), and the methods allowed for the path.
// It splits the path once, in place, compares its segments only with the
// routes of its shape, and allocates nothing for a path it serves.
func (s *Server) match(method, path string) (*route, pathArgs, []string) {
	var p pathSegments
	if !splitPath(path, &p) {
		return nil, pathArgs{}, nil
	}
	var allowed []string
	for _, i := range s.router.candidates(&p) {
		rt := &s.router.routes[i]
		if !matchSegments(rt.pattern, &p) {
			continue
		}
		if rt.method == method || (method == http.MethodHead && rt.method == http.MethodGet) {
			return rt, pathParams(rt, &p), nil
		}
		allowed = append(allowed, rt.method)
	}
	return nil, pathArgs{}, allowed
}

// matchSegments reports whether p has the pattern's segments, a "{name}"
// segment matching any one.
func matchSegments(pattern []string, p *pathSegments) bool {
	if len(pattern) != p.n {
		return false
	}
	for i, seg := range pattern {
		if seg != p.segs[i] && !strings.HasPrefix(seg, "{") {
			return false
		}
	}
	return true
}

// maxPathParams is the most "{name}" segments a route's pattern has.
const maxPathParams = 2

// pathArgs are a route's path parameters, held in place: the names are the
// route's, the values segments of the request's path.
type pathArgs struct {
	names  *[maxPathParams]string // nil when no route matched
	values [maxPathParams]string
}

// get returns the value of the parameter name, "" when the route has none.
func (p *pathArgs) get(name string) string {
	if p.names == nil || name == "" {
		return ""
	}
	for i, n := range p.names {
		if n == name {
			return p.values[i]
		}
	}
	return ""
}

// pathParams are the values of rt's "{name}" segments in p, which
// matchSegments matched; none when the pattern has none.
func pathParams(rt *route, p *pathSegments) pathArgs {
	params := pathArgs{names: &rt.params}
	n := 0
	for i, seg := range rt.pattern {
		if strings.HasPrefix(seg, "{") {
			params.values[n] = p.segs[i]
			n++
		}
	}
	return params
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	// contentType and contentLength back the values of the Content-Type
	// and Content-Length headers (setJSONHeaders).
	contentType, contentLength [1]string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// serveHTTP is the one entry point: request id, journal, panic recovery,
// faults, then routing, auth and the route's handler.
func (s *Server) serveHTTP(rw http.ResponseWriter, r *http.Request) {
	if isAdminPath(r.URL.Path) {
		s.serveAdmin(rw, r)
		return
	}
	id, seq := s.requestID()
	rc := &reqCtx{id: id, seq: seq, fam: familyOf(r.URL.Path)}
	rc.idHeader[0] = id
	rw.Header()["X-Request-Id"] = rc.idHeader[:] // as Header().Set, without its slice
	w := &rc.w
	w.ResponseWriter = rw
	defer func() {
		if !rc.recorded {
			s.record(r, &rc.query, w.status)
		}
	}()
	defer s.recoverPanic(w, rc)

	// A request refused whatever its body says (no such path or method, no
	// or a bad key, a missing scope, an exhausted rate budget) is answered
	// before its body is read, so that a client waiting for "100 Continue"
	// gets the refusal instead of sending the body. A path with a fault
	// pending keeps the fault first, before routing and auth.
	var rt *route
	if !s.hasFault(r.Method, r.URL.Path) {
		if rt = s.routeOrRefuse(w, r, rc); rt == nil {
			return
		}
	}

	// The whole body is read next, within the read timeout (net/http
	// lifts that deadline once the body is read, so that an answer may take
	// as long as a Delay fault says): one place for the size limit, and the
	// body an Idempotency-Key's fingerprint is taken of.
	body, berr := readBody(rw, r)
	if berr != nil {
		s.writeError(w, rc, berr)
		return
	}
	if body == nil { // no body was sent: nothing to wrap
		r.Body = http.NoBody
	} else {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}

	if f := s.takeFault(r.Method, r.URL.Path); f != nil {
		if done := s.applyFault(w, r, rc, f); done {
			return
		}
	}
	if rt == nil {
		if rt = s.routeOrRefuse(w, r, rc); rt == nil {
			return
		}
	}
	if rt.method != http.MethodGet {
		s.serveIdempotent(w, r, rc, body, rt.h)
		return
	}
	rt.h(s, w, r, rc)
}

// routeOrRefuse routes r and sets the rate-limit headers; a refusal is
// answered, and nil returned.
func (s *Server) routeOrRefuse(w http.ResponseWriter, r *http.Request, rc *reqCtx) *route {
	rt, err := s.route(r, rc)
	if rc.rate != nil {
		rc.rate.setHeaders(w.Header())
	}
	if err != nil {
		s.writeError(w, rc, err)
		return nil
	}
	return rt
}

// readBody reads r's body, at most maxBodyBytes (readLimited says how a body
// over the limit is refused); w is the answer's writer, nil when the body is
// already in memory.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	return readLimited(w, r, maxBodyBytes)
}

// recoverPanic answers a handler's panic as a 500 INTERNAL_ERROR in the
// endpoint's envelope, unless the answer has begun or the panic aborts the
// connection on purpose.
func (s *Server) recoverPanic(w *statusWriter, rc *reqCtx) {
	if v := recover(); v != nil {
		if v == http.ErrAbortHandler || w.status != 0 {
			panic(v)
		}
		s.writeError(w, rc, errInternal())
	}
}

// route finds r's route, checks its key and scope, and fills rc's path
// parameters, key and query.
func (s *Server) route(r *http.Request, rc *reqCtx) (*route, *apiError) {
	rt, params, allowed := s.match(r.Method, r.URL.Path)
	if rt == nil {
		if len(allowed) > 0 {
			return nil, &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED",
				msg: fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path), allow: allowed}
		}
		return nil, &apiError{status: http.StatusNotFound, code: "NOT_FOUND", msg: "no such endpoint: " + r.URL.Path}
	}
	rc.params = params
	if rt.scope != "" {
		key, ok := s.authenticate(r, rc.fam)
		if !ok {
			return nil, errUnauthorized(rc.fam)
		}
		if rc.rate = s.rate.take(key, s.now()); rc.rate != nil && rc.rate.retryAfter > 0 {
			return nil, errRateLimited()
		}
		if !slices.Contains(key.Scopes, rt.scope) {
			return nil, &apiError{status: http.StatusForbidden, code: codeForbidden, msg: "missing required scope"}
		}
		rc.key = key
	}
	if err := rc.query.parse(r.URL.RawQuery); err != nil {
		return nil, invalid("query", "the query string is malformed")
	}
	return rt, nil
}
