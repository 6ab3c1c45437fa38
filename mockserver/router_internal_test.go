package mockserver

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitMatch is the matcher the router had before it compared segments in
// place: split the path, then compare segment by segment.
func splitMatch(pattern []string, path string) (map[string]string, bool) {
	segs := split(path)
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// routerTestPaths are paths near the routes' patterns: empty segments,
// extra or missing segments and outer slashes.
var routerTestPaths = []string{
	"", "/", "//", "/v1", "/v1/logs", "/v1/logs/", "//v1/logs//", "/v1//logs", "/v1/logs/x",
	"/v1/metrics/webhooks", "/v1/metrics/messages/", "/v1/metrics",
	"/v1/inbound-messages/abc", "/v1/inbound-messages/abc/attempts", "/v1/inbound-messages//attempts",
	"/v1/inbound-messages/abc/attempts/x", "/v1/messages/m1/attempts", "/v1/messages/m1",
	"/api/v0/webhooks", "/api/v0/webhooks/ep_1", "/api/v0/webhooks/ep_1/", "/api/v0/webhooks//",
	"/api/v0/webhooks/a/b", "/analytics/webhooks", "/analytics/webhooks/x",
	"/_mock/response-bodies/m/1", "/_mock/response-bodies/m", "/_mock/response-bodies/m/1/2",
	"/api/v0/webhooks/a/b/c/d", "/v1/logs/a/b/c/d/e", "/a/b/c/d/e/f/",
}

// The in-place matcher agrees with splitting on every route and on paths
// with empty segments, extra or missing segments and outer slashes.
func TestMatchSegmentsAgreesWithSplit(t *testing.T) {
	t.Parallel()
	for _, rt := range newRoutes() {
		for _, p := range append(slices.Clone(routerTestPaths), "/"+strings.Join(rt.pattern, "/")) {
			want, wantOK := splitMatch(rt.pattern, p)
			var segs pathSegments
			ok := splitPath(p, &segs) && matchSegments(rt.pattern, &segs)
			if !assert.Equal(t, wantOK, ok, "%v on %q", rt.pattern, p) || !ok {
				continue
			}
			assert.Equal(t, want, pathParams(&rt, &segs).toMap(), "%v on %q", rt.pattern, p)
		}
	}
}

// splitPath splits as split does, up to maxPathSegments segments; a path
// of more matches no route, and a route of more is refused.
func TestSplitPath(t *testing.T) {
	t.Parallel()
	long := "/a/b/c/d/e/f"
	for _, p := range append(slices.Clone(routerTestPaths), long, long+"/", "//"+long[1:]) {
		var segs pathSegments
		if want := split(p); len(want) <= maxPathSegments {
			require.True(t, splitPath(p, &segs), "%q", p)
			assert.Equal(t, want, segs.segs[:segs.n], "%q", p)
		} else {
			assert.False(t, splitPath(p, &segs), "%q", p)
		}
	}
	var segs pathSegments
	assert.False(t, splitPath(long+"/g", &segs), "seven segments")
	assert.False(t, splitPath("/"+strings.Repeat("x/", 1000), &segs))
	s := &Server{router: newRouter(newRoutes())}
	rt, _, allowed := s.match(http.MethodGet, "/v1/logs/a/b/c/d/e")
	assert.Nil(t, rt)
	assert.Empty(t, allowed)
	h := func(*Server, http.ResponseWriter, *http.Request, *reqCtx) {}
	assert.Panics(t, func() { newRouter([]route{{method: http.MethodGet, pattern: split(long + "/g"), h: h}}) })
	assert.NotPanics(t, func() { newRouter([]route{{method: http.MethodGet, pattern: split(long), h: h}}) })
}

// toMap is p as the map the router made before pathArgs; nil when empty.
func (p pathArgs) toMap() map[string]string {
	var m map[string]string
	for i := range maxPathParams {
		if p.names == nil || p.names[i] == "" {
			break
		}
		if m == nil {
			m = map[string]string{}
		}
		m[p.names[i]] = p.values[i]
	}
	return m
}

// Every route's pattern fits pathArgs: at most maxPathParams "{name}"
// segments, each named and each name given once.
func TestRoutesFitPathArgs(t *testing.T) {
	t.Parallel()
	for _, rt := range newRoutes() {
		var names []string
		for _, p := range rt.pattern {
			if strings.HasPrefix(p, "{") {
				assert.NotContains(t, names, p, "%v", rt.pattern)
				assert.Greater(t, len(p), len("{}"), "%v", rt.pattern)
				names = append(names, p)
			}
		}
		if assert.LessOrEqual(t, len(names), maxPathParams, "%v", rt.pattern) {
			for i, n := range names {
				assert.Equal(t, n[1:len(n)-1], rt.params[i], "%v", rt.pattern)
			}
		}
	}
}

// match finds the route and its parameters, and the allowed methods of a
// path served under another method.
func TestMatchRoutes(t *testing.T) {
	t.Parallel()
	s := &Server{router: newRouter(newRoutes())}
	rt, params, _ := s.match(http.MethodGet, "/api/v0/webhooks/ep_1")
	if assert.NotNil(t, rt) {
		assert.Equal(t, ScopeWebhookRead, rt.scope)
	}
	assert.Equal(t, map[string]string{"webhook_id": "ep_1"}, params.toMap())
	assert.Equal(t, "ep_1", params.get("webhook_id"))
	assert.Empty(t, params.get("id"), "a parameter the route does not have")
	rt, params, _ = s.match(http.MethodHead, "/v1/logs")
	assert.NotNil(t, rt, "HEAD is served as GET")
	assert.Nil(t, params.toMap(), "no parameters")
	rt, _, allowed := s.match(http.MethodPut, "/api/v0/webhooks/ep_1")
	assert.Nil(t, rt)
	assert.Equal(t, []string{http.MethodGet, http.MethodPatch, http.MethodDelete}, allowed)
	rt, _, allowed = s.match(http.MethodGet, "/v1/nowhere")
	assert.Nil(t, rt)
	assert.Empty(t, allowed)
}

// The constants of redacted are the concatenation they stand for.
func TestRedactedConstants(t *testing.T) {
	t.Parallel()
	for _, scheme := range []string{"", "Bearer", "Basic", "bearer", "BASIC"} {
		for _, prefix := range append([]string{""}, knownTokenPrefixes...) {
			want := prefix + "[REDACTED]"
			if scheme != "" {
				want = scheme + " " + want
			}
			assert.Equal(t, want, redacted(scheme, prefix))
		}
	}
	assert.Equal(t, "Bearer am_test_[REDACTED]", redactAuthorization("  Bearer  am_test_abc "))
	assert.Equal(t, "bearer [REDACTED]", redactAuthorization("bearer sk_other"))
	assert.Equal(t, "[REDACTED]", redactAuthorization("Token am_test_abc"))
	assert.Equal(t, "am_live_[REDACTED]", redactAuthorization("am_live_abc"))
}

// scanMatch is match over every route of t, in table order, by splitting
// the path (splitMatch), without the shape index: what the router did
// before it had one.
func scanMatch(t *router, method, path string) (*route, []string) {
	var allowed []string
	for i := range t.routes {
		rt := &t.routes[i]
		if _, ok := splitMatch(rt.pattern, path); !ok {
			continue
		}
		if rt.method == method || (method == http.MethodHead && rt.method == http.MethodGet) {
			return rt, nil
		}
		allowed = append(allowed, rt.method)
	}
	return nil, allowed
}

// The shape index finds what a scan of every route finds, route and
// allowed methods, for every method and path: on the server's routes, and
// on a table with routes whose first segment is a "{name}" (which match
// paths of any first segment) between the others.
func TestRouterAgreesWithScan(t *testing.T) {
	t.Parallel()
	h := func(*Server, http.ResponseWriter, *http.Request, *reqCtx) {}
	tables := map[string][]route{
		"server": newRoutes(),
		"param first": {
			{method: http.MethodGet, pattern: split("/v1/logs"), h: h},
			{method: http.MethodPut, pattern: split("/{a}/logs"), h: h},
			{method: http.MethodGet, pattern: split("/api/v0/webhooks/{id}"), h: h},
			{method: http.MethodPost, pattern: split("/{a}/{b}"), h: h},
			{method: http.MethodDelete, pattern: split("/{a}"), h: h},
			{method: http.MethodPatch, pattern: split("/v1/{b}"), h: h},
		},
	}
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	for name, routes := range tables {
		r := newRouter(routes)
		s := &Server{router: r}
		paths := slices.Clone(routerTestPaths)
		for _, rt := range routes {
			paths = append(paths, "/"+strings.Join(rt.pattern, "/"), "/x/"+strings.Join(rt.pattern[1:], "/"))
		}
		for _, p := range paths {
			for _, m := range methods {
				want, wantAllowed := scanMatch(&r, m, p)
				got, _, allowed := s.match(m, p)
				assert.Same(t, want, got, "%s: %s %q", name, m, p)
				assert.Equal(t, wantAllowed, allowed, "%s: %s %q", name, m, p)
			}
		}
	}
}
