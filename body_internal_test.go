package hookscope

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestLimitedReaderRefusesPastLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		size, limit int
		wantErr     bool
	}{{0, 10, false}, {10, 10, false}, {11, 10, true}, {5000, 10, true}} {
		r := &limitedReader{r: bytes.NewReader(make([]byte, tc.size)), remaining: int64(tc.limit)}
		n, err := io.Copy(io.Discard, r)
		if tc.wantErr {
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Errorf("size %d limit %d: err %v, want ErrResponseTooLarge", tc.size, tc.limit, err)
			}
			if n > int64(tc.limit)+1 {
				t.Errorf("size %d limit %d: read %d bytes, want at most limit+1", tc.size, tc.limit, n)
			}
			continue
		}
		if err != nil || n != int64(tc.size) {
			t.Errorf("size %d limit %d: n=%d err=%v", tc.size, tc.limit, n, err)
		}
	}
}
