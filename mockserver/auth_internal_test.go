package mockserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// credentials takes the token of a Bearer value (the scheme word in any
// case, spaces around it) and a bare key where allowed; a token with a
// space or a tab inside is none, whatever key it might name.
func TestCredentials(t *testing.T) {
	t.Parallel()
	cases := []struct {
		h     string
		bare  bool
		token string
		ok    bool
	}{
		{"Bearer am_test_k", false, "am_test_k", true},
		{"  bEaReR   am_test_k \t", false, "am_test_k", true},
		{"am_test_k", true, "am_test_k", true},
		{"am_test_k", false, "", false},
		{"", true, "", false},
		{"Bearer", false, "", false},
		{"Bearer ", false, "", false},
		{"Basic am_test_k", false, "", false},
		{"Bearer am_test_k extra", false, "", false},
		{"Bearer am_test_k\textra", false, "", false},
		{"Bearer am\t_test_k", true, "", false},
		{"Bearer\tam_test_k", false, "", false},
	}
	for _, c := range cases {
		token, ok := credentials(c.h, c.bare)
		assert.Equal(t, c.ok, ok, "%q", c.h)
		assert.Equal(t, c.token, token, "%q", c.h)
	}
}
