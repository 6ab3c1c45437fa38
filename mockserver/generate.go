package mockserver

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// Defaults of the generator, used when WithSeed and WithMessages are absent.
const (
	// DefaultSeed is the generator's seed without WithSeed.
	DefaultSeed int64 = 1
	// DefaultMessages is the number of outbound messages without WithMessages.
	DefaultMessages = 2000
	// BigInboundAttempts is the attempt count of the one inbound message that
	// passes the attempts endpoint's 200-attempt cap.
	BigInboundAttempts = 230
)

// History is how far back the generated messages go from the clock.
const History = 7 * 24 * time.Hour

// retrySchedule is the backoff before attempt k+2 (index k): three fast
// retries, then slow ones.
var retrySchedule = [maxAttempts - 1]time.Duration{
	5 * time.Second, 30 * time.Second, 2 * time.Minute, // fast
	15 * time.Minute, time.Hour, 4 * time.Hour, 8 * time.Hour, // slow
}

// fastRetries is how many retries (attempts 2..fastRetries+1) are on the fast schedule.
const fastRetries = 3

// failure kinds an endpoint profile can draw.
type failure int

const (
	fail500 failure = iota
	fail502
	fail503
	fail504
	fail429
	fail400
	fail404
	fail410 // permanent: no retry
	failTimeout
	failDNS
	failRefused
	failTLS
)

// profile describes how an endpoint behaves: the generator draws each
// attempt's outcome and timings from it.
type profile struct {
	name       string
	url        string
	kind       hookscope.EndpointKind
	weight     int
	success    float64 // probability that an attempt gets a 2xx
	doomed     float64 // probability that no attempt of a message gets one (an outage)
	failures   []failure
	latLo      int64 // ttfb range in ms
	latHi      int64
	events     []string
	encrypted  bool
	active     bool
	reuse      float64 // probability that a connection is reused
	inboundWgt int     // weight as the target of inbound messages
}

var orgEvents = []string{"message.created", "message.updated", "message.deleted", "contact.created", "contact.updated", "conversation.closed"}
var numberEvents = []string{"number.updated", "call.completed", "call.missed", "message.received", "message.delivered"}

// profiles are the generated organization's endpoints: a healthy one, a flaky
// one, a slow one, a dead one, and number feeds of several kinds.
var profiles = []profile{
	{name: "Orders service", url: "https://api.shopwave.example/webhooks/hookscope", kind: hookscope.KindOrganization, weight: 25,
		success: 0.996, failures: []failure{fail503, failTimeout}, latLo: 60, latHi: 320, events: orgEvents[:4], active: true, reuse: 0.7, inboundWgt: 1},
	{name: "Billing sync", url: "https://billing.ledgerly.example/hooks", kind: hookscope.KindOrganization, weight: 15,
		doomed: 0.08, success: 0.78, failures: []failure{fail500, fail502, fail503, failTimeout, failRefused}, latLo: 120, latHi: 950, events: orgEvents, encrypted: true, active: true, reuse: 0.4, inboundWgt: 1},
	{name: "Data warehouse ingest", url: "https://ingest.datapipe.example/v2/events", kind: hookscope.KindOrganization, weight: 12,
		doomed: 0.02, success: 0.97, failures: []failure{failTimeout, fail504}, latLo: 1900, latHi: 4700, events: orgEvents[:3], active: true, reuse: 0.5},
	{name: "Legacy CRM", url: "https://crm.oldcorp.example/webhook", kind: hookscope.KindOrganization, weight: 6,
		success: 0, failures: []failure{failDNS, failDNS, failRefused}, latLo: 0, latHi: 0, events: orgEvents[3:5], active: true},
	{name: "Support line +1 415 555 0134", url: "https://support.helpdesk.example/numbers/14155550134", kind: hookscope.KindNumber, weight: 20,
		success: 0.992, failures: []failure{fail500, failTLS}, latLo: 80, latHi: 420, events: numberEvents, active: true, reuse: 0.6, inboundWgt: 4},
	{name: "Sales line +44 20 7946 0321", url: "https://hooks.salesdesk.example/numbers/442079460321", kind: hookscope.KindNumber, weight: 12,
		doomed: 0.03, success: 0.9, failures: []failure{fail400, fail404, fail429, fail429, fail410, failTLS}, latLo: 90, latHi: 600, events: numberEvents[:3], encrypted: true, active: true, reuse: 0.5, inboundWgt: 3},
	{name: "Alerts +1 212 555 0187", url: "https://alerts.pagerly.example/in/12125550187", kind: hookscope.KindNumber, weight: 10,
		doomed: 0.006, success: 0.97, failures: []failure{fail500, fail502, failTLS}, latLo: 150, latHi: 800, events: numberEvents[1:], active: true, reuse: 0.5, inboundWgt: 2},
	{name: "Paused staging hook", url: "https://staging.shopwave.example/webhooks", kind: hookscope.KindOrganization, weight: 0,
		success: 1, latLo: 50, latHi: 100, events: orgEvents[:1], active: false},
}

var apps = []hookscope.App{{ID: "app_7f3c2a9e41d0", Name: "Shopwave"}, {ID: "app_2b8e61c0d5f4", Name: "Switchboard"}}

// ids draws the identifiers of the data model from a seeded source.
type ids struct{ rng *rand.Rand }

// uuidV7 builds a UUIDv7 from t's milliseconds and random bits of the source.
func (g ids) uuidV7(t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	b[0], b[1], b[2], b[3], b[4], b[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	r1, r2 := g.rng.Uint64(), g.rng.Uint64()
	b[6] = 0x70 | byte(r1>>60)&0x0f
	b[7] = byte(r1 >> 52)
	b[8] = 0x80 | byte(r2>>58)&0x3f
	for i := 9; i < 16; i++ {
		b[i] = byte(r2 >> (8 * (i - 9)))
	}
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

func (g ids) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return hex.EncodeToString(b)
}

func (g ids) endpointID() string { return "ep_" + g.hex(16) }

func (g ids) signingSecret() string {
	b := make([]byte, 24)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// generator builds the default organization's history.
type generator struct {
	ids
	now time.Time
}

// between returns a uniform integer in [lo, hi].
func (g *generator) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

// generate fills o with the endpoints of profiles, n outbound messages over
// the History before now and inbound messages beside them. The same seed and
// now give the same records, ids included.
func (g *generator) generate(s *store, o *org, n int) {
	var eps []*endpoint
	for i, p := range profiles {
		created := g.now.Add(-time.Duration(30+7*i)*24*time.Hour - time.Duration(g.rng.Int64N(int64(24*time.Hour)))).Truncate(time.Second)
		ep := &endpoint{
			id: g.endpointID(), name: p.name, url: p.url, kind: p.kind, active: p.active, encrypted: p.encrypted,
			secret: g.signingSecret(), app: apps[i%len(apps)], eventTypes: slices.Clone(p.events),
			ip:        fmt.Sprintf("203.0.113.%d", 10+i*17),
			createdAt: created, updatedAt: created.Add(time.Duration(g.rng.Int64N(int64(20 * 24 * time.Hour)))).Truncate(time.Second),
		}
		o.addEndpointLocked(ep)
		eps = append(eps, ep)
	}

	// Creation times: n-3 spread over the history, then three near now that
	// are forced into the rare statuses (pending_retry on the dead endpoint,
	// delivering, queued).
	start := g.now.Add(-History)
	forced := 0
	if n >= 8 {
		forced = 3
	}
	times := make([]time.Time, 0, n)
	span := int64(History - 25*time.Minute)
	for range n - forced {
		times = append(times, start.Add(time.Duration(g.rng.Int64N(span))).Truncate(time.Millisecond))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	if forced > 0 {
		times = append(times, g.now.Add(-20*time.Minute).Truncate(time.Millisecond),
			g.now.Add(-3*time.Second).Truncate(time.Millisecond), g.now.Add(-300*time.Millisecond).Truncate(time.Millisecond))
	}

	total := 0
	for _, p := range profiles {
		total += p.weight
	}
	for i, t := range times {
		pi := g.pick(total, outboundWeight)
		status := hookscope.MessageStatus("")
		switch {
		case forced > 0 && i == 0, forced > 0 && i == n-3:
			pi = 3 // the dead endpoint: the oldest fails for good, the recent one waits for a retry
		case forced > 0 && i == n-2:
			status = hookscope.StatusDelivering
		case forced > 0 && i == n-1:
			status = hookscope.StatusQueued
		}
		p := &profiles[pi]
		ev := p.events[g.rng.IntN(len(p.events))]
		m := &message{id: g.uuidV7(t), org: o, ep: eps[pi], eventType: ev, createdAt: t}
		m.resourceID, m.payload = g.payload(ev, t)
		g.deliver(m, p, status, maxAttempts, false)
		s.addMessageLocked(m)
	}

	if n == 0 {
		return
	}
	// Inbound messages: about one per ten outbound, 1..N attempts each, and
	// one that passes the 200-attempt cap.
	inTotal := 0
	for _, p := range profiles {
		inTotal += p.inboundWgt
	}
	nIn := min(max(n/10, 3), 20000)
	inTimes := make([]time.Time, 0, nIn)
	for range nIn - 1 {
		inTimes = append(inTimes, start.Add(time.Duration(g.rng.Int64N(span))).Truncate(time.Millisecond))
	}
	slices.SortFunc(inTimes, func(a, b time.Time) int { return a.Compare(b) })
	for _, t := range inTimes {
		pi := g.pick(inTotal, inboundWeight)
		p := &profiles[pi]
		ev := "message.received"
		m := &message{id: g.uuidV7(t), inbound: true, org: o, ep: eps[pi], eventType: ev, createdAt: t}
		m.resourceID, m.payload = g.payload(ev, t)
		g.deliver(m, p, "", maxAttempts, true)
		s.addMessageLocked(m)
	}
	// The big one: a number feed that kept answering 503 every 90 seconds.
	t := g.now.Add(-time.Duration(BigInboundAttempts+2) * 90 * time.Second).Truncate(time.Millisecond)
	big := &message{id: g.uuidV7(t), inbound: true, org: o, ep: eps[6], eventType: "message.received", createdAt: t}
	big.resourceID, big.payload = g.payload(big.eventType, t)
	at := t.Add(400 * time.Millisecond)
	for k := 1; k <= BigInboundAttempts; k++ {
		a := g.attempt(&profiles[6], fail503, k, at, true)
		a.retryType = hookscope.RetryFast
		if k == 1 {
			a.retryType = ""
		}
		a.retryAfter = 90
		big.attempts = append(big.attempts, a)
		at = at.Add(90 * time.Second)
	}
	big.status = hookscope.StatusPendingRetry
	big.nextAttemptAt = at
	s.addMessageLocked(big)
}

// pick draws a profile's index with probability weight/total, where total
// is the sum of weight over profiles.
func (g *generator) pick(total int, weight func(*profile) int) int {
	r := g.rng.IntN(total)
	for i := range profiles {
		w := weight(&profiles[i])
		if r < w {
			return i
		}
		r -= w
	}
	return 0
}

func outboundWeight(p *profile) int { return p.weight }
func inboundWeight(p *profile) int  { return p.inboundWgt }

// payload returns a resource id and the JSON payload of an event.
func (g *generator) payload(event string, t time.Time) (string, []byte) {
	rid := fmt.Sprintf("%d", 100000+g.rng.IntN(900000))
	b, _ := json.Marshal(struct {
		Type       string `json:"type"`
		ResourceID string `json:"resource_id"`
		OccurredAt string `json:"occurred_at"`
	}{event, rid, t.UTC().Format(time.RFC3339Nano)})
	return rid, b
}

// deliver simulates m's attempts up to now on p's backoff schedule and sets
// its status. A forced status of queued or delivering leaves it without attempts.
func (g *generator) deliver(m *message, p *profile, forced hookscope.MessageStatus, limit int, inbound bool) {
	if forced == hookscope.StatusQueued || forced == hookscope.StatusDelivering {
		m.status = forced
		return
	}
	at := m.createdAt.Add(time.Duration(g.between(40, 900)) * time.Millisecond)
	doomed := p.doomed > 0 && g.rng.Float64() < p.doomed
	for k := 1; ; k++ {
		if at.After(g.now) {
			if k == 1 {
				m.status = hookscope.StatusQueued
			} else {
				m.status = hookscope.StatusPendingRetry
				m.nextAttemptAt = at
			}
			return
		}
		f := failure(-1)
		if (doomed || g.rng.Float64() >= p.success) && len(p.failures) > 0 {
			f = p.failures[g.rng.IntN(len(p.failures))]
		}
		a := g.attempt(p, f, k, at, inbound)
		if k > 1 {
			a.retryType = hookscope.RetryFast
			if k > fastRetries+1 {
				a.retryType = hookscope.RetrySlow
			}
		}
		if a.succeeded() {
			m.attempts = append(m.attempts, a)
			m.status = hookscope.StatusSucceeded
			return
		}
		if f == fail410 || k >= limit {
			m.attempts = append(m.attempts, a)
			m.status = hookscope.StatusFailedPermanent
			return
		}
		wait := retrySchedule[k-1]
		wait += time.Duration(g.rng.Int64N(int64(wait/10) + 1)) // jitter
		if f == fail429 {
			wait = max(wait, time.Duration(g.between(30, 300))*time.Second)
		}
		wait = wait.Truncate(time.Second)
		a.retryAfter = int64(wait / time.Second)
		m.attempts = append(m.attempts, a)
		at = at.Add(wait).Add(time.Duration(max(a.processing, a.latency, 0)) * time.Millisecond).Truncate(time.Millisecond)
	}
}

// attempt draws one attempt with outcome f (-1: success) and plausible timings.
func (g *generator) attempt(p *profile, f failure, no int, at time.Time, inbound bool) attempt {
	a := attempt{
		id: g.uuidV7(at), no: no, at: at,
		latency: absent, processing: absent, dns: absent, tcp: absent, tls: absent, ttfb: absent, transfer: absent,
		retryAfter: absent, ip: "",
	}
	ep := p
	a.reused = ep.reuse > 0 && g.rng.Float64() < ep.reuse && f != failDNS && f != failRefused && f != failTLS
	elapsed := int64(0)
	if !a.reused {
		a.dns = g.between(2, 45)
		elapsed += a.dns
	}
	switch f {
	case failDNS:
		a.dns = g.between(20, 5000)
		a.errText = "dial tcp: lookup " + hostOf(p.url) + ": no such host"
		elapsed = a.dns
	case failRefused:
		a.ip = ipOf(p)
		a.tcp = g.between(1, 6)
		elapsed += a.tcp
		a.errText = "dial tcp " + a.ip + ":443: connect: connection refused"
	case failTLS:
		a.ip = ipOf(p)
		a.tcp = g.between(8, 60)
		a.tls = g.between(15, 140)
		elapsed += a.tcp + a.tls
		a.errText = "tls: failed to verify certificate: x509: certificate has expired or is not yet valid"
	default:
		a.ip = ipOf(p)
		if !a.reused {
			a.tcp = g.between(8, 60)
			a.tls = g.between(15, 140)
			elapsed += a.tcp + a.tls
		}
		if f == failTimeout {
			elapsed += 30000
			a.errText = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
			break
		}
		a.ttfb = g.between(p.latLo, p.latHi)
		a.transfer = g.between(1, 30)
		elapsed += a.ttfb + a.transfer
		a.latency = elapsed
		a.status = statusOf(f)
		if !a.succeeded() {
			a.errText = fmt.Sprintf("HTTP %d %s", a.status, httpStatusText(a.status))
		}
		a.truncated = f == fail502 && g.rng.IntN(3) == 0
	}
	if !inbound {
		a.processing = elapsed + g.between(2, 25)
	}
	return a
}

func statusOf(f failure) int {
	switch f {
	case fail500:
		return 500
	case fail502:
		return 502
	case fail503:
		return 503
	case fail504:
		return 504
	case fail429:
		return 429
	case fail400:
		return 400
	case fail404:
		return 404
	case fail410:
		return 410
	}
	return 200
}

func ipOf(p *profile) string {
	for i := range profiles {
		if &profiles[i] == p || profiles[i].url == p.url {
			return fmt.Sprintf("203.0.113.%d", 10+i*17)
		}
	}
	return "198.51.100.7"
}

func hostOf(rawURL string) string {
	s := rawURL
	if i := len("https://"); len(s) > i {
		s = s[i:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '/' || s[i] == ':' {
			return s[:i]
		}
	}
	return s
}
