package hookscope

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A call without options uses the client's configuration as it is: no copy,
// no allocation.
func TestForCallWithoutOptionsCopiesNothing(t *testing.T) {
	c, err := NewClient("am_test_internal", WithHeader("X-A", "1"))
	require.NoError(t, err)
	cfg, err := c.forCall(http.MethodGet, nil)
	require.NoError(t, err)
	assert.Same(t, &c.cfg, cfg)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := c.forCall(http.MethodGet, nil); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

// Two calls that add to the client's lists never write into each other's
// (or the client's) backing arrays, even when the client's have room left.
func TestForCallDoesNotAliasTheClientsLists(t *testing.T) {
	t.Parallel()
	c, err := NewClient("am_test_internal", WithHeader("X-1", "1"), WithHeader("X-2", "2"), WithHeader("X-3", "3"))
	require.NoError(t, err)
	require.Greater(t, cap(c.cfg.headers), len(c.cfg.headers), "the client's slice has room: the case that could alias")
	a, err := c.forCall(http.MethodGet, []Option{WithHeader("X-Call", "a")})
	require.NoError(t, err)
	b, err := c.forCall(http.MethodGet, []Option{WithHeader("X-Call", "b")})
	require.NoError(t, err)
	assert.Equal(t, "a", a.headers[3].value)
	assert.Equal(t, "b", b.headers[3].value)
	assert.Len(t, c.cfg.headers, 3)
	assert.NotSame(t, &c.cfg, a)
	assert.Equal(t, levelClient, c.cfg.level)
}
