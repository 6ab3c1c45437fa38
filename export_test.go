package hookscope

import (
	"context"
	"time"
)

// SetClock replaces the clock and the sleeper of c's retries and 429 pause,
// so that tests can run them without waiting. Tests only.
func SetClock(c *Client, now func() time.Time, sleep func(context.Context, time.Duration) error) {
	c.now, c.sleep = now, sleep
}
