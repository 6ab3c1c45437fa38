package hookscope

import (
	"context"
	"fmt"
	"hash/maphash"
	"iter"
)

// MaxEmptyPages is how many pages in a row without a row an iterator
// follows while the server says it has more; the next such page ends the
// walk with ErrEmptyPages.
const MaxEmptyPages = 10

// pageInfo is what a page tells the walk: the cursor of the next page,
// whether the server has more, and how many rows the page holds.
type pageInfo struct {
	NextCursor string
	HasMore    bool
	Rows       int
}

// fetchPage fetches the page that starts at cursor ("" for the first page)
// and returns it with its pageInfo, as the server gave it.
type fetchPage[P any] func(ctx context.Context, cursor string) (page P, info pageInfo, err error)

// paginate walks cursor pages lazily: no request is sent until the loop
// starts, one page is held at a time, and all state lives inside the returned
// function, so ranging the same value twice starts over from startCursor.
//
// paginate alone decides what ends a walk, by one rule for every iterator,
// and the end comes only from the server: a page without has_more ends it,
// whatever its cursor (a short page does not). An error is yielded once and
// ends the walk; so does a server whose cursors loop (ErrRepeatedCursor, see
// cursorGuard), has_more without a cursor (ErrIncompletePage, after that
// page), and the MaxEmptyPages-th page in a row without a row while has_more
// (ErrEmptyPages): without it a server could keep a loop whose body never
// runs going forever. Its memory does not grow with the walk.
func paginate[P any](ctx context.Context, startCursor string, fetch fetchPage[P]) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		guard := newCursorGuard()
		cursor := startCursor
		if cursor != "" {
			guard.repeated(cursor)
		}
		empty, pages := 0, 0
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			page, info, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			pages++
			if !yield(page, nil) {
				return
			}
			if !info.HasMore {
				return
			}
			if info.NextCursor == "" {
				yield(zero, ErrIncompletePage)
				return
			}
			if info.Rows == 0 {
				empty++
				if empty >= MaxEmptyPages {
					yield(zero, fmt.Errorf("%w: %d pages without a row, each saying more exist", ErrEmptyPages, empty))
					return
				}
			} else {
				empty = 0
			}
			if guard.repeated(info.NextCursor) {
				yield(zero, fmt.Errorf("%w: the next cursor of page %d was returned before, so its pages would loop", ErrRepeatedCursor, pages))
				return
			}
			cursor = info.NextCursor
		}
	}
}

// recentCursors is how many of the last cursors of a walk cursorGuard
// compares each new one with.
const recentCursors = 32

// cursorGuard tells when the cursors of a walk repeat, in memory that does
// not grow with the walk: a 64-bit hash of each cursor (maphash, with a
// seed of the walk's own), compared with the hashes of the last
// recentCursors cursors, which catches a loop of up to that many pages
// before its first page is fetched again, and with Brent's cycle detection
// over the whole sequence, which catches a loop of any length: once the
// walk is in a loop of λ pages entered after μ, a hash it keeps (the
// tortoise, moved to the latest cursor whenever the count since the last
// move reaches a doubling power) recurs within at most about 2·max(μ, λ)+λ
// pages. A server that repeats a cursor is deterministic about what follows
// it (the cursor encodes the position), so the walk from there loops.
type cursorGuard struct {
	seed     maphash.Seed
	recent   [recentCursors]uint64
	seen     int // cursors hashed so far
	tortoise uint64
	power    int // the steps the tortoise waits before it moves next
	steps    int // steps since it last moved
}

func newCursorGuard() *cursorGuard {
	return &cursorGuard{seed: maphash.MakeSeed(), power: 1}
}

// repeated records cursor and reports whether the walk has met it before
// (certainly, among the last recentCursors; for older ones, once Brent's
// tortoise meets it).
func (g *cursorGuard) repeated(cursor string) bool {
	h := maphash.String(g.seed, cursor)
	for _, r := range g.recent[:min(g.seen, recentCursors)] {
		if r == h {
			return true
		}
	}
	if g.seen > 0 && h == g.tortoise {
		return true
	}
	g.recent[g.seen%recentCursors] = h
	g.seen++
	if g.steps++; g.seen == 1 || g.steps == g.power {
		g.tortoise, g.steps = h, 0
		if g.seen > 1 {
			g.power *= 2
		}
	}
	return false
}

// listPages is how every service turns a list query into its page iterator.
// params is the query as its check returned it, and err that check's error:
// a bad query is yielded on the first iteration, with no request sent. The
// walk starts at the query's own cursor; each page is fetched with a copy of
// the query that carries that page's cursor, set through cursor (the address
// of the query's Cursor field). The caller's params are never modified.
func listPages[Q, P any](ctx context.Context, params *Q, err error, cursor func(*Q) *string,
	fetch func(context.Context, *Q) (P, pageInfo, error)) iter.Seq2[P, error] {
	start := ""
	if err == nil {
		start = *cursor(params)
	}
	return paginate(ctx, start, func(ctx context.Context, c string) (P, pageInfo, error) {
		if err != nil {
			var zero P
			return zero, pageInfo{}, err
		}
		q := *params
		*cursor(&q) = c
		return fetch(ctx, &q)
	})
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

// ListMeta is the meta of a cursor-paginated list.
type ListMeta struct {
	// RequestID identifies the request to support; it equals X-Request-Id.
	RequestID string `json:"request_id,omitempty"`
	// NextCursor fetches the next page; "" on the last page. Save it to resume
	// a long export.
	NextCursor string `json:"next_cursor,omitempty"`
	// HasMore reports whether more rows exist after this page.
	HasMore bool `json:"has_more"`
}

// pageInfo is what the meta tells a walk of the list, with the page's rows.
func (m *ListMeta) pageInfo(rows int) pageInfo {
	return pageInfo{NextCursor: m.NextCursor, HasMore: m.HasMore, Rows: rows}
}

// setRequestID keeps the body's request id, else takes X-Request-Id.
func (m *ListMeta) setRequestID(fromHeader string) {
	if m.RequestID == "" {
		m.RequestID = fromHeader
	}
}
