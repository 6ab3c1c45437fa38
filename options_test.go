package hookscope_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

func TestOptionValidation(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]hookscope.Option{
		"negative retries":        hookscope.WithMaxRetries(-1),
		"negative retry wait":     hookscope.WithRetryWait(-time.Second, time.Second),
		"min above max":           hookscope.WithRetryWait(2*time.Second, time.Second),
		"negative max retryafter": hookscope.WithMaxRetryAfter(-time.Second),
		"zero timeout":            hookscope.WithTimeout(0),
		"zero max bytes":          hookscope.WithMaxResponseBytes(0),
		"nil http client":         hookscope.WithHTTPClient(nil),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := hookscope.NewClient(testKey, opt)
			require.Error(t, err)
			assert.Nil(t, c)
		})
	}
	c, err := hookscope.NewClient(testKey, nil, hookscope.WithTimeout(time.Second))
	require.NoError(t, err, "a nil Option is skipped")
	assert.NotNil(t, c)
}

func TestWithTimeoutBoundsEachTry(t *testing.T) {
	t.Parallel()
	c, f := newFakeAPI(t, hookscope.WithTimeout(50*time.Millisecond), hookscope.WithMaxRetries(1))
	f.on("GET", "/v1/logs", logsPage("", false).Delay(time.Second), logsPage("", false, "m1"))
	// Without the per-try bound the first try would answer, late, with no row.
	page, err := c.Logs.List(context.Background(), nil)
	require.NoError(t, err, "the timed-out try is retried")
	assert.Len(t, page.Data, 1)
	assert.Equal(t, 2, f.count())
}

func TestWithUserAgentRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	for _, ua := range []string{"app\r\nX-Injected: 1", "app\x00", "app\x7f", "tab\there"} {
		c, err := hookscope.NewClient(testKey, hookscope.WithUserAgent(ua))
		require.Error(t, err, "%q", ua)
		assert.Nil(t, c)
		assert.Contains(t, err.Error(), "WithUserAgent")
	}
	c, err := hookscope.NewClient(testKey, hookscope.WithUserAgent("my-app/1.2 (+https://example.com)"))
	require.NoError(t, err)
	assert.NotNil(t, c)
}
