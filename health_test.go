package hookscope_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hookscope/hookscope-go"
)

func TestHealthSuccessRateBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rate float64
		want hookscope.SuccessRateClass
	}{
		{100, hookscope.SuccessRateExcellent},
		{99, hookscope.SuccessRateExcellent},
		{98.99, hookscope.SuccessRateGood},
		{95, hookscope.SuccessRateGood},
		{94.99, hookscope.SuccessRateWarning},
		{90, hookscope.SuccessRateWarning},
		{89.99, hookscope.SuccessRateCritical},
		{0, hookscope.SuccessRateCritical},
	}
	// No events: the rate says nothing, whatever it reads.
	noEvents := &hookscope.Webhook{DeliveryStats: hookscope.DeliveryStats{SuccessRate: 0}}
	assert.Equal(t, hookscope.SuccessRateUnknown, noEvents.Health().SuccessRate)
	assert.Equal(t, "unknown", noEvents.Health().SuccessRate.String())
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rate), func(t *testing.T) {
			t.Parallel()
			wh := &hookscope.Webhook{DeliveryStats: hookscope.DeliveryStats{SuccessRate: tt.rate, TotalEvents: 100, Last24hEvents: 1}}
			got := wh.Health().SuccessRate
			assert.Equal(t, tt.want, got, "success rate %v: got %s", tt.rate, got)
		})
	}
}

func TestHealthResponseTimeBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ms   float64
		want hookscope.ResponseTimeClass
	}{
		{0, hookscope.ResponseTimeFast},
		{999.99, hookscope.ResponseTimeFast},
		{1000, hookscope.ResponseTimeAcceptable},
		{3000, hookscope.ResponseTimeAcceptable},
		{3000.01, hookscope.ResponseTimeSlow},
		{5000, hookscope.ResponseTimeSlow},
		{5000.01, hookscope.ResponseTimeCritical},
		{60000, hookscope.ResponseTimeCritical},
	}
	for name, st := range map[string]hookscope.DeliveryStats{
		"no attempt":          {TotalEvents: 3},
		"only network errors": {TotalEvents: 3, FailedDeliveries: 9},
	} {
		wh := &hookscope.Webhook{DeliveryStats: st}
		assert.Equal(t, hookscope.ResponseTimeUnknown, wh.Health().ResponseTime, name)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.ms), func(t *testing.T) {
			t.Parallel()
			wh := &hookscope.Webhook{DeliveryStats: hookscope.DeliveryStats{AverageResponseTime: tt.ms, SuccessRate: 100, TotalEvents: 10, SuccessfulDeliveries: 10}}
			got := wh.Health().ResponseTime
			assert.Equal(t, tt.want, got, "average response time %v: got %s", tt.ms, got)
		})
	}
}

func TestHealthActivity(t *testing.T) {
	t.Parallel()
	failed := hookscope.WebhookEvent{DeliveryStatus: hookscope.DeliveryFailed}
	delivered := hookscope.WebhookEvent{DeliveryStatus: hookscope.DeliveryDelivered}
	pending := hookscope.WebhookEvent{DeliveryStatus: hookscope.DeliveryPending}
	tests := []struct {
		name             string
		events, failures int64
		recent           []hookscope.WebhookEvent
		want             hookscope.ActivityClass
	}{
		{"0 events: idle", 0, 0, nil, hookscope.ActivityIdle},
		{"0 events, recent failures: idle", 0, 0, []hookscope.WebhookEvent{failed, failed}, hookscope.ActivityIdle},
		{"2 of 20 failed: failing", 20, 2, nil, hookscope.ActivityFailing},
		{"2 of 21 failed: active", 21, 2, nil, hookscope.ActivityActive},
		{"1 of 1 failed: active", 1, 1, nil, hookscope.ActivityActive},
		{"2 of 2 failed: failing", 2, 2, nil, hookscope.ActivityFailing},
		{"3 of 30 failed: failing", 30, 3, nil, hookscope.ActivityFailing},
		{"3 of 31 failed: active", 31, 3, nil, hookscope.ActivityActive},
		{"no failures: active", 100, 0, nil, hookscope.ActivityActive},
		{"2 recent failed events: failing", 100, 0, []hookscope.WebhookEvent{failed, delivered, failed}, hookscope.ActivityFailing},
		{"1 recent failed event: active", 100, 0, []hookscope.WebhookEvent{failed, delivered, pending}, hookscope.ActivityActive},
		{"pending is not failed: active", 100, 0, []hookscope.WebhookEvent{pending, pending}, hookscope.ActivityActive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wh := &hookscope.Webhook{
				DeliveryStats: hookscope.DeliveryStats{Last24hEvents: tt.events, Last24hFailures: tt.failures, SuccessRate: 100},
				RecentEvents:  tt.recent,
			}
			got := wh.Health().Activity
			assert.Equal(t, tt.want, got, "got %s", got)
		})
	}
}

func TestHealthAllThreeTogether(t *testing.T) {
	t.Parallel()
	wh := &hookscope.Webhook{DeliveryStats: hookscope.DeliveryStats{
		TotalEvents: 200, SuccessfulDeliveries: 183, FailedDeliveries: 40,
		SuccessRate: 91.5, AverageResponseTime: 4200, Last24hEvents: 10, Last24hFailures: 5,
	}}
	assert.Equal(t, hookscope.Health{
		SuccessRate:  hookscope.SuccessRateWarning,
		ResponseTime: hookscope.ResponseTimeSlow,
		Activity:     hookscope.ActivityFailing,
	}, wh.Health())
}

func TestHealthClassStrings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    fmt.Stringer
		want string
	}{
		{hookscope.SuccessRateExcellent, "excellent"},
		{hookscope.SuccessRateGood, "good"},
		{hookscope.SuccessRateWarning, "warning"},
		{hookscope.SuccessRateCritical, "critical"},
		{hookscope.SuccessRateClass(0), "unknown"},
		{hookscope.SuccessRateClass(99), "unknown"},
		{hookscope.ResponseTimeFast, "fast"},
		{hookscope.ResponseTimeAcceptable, "acceptable"},
		{hookscope.ResponseTimeSlow, "slow"},
		{hookscope.ResponseTimeCritical, "critical"},
		{hookscope.ResponseTimeClass(0), "unknown"},
		{hookscope.ActivityActive, "active"},
		{hookscope.ActivityIdle, "idle"},
		{hookscope.ActivityFailing, "failing"},
		{hookscope.ActivityClass(0), "unknown"},
		{hookscope.ActivityClass(-1), "unknown"},
	} {
		assert.Equal(t, tt.want, tt.v.String())
		assert.Equal(t, tt.want, fmt.Sprint(tt.v))
	}
	// The zero Health is not a valid classification: every class starts at 1.
	var zero hookscope.Health
	assert.NotEqual(t, hookscope.SuccessRateExcellent, zero.SuccessRate)
}
