package mockserver

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
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

// generate fills org orgID (new, empty) with the endpoints of profiles, n
// outbound messages over the History before g's now and inbound messages
// beside them. The same seed and now give the same records, ids included,
// whatever the number of cores (see genPlan).
func (s *store) generate(g *generator, seed int64, orgID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgLocked(orgID)
	defer o.endBulk()
	g.endpoints(o)
	plan := newGenPlan(seed, g.now, n)
	plan.run(o, func(out *chunkOut) { o.mergeChunk(out) })
}

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

// totalWeight is the sum of weight over profiles.
func totalWeight(weight func(*profile) int) int {
	total := 0
	for i := range profiles {
		total += weight(&profiles[i])
	}
	return total
}

func outboundWeight(p *profile) int { return p.weight }
func inboundWeight(p *profile) int  { return p.inboundWgt }

// generatedPayload is the JSON payload of a generated event.
func generatedPayload(event, resourceID string, t time.Time) []byte {
	b, _ := json.Marshal(struct {
		Type       string `json:"type"`
		ResourceID string `json:"resource_id"`
		OccurredAt string `json:"occurred_at"`
	}{event, resourceID, t.UTC().Format(time.RFC3339Nano)})
	return b
}
