package hookscope

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The key's own type formats redacted with every verb and in slog.
func TestSecretKeyFormatsRedacted(t *testing.T) {
	t.Parallel()
	k := secretKey(func() string { return "am_live_Zk4rT9wQ2mXyLp7sVb3N" })
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		got := fmt.Sprintf(verb, k)
		assert.NotContains(t, got, "Zk4rT9wQ2mXyLp7sVb3N", verb)
		assert.Contains(t, got, "am_live_[REDACTED]", verb)
	}
	assert.Equal(t, "am_live_[REDACTED]", k.LogValue().String())
	b, err := k.MarshalText()
	assert.NoError(t, err)
	assert.Equal(t, "am_live_[REDACTED]", string(b))
}
