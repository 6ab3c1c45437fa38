package mockserver

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
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

// generate fills org orgID with the endpoints of profiles, n outbound
// messages over the History before g's now and inbound messages beside them.
// The same seed and now give the same records, ids included.
func (s *store) generate(g *generator, orgID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgLocked(orgID)
	defer o.endBulk()
	eps := g.endpoints(o)
	times, forced := g.outboundTimes(n)
	// Two stages on two cores: a goroutine draws the messages (one random
	// stream, in order) while this one inserts them into the indexes and
	// aggregates, in the same order. Each stage is sequential, so the
	// records are the same whatever the number of cores.
	batches := make(chan []*message, 4)
	go func() {
		defer close(batches)
		batch := make([]*message, 0, genBatch)
		for i, t := range times {
			batch = append(batch, g.outbound(o, eps, i, len(times), t, forced))
			if len(batch) == genBatch {
				batches <- batch
				batch = make([]*message, 0, genBatch)
			}
		}
		batches <- batch
		if n == 0 {
			return
		}
		batches <- g.inbound(o, eps, n)
		batches <- []*message{g.bigInbound(o, eps[6])}
	}()
	for batch := range batches {
		for _, m := range batch {
			s.addMessageLocked(m)
		}
	}
}

// genBatch is how many drawn messages generate hands over at a time.
const genBatch = 4096

// endpoints adds one endpoint per profile to o.
func (g *generator) endpoints(o *org) []*endpoint {
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
	return eps
}

// randomTimes draws n creation times over the History, ascending, in a
// slice with room for extra more.
func (g *generator) randomTimes(n, extra int) []time.Time {
	start := g.now.Add(-History)
	span := int64(History - 25*time.Minute)
	times := make([]time.Time, 0, n+extra)
	for range n {
		times = append(times, start.Add(time.Duration(g.rng.Int64N(span))).Truncate(time.Millisecond))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	return times
}

// outboundTimes are the creation times of n outbound messages: n-3 spread
// over the history, then three near now that are forced into the rare
// statuses (pending_retry on the dead endpoint, delivering, queued); forced
// is false when n is too small for them.
func (g *generator) outboundTimes(n int) (times []time.Time, forced bool) {
	forced = n >= 8
	if !forced {
		return g.randomTimes(n, 0), false
	}
	times = append(g.randomTimes(n-3, 3), g.now.Add(-20*time.Minute).Truncate(time.Millisecond),
		g.now.Add(-3*time.Second).Truncate(time.Millisecond), g.now.Add(-300*time.Millisecond).Truncate(time.Millisecond))
	return times, true
}

// outbound draws the i-th of n outbound messages, created at t. With
// forced, the oldest and the third newest go to the dead endpoint (the
// oldest fails for good, the recent one waits for a retry), the second
// newest is delivering and the newest queued.
func (g *generator) outbound(o *org, eps []*endpoint, i, n int, t time.Time, forced bool) *message {
	pi := g.pick(totalWeight(outboundWeight), outboundWeight)
	status := hookscope.MessageStatus("")
	switch {
	case forced && (i == 0 || i == n-3):
		pi = 3
	case forced && i == n-2:
		status = hookscope.StatusDelivering
	case forced && i == n-1:
		status = hookscope.StatusQueued
	}
	p := &profiles[pi]
	ev := p.events[g.rng.IntN(len(p.events))]
	m := &message{id: g.uuidV7(t), org: o, ep: eps[pi], eventType: ev, createdAt: t}
	m.resourceID = g.resourceID()
	g.deliver(m, p, status, maxAttempts, false)
	return m
}

// inbound draws about one inbound message per ten of the n outbound ones,
// with 1..N attempts each, ascending by creation.
func (g *generator) inbound(o *org, eps []*endpoint, n int) []*message {
	total := totalWeight(inboundWeight)
	times := g.randomTimes(min(max(n/10, 3), 20000)-1, 0)
	out := make([]*message, 0, len(times))
	for _, t := range times {
		pi := g.pick(total, inboundWeight)
		p := &profiles[pi]
		ev := "message.received"
		m := &message{id: g.uuidV7(t), inbound: true, org: o, ep: eps[pi], eventType: ev, createdAt: t}
		m.resourceID = g.resourceID()
		g.deliver(m, p, "", maxAttempts, true)
		out = append(out, m)
	}
	return out
}

// bigInbound is the one inbound message that passes the attempts list's
// 200-attempt cap: a number feed (ep, of profiles[6]) that kept answering
// 503 every 90 seconds.
func (g *generator) bigInbound(o *org, ep *endpoint) *message {
	t := g.now.Add(-time.Duration(BigInboundAttempts+2) * 90 * time.Second).Truncate(time.Millisecond)
	big := &message{id: g.uuidV7(t), inbound: true, org: o, ep: ep, eventType: "message.received", createdAt: t}
	big.resourceID = g.resourceID()
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
	return big
}

// totalWeight is the sum of weight over profiles.
func totalWeight(weight func(*profile) int) int {
	total := 0
	for i := range profiles {
		total += weight(&profiles[i])
	}
	return total
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

// resourceID draws the resource id of an event. Its payload is not stored:
// message.payloadJSON computes it from the event type, the resource id and
// the creation time.
func (g *generator) resourceID() string {
	return strconv.Itoa(100000 + g.rng.IntN(900000))
}

// generatedPayload is the JSON payload of a generated event.
func generatedPayload(event, resourceID string, t time.Time) []byte {
	b, _ := json.Marshal(struct {
		Type       string `json:"type"`
		ResourceID string `json:"resource_id"`
		OccurredAt string `json:"occurred_at"`
	}{event, resourceID, t.UTC().Format(time.RFC3339Nano)})
	return b
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
	g.attemptFrom(m, p, 1, at, doomed, limit, inbound)
}

// attemptFrom makes m's attempts k, k+1, … from at up to g's now on p's
// backoff schedule and sets m's status: the generator's outcome model, which
// deliver starts and a moved clock (retryDue) continues. A doomed message
// gets no 2xx.
func (g *generator) attemptFrom(m *message, p *profile, k int, at time.Time, doomed bool, limit int, inbound bool) {
	for ; ; k++ {
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
		a.errText = "dial tcp: lookup " + profileHost(p) + ": no such host"
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
			a.errText = httpErrorText(a.status)
		}
		a.truncated = f == fail502 && g.rng.IntN(3) == 0
	}
	if !inbound {
		a.processing = elapsed + g.between(2, 25)
	}
	return a
}
