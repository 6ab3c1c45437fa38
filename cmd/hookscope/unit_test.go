package main

import (
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
)

func ms(v int64) *int64 { return &v }

// TestWaterfall checks the bars' proportions: the longest attempt fills the
// width, each phase takes its share, and a phase that took any time shows.
func TestWaterfall(t *testing.T) {
	t.Parallel()
	a := &app{}
	cases := []struct {
		name    string
		timings attemptTimings
		longest int64
		want    string
	}{
		{"fills the width", attemptTimings{DNS: ms(8), TCPConnect: ms(8), TLSHandshake: ms(16), TTFB: ms(96), Transfer: ms(0)}, 128,
			"░░▒▒▓▓▓▓████████████████████████"},
		{"half the longest", attemptTimings{TTFB: ms(60), Transfer: ms(4)}, 128, "███████████████▄"},
		{"a tiny phase still shows", attemptTimings{DNS: ms(1), TTFB: ms(127)}, 128, "░███████████████████████████████"},
		{"network error: dns only", attemptTimings{DNS: ms(32)}, 128, "░░░░░░░░"},
		{"nothing to draw", attemptTimings{}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := a.waterfall(tc.timings, tc.longest)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), waterfallWidth+1)
		})
	}
}

// TestWorstFirst checks health's order: the most severe class first, then
// the lowest success rate, then the slowest; endpoints without messages last.
func TestWorstFirst(t *testing.T) {
	t.Parallel()
	row := func(id string, rate float64, respMS float64, msgs int64, h hookscope.Health) healthRow {
		return healthRow{EndpointID: id, MessageSuccessRatePct: rate, AvgResponseTimeMS: respMS, MessagesTotal: msgs, health: h}
	}
	good := hookscope.Health{SuccessRate: hookscope.SuccessRateExcellent, ResponseTime: hookscope.ResponseTimeFast, Activity: hookscope.ActivityActive}
	slow := good
	slow.ResponseTime = hookscope.ResponseTimeSlow
	failing := good
	failing.Activity = hookscope.ActivityFailing
	critical := good
	critical.SuccessRate = hookscope.SuccessRateCritical
	rows := []healthRow{
		row("ep_idle", 0, 0, 0, hookscope.Health{Activity: hookscope.ActivityIdle}),
		row("ep_fast_b", 99.9, 100, 10, good),
		row("ep_fast_a", 99.5, 100, 10, good),
		row("ep_slow", 99.9, 4000, 10, slow),
		row("ep_failing", 99.9, 100, 10, failing),
		row("ep_critical", 50, 100, 10, critical),
	}
	slices.SortStableFunc(rows, worstFirst)
	var got []string
	for _, r := range rows {
		got = append(got, r.EndpointID)
	}
	assert.Equal(t, []string{"ep_critical", "ep_failing", "ep_slow", "ep_fast_a", "ep_fast_b", "ep_idle"}, got)
}

// TestParseTimeFlag checks --since and --until: durations before now
// (days included) and RFC 3339 times.
func TestParseTimeFlag(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"90m", now.Add(-90 * time.Minute), true},
		{"24h", now.Add(-24 * time.Hour), true},
		{"7d", now.Add(-7 * 24 * time.Hour), true},
		{"1.5d", now.Add(-36 * time.Hour), true},
		{"2026-01-14T08:30:00+01:00", time.Date(2026, 1, 14, 7, 30, 0, 0, time.UTC), true},
		{"-1h", time.Time{}, false},
		{"0d", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"2026-01-14", time.Time{}, false},
	}
	for _, tc := range cases {
		got, err := parseTimeFlag("--since", tc.in, now)
		if !tc.ok {
			require.Error(t, err, tc.in)
			assert.Contains(t, err.Error(), "--since", tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.True(t, tc.want.Equal(got), "%s: got %s", tc.in, got)
	}
}
