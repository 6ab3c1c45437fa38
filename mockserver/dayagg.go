package mockserver

import (
	"math"
	"slices"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// dayAgg is what /analytics/webhooks reads of one UTC day: the figures of
// the outbound messages created in it (see the package doc), kept on insert.
type dayAgg struct {
	total, success, failed, pending int64
	retried                         int64            // messages with more than one attempt
	events                          map[string]int64 // messages by event type
	failedByEp                      map[int32]int64  // failed_permanent messages by endpoint ordinal
	delays                          delayHist        // delay_ms of the messages with an attempt
}

func newDayAgg() *dayAgg {
	return &dayAgg{events: make(map[string]int64), failedByEp: make(map[int32]int64)}
}

// dayOf is the start (unix seconds) of the UTC day of t (unix ns).
func dayOf(t int64) int64 { return floorDiv(t, 86400*int64(time.Second)) * 86400 }

// addToDayLocked counts outbound message r in its day's analytics aggregates.
func (o *org) addToDayLocked(r *msgRec) {
	key := dayOf(r.createdAt)
	d := o.days[key]
	if d == nil {
		d = newDayAgg()
		o.days[key] = d
	}
	d.total++
	switch r.state() {
	case hookscope.StatusSucceeded:
		d.success++
	case hookscope.StatusFailedPermanent:
		d.failed++
		d.failedByEp[r.ep]++
	default:
		d.pending++
	}
	if r.nAtt > 1 {
		d.retried++
	}
	if v, ok := o.delayMS(r); ok {
		d.delays.add(v)
	}
	d.events[o.strs[r.event]]++
}

// delayMS is message r's delay (see delayBetween); false without an attempt.
func (o *org) delayMS(r *msgRec) (int64, bool) {
	if r.nAtt == 0 {
		return 0, false
	}
	return delayBetween(r.createdAt, o.atts.at(r.att).at), true
}

// delayBetween is a message's delay in ms: from its creation to its first
// attempt (unix ns both), as analytics reports it.
func delayBetween(created, firstAttempt int64) int64 {
	return time.Duration(firstAttempt - created).Milliseconds()
}

// delayHist is an exact histogram of delays: the distinct values ascending
// with their counts, their number and sum. Its size is the number of
// distinct values (at most 861 for generated data: 40..900 ms), not the
// number of messages, so percentiles read from it cost the same at any size.
type delayHist struct {
	vals []int64
	cnts []int64
	n    int64
	sum  int64
}

func (h *delayHist) add(v int64) {
	h.n++
	h.sum += v
	i, found := slices.BinarySearch(h.vals, v)
	if found {
		h.cnts[i]++
		return
	}
	h.vals = slices.Insert(h.vals, i, v)
	h.cnts = slices.Insert(h.cnts, i, 1)
}

// percentiles are the nearest-rank percentiles of latencyStats.
var percentiles = [4]float64{50, 90, 95, 99}

// stats summarises the delays of h without those of except (a subset of
// them): min, max, mean (two decimals) and nearest-rank percentiles; all 0
// when there are none. It walks h's distinct values once: the cost is the
// number of distinct delays plus len(except), not the number of messages.
func (h *delayHist) stats(except []int64) latencyStats {
	n, sum := h.n-int64(len(except)), h.sum
	for _, d := range except {
		sum -= d
	}
	if n <= 0 {
		return latencyStats{}
	}
	slices.Sort(except)
	var ranks [4]int64 // 0-based positions of the percentiles in the sorted delays
	for k, p := range percentiles {
		ranks[k] = max(int64(math.Ceil(p/100*float64(n)))-1, 0)
	}
	var vals [4]float64
	out := latencyStats{Avg: round2(float64(sum) / float64(n))}
	var seen int64 // delays before vals[i]
	j, k, first := 0, 0, true
	for i, v := range h.vals {
		c := h.cnts[i]
		for j < len(except) && except[j] < v {
			j++
		}
		for j < len(except) && except[j] == v {
			c--
			j++
		}
		if c <= 0 {
			continue
		}
		if first {
			out.Min, first = float64(v), false
		}
		out.Max = float64(v)
		seen += c
		for k < len(ranks) && ranks[k] < seen {
			vals[k] = float64(v)
			k++
		}
	}
	out.P50, out.P90, out.P95, out.P99 = vals[0], vals[1], vals[2], vals[3]
	return out
}

// round2 rounds to two decimals.
func round2(f float64) float64 { return math.Round(f*100) / 100 }
