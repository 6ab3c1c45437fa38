package hookscope

import (
	"context"
	"hash/maphash"
	"iter"
)

// fetchPage fetches the page that starts at cursor ("" for the first page)
// and returns it with the cursor of the next page and the server's has_more.
type fetchPage[P any] func(ctx context.Context, cursor string) (page P, next string, hasMore bool, err error)

// paginate walks cursor pages lazily: no request is sent until the loop
// starts, one page is held at a time, and all state lives inside the returned
// function, so ranging the same value twice starts over from startCursor.
//
// The end comes only from the server: a page with no next cursor ends the
// walk (a short page does not). An error is yielded once and ends the walk; so
// does a cursor the server already returned (ErrRepeatedCursor), and has_more
// without a cursor (ErrIncompletePage, after that page).
func paginate[P any](ctx context.Context, startCursor string, fetch fetchPage[P]) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		seed := maphash.MakeSeed()
		seen := make(map[uint64]struct{})
		cursor := startCursor
		if cursor != "" {
			seen[maphash.String(seed, cursor)] = struct{}{}
		}
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			page, next, hasMore, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			if !yield(page, nil) {
				return
			}
			if next == "" {
				if hasMore {
					yield(zero, ErrIncompletePage)
				}
				return
			}
			h := maphash.String(seed, next)
			if _, dup := seen[h]; dup {
				yield(zero, ErrRepeatedCursor)
				return
			}
			seen[h] = struct{}{}
			cursor = next
		}
	}
}

// items flattens a walk of pages into their rows, yielding a pointer into
// the page held at the time (valid after the loop moves on; the page is
// simply not kept by the iterator).
func items[P any, T any](pages iter.Seq2[P, error], rows func(P) []T) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for page, err := range pages {
			if err != nil {
				yield(nil, err)
				return
			}
			data := rows(page)
			for i := range data {
				if !yield(&data[i], nil) {
					return
				}
			}
		}
	}
}
