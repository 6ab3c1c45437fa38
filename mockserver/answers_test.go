// TestAnswerDigests pins the exact bytes the mock answers.
//
// It drives servers of two seeds and two sizes, on a fixed clock, through a
// scripted sequence of requests (every route of the API and every admin
// read, valid and invalid, before and after writes, clock moves and a
// snapshot restored into a fresh server) and compares one line per request,
//
//	status sha256(headers and body) method path?query
//
// with testdata/answer_digests.txt. Any change of an answer byte, header or
// status fails it and names the first requests that changed. A refactoring
// of the mock (its data model, indexes, encoders) must leave the file as it
// is. Only a deliberate, reviewed change of the generated data or of the
// wire format rewrites it:
//
//	go test ./mockserver -run TestAnswerDigests -update-digests
//
// and the diff of the file goes in the same commit as the change.
//
// Nothing is normalized but one answer: with a fixed clock and a fixed admin
// token, everything the mock answers is derived from the seed (request ids,
// support ids, cursors and presigned-URL signatures are HMACs or hashes of
// seeded values, not of a per-process key). The one per-process random
// value is the token POST /_mock/keys draws when the body gives none; that
// answer's token is masked (see randomKeyToken); that key has an
// organization of its own, so that the key list's order does not depend on
// its token; and it is made after the snapshot, which would show it.
//
// In the recorded paths (not in the requests sent), cursor values are
// written as @n, the n-th distinct cursor seen by that server, and
// presigned-URL signatures as "sig": both are pinned by the digest of the
// answer that handed them out, and the short form keeps the file readable.

package mockserver_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

var updateDigests = flag.Bool("update-digests", false, "rewrite testdata/answer_digests.txt from the mock's current answers")

const (
	digestFile        = "testdata/answer_digests.txt"
	digestAdminToken  = "mock_admin_answer_digests"
	digestFreeKey     = "am_test_digest_free"
	digestStarterKey  = "am_test_digest_starter"
	digestNoScopesKey = "am_test_digest_noscopes"
	digestOtherOrgKey = "am_test_digest_otherorg"
)

// randomKeyToken is the token POST /_mock/keys draws (crypto/rand) when the
// body names none: the one value that varies from run to run.
var randomKeyToken = regexp.MustCompile(`"token":"am_test_[0-9a-f]{32}"`)

func TestAnswerDigests(t *testing.T) {
	t.Parallel()
	var lines []string
	for _, seed := range []int64{1, 7} {
		for _, n := range []int{mockserver.DefaultMessages, 300} {
			lines = append(lines, digestScenario(t, seed, n)...)
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	if *updateDigests {
		require.NoError(t, os.WriteFile(digestFile, []byte(got), 0o644))
		t.Logf("wrote %d lines to %s", len(lines), digestFile)
		return
	}
	raw, err := os.ReadFile(digestFile)
	require.NoError(t, err, "run go test ./mockserver -run TestAnswerDigests -update-digests to create it")
	want := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if diff := digestDiff(want, lines, 10); diff != "" {
		t.Fatalf("the mock's answers changed (%d lines expected, %d got); first differences:\n%s\n"+
			"If the change is deliberate (generated data or wire format), review it and rewrite the file with\n"+
			"  go test ./mockserver -run TestAnswerDigests -update-digests", len(want), len(lines), diff)
	}
}

// digestDiff describes the first max lines where want and got differ, by
// position, with the section they are in.
func digestDiff(want, got []string, max int) string {
	var b strings.Builder
	n, section := 0, ""
	for i := 0; i < len(want) || i < len(got); i++ {
		w, g := lineAt(want, i), lineAt(got, i)
		if strings.HasPrefix(g, "#") {
			section = g
		}
		if w == g {
			continue
		}
		if n == max {
			b.WriteString("  …\n")
			break
		}
		n++
		fmt.Fprintf(&b, "line %d (in %s):\n  want %s\n  got  %s\n", i+1, section, w, g)
	}
	return b.String()
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(none)"
}

// digestClient sends requests to a server's handler in process and records
// their lines.
type digestClient struct {
	t       testing.TB
	srv     *mockserver.Server
	lines   []string
	cursors map[string]int
	// bodyURLs are presigned response-body URLs seen in answers.
	bodyURLs []string
	// bigInbound are inbound messages whose attempts list has more.
	bigInbound map[string]bool
}

func newDigestClient(t testing.TB, srv *mockserver.Server) *digestClient {
	return &digestClient{t: t, srv: srv, cursors: map[string]int{}, bigInbound: map[string]bool{}}
}

var (
	cursorInPath = regexp.MustCompile(`cursor=[^&]*`)
	sigInPath    = regexp.MustCompile(`signature=[0-9a-f]+`)
)

// show is target as its line writes it: cursors as @n, signatures as "sig".
func (c *digestClient) show(target string) string {
	target = cursorInPath.ReplaceAllStringFunc(target, func(m string) string {
		v, err := url.QueryUnescape(strings.TrimPrefix(m, "cursor="))
		if err != nil || v == "" || len(v) < 16 {
			return m // not a cursor the server made: keep as sent
		}
		n, ok := c.cursors[v]
		if !ok {
			n = len(c.cursors) + 1
			c.cursors[v] = n
		}
		return "cursor=@" + strconv.Itoa(n)
	})
	return sigInPath.ReplaceAllString(target, "signature=sig")
}

func (c *digestClient) note(format string, args ...any) {
	c.lines = append(c.lines, "# "+fmt.Sprintf(format, args...))
}

// do sends one request (auth is the bearer token, "" for none) and records
// its line; it returns the status and body.
func (c *digestClient) do(method, target, auth, body string, header ...string) (int, []byte) {
	c.t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	var req *http.Request
	if rd != nil {
		req = httptest.NewRequest(method, target, rd)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	c.srv.Handler().ServeHTTP(rec, req)
	res := rec.Result()
	out := rec.Body.Bytes()
	// Every answer with a body declares its length, but the snapshot that
	// is streamed, and a declared length is the body's: net/http would
	// refuse a longer body, and cut a client's read of a shorter one.
	if cl := res.Header.Get("Content-Length"); cl != "" || (len(out) > 0 && !strings.HasPrefix(target, "/_mock/snapshot")) {
		c.t.Helper()
		require.Equal(c.t, strconv.Itoa(len(out)), cl, "Content-Length of %s %s", method, target)
	}
	hashed := out
	if method == http.MethodPost && strings.HasPrefix(target, "/_mock/keys") {
		hashed = randomKeyToken.ReplaceAll(out, []byte(`"token":"am_test_<random>"`))
	}
	h := sha256.New()
	names := make([]string, 0, len(res.Header))
	for k := range res.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(h, "%s: %s\n", k, strings.Join(res.Header[k], ", "))
	}
	h.Write([]byte("\n"))
	h.Write(hashed)
	c.lines = append(c.lines, fmt.Sprintf("%d %s %s %s", res.StatusCode, hex.EncodeToString(h.Sum(nil)), method, c.show(target)))
	return res.StatusCode, out
}

func (c *digestClient) get(target string) (int, []byte) {
	return c.do(http.MethodGet, target, c.srv.APIKey(), "")
}

func (c *digestClient) admin(method, target, body string) (int, []byte) {
	return c.do(method, target, digestAdminToken, body)
}

// walk follows a list's cursors from base (a path with a query) for at
// most pages pages (0: all).
func (c *digestClient) walk(base string, pages int, auth string) {
	c.t.Helper()
	sep := "&"
	if !strings.Contains(base, "?") {
		sep = "?"
	}
	target := base
	for n := 1; ; n++ {
		status, body := c.do(http.MethodGet, target, auth, "")
		if status != http.StatusOK || (pages > 0 && n >= pages) {
			return
		}
		next := jsonStrings(c.t, body, "next_cursor")
		if len(next) == 0 || next[len(next)-1] == "" {
			return
		}
		require.Less(c.t, n, 100000, "a cursor loop at %s", base)
		target = base + sep + "cursor=" + url.QueryEscape(next[len(next)-1])
	}
}

// digestScenario runs the whole script on servers of seed and n messages
// and returns its lines.
func digestScenario(t *testing.T, seed int64, n int) []string {
	opts := []mockserver.Option{mockserver.WithClock(fixedClock), mockserver.WithSeed(seed),
		mockserver.WithMessages(n), mockserver.WithAdminToken(digestAdminToken)}
	srv := mockserver.NewHandler(opts...)
	t.Cleanup(srv.Close)
	org := srv.DefaultOrgID()
	srv.AddKey(mockserver.Key{Token: digestFreeKey, Org: org, Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()})
	srv.AddKey(mockserver.Key{Token: digestStarterKey, Org: org, Plan: mockserver.PlanStarter, Scopes: mockserver.AllScopes()})
	srv.AddKey(mockserver.Key{Token: digestNoScopesKey, Org: org, Plan: mockserver.PlanPro, Scopes: []string{mockserver.ScopeLogsRead}})
	srv.AddKey(mockserver.Key{Token: digestOtherOrgKey, Org: "org_digest_other", Plan: mockserver.PlanPro, Scopes: mockserver.AllScopes()})

	c := newDigestClient(t, srv)
	c.note("server seed=%d messages=%d: reads", seed, n)
	// The full walks at limit 1 cost a request per message: the small
	// server's cover every row, the large one's the newest pages.
	onePages := 0
	if n > 500 {
		onePages = 150
	}
	digestReads(c, true, false, onePages)
	digestBadRequests(c)

	c.note("server seed=%d messages=%d: writes", seed, n)
	digestWrites(c)
	c.note("server seed=%d messages=%d: reads after writes", seed, n)
	digestReads(c, false, true, 5)

	c.note("server seed=%d messages=%d: clock moves", seed, n)
	digestClockMoves(c)
	c.note("server seed=%d messages=%d: reads after clock moves", seed, n)
	digestReads(c, false, false, 10)
	digestFaultsAndLimits(c)

	c.note("server seed=%d messages=%d: snapshot", seed, n)
	status, snap := c.admin(http.MethodGet, "/_mock/snapshot", "")
	require.Equal(t, http.StatusOK, status)

	// After the snapshot, which would show it: a key with a drawn token
	// (masked), then the key list.
	c.note("server seed=%d messages=%d: drawn key", seed, n)
	// Its own organization keeps the key list's order (by organization,
	// then token) from depending on the drawn token.
	c.admin(http.MethodPost, "/_mock/keys", `{"plan":"starter","org":"org_digest_drawn"}`)
	c.admin(http.MethodGet, "/_mock/keys", "")

	fresh := mockserver.NewHandler(opts...)
	t.Cleanup(fresh.Close)
	require.NoError(t, fresh.Restore(bytes.NewReader(snap)))
	fc := newDigestClient(t, fresh)
	fc.bigInbound = c.bigInbound
	fc.note("server seed=%d messages=%d: the snapshot restored into a fresh server", seed, n)
	digestReads(fc, false, false, 10)
	fc.admin(http.MethodGet, "/_mock/snapshot", "")
	fc.admin(http.MethodPut, "/_mock/snapshot", `{"format":"nope"}`)
	fc.admin(http.MethodPost, "/_mock/reset", "")
	fc.admin(http.MethodGet, "/_mock/health", "")
	fc.get("/v1/logs?limit=5")
	return append(c.lines, fc.lines...)
}

// digestReads reads everything there is to read. full adds the long
// walks, light leaves out most of the filtered ones (the round after the
// writes, which the round after the clock moves reads again); onePages
// bounds the limit=1 walk (0: all pages).
func digestReads(c *digestClient, full, light bool, onePages int) {
	srv := c.srv
	key := srv.APIKey()
	eps := srv.EndpointIDs("")
	now := srv.Now()
	ts := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339Nano)) }

	// /v1/logs
	c.get("/v1/logs")
	c.walk("/v1/logs?limit=500", 0, key)
	c.walk("/v1/logs?limit=37", 0, key)
	c.walk("/v1/logs?limit=1", onePages, key)
	statuses := []string{"queued", "delivering", "succeeded", "pending_retry", "failed_permanent"}
	epPages := 0
	if !full {
		epPages = 3
	}
	for i, ep := range eps {
		if light && i >= 3 {
			break
		}
		c.walk("/v1/logs?limit=37&endpoint_id="+ep, epPages, key)
		for i, st := range statuses {
			if full || i == len(eps)%len(statuses) {
				c.walk("/v1/logs?limit=500&endpoint_id="+ep+"&status="+st, 0, key)
			}
		}
	}
	for _, st := range statuses {
		c.walk("/v1/logs?limit=37&status="+st, epPages, key)
	}
	windows := [][2]time.Time{
		{now.Add(-24 * time.Hour), now},
		{now.Add(-72*time.Hour + 1234*time.Millisecond), now.Add(-48*time.Hour - 17*time.Second)},
		{now.Add(-6 * 24 * time.Hour), now.Add(-6*24*time.Hour + time.Hour)},
		{now.Add(-30 * 24 * time.Hour), now.Add(-8 * 24 * time.Hour)}, // before the history
		{now.Add(-time.Hour), now.Add(24 * time.Hour)},                // past the clock
	}
	for i, w := range windows {
		if light && i > 0 {
			break
		}
		c.walk("/v1/logs?limit=37&start_time="+ts(w[0])+"&end_time="+ts(w[1]), 0, key)
		if i < 2 {
			c.walk("/v1/logs?limit=37&start_time="+ts(w[0]), 3, key)
			c.walk("/v1/logs?limit=37&end_time="+ts(w[1]), 3, key)
			if len(eps) > 0 {
				c.walk("/v1/logs?limit=500&status=failed_permanent&endpoint_id="+eps[len(eps)/2]+"&start_time="+ts(w[0])+"&end_time="+ts(w[1]), 0, key)
			}
		}
	}
	// start_time = end_time = a message's created_at: the bounds are inclusive.
	if ids := srv.OutboundMessageIDs(); len(ids) > 0 {
		c.get("/v1/logs?limit=3&start_time=" + ts(now.Add(-90*time.Minute)) + "&end_time=" + ts(now.Add(-90*time.Minute)))
	}
	c.walk("/v1/logs?limit=20", 2, digestOtherOrgKey)

	// Attempts of a spread sample of outbound messages, and inbound ones.
	out := srv.OutboundMessageIDs()
	sample := 200
	if !full {
		sample = 50
	}
	if light {
		sample = 20
	}
	step := max(1, len(out)/sample)
	for i := 0; i < len(out); i += step {
		c.attempts("/v1/messages/" + out[i] + "/attempts")
	}
	in := srv.InboundMessageIDs()
	istep := max(1, len(in)/20)
	if light {
		istep = max(1, len(in)/8)
	}
	if full {
		istep = max(1, len(in)/60)
		// Every inbound message with more attempts than a list holds.
		for q := (mockserver.MessageQuery{Direction: "inbound", Limit: 1000}); ; {
			page, err := srv.Messages(q)
			require.NoError(c.t, err)
			for _, m := range page.Messages {
				if m.Attempts > hookscope.AttemptsMaxPerList {
					c.bigInbound[m.ID] = true
				}
			}
			if q.Cursor = page.NextCursor; q.Cursor == "" {
				break
			}
		}
		require.NotEmpty(c.t, c.bigInbound, "an inbound message with more than %d attempts", hookscope.AttemptsMaxPerList)
	}
	for i, id := range in {
		if i%istep == 0 || c.bigInbound[id] {
			c.attempts("/v1/inbound-messages/" + id + "/attempts")
			c.get("/v1/inbound-messages/" + id)
		}
	}
	if len(out) > 0 && len(in) > 0 {
		c.get("/v1/inbound-messages/" + out[0] + "/attempts") // other direction: empty
		c.get("/v1/messages/" + in[0] + "/attempts")
		c.get("/v1/inbound-messages/" + out[0])
		c.get("/v1/messages/" + strings.ToUpper(out[1]) + "/attempts")
		c.do(http.MethodGet, "/v1/messages/"+out[0]+"/attempts", digestOtherOrgKey, "")
	}
	c.get("/v1/messages/01890000-0000-7000-8000-000000000000/attempts")
	c.get("/v1/inbound-messages/01890000-0000-7000-8000-000000000000")

	// Presigned response bodies: a sample of the URLs of this round.
	urls := c.bodyURLs
	c.bodyURLs = nil
	ustep := max(1, len(urls)/30)
	for i := 0; i < len(urls); i += ustep {
		c.do(http.MethodGet, urls[i], "", "")
	}

	digestMetrics(c, full, light)

	// Analytics: it takes no parameters (an unknown one is ignored).
	c.get("/analytics/webhooks")
	c.get("/analytics/webhooks?days=7")
	c.do(http.MethodGet, "/analytics/webhooks", digestFreeKey, "")
	c.do(http.MethodGet, "/analytics/webhooks", digestOtherOrgKey, "")

	// Webhooks.
	c.get("/api/v0/webhooks")
	c.walk("/api/v0/webhooks?limit=1", 0, key)
	c.walk("/api/v0/webhooks?limit=3", 0, key)
	c.get("/api/v0/webhooks?limit=100")
	c.do(http.MethodGet, "/api/v0/webhooks", digestOtherOrgKey, "")
	for _, ep := range eps {
		c.get("/api/v0/webhooks/" + ep)
		c.get("/api/v0/webhooks/" + ep + "?include_events=true")
		if full {
			c.get("/api/v0/webhooks/" + ep + "?include_events=1&events_limit=1")
			c.get("/api/v0/webhooks/" + ep + "?include_events=true&events_limit=50")
			c.get("/api/v0/webhooks/" + ep + "?include_events=false&events_limit=7")
		}
	}
	c.do(http.MethodHead, "/v1/logs?limit=2", key, "")

	// Admin reads.
	c.admin(http.MethodGet, "/_mock/health", "")
	c.do(http.MethodGet, "/_mock/health", "", "")
	c.admin(http.MethodGet, "/_mock/keys", "")
	c.admin(http.MethodGet, "/_mock/clock", "")
	c.admin(http.MethodGet, "/_mock/rate-limits", "")
	c.admin(http.MethodGet, "/_mock/faults", "")
	c.walk("/_mock/messages?limit=1000", 0, digestAdminToken)
	c.walk("/_mock/messages?direction=inbound&limit=100", 0, digestAdminToken)
	c.walk("/_mock/messages?direction=outbound&limit=250", 3, digestAdminToken)
	c.walk("/_mock/messages?org="+srv.DefaultOrgID()+"&limit=7", 3, digestAdminToken)
	c.admin(http.MethodGet, "/_mock/messages?org=org_digest_other", "")
	c.admin(http.MethodGet, "/_mock/messages", "")
	c.admin(http.MethodGet, "/_mock/requests?limit=25", "")
	c.admin(http.MethodGet, "/_mock/requests?path=/v1/logs&limit=10", "")
	c.admin(http.MethodGet, "/_mock/requests?method=GET&status=400&limit=10", "")
	c.admin(http.MethodGet, "/_mock/requests?status=200&limit=3", "")
}

// attempts reads an attempts list, keeping its body URLs.
func (c *digestClient) attempts(target string) {
	status, body := c.get(target)
	if status != http.StatusOK {
		return
	}
	for _, raw := range jsonStrings(c.t, body, "response_body_url") {
		u, err := url.Parse(raw)
		require.NoError(c.t, err)
		c.bodyURLs = append(c.bodyURLs, u.RequestURI())
	}
}

// jsonStrings returns the string values of the members named name in the
// JSON text body, in order (a search, not a parse: decoding whole pages
// would cost most of the test's time).
func jsonStrings(t testing.TB, body []byte, name string) []string {
	key := []byte(`"` + name + `":"`)
	var out []string
	for {
		i := bytes.Index(body, key)
		if i < 0 {
			return out
		}
		body = body[i+len(key)-1:]
		end := 1
		for end < len(body) && (body[end] != '"' || body[end-1] == '\\') {
			end++
		}
		var v string
		require.NoError(t, json.Unmarshal(body[:end+1], &v), "%s", body[:end+1])
		out = append(out, v)
		body = body[end+1:]
	}
}

// digestMetrics reads both metrics endpoints under every parameter.
func digestMetrics(c *digestClient, full, light bool) {
	now := c.srv.Now()
	ts := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339Nano)) }
	hour := now.Truncate(time.Hour)
	day := now.Truncate(24 * time.Hour)
	windows := map[string][]string{
		"minute": {
			"from=" + ts(hour.Add(-2*time.Hour)) + "&to=" + ts(hour),                                     // aligned
			"from=" + ts(now.Add(-95*time.Minute+13*time.Second)) + "&to=" + ts(now.Add(-7*time.Second)), // unaligned, partial buckets
			"from=" + ts(now.Add(-30*time.Minute)) + "&to=" + ts(now.Add(30*time.Minute)),                // past the clock
		},
		"hour": {
			"", // default window: the 24 hours up to the clock
			"from=" + ts(day.Add(-3*24*time.Hour)) + "&to=" + ts(day),
			"from=" + ts(now.Add(-50*time.Hour+1789*time.Second)) + "&to=" + ts(now.Add(-3*time.Hour+61*time.Second)),
			"to=" + ts(now.Add(-24*time.Hour)),
			"from=" + ts(now.Add(-2*time.Hour)),
		},
		"day": {
			"from=" + ts(day.Add(-7*24*time.Hour)) + "&to=" + ts(day.Add(24*time.Hour)),
			"from=" + ts(now.Add(-10*24*time.Hour+5*time.Hour)) + "&to=" + ts(now),
			"from=" + ts(now.Add(-400*24*time.Hour)) + "&to=" + ts(now.Add(-300*24*time.Hour)),
		},
	}
	fams := []struct {
		path    string
		metrics []string
	}{
		{"/v1/metrics/webhooks", []string{"delivered", "failed", "retried"}},
		{"/v1/metrics/messages", []string{"messages.inbound.received", "messages.outbound.sent", "messages.outbound.delivered", "messages.outbound.failed"}},
	}
	groups := []string{"", "endpoint_id", "kind", "http_status_class"}
	for _, f := range fams {
		for mi, m := range f.metrics {
			for _, gran := range []string{"minute", "hour", "day"} {
				for wi, w := range windows[gran] {
					for gi, g := range groups {
						for _, cmp := range []string{"", "prior_period"} {
							// The full round: every combination on the first
							// window; on the others, the plain series and one
							// grouping. The later rounds: every combination
							// of the first metric on the first window, the
							// plain series of the others.
							first := wi == 0 && (mi == 0 || full)
							plain := g == "" && cmp == "" && (full || wi == 0)
							if light {
								first, plain = false, plain && wi == 0
							}
							if !first && !plain && !(full && cmp == "" && gi == (wi%3)+1) {
								continue
							}
							q := "metric=" + m + "&granularity=" + gran
							if w != "" {
								q += "&" + w
							}
							if g != "" {
								q += "&group_by=" + g
							}
							if cmp != "" {
								q += "&compare_to=" + cmp
							}
							c.get(f.path + "?" + q)
						}
					}
				}
			}
		}
		// Defaults (hour granularity, 24 hours), paging, plan gates.
		c.get(f.path + "?metric=" + f.metrics[0])
		c.walk(f.path+"?metric="+f.metrics[1]+"&group_by=endpoint_id&compare_to=prior_period&limit=40", 0, c.srv.APIKey())
		c.walk(f.path+"?metric="+f.metrics[0]+"&granularity=minute&"+windows["minute"][1]+"&limit=25", 2, c.srv.APIKey())
		c.do(http.MethodGet, f.path+"?metric="+f.metrics[0]+"&granularity=minute&"+windows["minute"][0], digestStarterKey, "")
		c.do(http.MethodGet, f.path+"?metric="+f.metrics[0]+"&granularity=hour", digestFreeKey, "")
		c.do(http.MethodGet, f.path+"?metric="+f.metrics[0]+"&granularity=day&"+windows["day"][0], digestFreeKey, "")
		c.do(http.MethodGet, f.path+"?metric="+f.metrics[0]+"&granularity=hour", digestStarterKey, "")
		c.do(http.MethodGet, f.path+"?metric="+f.metrics[0], digestOtherOrgKey, "")
		if !full {
			continue
		}
		c.get(f.path + "?metric=" + f.metrics[0] + "&granularity=minute")                                                           // 1441 buckets
		c.get(f.path + "?metric=" + f.metrics[0] + "&granularity=minute&from=" + ts(now.Add(-8*24*time.Hour)))                      // too many buckets
		c.get(f.path + "?metric=" + f.metrics[0] + "&granularity=hour&group_by=endpoint_id&from=" + ts(now.Add(-300*24*time.Hour))) // too many rows
		c.get(f.path + "?metric=" + f.metrics[0] + "&from=" + ts(now) + "&to=" + ts(now.Add(-time.Hour)))
		c.get(f.path + "?metric=nope")
		c.get(f.path)
		c.get(f.path + "?metric=" + f.metrics[0] + "&granularity=week")
		c.get(f.path + "?metric=" + f.metrics[0] + "&group_by=app")
		c.get(f.path + "?metric=" + f.metrics[0] + "&compare_to=last_year")
		c.get(f.path + "?metric=" + f.metrics[0] + "&limit=0")
		c.get(f.path + "?metric=" + f.metrics[0] + "&limit=5001")
		c.get(f.path + "?metric=" + f.metrics[0] + "&from=yesterday")
		c.get(f.path + "?metric=" + f.metrics[0] + "&metric=" + f.metrics[0])
	}
	if !full {
		return
	}
	c.get("/v1/metrics/webhooks?metric=messages.outbound.sent")
	c.get("/v1/metrics/messages?metric=delivered")
}

// digestBadRequests sends requests every endpoint refuses.
func digestBadRequests(c *digestClient) {
	key := c.srv.APIKey()
	eps := c.srv.EndpointIDs("")
	for _, p := range []string{"/v1/logs", "/v1/metrics/webhooks?metric=delivered", "/v1/metrics/messages?metric=messages.outbound.sent",
		"/api/v0/webhooks", "/analytics/webhooks", "/v1/messages/01890000-0000-7000-8000-000000000000/attempts",
		"/v1/inbound-messages/01890000-0000-7000-8000-000000000000"} {
		c.do(http.MethodGet, p, "", "")                // 401, in the family's envelope
		c.do(http.MethodGet, p, "am_test_wrong", "")   // 401
		c.do(http.MethodGet, p, digestNoScopesKey, "") // 403 but for the logs
	}
	c.do(http.MethodGet, "/v1/logs", key, "", "Authorization", "Basic "+key)
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "limit=1&limit=2", "status=done", "endpoint_id=ep_1",
		"endpoint_id=ep_00000000000000000000000000000000", "start_time=now", "end_time=2026-13-01T00:00:00Z",
		"start_time=2026-05-06T00:00:00Z&end_time=2026-05-05T00:00:00Z", "start_time=0999-01-01T00:00:00Z",
		"cursor=abc", "cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "%zz"} {
		c.get("/v1/logs?" + q)
	}
	// A cursor of other filters, and of another endpoint.
	_, body := c.get("/v1/logs?limit=2")
	if next := jsonStrings(c.t, body, "next_cursor"); len(next) == 1 {
		cur := url.QueryEscape(next[0])
		c.get("/v1/logs?limit=2&status=succeeded&cursor=" + cur)
		c.get("/api/v0/webhooks?cursor=" + cur)
		c.get("/v1/metrics/webhooks?metric=delivered&cursor=" + cur)
	}
	c.get("/v1/messages/not-a-uuid/attempts")
	c.get("/v1/messages/01890000-0000-7000-8000-000000000000/attempts?cursor=x")
	c.get("/v1/inbound-messages/x")
	c.get("/api/v0/webhooks/ep_00000000000000000000000000000000")
	c.get("/api/v0/webhooks/nope")
	c.get("/api/v0/webhooks?limit=101")
	c.get("/api/v0/webhooks?cursor=zzz")
	if len(eps) > 0 {
		c.get("/api/v0/webhooks/" + eps[0] + "?events_limit=51")
		c.get("/api/v0/webhooks/" + eps[0] + "?include_events=maybe")
	}
	c.get("/v1/nope")
	c.get("/")
	c.do(http.MethodPost, "/v1/logs", key, "{}")
	c.do(http.MethodPut, "/api/v0/webhooks", key, "{}")
	c.do(http.MethodOptions, "/analytics/webhooks", key, "")
	// Presigned URLs: bad signature, bad attempt number, no message.
	c.do(http.MethodGet, "/_mock/response-bodies/01890000-0000-7000-8000-000000000000/1?expires=9999999999&signature=00", "", "")
	c.do(http.MethodGet, "/_mock/response-bodies/01890000-0000-7000-8000-000000000000/x", "", "")
	// Admin API: token, parameters, routes.
	c.do(http.MethodGet, "/_mock/keys", "", "")
	c.do(http.MethodGet, "/_mock/keys", key, "")
	c.admin(http.MethodGet, "/_mock/messages?limit=0", "")
	c.admin(http.MethodGet, "/_mock/messages?cursor=", "")
	c.admin(http.MethodGet, "/_mock/messages?cursor=zzz", "")
	c.admin(http.MethodGet, "/_mock/messages?direction=sideways", "")
	c.admin(http.MethodGet, "/_mock/messages?page=2", "")
	c.admin(http.MethodGet, "/_mock/requests?limit=-1", "")
	c.admin(http.MethodGet, "/_mock/nope", "")
	c.admin(http.MethodPatch, "/_mock/clock", "{}")
	c.admin(http.MethodPut, "/_mock/clock", `{"now":"soon"}`)
	c.admin(http.MethodPost, "/_mock/clock/advance", `{"by":"-1h"}`)
	c.admin(http.MethodPost, "/_mock/messages", `{"endpoint_id":"ep_00000000000000000000000000000000"}`)
	c.admin(http.MethodPost, "/_mock/messages", `{"attempts":[]}`)
	c.admin(http.MethodPost, "/_mock/faults", `{"path":"/v1/logs"}`)
	c.admin(http.MethodPost, "/_mock/keys", `{"token":"has space"}`)
	c.admin(http.MethodPut, "/_mock/rate-limits", `{}`)
	c.admin(http.MethodPost, "/_mock/reset", `{"x":1}`)
}

// digestWrites adds messages and writes webhooks.
func digestWrites(c *digestClient) {
	srv := c.srv
	key := srv.APIKey()
	eps := srv.EndpointIDs("")
	require.GreaterOrEqual(c.t, len(eps), 3)
	now := srv.Now()
	id, err := srv.AddMessage(mockserver.Message{EndpointID: eps[0]})
	goLine(c, "AddMessage(queued)", id, err)
	id, err = srv.AddMessage(mockserver.Message{EndpointID: eps[1], EventType: "invoice.paid",
		Payload:  json.RawMessage(`{"invoice":"in_1","amount":4200,"tags":["a","b"]}`),
		Attempts: []mockserver.AttemptSpec{{Status: 500}, {Status: 0, Error: "custom: connection reset by peer"}}})
	goLine(c, "AddMessage(pending retry, custom payload and error)", id, err)
	id, err = srv.AddMessage(mockserver.Message{EndpointID: eps[1], CreatedAt: now.Add(-2 * time.Hour),
		Attempts: []mockserver.AttemptSpec{{Status: 503}, {Status: 429, LatencyMS: 9}, {Status: 404}}, Final: true})
	goLine(c, "AddMessage(failed permanently)", id, err)
	id, err = srv.AddMessage(mockserver.Message{EndpointID: eps[2], CreatedAt: now.Add(-30 * time.Minute),
		Attempts: []mockserver.AttemptSpec{{Status: 502}, {Status: 201, LatencyMS: 1500, At: now.Add(-20 * time.Minute)}}})
	goLine(c, "AddMessage(succeeded on retry)", id, err)
	id, err = srv.AddMessage(mockserver.Message{EndpointID: eps[0], CreatedAt: now.Add(5 * time.Minute)})
	goLine(c, "AddMessage(after the clock)", id, err)
	id, err = srv.AddMessage(mockserver.Message{EndpointID: "ep_00000000000000000000000000000000"})
	goLine(c, "AddMessage(unknown endpoint)", id, err)

	c.admin(http.MethodPost, "/_mock/messages", `{"endpoint_id":"`+eps[2]+`","event_type":"order.shipped","payload":{"order":7},"attempts":[{"status":200,"latency_ms":33}]}`)
	c.admin(http.MethodPost, "/_mock/messages", `{"endpoint_id":"`+eps[0]+`","created_at":"`+now.Add(-3*time.Hour).Format(time.RFC3339)+`","attempts":[{"status":0},{"status":410,"error":"gone for good"}],"final":true}`)
	c.admin(http.MethodPost, "/_mock/messages", `{"endpoint_id":"`+eps[1]+`","attempts":[{"status":500,"at":"`+now.Add(-time.Minute).Format(time.RFC3339)+`"}]}`)

	// Webhooks through the API.
	created := `{"name":"digest hook","url":"https://digest.example/hook"}`
	c.do(http.MethodPost, "/api/v0/webhooks", key, created, "Idempotency-Key", "digest-1")
	st, body := c.do(http.MethodPost, "/api/v0/webhooks", key, created, "Idempotency-Key", "digest-1") // replay
	c.do(http.MethodPost, "/api/v0/webhooks", key, `{"name":"other"}`, "Idempotency-Key", "digest-1")  // reused key
	c.do(http.MethodPost, "/api/v0/webhooks", key, `{"name":"second","url":"https://digest.example/2","isActive":false,"event_types":["a.b","c.d"]}`)
	c.do(http.MethodPost, "/api/v0/webhooks", key, `{"name":"bad","url":"http://digest.example"}`)
	c.do(http.MethodPost, "/api/v0/webhooks", key, `{"name":"bad","url":"https://x.example","color":"red"}`)
	c.do(http.MethodPost, "/api/v0/webhooks", key, `[]`)
	c.do(http.MethodPost, "/api/v0/webhooks", digestNoScopesKey, created)
	var newID string
	if st == http.StatusCreated {
		var w struct {
			ID   string `json:"id"`
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		require.NoError(c.t, json.Unmarshal(body, &w))
		newID = w.ID + w.Data.ID
	}
	require.NotEmpty(c.t, newID, "%s", body)
	id, err = srv.AddMessage(mockserver.Message{EndpointID: newID, Attempts: []mockserver.AttemptSpec{{Status: 200}}})
	goLine(c, "AddMessage(created webhook)", id, err)
	// A URL change: the logs' rows of that endpoint show the new URL.
	c.do(http.MethodPatch, "/api/v0/webhooks/"+eps[0], key, `{"url":"https://moved.digest.example/in"}`)
	c.do(http.MethodPatch, "/api/v0/webhooks/"+eps[1], key, `{"name":"renamed","isActive":false}`, "Idempotency-Key", "digest-2")
	c.do(http.MethodPatch, "/api/v0/webhooks/"+eps[1], key, `{"name":"renamed","isActive":false}`, "Idempotency-Key", "digest-2")
	c.do(http.MethodPatch, "/api/v0/webhooks/"+eps[2], key, `{"event_types":[]}`)
	c.do(http.MethodPatch, "/api/v0/webhooks/"+eps[2], key, `{"url":"ftp://x"}`)
	c.do(http.MethodPatch, "/api/v0/webhooks/ep_00000000000000000000000000000000", key, `{"name":"x"}`)
	c.do(http.MethodDelete, "/api/v0/webhooks/"+newID, key, "")
	c.do(http.MethodDelete, "/api/v0/webhooks/"+newID, key, "")
	c.do(http.MethodGet, "/api/v0/webhooks/"+newID, key, "")
	c.do(http.MethodDelete, "/api/v0/webhooks/"+eps[len(eps)-1], key, "")
	c.walk("/v1/logs?limit=50&endpoint_id="+eps[0], 2, key)
}

// goLine records a call of the Go API: its result (an id, the clock) and
// error, as status 000 and method GO.
func goLine(c *digestClient, what, result string, err error) {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s %v", result, err)))
	c.lines = append(c.lines, fmt.Sprintf("000 %s GO %s", hex.EncodeToString(h[:]), what))
}

// digestClockMoves moves the clock so that pending retries fall due.
func digestClockMoves(c *digestClient) {
	srv := c.srv
	before := c.bodyURLs
	c.admin(http.MethodPost, "/_mock/clock/advance", `{"by":"90s"}`)
	c.get("/v1/logs?status=pending_retry&limit=100")
	c.admin(http.MethodPost, "/_mock/clock/advance", `{"by":"1h"}`)
	c.get("/v1/logs?status=pending_retry&limit=100")
	err := srv.AdvanceClock(6 * time.Hour)
	goLine(c, "AdvanceClock(6h)", srv.Now().Format(time.RFC3339Nano), err)
	c.get("/v1/logs?status=pending_retry&limit=100")
	err = srv.SetClock(srv.Now().Add(2*24*time.Hour + 17*time.Minute))
	goLine(c, "SetClock(+2d17m)", srv.Now().Format(time.RFC3339Nano), err)
	c.admin(http.MethodPut, "/_mock/clock", `{"now":"`+srv.Now().Add(-time.Hour).Format(time.RFC3339)+`"}`) // back: no attempt
	c.admin(http.MethodGet, "/_mock/clock", "")
	// Presigned URLs handed out before the moves have expired.
	for i := 0; i < len(before) && i < 3; i++ {
		c.do(http.MethodGet, before[i], "", "")
	}
}

// digestFaultsAndLimits reads under rate limits and injected faults.
func digestFaultsAndLimits(c *digestClient) {
	c.admin(http.MethodPut, "/_mock/rate-limits", `{"enabled":true}`)
	for range 3 {
		c.get("/v1/logs?limit=1")
		c.get("/analytics/webhooks")
	}
	c.admin(http.MethodPut, "/_mock/rate-limits", `{"enabled":false}`)
	c.admin(http.MethodPost, "/_mock/faults", `{"path":"/v1/logs","status":503,"retry_after":"2s","times":1}`)
	c.admin(http.MethodPost, "/_mock/faults", `{"path":"/api/v0/webhooks","method":"GET","status":500,"times":2}`)
	c.admin(http.MethodGet, "/_mock/faults", "")
	c.get("/v1/logs?limit=1")
	c.get("/v1/logs?limit=1")
	c.get("/api/v0/webhooks")
	c.admin(http.MethodDelete, "/_mock/faults", "")
	c.get("/api/v0/webhooks?limit=2")
	c.admin(http.MethodGet, "/_mock/requests?limit=20", "")
	c.admin(http.MethodDelete, "/_mock/requests", "")
	c.admin(http.MethodGet, "/_mock/requests", "")
}
