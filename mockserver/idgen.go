package mockserver

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"time"
)

// ids draws the identifiers of the data model from a seeded source.
type ids struct{ rng *rand.Rand }

// uuidV7 builds a UUIDv7 from t's milliseconds and random bits of the source.
func (g ids) uuidV7(t time.Time) string { return uuidString(newUUIDv7(g.rng, t.UnixMilli())) }

// newUUIDv7 is a UUIDv7 of unix millisecond ms with random bits drawn from
// rng (two draws).
func newUUIDv7(rng *rand.Rand, ms int64) (b [16]byte) {
	b[0], b[1], b[2], b[3], b[4], b[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	r1, r2 := rng.Uint64(), rng.Uint64()
	b[6] = 0x70 | byte(r1>>60)&0x0f
	b[7] = byte(r1 >> 52)
	b[8] = 0x80 | byte(r2>>58)&0x3f
	for i := 9; i < 16; i++ {
		b[i] = byte(r2 >> (8 * (i - 9)))
	}
	return b
}

func (g ids) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return hex.EncodeToString(b)
}

func (g ids) endpointID() string { return "ep_" + g.hex(16) }

func (g ids) signingSecret() string {
	b := make([]byte, 24)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}
