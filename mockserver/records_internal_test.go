package mockserver

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The records are the memory of a large history: their size is the design
// (56 + 1.6 × 72 bytes per message, about 190 B with the indexes, 233 B
// with the aggregates at a million messages: BenchmarkHeapPerMessage), and
// they hold no pointer, so the garbage collector never scans them.
func TestRecordsAreCompactAndPointerFree(t *testing.T) {
	t.Parallel()
	assert.Equal(t, uintptr(56), unsafe.Sizeof(msgRec{}))
	assert.Equal(t, uintptr(72), unsafe.Sizeof(attRec{}))
	var hasPointers func(reflect.Type) bool
	hasPointers = func(ty reflect.Type) bool {
		switch ty.Kind() {
		case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
			return true
		case reflect.Array:
			return hasPointers(ty.Elem())
		case reflect.Struct:
			for i := range ty.NumField() {
				if hasPointers(ty.Field(i).Type) {
					return true
				}
			}
		}
		return false
	}
	for _, v := range []any{msgRec{}, attRec{}, attRef{}} {
		assert.False(t, hasPointers(reflect.TypeOf(v)), "%T holds a pointer", v)
	}
}

// An arena hands out spans that never straddle two chunks, and its
// positions stay valid as it grows.
func TestArenaSpans(t *testing.T) {
	t.Parallel()
	var a arena[int64]
	var starts []int32
	sizes := []int{1, 7, 1 << (chunkBits - 1), 1 << (chunkBits - 1), 3, 1 << chunkBits, 5}
	for i, n := range sizes {
		start := a.alloc(n)
		span := a.span(start, n)
		require.Len(t, span, n)
		for j := range span {
			span[j] = int64(i)<<32 | int64(j)
		}
		starts = append(starts, start)
	}
	for i, n := range sizes {
		assert.Equal(t, int64(i)<<32|int64(n-1), *a.at(starts[i] + int32(n-1)), "span %d ends where it began", i)
		assert.Equal(t, int64(i)<<32, *a.at(starts[i]))
	}
	a.trim()
	assert.Equal(t, int64(len(sizes)-1)<<32|4, *a.at(starts[len(sizes)-1] + 4))
}

// UUIDs parse and print back in canonical lower case; anything else is
// refused.
func TestParseUUID(t *testing.T) {
	t.Parallel()
	id, ok := parseUUID("0190A1B2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
	require.True(t, ok)
	assert.Equal(t, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", uuidString(id))
	assert.Equal(t, int64(0x0190a1b2c3d4), uuidMilli(id))
	for _, bad := range []string{"", "0190a1b2c3d47e5f8a9b0c1d2e3f4a5b", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", "0190a1b2-c3d4-7e5f-8a9b_0c1d2e3f4a5b",
		"g190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5bb"} {
		_, ok := parseUUID(bad)
		assert.False(t, ok, "%q", bad)
	}
}

// A message is found by the millisecond its UUIDv7 carries; a restored
// message whose id carries another time (or none: a UUIDv4) is found too,
// by every read that takes an id, and still after a retry replaces it.
func TestOddMessageIDsAreFound(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(4), WithMessages(30), WithClock(func() time.Time { return now }))
	var snap bytes.Buffer
	require.NoError(t, s.Snapshot(&snap))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(snap.Bytes(), &doc))
	org := doc["orgs"].([]any)[0].(map[string]any)
	msgs := org["messages"].([]any)
	var pending map[string]any
	for _, m := range msgs {
		if mm := m.(map[string]any); mm["status"] == "pending_retry" && mm["inbound"] == nil {
			pending = mm
			break
		}
	}
	require.NotNil(t, pending, "the generator makes a pending_retry message")
	const odd = "8f14e45f-ceea-467a-9b3c-2a5d6e7f8091" // a UUIDv4: its first bytes are no time
	pending["id"] = odd
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, s.Restore(bytes.NewReader(raw)))

	var attempts struct {
		Data []struct {
			AttemptNo       int    `json:"attempt_no"`
			ResponseBodyURL string `json:"response_body_url"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(serveTest(t, s, "GET", "/v1/messages/"+odd+"/attempts", ""), &attempts))
	n := len(pending["attempts"].([]any))
	require.Len(t, attempts.Data, n)
	body := ""
	for _, a := range attempts.Data {
		if a.ResponseBodyURL != "" {
			body = a.ResponseBodyURL
		}
	}
	if body != "" {
		u, err := url.Parse(body)
		require.NoError(t, err)
		assert.NotEmpty(t, serveTest(t, s, "GET", u.RequestURI(), ""), "the presigned body of an odd id")
	}
	_, payload, ok := MessageDelivery(s, odd)
	require.True(t, ok)
	assert.JSONEq(t, string(mustJSON(t, pending["payload"])), string(payload))

	require.NoError(t, s.AdvanceClock(30*24*time.Hour)) // every retry falls due
	require.NoError(t, json.Unmarshal(serveTest(t, s, "GET", "/v1/messages/"+odd+"/attempts", ""), &attempts))
	assert.Greater(t, len(attempts.Data), n, "the retried message keeps its odd id and its new attempts")
	logs := string(serveTest(t, s, "GET", "/v1/logs?limit=500", ""))
	assert.Equal(t, 1, strings.Count(logs, odd), "one row for the retried message")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// An attempt record holds its timings in 32 bits: a snapshot or an
// AddMessage with more is refused, naming the field, rather than stored
// wrapped around; so is an attempt id that is no UUID (a record holds one
// as 16 bytes) and a retry_type the API does not have.
func TestRecordsRefuseWhatTheyCannotHold(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(4), WithMessages(30), WithClock(func() time.Time { return now }))
	var snap bytes.Buffer
	require.NoError(t, s.Snapshot(&snap))
	for _, tc := range []struct {
		field string
		set   func(a map[string]any)
	}{
		{"response_latency_ms", func(a map[string]any) { a["response_latency_ms"] = int64(1) << 31 }},
		{"retry_after_seconds", func(a map[string]any) { a["retry_after_seconds"] = int64(1) << 40 }},
		{"ttfb_ms", func(a map[string]any) { a["ttfb_ms"] = int64(1) << 32 }},
		{"id", func(a map[string]any) { a["id"] = "att_1" }},
		{"id", func(a map[string]any) { a["id"] = "" }},
		{"id", func(a map[string]any) { a["id"] = "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B" }},
		{"retry_type", func(a map[string]any) { a["retry_type"] = "eventually" }},
	} {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(snap.Bytes(), &doc))
		msg := doc["orgs"].([]any)[0].(map[string]any)["messages"].([]any)[0].(map[string]any)
		tc.set(msg["attempts"].([]any)[0].(map[string]any))
		raw, err := json.Marshal(doc)
		require.NoError(t, err)
		err = s.Restore(bytes.NewReader(raw))
		var se *SnapshotError
		require.ErrorAs(t, err, &se, tc.field)
		assert.Equal(t, "orgs[0].messages[0].attempts[0]."+tc.field, se.Field)
	}
	ep := s.EndpointIDs("")[0]
	_, err := s.AddMessage(Message{EndpointID: ep, Attempts: []AttemptSpec{{Status: 200, LatencyMS: 1 << 33}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LatencyMS")
	id, err := s.AddMessage(Message{EndpointID: ep, Attempts: []AttemptSpec{{Status: 200, LatencyMS: MaxLatencyMS}}})
	require.NoError(t, err)
	assert.Contains(t, string(serveTest(t, s, "GET", "/v1/messages/"+id+"/attempts", "")), `"response_latency_ms":3600000`)
}

// A restored generated history keeps no payload of its own: the records
// compute each one again (a snapshot of a large history would otherwise
// come back about 100 bytes a message heavier); a payload that differs is
// kept, and both answer as they were.
func TestRestoredGeneratedPayloadsAreNotKept(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	s := NewHandler(WithSeed(4), WithMessages(300), WithClock(func() time.Time { return now }))
	ep := s.EndpointIDs("")[0]
	custom, err := s.AddMessage(Message{EndpointID: ep, Payload: json.RawMessage(`{"order":42}`)})
	require.NoError(t, err)
	var snap bytes.Buffer
	require.NoError(t, s.Snapshot(&snap))
	r := NewHandler(WithSeed(9), WithMessages(10), WithClock(func() time.Time { return now }))
	require.NoError(t, r.Restore(bytes.NewReader(snap.Bytes())))
	r.st.mu.RLock()
	kept := len(r.st.orgs[r.DefaultOrgID()].payloads)
	r.st.mu.RUnlock()
	assert.Equal(t, 1, kept, "only the payload AddMessage gave is kept")
	_, payload, ok := MessageDelivery(r, custom)
	require.True(t, ok)
	assert.JSONEq(t, `{"order":42}`, string(payload))
	var again bytes.Buffer
	require.NoError(t, r.Snapshot(&again))
	assert.Equal(t, snap.String(), again.String(), "the restored server snapshots the same document")
}
