package hookscope_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	hookscope "github.com/hookscope/hookscope-go"
)

// The Idempotency-Key errors match sentinels: 422 IDEMPOTENCY_KEY_REUSED is
// an invalid request, 409 IDEMPOTENCY_KEY_IN_USE a conflict.
func TestIdempotencyKeyErrorsMatchSentinels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err       *hookscope.APIError
		is, isNot []error
	}{
		{&hookscope.APIError{StatusCode: http.StatusUnprocessableEntity, Code: hookscope.CodeIdempotencyKeyReused},
			[]error{hookscope.ErrInvalidRequest}, []error{hookscope.ErrConflict, hookscope.ErrServer}},
		{&hookscope.APIError{StatusCode: http.StatusConflict, Code: hookscope.CodeIdempotencyKeyInUse},
			[]error{hookscope.ErrConflict}, []error{hookscope.ErrInvalidRequest, hookscope.ErrServer}},
		{&hookscope.APIError{StatusCode: http.StatusConflict},
			[]error{hookscope.ErrConflict}, []error{hookscope.ErrInvalidRequest}},
		{&hookscope.APIError{StatusCode: http.StatusConflict, Code: hookscope.CodeRateLimited},
			[]error{hookscope.ErrRateLimited}, []error{hookscope.ErrConflict}},
	}
	for _, c := range cases {
		for _, target := range c.is {
			assert.ErrorIs(t, c.err, target, "%d %s", c.err.StatusCode, c.err.Code)
		}
		for _, target := range c.isNot {
			assert.NotErrorIs(t, c.err, target, "%d %s", c.err.StatusCode, c.err.Code)
		}
	}
}
