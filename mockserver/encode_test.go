package mockserver

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
)

// The hand-written encoders must write exactly what json.Marshal writes.

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// logEntry is m as a /v1/logs row, built as the SDK's type: the reference
// the hand-written appendLogRow is checked against.
func logEntry(m *message) hookscope.LogEntry {
	e := hookscope.LogEntry{
		MessageID: m.id, Endpoint: m.ep.url, Status: m.status,
		AttemptCount: len(m.attempts), CreatedAt: m.createdAt,
	}
	if a := m.successAttempt(); a != nil {
		e.DeliveredAt = new(a.at)
	}
	if m.status == hookscope.StatusPendingRetry {
		e.NextAttemptAt = new(m.nextAttemptAt)
	}
	if last := m.lastAttempt(); last != nil {
		if last.status != 0 {
			e.ResponseStatus = new(last.status)
		}
		if last.latency != absent {
			e.ResponseLatencyMS = new(last.latency)
		}
		if !last.succeeded() {
			e.LastError = last.errText
		}
	}
	return e
}

// renderWebhook is ep as the webhooks endpoints answer it, built as a
// struct: the reference appendWebhookLocked is checked against.
func renderWebhook(o *org, ep *endpoint, now time.Time, events int) webhookResp {
	wh := webhookFieldsLocked(o, ep, now)
	wh.EventTypes = slices.Clone(wh.EventTypes)
	if events > 0 {
		wh.RecentEvents = []webhookEventResp{}
		ms := o.outboundBy[filterKey{ep: ep.id}]
		for i := len(ms) - 1; i >= 0 && len(wh.RecentEvents) < events; i-- {
			wh.RecentEvents = append(wh.RecentEvents, recentEvent(o.view(ms[i])))
		}
	}
	return wh
}

// appendWebhook appends wh with the hand-written encoders.
func appendWebhook(b []byte, wh *webhookResp) []byte {
	b = appendWebhookFields(b, wh)
	if len(wh.RecentEvents) > 0 {
		b = append(b, `,"recent_events":[`...)
		for i := range wh.RecentEvents {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendWebhookEvent(b, &wh.RecentEvents[i])
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	cases := []string{"", "plain", `quote " backslash \ slash /`, "<a href='x'>&amp;</a>", "\u2028\u2029", "\x7f\x00\x01\x1f\b\f\n\r\t",
		"héllo wörld ✓ 🎉", "bad \xff\xfe utf8 \xc3", "\xed\xa0\x80 surrogate", "\ufffd", "tail\xe2\x80"}
	for c := range 256 {
		cases = append(cases, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", "<", ">", "&", `"`, `\`, "\n", "\x00", "\x7f", "é", "\u2028", "\u2029", "🎉", "\xff", "\xe2\x80", " "}
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(20) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, sb.String())
	}
	for _, s := range cases {
		require.Equal(t, marshal(t, s), string(appendString(nil, s)), "%q", s)
	}
}

func TestAppendFloatAndTimeMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 99.6, 100, 12.34, 1234.5, 1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e20, 1e21, 1.5e21, 1e300,
		-1e-7, -1e21, 5e-324, math.MaxFloat64, 123456789.125}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		floats = append(floats, math.Round(rng.Float64()*1e6)/100, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)))
	}
	for _, f := range floats {
		require.Equal(t, marshal(t, f), string(appendFloat(nil, f)), "%v", f)
	}
	for _, tm := range []time.Time{time.Unix(0, 0).UTC(), time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC),
		time.Date(2026, 5, 6, 15, 4, 5, 120_000_000, time.UTC), time.Date(2999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)} {
		require.Equal(t, marshal(t, tm), string(appendTime(nil, tm)), "%v", tm)
	}
}

// TestAppendRowsMatchEncodingJSON: every generated and added log row and
// webhook, with odd strings in error texts, event types and URLs.
func TestAppendRowsMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := New(WithSeed(3), WithMessages(3000), WithClock(func() time.Time { return now }))
	defer s.Close()
	eps := s.EndpointIDs("")
	for i, odd := range []string{"<b>&\"x\"</b>", "line\nbreak\u2028", "bad \xff utf8", "", "tab\there"} {
		_, err := s.AddMessage(Message{EndpointID: eps[i%len(eps)], EventType: "ev" + odd, CreatedAt: now.Add(-time.Duration(i) * time.Hour),
			Attempts: []AttemptSpec{{Status: 500, Error: odd}, {Status: 0, Error: odd}}})
		require.NoError(t, err)
	}
	s.st.mu.Lock()
	o := s.st.orgs[s.DefaultOrgID()]
	o.endpoints[1].url = "https://x.example/<a>&\u2028\xff"
	o.endpoints[2].name = "name \"quoted\" <tag>"
	o.endpoints[3].eventTypes = nil
	s.st.mu.Unlock()

	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	for _, ref := range o.outboundBy[filterKey{}] {
		m := o.view(ref)
		require.Equal(t, marshal(t, logEntry(m)), string(o.appendLogRow(nil, o.msg(ref))), "row %s", m.id)
		for range 2 { // encoding, then from the cache
			require.Equal(t, marshal(t, logEntry(m)), string(o.appendCachedLogRow([]byte("x"), ref)[1:]), "row %s", m.id)
		}
	}
	for _, ep := range o.endpoints {
		for _, events := range []int{0, 1, 50} {
			for _, at := range []time.Time{now, now.Add(-3 * 24 * time.Hour), time.Unix(0, 0).UTC()} {
				wh := renderWebhook(o, ep, at, events)
				require.Equal(t, marshal(t, wh), string(appendWebhook(nil, &wh)), "webhook %s", ep.name)
				for range 2 { // encoding, then from the cache
					require.Equal(t, marshal(t, wh), string(appendWebhookLocked(nil, o, ep, at, events)), "webhook %s", ep.name)
					kept, span := appendWebhookRLocked(nil, o, ep, at, events, 7)
					require.Equal(t, marshal(t, wh), string(kept), "webhook %s, its kept encoding", ep.name)
					require.True(t, span.holds(at.UnixNano()), "webhook %s: its span holds its time", ep.name)
				}
			}
		}
	}
	for _, m := range []listMeta{{}, {RequestID: "req_1"}, {NextCursor: new("abc<"), HasMore: true}} {
		require.Equal(t, marshal(t, m), string(appendListMeta(nil, m)))
	}
	// A cached row follows its endpoint's URL.
	for _, ref := range o.outboundBy[filterKey{}][:50] {
		o.appendCachedLogRow(nil, ref)
		m := o.view(ref)
		old := m.ep.url
		m.ep.url = old + "/moved"
		require.Equal(t, marshal(t, logEntry(m)), string(o.appendCachedLogRow(nil, ref)), "row %s after a URL change", m.id)
		m.ep.url = old
		require.Equal(t, marshal(t, logEntry(m)), string(o.appendCachedLogRow(nil, ref)), "row %s after a URL change back", m.id)
	}
	var wh webhookResp // every optional field empty
	require.Equal(t, marshal(t, wh), string(appendWebhook(nil, &wh)))
}

func TestIsEndpointIDMatchesPattern(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(`^ep_[a-f0-9]{32}$`)
	ok := "ep_0123456789abcdef0123456789abcdef"
	cases := []string{"", "ep_", ok, ok + "0", ok[:34], "EP_" + ok[3:], "ep-" + ok[3:], ok + "\n", "x" + ok[1:]}
	for i := 3; i < len(ok); i++ {
		for _, c := range []byte("09afAFgz/:`G\x00\xff") {
			b := []byte(ok)
			b[i] = c
			cases = append(cases, string(b))
		}
	}
	for _, id := range cases {
		require.Equal(t, pattern.MatchString(id), isEndpointID(id), "%q", id)
	}
}

// BenchmarkLogRowEncoding: one /v1/logs row through encoding/json (the old
// path: logEntry, then json.Marshal), through appendLogRow (the first time
// a row is served), and from its cache (every later time).
//
//	go test -run '^$' -bench BenchmarkLogRowEncoding -benchmem ./mockserver
func BenchmarkLogRowEncoding(b *testing.B) {
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := New(WithMessages(2000), WithClock(func() time.Time { return now }))
	defer s.Close()
	o := s.st.orgs[s.DefaultOrgID()]
	ms := o.outboundBy[filterKey{}]
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := json.Marshal(logEntry(o.view(ms[i%len(ms)]))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	buf := make([]byte, 0, 1024)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf = o.appendLogRow(buf[:0], o.msg(ms[i%len(ms)]))
			i++
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf = o.appendCachedLogRow(buf[:0], ms[i%len(ms)])
			i++
		}
	})
}

// TestCachedRowsUnderConcurrentWrites: pages and webhook gets served while
// URLs change and messages arrive (run with -race) end up with the bytes of
// the current data.
func TestCachedRowsUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := New(WithMessages(1000), WithClock(func() time.Time { return now }))
	defer s.Close()
	eps := s.EndpointIDs("")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 30 {
				serveTest(t, s, "GET", "/v1/logs?limit=500", "")
				serveTest(t, s, "GET", "/api/v0/webhooks/"+eps[len(eps)-1]+"?include_events=true&events_limit=50", "")
			}
		})
	}
	wg.Go(func() {
		for i := range 30 {
			serveTest(t, s, "PATCH", "/api/v0/webhooks/"+eps[len(eps)-1], fmt.Sprintf(`{"url":"https://moved%d.example/"}`, i))
			if _, err := s.AddMessage(Message{EndpointID: eps[len(eps)-1], Attempts: []AttemptSpec{{Status: 200}}}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	var page struct {
		Data []json.RawMessage `json:"data"`
	}
	require.NoError(t, json.Unmarshal(serveTest(t, s, "GET", "/v1/logs?limit=500", ""), &page))
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	o := s.st.orgs[s.DefaultOrgID()]
	ms := o.outboundBy[filterKey{}]
	for i, row := range page.Data {
		require.Equal(t, marshal(t, logEntry(o.view(ms[len(ms)-1-i]))), string(row), "row %d", i)
	}
}

// appendWebhookFields appends wh's opening brace and every field but
// recent_events.
func appendWebhookFields(b []byte, wh *webhookResp) []byte {
	b = appendWebhookHead(b, wh)
	b = appendDeliveryStats(b, &wh.DeliveryStats)
	return appendWebhookApp(b, wh)
}
