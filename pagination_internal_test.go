package hookscope

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loopingServer is a fetch whose cursors are c0, c1, …: page i leads to
// page i+1, and the page after the last of lead+loop pages leads back to
// page lead (a loop of loop pages entered after lead pages); loop 0 is a
// walk of lead pages that ends. It counts what it was asked for.
func loopingServer(lead, loop int, fetched *[]int) fetchPage[int] {
	return func(_ context.Context, cursor string) (int, pageInfo, error) {
		i, err := strconv.Atoi(cursor[1:])
		if err != nil {
			return 0, pageInfo{}, err
		}
		*fetched = append(*fetched, i)
		next := i + 1
		if loop == 0 && next == lead {
			return i, pageInfo{Rows: 1}, nil
		}
		if loop > 0 && next == lead+loop {
			next = lead
		}
		return i, pageInfo{NextCursor: "c" + strconv.Itoa(next), HasMore: true, Rows: 1}, nil
	}
}

// TestPaginateStopsLoopingCursors: a server whose cursors loop, whatever the
// loop's length and whatever comes before it, ends the walk with
// ErrRepeatedCursor; a loop of up to recentCursors pages before any page is
// fetched twice, a longer one within Brent's bound.
func TestPaginateStopsLoopingCursors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ lead, loop int }{
		{0, 1}, {5, 1}, {0, 2}, {3, 2}, {0, 7}, {100, 7}, {1000, 7},
		{0, recentCursors}, {0, recentCursors + 1}, {10, 1000}, {1000, 10_000}, {50_000, 3},
	} {
		t.Run(fmt.Sprintf("loop %d after %d", tc.loop, tc.lead), func(t *testing.T) {
			t.Parallel()
			var fetched []int
			var pages int
			var errs []error
			for page, err := range paginate(context.Background(), "c0", loopingServer(tc.lead, tc.loop, &fetched)) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				require.Equal(t, fetched[len(fetched)-1], page)
				pages++
			}
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], ErrRepeatedCursor)
			assert.Contains(t, errs[0].Error(), fmt.Sprintf("page %d", pages))
			distinct := tc.lead + tc.loop
			if tc.loop <= recentCursors {
				assert.Equal(t, distinct, len(fetched), "every page once, none twice")
				return
			}
			assert.Greater(t, len(fetched), distinct)
			assert.LessOrEqual(t, len(fetched), distinct+2*max(tc.lead, tc.loop)+tc.loop, "Brent's bound")
		})
	}
}

// TestPaginateLongWalkIsNotALoop: a million distinct cursors are followed
// to the end.
func TestPaginateLongWalkIsNotALoop(t *testing.T) {
	t.Parallel()
	const n = 1_000_000
	var fetched []int
	pages := 0
	for _, err := range paginate(context.Background(), "c0", loopingServer(n, 0, &fetched)) {
		require.NoError(t, err)
		pages++
	}
	assert.Equal(t, n, pages)
	assert.Equal(t, n-1, fetched[len(fetched)-1])
}

// TestPaginateMemoryIsFlat: what a walk holds does not grow with it: the
// live heap at the last page of a walk of 2,000,000 pages is within 64 KiB
// of that at the last page of a walk of 2,000 (a set of every cursor seen
// would hold tens of megabytes).
func TestPaginateMemoryIsFlat(t *testing.T) {
	// Not parallel: the heap is the process's.
	heapAtEnd := func(n int) uint64 {
		var ms runtime.MemStats
		fetch := func(_ context.Context, cursor string) (int, pageInfo, error) {
			i, err := strconv.Atoi(cursor[1:])
			if err != nil {
				return 0, pageInfo{}, err
			}
			if i+1 == n {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				return i, pageInfo{Rows: 1}, nil
			}
			return i, pageInfo{NextCursor: "c" + strconv.Itoa(i+1), HasMore: true, Rows: 1}, nil
		}
		pages := 0
		for _, err := range paginate(context.Background(), "c0", fetch) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
		}
		require.Equal(t, n, pages)
		return ms.HeapAlloc
	}
	heapAtEnd(2_000) // one-time state
	small := heapAtEnd(2_000)
	large := heapAtEnd(2_000_000)
	t.Logf("live heap at the last page: 2,000 pages %d B, 2,000,000 pages %d B", small, large)
	if large > small+64<<10 {
		t.Errorf("a walk of 2,000,000 pages holds %d B more than one of 2,000", large-small)
	}
}

// TestCursorGuardNoFalseRepeat: distinct cursors are never taken for a
// repeat, and each of the recent ones is.
func TestCursorGuardNoFalseRepeat(t *testing.T) {
	t.Parallel()
	g := newCursorGuard()
	for i := range 100_000 {
		require.False(t, g.repeated("cursor-"+strconv.Itoa(i)), i)
	}
	for i := 100_000 - recentCursors; i < 100_000; i++ {
		assert.True(t, g.repeated("cursor-"+strconv.Itoa(i)), i)
	}
	assert.True(t, errors.Is(fmt.Errorf("%w: x", ErrRepeatedCursor), ErrRepeatedCursor))
}
