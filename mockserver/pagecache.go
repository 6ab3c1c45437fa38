package mockserver

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// storeLock is the store's lock. Every write-locked section moves version
// on, whether it changes anything or not, so that an answer computed under
// the read lock can be kept and served again for as long as version has not
// moved (pageCache): nothing the answer was computed from can change
// without the write lock. Version moves as the write lock is taken, before
// the section changes anything, so that a reader without the lock that
// finds the version of a kept answer may serve it (answerCache, keyCache):
// no write has begun since it was computed.
type storeLock struct {
	sync.RWMutex
	version atomic.Uint64 // moved under the write lock
}

// Lock takes the write lock and moves version on.
func (l *storeLock) Lock() {
	l.RWMutex.Lock()
	l.version.Add(1)
}

// dropKeptLocked empties the store's caches when its records are swapped
// (Reset, Restore, a first write on a shared base): a kept page names the
// organization it was computed from and must not keep records the store
// no longer holds alive, and no kept answer or key is of use any more.
// s.mu is held. The caches are cleared, not replaced: answers and keys are
// read without the lock.
func (s *store) dropKeptLocked() {
	s.pages.clear()
	s.answers.clear()
	s.keyCache.clear()
}

// cacheSlots is the number of entries of each of a store's caches.
const cacheSlots = 16

// directMapped is the storage of the store's caches (pageCache,
// answerCache, keyCache): cacheSlots slots of one entry each, an entry
// taking the slot its key hashes to (a newer entry replaces the slot's
// older one), read and written without a lock.
type directMapped[K comparable, V any] struct {
	seed  maphash.Seed
	slots [cacheSlots]atomic.Pointer[slotEntry[K, V]]
}

// slotEntry is one entry of a directMapped: a key and the value kept for
// it, neither changed once stored.
type slotEntry[K comparable, V any] struct {
	key K
	val V
}

func newDirectMapped[K comparable, V any]() directMapped[K, V] {
	return directMapped[K, V]{seed: maphash.MakeSeed()}
}

func (d *directMapped[K, V]) slot(k *K) *atomic.Pointer[slotEntry[K, V]] {
	return &d.slots[maphash.Comparable(d.seed, *k)%cacheSlots]
}

// get returns the value kept for k, or nil; it is shared, read-only.
func (d *directMapped[K, V]) get(k *K) *V {
	if e := d.slot(k).Load(); e != nil && e.key == *k {
		return &e.val
	}
	return nil
}

// put keeps v for k, in the place of what k's slot held.
func (d *directMapped[K, V]) put(k *K, v V) {
	d.slot(k).Store(&slotEntry[K, V]{key: *k, val: v})
}

// clear empties every slot.
func (d *directMapped[K, V]) clear() {
	for i := range d.slots {
		d.slots[i].Store(nil)
	}
}

// maxCachedPage is the largest encoded page a store keeps: cacheSlots (16) pages of at
// most 512 KiB bound a store's page cache to 8 MiB (a 500-row page of the
// generated data is about 140 KB).
const maxCachedPage = 512 << 10

// pageKey names one /v1/logs page exactly: the organization, the store's
// version, the filter's message slice and the page's bounds in it, and
// what its next_cursor is made of (the server's identity, whose secret
// signs it, and the filter the cursor is bound to). Two requests with the
// same key are answered the same rows and cursor, byte for byte.
type pageKey struct {
	o            *org
	version      uint64
	id           *identity
	filter       filterKey
	cursorFilter string
	lo, hi       int
	limit        int
}

// cachedPage is what a pageCache keeps for a page: nothing (body nil) for
// a page seen once, or its encoding, `{"data":[` and its rows, and its
// next_cursor (nil on the last page), shared read-only.
type cachedPage struct {
	body []byte
	next *string
}

// pageCache keeps the encoding of /v1/logs pages that are asked for again
// (a dashboard polling the newest page, a client reading a page twice),
// so that a repeated page is written from one buffer instead of being
// assembled row by row. A page is kept the second time it is asked for at
// the same store version, not the first: a client reading a large history
// once, page after page, does not pay for a copy of every page. The cache
// is direct-mapped (a page takes the slot its key hashes to) and bounded
// (cacheSlots × maxCachedPage); a write to the store makes every kept page
// stale, since its key holds the version the page was computed at.
type pageCache struct {
	directMapped[pageKey, cachedPage]
}

func newPageCache() *pageCache {
	return &pageCache{newDirectMapped[pageKey, cachedPage]()}
}

// get returns the kept page k, or nil; keep reports whether the caller
// should put k's encoding once built (k was seen before).
func (c *pageCache) get(k *pageKey) (page *cachedPage, keep bool) {
	p := c.directMapped.get(k)
	if p == nil {
		c.directMapped.put(k, cachedPage{}) // seen once
		return nil, false
	}
	if p.body == nil {
		return nil, true
	}
	return p, false
}

// put keeps body and next as page k's encoding and next_cursor; neither
// may change after.
func (c *pageCache) put(k *pageKey, body []byte, next *string) {
	if len(body) > maxCachedPage {
		return
	}
	c.directMapped.put(k, cachedPage{body: body, next: next})
}

// maxCachedAnswer is the largest webhook answer a store keeps (one with 50
// recent events is about 15 KB).
const maxCachedAnswer = 64 << 10

// answerKey names a webhook answer up to the clock: the organization and
// webhook ids, the store's version and the events limit. It holds ids, not
// records, so that a request finds a kept answer without the store's lock.
type answerKey struct {
	org, id string
	version uint64
	events  int
}

// cachedAnswer is a kept webhook answer and the times it holds for.
type cachedAnswer struct {
	span timeSpan
	body []byte
}

// answerCache keeps the JSON of webhooks asked for again (a dashboard
// polling one webhook), each with the span of clock times its
// delivery_stats hold for (see deliveryStatsSpan). It is direct-mapped and
// bounded (cacheSlots × maxCachedAnswer); a write to the store makes every
// kept answer stale (its key holds the version). It is read without the
// store's lock.
type answerCache struct {
	directMapped[answerKey, cachedAnswer]
}

func newAnswerCache() *answerCache {
	return &answerCache{newDirectMapped[answerKey, cachedAnswer]()}
}

// put keeps body as k's answer over span; body must not change after.
func (c *answerCache) put(k *answerKey, span timeSpan, body []byte) {
	if len(body) > maxCachedAnswer {
		return
	}
	c.directMapped.put(k, cachedAnswer{span: span, body: body})
}

// keyCacheKey names a key lookup: the token, at one store version.
type keyCacheKey struct {
	token   string
	version uint64
}

// keyCache keeps the keys of the tokens requests carry, so that a request
// is authenticated without the store's lock while the store's version does
// not move (a write makes every kept key stale, so that a removed or
// changed key is never served from here). Only accepted tokens are kept.
type keyCache struct {
	directMapped[keyCacheKey, Key]
}

func newKeyCache() *keyCache {
	return &keyCache{newDirectMapped[keyCacheKey, Key]()}
}
