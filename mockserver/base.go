package mockserver

import (
	"sync"
)

// A generated history depends only on its seed, its message count and the
// clock's time when it was generated, and it is large (about 2,000 records
// with their indexes at the default size: 20–30 ms and 4–5 MB to build),
// while a test suite typically starts one Server per test, all with the
// same seed, size and fixed clock. So Servers share one read-only generated
// base per (seed, messages, time) and each copies it on its first write:
// a Server's store points into the base (store.base set) until a write
// (AddMessage, AddKey, RemoveKey, a webhook write, a clock move that makes
// retries) calls ownLocked, which gives that store a private copy built
// again by the generator (the same records, the same id-drawing state, so
// the bytes a Server answers do not depend on whether it shared). Nothing
// ever writes to a base: the caches a message holds (its encoded row and
// recent-event entry) are atomic and depend only on the message and its
// endpoint's URL, which a base never changes.

// baseKey names a generated history.
type baseKey struct {
	seed     int64
	messages int
	now      int64 // unix ns
}

// genBase is one generated history: its identity and its store, read-only.
type genBase struct {
	key  baseKey
	once sync.Once
	id   *identity
	st   *store
}

// Bounds of the cache of generated bases. Only small histories are kept
// (at most maxCachedBaseMessages outbound messages each: a large one is
// built once per process anyway, and keeping it would hold its memory
// after its Servers close), and at most maxCachedBases of them, least
// recently used first out: about 5 MB each at the default size.
const (
	maxCachedBases        = 16
	maxCachedBaseMessages = 20000
)

// baseCache is the process's cache of generated bases. It is the package's
// one piece of mutable state, on purpose: the sharing it gives is between
// Servers that know nothing of each other (one per test). It is bounded
// (maxCachedBases entries of at most maxCachedBaseMessages messages), it is
// guarded by its mutex, and what it holds is immutable, so that no Server
// can observe another through it.
var baseCache struct {
	mu      sync.Mutex
	entries []*genBase // least recently used first
}

// sharedBase returns the generated base of key, generating it with gen the
// first time (once, however many Servers ask at the same time).
func sharedBase(key baseKey, gen func() (*identity, *store)) *genBase {
	baseCache.mu.Lock()
	var b *genBase
	for i, e := range baseCache.entries {
		if e.key == key {
			b = e
			baseCache.entries = append(baseCache.entries[:i], baseCache.entries[i+1:]...)
			break
		}
	}
	if b == nil {
		b = &genBase{key: key}
		if len(baseCache.entries) >= maxCachedBases {
			baseCache.entries = append(baseCache.entries[:0], baseCache.entries[1:]...)
		}
	}
	baseCache.entries = append(baseCache.entries, b)
	baseCache.mu.Unlock()
	b.once.Do(func() { b.id, b.st = gen() })
	return b
}

// baseStore returns the identity and a store of s's generated history:
// one that borrows the shared base, or, for a history too large to cache,
// one of its own.
func (s *Server) baseStore() (*identity, *store) {
	if s.cfg.messages > maxCachedBaseMessages {
		return s.generate()
	}
	key := baseKey{seed: s.cfg.seed, messages: s.cfg.messages, now: s.genNow.UnixNano()}
	b := sharedBase(key, s.generate)
	return b.id, b.borrow(func() *store { _, st := s.generate(); return st })
}

// borrow returns a store that reads b's records until its first write.
func (b *genBase) borrow(regen func() *store) *store {
	return &store{orgs: b.st.orgs, keys: b.st.keys, oddIDs: b.st.oddIDs, none: b.st.none, pages: newPageCache(), answers: newAnswerCache(), keyCache: newKeyCache(), base: regen}
}

// ownLocked gives s its own copy of the records it shares with a generated
// base, before a write; s.mu is held. A store that owns its records is left
// as it is.
func (s *store) ownLocked() {
	if s.base == nil {
		return
	}
	n := s.base()
	s.orgs, s.keys, s.oddIDs, s.rng, s.base = n.orgs, n.keys, n.oddIDs, n.rng, nil
	s.dropKeptLocked()
}
