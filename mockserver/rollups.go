package mockserver

import (
	"slices"
	"sort"
	"time"
)

// Rollup levels: the unit of each, in seconds, is rollSizes[level].
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
}

// add adds n to the counter (unit starting at unit, ep, metric, class).
func (l *rollLevel) add(unit int64, ep int32, metric, class uint8, n int64) {
	entries, ok := l.m[unit]
	if !ok {
		if k := len(l.keys); k == 0 || l.keys[k-1] < unit {
			l.keys = append(l.keys, unit)
		} else {
			j, _ := slices.BinarySearch(l.keys, unit)
			l.keys = slices.Insert(l.keys, j, unit)
		}
	}
	for i := range entries {
		e := &entries[i]
		if e.ep == ep && e.metric == metric && e.class == class {
			if e.n += n; e.n == 0 {
				l.drop(unit, entries, i)
			}
			return
		}
	}
	l.m[unit] = append(entries, rollEntry{ep: ep, metric: metric, class: class, n: n})
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
	if j, found := slices.BinarySearch(l.keys, unit); found {
		l.keys = slices.Delete(l.keys, j, j+1)
	}
}

// count adds n to the counter (minute of t, ep, metric, class) and to those
// of t's hour and UTC day.
func (o *org) count(t time.Time, ep int32, metric, class uint8, n int64) {
	sec := t.Unix()
	for lv := range o.roll {
		o.roll[lv].add(floorDiv(sec, rollSizes[lv])*rollSizes[lv], ep, metric, class, n)
	}
}

// bucketSums is one sum of sumBucketsLocked: one metric into nb buckets of
// g seconds from b0, per group (out by group name).
type bucketSums struct {
	metric    uint8
	b0, nb, g int64
	group     func(rollEntry) (string, bool)
	out       map[string][]int64
	roll      *[rollLevels]rollLevel
}

// sumBucketsLocked sums metric over nb buckets of g seconds from b0, per
// group, counting only minutes that start at or before asOf.
//
// The window is covered by the coarsest rollup units that fit in a bucket
// (days for day buckets, hours for hour and day buckets) and lie wholly in
// it, and by minutes for the rest (a partial hour at the watermark), so a
// query reads O(buckets + groups) counters, whatever the number of messages.
func (o *org) sumBucketsLocked(metric uint8, b0, nb, g, asOf int64, group func(rollEntry) (string, bool)) map[string][]int64 {
	bs := &bucketSums{metric: metric, b0: b0, nb: nb, g: g, group: group,
		out: make(map[string][]int64), roll: &o.roll}
	top := rollMinute
	for top+1 < rollLevels && rollSizes[top+1] <= g {
		top++
	}
	bs.cover(b0, min(b0+nb*g, asOf+1), top)
	return bs.out
}

// cover adds the units of level lv (and finer ones at the edges) that lie
// in [lo, hi).
func (bs *bucketSums) cover(lo, hi int64, lv int) {
	if lo >= hi {
		return
	}
	a, z := lo, hi
	if lv > rollMinute {
		size := rollSizes[lv]
		a, z = -floorDiv(-lo, size)*size, floorDiv(hi, size)*size
		if a >= z {
			bs.cover(lo, hi, lv-1)
			return
		}
		bs.cover(lo, a, lv-1)
		bs.cover(z, hi, lv-1)
	}
	l := &bs.roll[lv]
	i := sort.Search(len(l.keys), func(i int) bool { return l.keys[i] >= a })
	for ; i < len(l.keys) && l.keys[i] < z; i++ {
		bs.addUnit(l.keys[i], l.m[l.keys[i]])
	}
}

// addUnit adds the entries of the unit starting at unit to its bucket.
func (bs *bucketSums) addUnit(unit int64, entries []rollEntry) {
	bucket := (unit - bs.b0) / bs.g
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
