package mockserver

import (
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// The generator draws a history in chunks of at most genChunkSize messages,
// each from a random stream of its own (seeded by the server's seed and the
// chunk's number) over a slice of the history of its own, so that chunks
// are drawn in parallel, on every core, and still give the same records
// whatever the number of cores: a chunk depends on its number alone, and
// chunks are stored in their order. A chunk writes records straight into
// arena-sized blocks, which the store then takes as they are.

// genChunkSize is the number of messages of a generation chunk: one arena
// chunk of message records.
const genChunkSize = 1 << chunkBits

// Kinds of generation chunk, which name their random streams.
const (
	streamOutbound uint64 = iota + 1
	streamRecent
	streamInbound
	streamBig
)

// genStrs holds the numbers, in an org's string table, of every string the
// generator writes into records. It is built once per org, in a fixed
// order, before any chunk is drawn, and only read after.
type genStrs struct {
	events   [][]uint32 // per profile, its event types
	received uint32     // "message.received"
	ip       []uint32   // per profile
	dns      []uint32   // per profile: its lookup error
	refused  []uint32   // per profile: its connection refused error
	tls      uint32
	timeout  uint32
	http     map[int]uint32 // the error text of each status a profile fails with
}

// genStrings returns o's genStrs, building it on first use (o's write
// lock held).
func (o *org) genStrings() *genStrs {
	if o.gen != nil {
		return o.gen
	}
	gs := &genStrs{received: o.intern("message.received"), http: map[int]uint32{},
		tls:     o.intern("tls: failed to verify certificate: x509: certificate has expired or is not yet valid"),
		timeout: o.intern("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")}
	for i := range profiles {
		p := &profiles[i]
		evs := make([]uint32, len(p.events))
		for j, ev := range p.events {
			evs[j] = o.intern(ev)
		}
		gs.events = append(gs.events, evs)
		gs.ip = append(gs.ip, o.intern(profileIPs[i]))
		gs.dns = append(gs.dns, o.intern("dial tcp: lookup "+profileHosts[i]+": no such host"))
		gs.refused = append(gs.refused, o.intern("dial tcp "+profileIPs[i]+":443: connect: connection refused"))
		for _, f := range p.failures {
			if st := statusOf(f); st != 200 {
				gs.http[st] = o.intern(httpErrorText(st))
			}
		}
	}
	o.gen = gs
	return gs
}

// recGen draws records from one random stream: a chunk's, or a retried
// message's.
type recGen struct {
	rng *rand.Rand
	now int64 // unix ns: no attempt is made after it
	gs  *genStrs
	// pieces hold the drawn attempts, in blocks of at most 1<<chunkBits
	// (one arena chunk each); a message's attempts are in one block, and
	// its att is block<<chunkBits | offset.
	pieces [][]attRec
	// hint is how many attempts a new block makes room for at first.
	hint int
}

func (g *recGen) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

// pick draws a profile's index with probability weight/total.
func (g *recGen) pick(total int, weight func(*profile) int) int {
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

// uuid draws a UUIDv7 of unix millisecond ms.
func (g *recGen) uuid(ms int64) [16]byte { return newUUIDv7(g.rng, ms) }

// room makes sure the current block has room for n more attempts and
// returns the position the next attempt gets.
func (g *recGen) room(n int) int32 {
	k := len(g.pieces) - 1
	if k < 0 || len(g.pieces[k])+n > 1<<chunkBits {
		g.pieces = append(g.pieces, make([]attRec, 0, min(1<<chunkBits, max(g.hint, n))))
		k++
	}
	return int32(k<<chunkBits | len(g.pieces[k]))
}

// add appends a to the current block.
func (g *recGen) add(a attRec) {
	k := len(g.pieces) - 1
	g.pieces[k] = append(g.pieces[k], a)
}

// deliver draws r's attempts up to now with profile pi's behaviour and sets
// its status (see attemptFrom). A forced status of queued or delivering
// leaves it without attempts.
func (g *recGen) deliver(r *msgRec, pi int, forced hookscope.MessageStatus) {
	r.att = g.room(maxAttempts)
	if forced == hookscope.StatusQueued || forced == hookscope.StatusDelivering {
		r.status = statusIndex(forced)
		return
	}
	p := &profiles[pi]
	at := r.createdAt + g.between(40, 900)*int64(time.Millisecond)
	doomed := p.doomed > 0 && g.rng.Float64() < p.doomed
	g.attemptFrom(r, pi, 1, at, doomed, maxAttempts, 0)
}

// attemptFrom makes r's attempts k, k+1, … from at (unix ns) up to g's now
// on profile pi's backoff schedule, appending them to the current block
// after r's attempts so far, and sets r's status: the generator's outcome
// model, which deliver starts and a moved clock (retried) continues. A
// doomed message gets no 2xx. An ip other than 0 replaces the profile's
// address on the new attempts that have one.
func (g *recGen) attemptFrom(r *msgRec, pi, k int, at int64, doomed bool, limit int, ip uint32) {
	p := &profiles[pi]
	inbound := r.inbound()
	defer func() { r.nAtt = uint16(k - 1) }()
	for ; ; k++ {
		if at > g.now {
			if k == 1 {
				r.status = statusIndex(hookscope.StatusQueued)
			} else {
				r.status, r.nextAt = statusIndex(hookscope.StatusPendingRetry), at
			}
			return
		}
		f := failure(-1)
		if (doomed || g.rng.Float64() >= p.success) && len(p.failures) > 0 {
			f = p.failures[g.rng.IntN(len(p.failures))]
		}
		a := g.attempt(pi, f, k, at, inbound)
		if ip != 0 && a.ip != 0 {
			a.ip = ip
		}
		if k > 1 {
			a.retryType = 1 // fast
			if k > fastRetries+1 {
				a.retryType = 2 // slow
			}
		}
		if a.succeeded() {
			g.add(a)
			r.status = statusIndex(hookscope.StatusSucceeded)
			k++
			return
		}
		if f == fail410 || k >= limit {
			g.add(a)
			r.status = statusIndex(hookscope.StatusFailedPermanent)
			k++
			return
		}
		wait := retrySchedule[k-1]
		wait += time.Duration(g.rng.Int64N(int64(wait/10) + 1)) // jitter
		if f == fail429 {
			wait = max(wait, time.Duration(g.between(30, 300))*time.Second)
		}
		wait = wait.Truncate(time.Second)
		a.retryAfter = int32(wait / time.Second)
		g.add(a)
		at += int64(wait) + int64(max(a.processing, a.latency, 0))*int64(time.Millisecond)
		at -= at % int64(time.Millisecond)
	}
}

// attempt draws one attempt of profile pi with outcome f (-1: success) and
// plausible timings.
func (g *recGen) attempt(pi int, f failure, no int, at int64, inbound bool) attRec {
	p := &profiles[pi]
	const none = int32(absent)
	a := attRec{id: g.uuid(floorDiv(at, int64(time.Millisecond))), no: uint16(no), at: at,
		latency: none, processing: none, dns: none, tcp: none, tls: none, ttfb: none, transfer: none, retryAfter: none}
	if p.reuse > 0 && g.rng.Float64() < p.reuse && f != failDNS && f != failRefused && f != failTLS {
		a.flags |= attReused
	}
	reused := a.flags&attReused != 0
	elapsed := int32(0)
	if !reused {
		a.dns = int32(g.between(2, 45))
		elapsed += a.dns
	}
	switch f {
	case failDNS:
		a.dns = int32(g.between(20, 5000))
		a.err = g.gs.dns[pi]
		elapsed = a.dns
	case failRefused:
		a.ip = g.gs.ip[pi]
		a.tcp = int32(g.between(1, 6))
		elapsed += a.tcp
		a.err = g.gs.refused[pi]
	case failTLS:
		a.ip = g.gs.ip[pi]
		a.tcp = int32(g.between(8, 60))
		a.tls = int32(g.between(15, 140))
		elapsed += a.tcp + a.tls
		a.err = g.gs.tls
	default:
		a.ip = g.gs.ip[pi]
		if !reused {
			a.tcp = int32(g.between(8, 60))
			a.tls = int32(g.between(15, 140))
			elapsed += a.tcp + a.tls
		}
		if f == failTimeout {
			elapsed += 30000
			a.err = g.gs.timeout
			break
		}
		a.ttfb = int32(g.between(p.latLo, p.latHi))
		a.transfer = int32(g.between(1, 30))
		elapsed += a.ttfb + a.transfer
		a.latency = elapsed
		a.status = int16(statusOf(f))
		if !a.succeeded() {
			a.err = g.gs.http[int(a.status)]
		}
		if f == fail502 && g.rng.IntN(3) == 0 {
			a.flags |= attTruncated
		}
	}
	if !inbound {
		a.processing = elapsed + int32(g.between(2, 25))
	}
	return a
}

// genPlan is how a history is cut into chunks: n outbound messages, the
// last three of them (with n ≥ 8) recent ones forced into the rare
// statuses, about one inbound message per ten outbound ones, and the one
// inbound message past the attempts list's cap.
type genPlan struct {
	seed      int64
	now       int64 // unix ns
	startMS   int64 // the history's first millisecond
	spanMS    int64 // its length for random creation times
	random    int   // outbound messages at random times
	forced    bool  // three recent outbound messages in the rare statuses
	inbound   int   // inbound messages at random times
	outChunks int
	inChunks  int
}

func newGenPlan(seed int64, now time.Time, n int) genPlan {
	p := genPlan{seed: seed, now: now.UnixNano(), startMS: now.Add(-History).UnixMilli(),
		spanMS: (History - 25*time.Minute).Milliseconds(), random: n, forced: n >= 8}
	if p.forced {
		p.random = n - 3
	}
	if n > 0 {
		p.inbound = min(max(n/10, 3), 20000) - 1
	}
	p.outChunks = (p.random + genChunkSize - 1) / genChunkSize
	p.inChunks = (p.inbound + genChunkSize - 1) / genChunkSize
	return p
}

// chunkJob is one chunk of a plan.
type chunkJob struct {
	stream uint64
	index  int // the chunk's number among those of its stream
}

// jobs lists the plan's chunks in their order of storage.
func (p *genPlan) jobs() []chunkJob {
	var jobs []chunkJob
	for c := range p.outChunks {
		jobs = append(jobs, chunkJob{streamOutbound, c})
	}
	if p.forced {
		jobs = append(jobs, chunkJob{streamRecent, 0})
	}
	for c := range p.inChunks {
		jobs = append(jobs, chunkJob{streamInbound, c})
	}
	if p.inbound > 0 {
		jobs = append(jobs, chunkJob{streamBig, 0})
	}
	return jobs
}

// chunkOut is a drawn chunk: its message records, sorted by (created_at,
// id), with att positions within pieces.
type chunkOut struct {
	msgs   []msgRec
	pieces [][]attRec
}

// run draws the plan's chunks on every core and hands them to merge one at
// a time, in their order.
func (p *genPlan) run(o *org, merge func(*chunkOut)) {
	jobs := p.jobs()
	gs := o.genStrings()
	eps := make([]int32, len(profiles))
	for i := range profiles {
		eps[i] = o.endpoints[i].ordinal
	}
	outs := make([]chunkOut, len(jobs))
	done := make([]chan struct{}, len(jobs))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				outs[i] = p.draw(jobs[i], gs, eps)
				close(done[i])
			}
		})
	}
	for i := range jobs {
		<-done[i]
		merge(&outs[i])
		outs[i] = chunkOut{} // merged: its blocks belong to the org
	}
	wg.Wait()
}

// draw draws one chunk from its own stream.
func (p *genPlan) draw(job chunkJob, gs *genStrs, eps []int32) chunkOut {
	g := &recGen{rng: rand.New(rand.NewPCG(uint64(p.seed), job.stream<<32|uint64(job.index))), now: p.now, gs: gs,
		hint: p.expectedAttempts(job)}
	var msgs []msgRec
	switch job.stream {
	case streamOutbound:
		total := totalWeight(outboundWeight)
		times := p.times(g, job.index, p.outChunks, p.random)
		msgs = make([]msgRec, len(times))
		for i, t := range times {
			pi := g.pick(total, outboundWeight)
			if job.index == 0 && i == 0 && p.forced {
				pi = 3 // the oldest message fails for good on the dead endpoint
			}
			msgs[i] = g.outbound(t, pi, eps, "")
		}
	case streamRecent:
		// The third newest waits for a retry on the dead endpoint, the
		// second newest is delivering, the newest queued.
		total := totalWeight(outboundWeight)
		now := time.Unix(0, p.now)
		msgs = []msgRec{
			g.outbound(now.Add(-20*time.Minute).UnixMilli(), 3, eps, ""),
			g.outbound(now.Add(-3*time.Second).UnixMilli(), g.pick(total, outboundWeight), eps, hookscope.StatusDelivering),
			g.outbound(now.Add(-300*time.Millisecond).UnixMilli(), g.pick(total, outboundWeight), eps, hookscope.StatusQueued),
		}
	case streamInbound:
		total := totalWeight(inboundWeight)
		times := p.times(g, job.index, p.inChunks, p.inbound)
		msgs = make([]msgRec, len(times))
		for i, t := range times {
			pi := g.pick(total, inboundWeight)
			msgs[i] = g.inbound(t, pi, eps)
		}
	case streamBig:
		msgs = []msgRec{g.bigInbound(time.Unix(0, p.now), eps)}
	}
	slices.SortStableFunc(msgs, func(a, b msgRec) int { return cmpRec(&a, b.createdAt, &b.id) })
	for i, piece := range g.pieces {
		if cap(piece)-len(piece) > len(piece)/8 {
			g.pieces[i] = slices.Clip(slices.Clone(piece)) // blocks are kept for good: no spare room
		}
	}
	return chunkOut{msgs: msgs, pieces: g.pieces}
}

// expectedAttempts is about how many attempts job draws (1.7 per
// message, a little over the generated mean of about 1.6).
func (p *genPlan) expectedAttempts(job chunkJob) int {
	switch job.stream {
	case streamOutbound:
		return (p.random/max(p.outChunks, 1) + 1) * 17 / 10
	case streamInbound:
		return (p.inbound/max(p.inChunks, 1) + 1) * 17 / 10
	case streamBig:
		return BigInboundAttempts
	}
	return 2 * maxAttempts
}

// times draws the creation times (unix ms, ascending) of chunk c of k over
// total messages: its share of them, uniform over its share of the history.
func (p *genPlan) times(g *recGen, c, k, total int) []int64 {
	lo := p.spanMS * int64(c) / int64(k)
	hi := p.spanMS * int64(c+1) / int64(k)
	count := total*(c+1)/k - total*c/k
	times := make([]int64, count)
	for i := range times {
		times[i] = p.startMS + lo + g.rng.Int64N(hi-lo)
	}
	slices.Sort(times)
	return times
}

// outbound draws an outbound message created at unix ms t to the endpoint
// of profile pi.
func (g *recGen) outbound(t int64, pi int, eps []int32, forced hookscope.MessageStatus) msgRec {
	evs := g.gs.events[pi]
	r := msgRec{ep: eps[pi], event: evs[g.rng.IntN(len(evs))], createdAt: t * int64(time.Millisecond), payload: -1}
	r.id = g.uuid(t)
	r.resource = uint32(100000 + g.rng.IntN(900000))
	g.deliver(&r, pi, forced)
	return r
}

// inbound draws an inbound message created at unix ms t to the endpoint of
// profile pi.
func (g *recGen) inbound(t int64, pi int, eps []int32) msgRec {
	r := g.newInbound(t, eps[pi])
	g.deliver(&r, pi, "")
	return r
}

// newInbound is the record of an inbound message created at unix ms t to
// endpoint ep, without attempts: its id and resource drawn.
func (g *recGen) newInbound(t int64, ep int32) msgRec {
	r := msgRec{ep: ep, event: g.gs.received, createdAt: t * int64(time.Millisecond), payload: -1, flags: recInbound}
	r.id = g.uuid(t)
	r.resource = uint32(100000 + g.rng.IntN(900000))
	return r
}

// bigInbound is the one inbound message that passes the attempts list's
// 200-attempt cap: a number feed (profiles[6]) that kept answering 503
// every 90 seconds.
func (g *recGen) bigInbound(now time.Time, eps []int32) msgRec {
	t := now.Add(-time.Duration(BigInboundAttempts+2) * 90 * time.Second).UnixMilli()
	r := g.newInbound(t, eps[6])
	r.att = g.room(BigInboundAttempts)
	at := r.createdAt + int64(400*time.Millisecond)
	for k := 1; k <= BigInboundAttempts; k++ {
		a := g.attempt(6, fail503, k, at, true)
		if k > 1 {
			a.retryType = 1 // fast
		}
		a.retryAfter = 90
		g.add(a)
		at += int64(90 * time.Second)
	}
	r.nAtt = BigInboundAttempts
	r.status, r.nextAt = statusIndex(hookscope.StatusPendingRetry), at
	return r
}

// mergeChunk stores a drawn chunk in o: its blocks become arena chunks as
// they are, and its messages join the indexes (at their ends: chunks come
// in time order, but for the big inbound message).
func (o *org) mergeChunk(out *chunkOut) {
	baseMsg, baseAtt := len(o.msgs.chunks), len(o.atts.chunks)
	o.msgs.chunks = append(o.msgs.chunks, out.msgs)
	o.atts.chunks = append(o.atts.chunks, out.pieces...)
	// The chunk's refs per filter, gathered before they join the org's
	// slices: a map lookup per slice rather than three per message.
	all := o.outboundBy[filterKey{}]
	byEp := make([][]int32, len(o.endpoints))
	byStatus := make([][]int32, len(statusNames))
	both := make([][]int32, len(o.endpoints)*len(statusNames))
	for i := range out.msgs {
		r := &out.msgs[i]
		if r.nAtt > 0 {
			r.att += int32(baseAtt << chunkBits)
		}
		ref := int32(baseMsg<<chunkBits | i)
		if r.inbound() {
			o.inbound = o.insertSorted(o.inbound, ref)
			continue
		}
		all = append(all, ref)
		byEp[r.ep] = append(byEp[r.ep], ref)
		byStatus[r.status] = append(byStatus[r.status], ref)
		k := int(r.ep)*len(statusNames) + int(r.status)
		both[k] = append(both[k], ref)
	}
	o.outboundBy[filterKey{}] = all
	for i, refs := range byEp {
		if len(refs) > 0 {
			k := filterKey{ep: o.endpoints[i].id}
			o.outboundBy[k] = append(o.outboundBy[k], refs...)
		}
	}
	for st, refs := range byStatus {
		if len(refs) > 0 {
			k := filterKey{status: hookscope.MessageStatus(statusNames[st])}
			o.outboundBy[k] = append(o.outboundBy[k], refs...)
		}
	}
	for i, refs := range both {
		if len(refs) > 0 {
			k := filterKey{ep: o.endpoints[i/len(statusNames)].id, status: hookscope.MessageStatus(statusNames[i%len(statusNames)])}
			o.outboundBy[k] = append(o.outboundBy[k], refs...)
		}
	}
}

// retried is message ref of o (pending_retry) with its attempts due up to
// now made, drawn from a stream of the seed, the message's id and its
// attempt count: the record that replaces it and its attempts. A record is
// never changed once stored.
func (o *org) retried(ref int32, now time.Time, seed int64) (msgRec, []attRec) {
	r := *o.msg(ref)
	old := o.attemptsOf(&r)
	h := fnv.New64a()
	_, _ = h.Write(appendUUID(nil, r.id))
	ep := o.endpointOf(&r)
	p := profileOf(ep)
	pi := max(profileIndex(p), 0)
	g := &recGen{rng: rand.New(rand.NewPCG(uint64(seed)^h.Sum64(), uint64(len(old)))), now: now.UnixNano(),
		gs: o.genStrings(), pieces: [][]attRec{slices.Clone(old)}}
	at := r.nextAt
	r.nextAt = 0
	g.attemptFrom(&r, pi, len(old)+1, at, p.success == 0, maxAttempts, o.intern(ep.ip))
	return r, g.pieces[0]
}
