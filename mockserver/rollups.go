package mockserver

import (
	"slices"
	"sort"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// Rollup levels: the unit of each, in seconds, is rollSizes[level]. A
// window may start and end at any second (a partial bucket counts exactly
// the part of its span inside the window): the seconds at its edges are
// counted from the records (coverSeconds), which costs less memory than a
// rollup per second (one counter or more per second of history) and reads
// at most two minutes of records per bucket.
const (
	rollMinute = iota
	rollHour
	rollDay
	rollLevels
)

var rollSizes = [rollLevels]int64{60, 3600, 86400}

// Rollup metrics.
const (
	rollDelivered uint8 = iota // attempts with a 2xx
	rollFailed                 // attempts without a 2xx
	rollRetried                // attempts with attempt_no > 1
	rollInboundReceived
	rollOutboundSent
	rollOutboundDelivered // messages, at their successful attempt
	rollOutboundFailed    // failed_permanent messages, at their last attempt
)

// Status classes (http_status_class).
const (
	class2xx uint8 = iota
	class3xx
	class4xx
	class5xx
	classNetwork
	classNone // a message with no attempt
)

var classNames = [...]string{"2xx", "3xx", "4xx", "5xx", "network_error", ""}

// rollEntry is one counter of one unit: an endpoint (by ordinal), a metric
// and a status class.
type rollEntry struct {
	ep     int32
	metric uint8
	class  uint8
	n      int64
}

// rollLevel holds the counters of one unit size (a minute, an hour or a UTC
// day): m by the unit's start (unix seconds); keys lists m's keys ascending.
type rollLevel struct {
	m    map[int64][]rollEntry
	keys []int64
	// bulk, set while the generator or a snapshot fills the level under
	// one write lock, lets add append a new unit out of order (an attempt
	// hours after the next messages' creation); endBulk sorts keys once.
	// Without it each such unit is an insertion into the middle of keys:
	// quadratic over a large history.
	bulk bool
}

// add adds n to the counter (unit starting at unit, ep, metric, class).
func (l *rollLevel) add(unit int64, ep int32, metric, class uint8, n int64) {
	entries, ok := l.m[unit]
	if !ok {
		if k := len(l.keys); k == 0 || l.keys[k-1] < unit {
			l.keys = append(l.keys, unit)
		} else if l.bulk {
			l.keys = append(l.keys, unit)
		} else {
			j, _ := slices.BinarySearch(l.keys, unit)
			l.keys = slices.Insert(l.keys, j, unit)
		}
	}
	// A unit's entries are sorted by (ep, metric, class), searched in
	// halves: a day holds hundreds of them.
	key := rollKey(ep, metric, class)
	lo, hi := 0, len(entries)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if k := rollKey(entries[mid].ep, entries[mid].metric, entries[mid].class); k < key {
			lo = mid + 1
		} else if k > key {
			hi = mid
		} else {
			if entries[mid].n += n; entries[mid].n == 0 {
				l.drop(unit, entries, mid)
			}
			return
		}
	}
	l.m[unit] = slices.Insert(entries, lo, rollEntry{ep: ep, metric: metric, class: class, n: n})
}

// rollKey orders a unit's entries: by endpoint, metric, then class.
func rollKey(ep int32, metric, class uint8) uint64 {
	return uint64(uint32(ep))<<16 | uint64(metric)<<8 | uint64(class)
}

// drop removes entries[i], a counter back at 0 (a message replaced by
// retryDue), so that no group appears with nothing in it; a unit left
// without counters leaves m and keys.
func (l *rollLevel) drop(unit int64, entries []rollEntry, i int) {
	entries = slices.Delete(entries, i, i+1)
	if len(entries) > 0 {
		l.m[unit] = entries
		return
	}
	delete(l.m, unit)
	if l.bulk {
		if j := slices.Index(l.keys, unit); j >= 0 {
			l.keys = slices.Delete(l.keys, j, j+1)
		}
		return
	}
	if j, found := slices.BinarySearch(l.keys, unit); found {
		l.keys = slices.Delete(l.keys, j, j+1)
	}
}

// beginBulk lets o's rollups take many records in any order (see
// rollLevel.bulk); endBulk must follow under the same write lock, before
// anything reads them.
func (o *org) beginBulk() {
	for i := range o.roll {
		o.roll[i].bulk = true
	}
}

// endBulkAggregates sorts the units and the endpoints' failed attempt
// times that beginBulk let arrive out of order.
func (o *org) endBulkAggregates() {
	for i := range o.roll {
		if l := &o.roll[i]; l.bulk {
			slices.Sort(l.keys)
			l.bulk = false
		}
	}
	for _, ep := range o.endpoints {
		slices.Sort(ep.failTimes)
	}
}

// endBulk gives back the spare capacity of o's arenas and indexes, which
// appends grew by doubling while the generator or a snapshot filled them.
func (o *org) endBulk() {
	o.msgs.trim()
	o.atts.trim()
	for k, refs := range o.outboundBy {
		o.outboundBy[k] = slices.Clip(slices.Clone(refs))
	}
	o.inbound = slices.Clip(slices.Clone(o.inbound))
}

// count adds n to the counters (unit of t, ep, metric, class) of t's
// minute, hour and UTC day; t is in unix ns.
func (o *org) count(t int64, ep int32, metric, class uint8, n int64) {
	sec := floorDiv(t, int64(time.Second))
	for lv := range o.roll {
		o.roll[lv].add(floorDiv(sec, rollSizes[lv])*rollSizes[lv], ep, metric, class, n)
	}
}

// bucketSums is one sum of sumBucketsLocked: one metric into nb buckets,
// per group (out by group name).
type bucketSums struct {
	metric uint8
	nb     int64
	bucket int64 // the bucket the units being covered count in
	group  func(rollEntry) (string, bool)
	out    map[string][]int64
	o      *org
}

// sumWindow is what sumBucketsLocked sums: nb buckets of g seconds from b0,
// each counting the part of its span inside [from, to) and, when the bucket
// starts at or before asOf, not after asOf (the aggregation watermark); all
// of it read shift seconds earlier (the prior period; 0 for the window
// itself).
type sumWindow struct {
	b0, nb, g      int64
	from, to, asOf int64
	shift          int64
}

// span is the part of bucket i's span that w counts, before the shift.
func (w sumWindow) span(i int64) (lo, hi int64) {
	start := w.b0 + i*w.g
	lo, hi = max(start, w.from), min(start+w.g, w.to)
	if start <= w.asOf {
		hi = min(hi, w.asOf+1)
	}
	return lo, hi
}

// sumBucketsLocked sums metric over w's buckets, per group.
//
// Each bucket's span is covered by the coarsest rollup units that fit in a
// bucket (days for day buckets, hours for hour buckets, …) and lie wholly in
// it, and by finer units at its edges (a partial bucket, or a prior period
// shifted by a length that is not a whole number of units), so a query
// reads O(buckets + groups) counters, whatever the number of messages.
func (o *org) sumBucketsLocked(metric uint8, w sumWindow, group func(rollEntry) (string, bool)) map[string][]int64 {
	o.aggregated()
	bs := &bucketSums{metric: metric, nb: w.nb, group: group, out: make(map[string][]int64), o: o}
	top := -1 // seconds
	for top+1 < rollLevels && rollSizes[top+1] <= w.g {
		top++
	}
	for i := range w.nb {
		lo, hi := w.span(i)
		bs.bucket = i
		bs.cover(lo-w.shift, hi-w.shift, top)
	}
	return bs.out
}

// cover adds the units of level lv (and finer ones at the edges) that lie
// in [lo, hi) to bs.bucket.
func (bs *bucketSums) cover(lo, hi int64, lv int) {
	if lo >= hi {
		return
	}
	if lv < 0 {
		bs.coverSeconds(lo, hi)
		return
	}
	size := rollSizes[lv]
	a, z := -floorDiv(-lo, size)*size, floorDiv(hi, size)*size
	if a >= z {
		bs.cover(lo, hi, lv-1)
		return
	}
	bs.cover(lo, a, lv-1)
	bs.cover(z, hi, lv-1)
	l := &bs.o.roll[lv]
	i := sort.Search(len(l.keys), func(i int) bool { return l.keys[i] >= a })
	for ; i < len(l.keys) && l.keys[i] < z; i++ {
		bs.addUnit(l.m[l.keys[i]])
	}
}

// coverSeconds adds the counts of [lo, hi) (unix seconds, less than a
// minute or a few minutes apart) to bs.bucket, computed from the records as
// the rollups count them (see addMessageLocked): messages by creation,
// attempts by the time they were made.
func (bs *bucketSums) coverSeconds(lo, hi int64) {
	o := bs.o
	var entries []rollEntry
	add := func(ep int32, metric, class uint8) {
		if metric == bs.metric {
			entries = append(entries, rollEntry{ep: ep, metric: metric, class: class, n: 1})
		}
	}
	loNS, hiNS := lo*int64(time.Second), hi*int64(time.Second)
	switch bs.metric {
	case rollInboundReceived:
		for i := o.lowerBound(o.inbound, loNS, [16]byte{}); i < len(o.inbound); i++ {
			r := o.msg(o.inbound[i])
			if r.createdAt >= hiNS {
				break
			}
			add(r.ep, rollInboundReceived, classNone)
		}
	case rollOutboundSent:
		all := o.outboundBy[filterKey{}]
		for i := o.lowerBound(all, loNS, [16]byte{}); i < len(all); i++ {
			r := o.msg(all[i])
			if r.createdAt >= hiNS {
				break
			}
			class := classNone
			if last := o.lastAtt(r); last != nil {
				class = last.statusClass()
			}
			add(r.ep, rollOutboundSent, class)
		}
	default:
		for m := floorDiv(lo, 60); m*60 < hi; m++ {
			for _, ref := range o.byMinute[m] {
				r := o.msg(ref.msg)
				a := o.atts.at(r.att + ref.k)
				if a.at < loNS || a.at >= hiNS {
					continue
				}
				c := a.statusClass()
				if a.succeeded() {
					add(r.ep, rollDelivered, c)
					add(r.ep, rollOutboundDelivered, c)
				} else {
					add(r.ep, rollFailed, c)
				}
				if a.no > 1 {
					add(r.ep, rollRetried, c)
				}
				if ref.k == int32(r.nAtt)-1 && r.state() == hookscope.StatusFailedPermanent {
					add(r.ep, rollOutboundFailed, c)
				}
			}
		}
	}
	bs.addUnit(entries)
}

// addUnit adds the entries of a unit to bs.bucket.
func (bs *bucketSums) addUnit(entries []rollEntry) {
	bucket := bs.bucket
	for _, e := range entries {
		if e.metric != bs.metric {
			continue
		}
		name, ok := bs.group(e)
		if !ok {
			continue
		}
		vals := bs.out[name]
		if vals == nil {
			vals = make([]int64, bs.nb)
			bs.out[name] = vals
		}
		vals[bucket] += e.n
	}
}

// floorDiv is a/b rounded toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
