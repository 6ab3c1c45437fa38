package hookscope

// Health is a webhook's diagnosis by the thresholds of the API's "Webhook
// Diagnostics".
type Health struct {
	SuccessRate  SuccessRateClass
	ResponseTime ResponseTimeClass
	Activity     ActivityClass
}

// SuccessRateClass classifies DeliveryStats.SuccessRate.
type SuccessRateClass int

// Success-rate classes: Excellent >= 99%, Good >= 95%, Warning >= 90%, else
// Critical. SuccessRateUnknown (the zero value) is a webhook with no events,
// whose rate says nothing.
const (
	SuccessRateUnknown   SuccessRateClass = 0
	SuccessRateExcellent SuccessRateClass = iota
	SuccessRateGood
	SuccessRateWarning
	SuccessRateCritical
)

// String is the lower-case word: "excellent", "good", "warning" or
// "critical"; "unknown" for SuccessRateUnknown.
func (c SuccessRateClass) String() string {
	return className(int(c), "excellent", "good", "warning", "critical")
}

// ResponseTimeClass classifies DeliveryStats.AverageResponseTime.
type ResponseTimeClass int

// Response-time classes: Fast < 1000 ms, Acceptable <= 3000 ms, Slow <= 5000
// ms, else Critical. ResponseTimeUnknown (the zero value) is a webhook with
// no response to time: no attempt yet, or only network errors (an average of
// 0 ms with nothing delivered).
const (
	ResponseTimeUnknown ResponseTimeClass = 0
	ResponseTimeFast    ResponseTimeClass = iota
	ResponseTimeAcceptable
	ResponseTimeSlow
	ResponseTimeCritical
)

// String is the lower-case word: "fast", "acceptable", "slow" or
// "critical"; "unknown" for ResponseTimeUnknown.
func (c ResponseTimeClass) String() string {
	return className(int(c), "fast", "acceptable", "slow", "critical")
}

// ActivityClass classifies a webhook's recent activity.
type ActivityClass int

// Activity classes: Idle when there were no events in the last 24 hours;
// Failing when at least 2 of them failed and they are at least 10% of them,
// or when 2 or more of the recent events failed; else Active.
const (
	ActivityActive ActivityClass = iota + 1
	ActivityIdle
	ActivityFailing
)

// String is the lower-case word: "active", "idle" or "failing".
func (c ActivityClass) String() string {
	return className(int(c), "active", "idle", "failing")
}

func className(i int, names ...string) string {
	if i < 1 || i > len(names) {
		return "unknown"
	}
	return names[i-1]
}

// Health classifies the webhook from its DeliveryStats and, when fetched
// with IncludeEvents, its RecentEvents, by the API's thresholds. Where the
// stats hold no data to judge (no events; no response to time) the class is
// Unknown rather than a verdict the data does not support.
func (w *Webhook) Health() Health {
	st := w.DeliveryStats
	var h Health
	switch rate := st.SuccessRate; {
	case st.TotalEvents == 0:
		h.SuccessRate = SuccessRateUnknown
	case rate >= 99:
		h.SuccessRate = SuccessRateExcellent
	case rate >= 95:
		h.SuccessRate = SuccessRateGood
	case rate >= 90:
		h.SuccessRate = SuccessRateWarning
	default:
		h.SuccessRate = SuccessRateCritical
	}
	switch ms := st.AverageResponseTime; {
	case st.SuccessfulDeliveries+st.FailedDeliveries == 0, ms == 0 && st.SuccessfulDeliveries == 0:
		h.ResponseTime = ResponseTimeUnknown
	case ms < 1000:
		h.ResponseTime = ResponseTimeFast
	case ms <= 3000:
		h.ResponseTime = ResponseTimeAcceptable
	case ms <= 5000:
		h.ResponseTime = ResponseTimeSlow
	default:
		h.ResponseTime = ResponseTimeCritical
	}
	recentFailed := 0
	for _, e := range w.RecentEvents {
		if e.DeliveryStatus == DeliveryFailed {
			recentFailed++
		}
	}
	switch {
	case st.Last24hEvents == 0:
		h.Activity = ActivityIdle
	case st.Last24hFailures >= 2 && st.Last24hFailures*10 >= st.Last24hEvents, recentFailed >= 2:
		h.Activity = ActivityFailing
	default:
		h.Activity = ActivityActive
	}
	return h
}
