package hookscope

import (
	"testing"
	"time"
)

// backoffFor stays within [min, min(max, min·2^(n-1))] and grows with n, also
// when the minimum is 0 (the ceiling then grows from 1 ms).
func TestBackoffBoundsAndGrowth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lo, hi time.Duration
		n      int
		ceil   time.Duration
	}{
		{200 * time.Millisecond, 5 * time.Second, 1, 200 * time.Millisecond},
		{200 * time.Millisecond, 5 * time.Second, 2, 400 * time.Millisecond},
		{200 * time.Millisecond, 5 * time.Second, 4, 1600 * time.Millisecond},
		{200 * time.Millisecond, 5 * time.Second, 10, 5 * time.Second},
		{0, time.Second, 1, time.Millisecond},
		{0, time.Second, 5, 16 * time.Millisecond},
		{0, time.Second, 20, time.Second},
	} {
		p := &tryPolicy{cfg: &config{retryWaitMin: tc.lo, retryWaitMax: tc.hi}}
		var most time.Duration
		for range 2000 {
			w := p.backoffFor(tc.n)
			if w < tc.lo || w > tc.ceil {
				t.Fatalf("lo %v hi %v n %d: wait %v outside [%v, %v]", tc.lo, tc.hi, tc.n, w, tc.lo, tc.ceil)
			}
			most = max(most, w)
		}
		if tc.ceil > tc.lo && most <= tc.lo+(tc.ceil-tc.lo)/2 {
			t.Errorf("lo %v hi %v n %d: 2000 draws never passed the middle of the range (max %v): not jittered up to the ceiling", tc.lo, tc.hi, tc.n, most)
		}
	}
}
