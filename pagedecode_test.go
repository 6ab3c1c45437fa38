package hookscope

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pageDecoderSeeds are bodies of the two hand-decoded pages in every shape
// the generic decoder treats specially: nulls, other kinds, escapes,
// numbers beyond the fast path, timestamps in other RFC 3339 forms,
// duplicate and case-folded names, unknown members.
var pageDecoderSeeds = []string{
	`{"data":[],"meta":{"has_more":false}}`,
	`{"data":null}`,
	`{"data":{}}`,
	`{"data":[null,{}]}`,
	`{"data":[{"message_id":"m","endpoint":"https://a/h","status":"succeeded","attempt_count":2,"created_at":"2025-12-06T12:00:00Z","delivered_at":"2025-12-06T12:00:05Z","response_status":200,"response_latency_ms":120,"last_error":"x"}]}`,
	`{"data":[{"MessageID":"m","ENDPOINT":"e","Status":"queued","attempt-count":1,"Created_At":"2025-12-06T12:00:00Z","ſtatus":"delivering","\u0065ndpoint":"f"}]}`,
	`{"data":[{"message_id":"m\u00e9","endpoint":"caf\u00e9","status":"\ud83d\ude00","last_error":"\"quoted\""}]}`,
	`{"data":[{"message_id":"m","message_id":"n","delivered_at":"2025-12-06T12:00:05Z","delivered_at":null,"response_status":200,"response_status":201}]}`,
	`{"data":[{"created_at":"2025-12-06T12:00:00.123456789Z","delivered_at":"2025-12-06T13:00:00+01:00","next_attempt_at":"2025-12-06t12:00:00z"}]}`,
	`{"data":[{"created_at":"2025-02-29T12:00:00Z"}]}`,
	`{"data":[{"created_at":"2024-02-29T23:59:59Z","delivered_at":"2025-12-06T24:00:00Z"}]}`,
	`{"data":[{"created_at":"2025-12-06T12:00:60Z"}]}`,
	`{"data":[{"created_at":null,"delivered_at":null,"response_status":null,"response_latency_ms":null,"endpoint":null,"attempt_count":null}]}`,
	`{"data":[{"attempt_count":1.5}]}`, `{"data":[{"attempt_count":1e2}]}`, `{"data":[{"attempt_count":-0}]}`,
	`{"data":[{"attempt_count":"1"}]}`, `{"data":[{"response_status":true}]}`, `{"data":[{"status":5}]}`,
	`{"data":[{"attempt_count":9999999999}]}`, `{"data":[{"response_latency_ms":9223372036854775807}]}`,
	`{"data":[{"response_latency_ms":9223372036854775808}]}`, `{"data":[{"response_latency_ms":-9223372036854775808}]}`,
	`{"data":[{"unknown":{"a":[1,2,{"b":null}]},"endpoint":"e"}],"extra":1}`,
	`{"data":[{"endpoint":"e"}],"data":[{"endpoint":"f"},{"endpoint":"g"}]}`,
	`{"data":[{"endpoint":"e"}],"data":[]}`,
	`{"data":[{"endpoint":"e"}],"data":null}`,
	"{\"data\":[{\"endpoint\":\"\xff\xfe\",\"status\":\"a\xffb\"}]}",
	"{\"data\":[{\"endpo\xffint\":\"e\"}]}",
	`{"data":[{"endpoint":"e"}`, `{"data":[{"endpoint":"e"},]}`, `{"data":[{"endpoint" "e"}]}`,
	`{"success":true,"data":{"metric":"delivered","granularity":"hour","from":"2026-05-05T00:00:00Z","to":"2026-05-06T00:00:00Z","buckets":[{"bucket_start":"2026-05-05T00:00:00Z","value":14},{"bucket_start":"2026-05-06T00:00:00Z","value":null}]},"meta":{"as_of":"2026-05-05T23:59:43Z","limit":1000,"next_cursor":null}}`,
	`{"data":{"prior_from":"2026-05-04T00:00:00Z","prior_to":"2026-05-05T00:00:00Z","buckets":[{"bucket_start":"2026-05-05T00:00:00Z","value":1,"group":"2xx","prior_value":2},{"value":3,"group":"2xx","prior_value":null},{"prior_value":4}]}}`,
	`{"data":{"buckets":[{"value":1,"value":2},{"value":1,"value":null},{"value":null,"value":3}]}}`,
	`{"data":{"buckets":[{"value":1}]},"data":{"metric":"failed"}}`,
	`{"data":{"buckets":[{"value":1}],"buckets":[{"value":2},{"value":3}]}}`,
	`{"data":{"buckets":[]}}`, `{"data":{"buckets":null}}`, `{"data":{"buckets":{}}}`, `{"data":null}`, `{"data":[]}`,
	`{"data":{"buckets":[{"value":1.0}]}}`, `{"data":{"buckets":[{"value":"1"}]}}`, `{"data":{"buckets":[{"value":123456789012345678901}]}}`,
	`{"data":{"buckets":[{"value":1234567890123456789}]}}`, `{"data":{"buckets":[null,{"Bucket-Start":"2026-05-05T00:00:00Z","VALUE":5}]}}`,
	`{"data":{"meta":{"as_of":"x"},"buckets":[{"value":1}]},"meta":{"as_of":"2026-05-05T23:59:43Z","next_cursor":"c"}}`,
	`{"data":{"from":"2026-05-05","to":1}}`, `{"data":{"buckets":[{"bucket_start":"2026-01-01T00:00:00Z00","value":1}]}}`,
	`{"data":{"buckets":[{"bucket_start":"2026-01-01T00:00:00Z","value":1 ,"group":"g"}]}}`,
	`{"data":[{"message_id":"m","endpoint":"e" ,"status":"queued","message_id":"n"}]}`, `{"data":{"from":"2026-13-05T00:00:00Z"}}`,
	`{"data":{"buckets":[{"value":1}]}} {"x":1}`, `{"data":{"buckets":[{"value":1}]}`, `[]`, `null`, ``,
}

// pageDecoderBodies are the seeds plus the example pages of the API.
func pageDecoderBodies(t testing.TB) []string {
	bodies := append([]string{}, pageDecoderSeeds...)
	bodies = append(bodies, fuzzSeeds...)
	for _, name := range []string{"seed000_metrics_webhooks_200.json", "seed001_logs_200.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		bodies = append(bodies, string(b))
	}
	return bodies
}

// decodeBoth decodes body with the page decoders and with the generic
// decoder into the same types, and fails unless they agree: both errors, or
// the same values.
func decodeBoth(t *testing.T, body []byte, rows int) {
	decode := func(out any) error {
		return decodeJSON(&limitedReader{r: bytes.NewReader(body), remaining: 1 << 20}, out)
	}
	var fastLogs, genericLogs LogPage
	errFast, errGeneric := decode(&logPageDecoder{page: &fastLogs, rows: rows}), decode(&genericLogs)
	agree(t, "logs", body, errFast, errGeneric, &fastLogs, &genericLogs)

	var fastMetrics metricsEnvelope
	var genericMetrics metricsEnvelope
	errFast, errGeneric = decode(&metricsPageDecoder{env: &fastMetrics, rows: rows}), decode(&genericMetrics)
	agree(t, "metrics", body, errFast, errGeneric, &fastMetrics, &genericMetrics)
	if errFast == nil {
		assertOneValueArray(t, fastMetrics.Data.Buckets)
	}
}

func agree(t *testing.T, what string, body []byte, errFast, errGeneric error, fast, generic any) {
	t.Helper()
	if (errFast == nil) != (errGeneric == nil) {
		t.Fatalf("%s: %q: page decoder error %v, generic decoder error %v", what, body, errFast, errGeneric)
	}
	if errFast != nil {
		if !errors.Is(errFast, ErrUnexpectedResponse) && !errors.Is(errFast, ErrResponseTooLarge) {
			t.Fatalf("%s: %q: error %v wraps neither ErrUnexpectedResponse nor ErrResponseTooLarge", what, body, errFast)
		}
		return
	}
	require.Equal(t, generic, fast, "%s: %q", what, body)
}

// assertOneValueArray checks that the values of a decoded metrics page
// fill one array: sorted by address, each is 8 bytes after the last.
func assertOneValueArray(t *testing.T, buckets []MetricBucket) {
	t.Helper()
	var addrs []uintptr
	for i := range buckets {
		for _, p := range []*int64{buckets[i].Value, buckets[i].PriorValue} {
			if p != nil {
				addrs = append(addrs, reflect.ValueOf(p).Pointer())
			}
		}
	}
	slices.Sort(addrs)
	for i := 1; i < len(addrs); i++ {
		if addrs[i]-addrs[i-1] != 8 {
			t.Fatalf("bucket values are not one array: %d values, gap of %d bytes after value %d", len(addrs), addrs[i]-addrs[i-1], i-1)
		}
	}
}

// TestPageDecodersMatchGeneric: on every seed, the hand-written decoders of
// the logs and metrics pages give exactly what the generic decoder gives,
// error for error.
func TestPageDecodersMatchGeneric(t *testing.T) {
	t.Parallel()
	for _, body := range pageDecoderBodies(t) {
		for _, rows := range []int{0, 1, 500} {
			decodeBoth(t, []byte(body), rows)
		}
	}
}

// FuzzPageDecodersMatchGeneric holds the hand-written page decoders to the
// generic decoder on any input.
func FuzzPageDecodersMatchGeneric(f *testing.F) {
	for _, body := range pageDecoderBodies(f) {
		f.Add([]byte(body), 1)
	}
	f.Fuzz(decodeBoth)
}

// TestPageDecoderValues checks the values of the example pages field by
// field, including what the page decoder shares: interned strings and one
// array of bucket values.
func TestPageDecoderValues(t *testing.T) {
	t.Parallel()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		return b
	}
	var page LogPage
	require.NoError(t, decodeJSON(bytes.NewReader(read("seed001_logs_200.json")), &logPageDecoder{page: &page}))
	require.Len(t, page.Data, 2)
	first, second := page.Data[0], page.Data[1]
	assert.Equal(t, "01935abc-def0-7123-4567-890abcdef012", first.MessageID)
	assert.Equal(t, "https://customer.app/webhooks", first.Endpoint)
	assert.Equal(t, StatusSucceeded, first.Status)
	assert.Equal(t, 1, first.AttemptCount)
	assert.Equal(t, time.Date(2025, 12, 6, 12, 0, 0, 0, time.UTC), first.CreatedAt)
	require.NotNil(t, first.DeliveredAt)
	assert.Equal(t, time.Date(2025, 12, 6, 12, 0, 5, 0, time.UTC), *first.DeliveredAt)
	assert.Nil(t, first.NextAttemptAt)
	require.NotNil(t, first.ResponseStatus)
	assert.Equal(t, 200, *first.ResponseStatus)
	require.NotNil(t, first.ResponseLatencyMS)
	assert.EqualValues(t, 120, *first.ResponseLatencyMS)
	assert.Empty(t, first.LastError)
	assert.Equal(t, StatusPendingRetry, second.Status)
	assert.Equal(t, 3, second.AttemptCount)
	assert.Nil(t, second.DeliveredAt)
	require.NotNil(t, second.NextAttemptAt)
	assert.Equal(t, time.Date(2025, 12, 6, 17, 0, 0, 0, time.UTC), *second.NextAttemptAt)
	assert.Nil(t, second.ResponseStatus)
	assert.Equal(t, "connection timeout", second.LastError)
	assert.Equal(t, ListMeta{NextCursor: "eyJpZCI6Im1zZ18xMjMiLCJ0cyI6MTczMzQ1Njc4OX0=", HasMore: true, RequestID: "req_xyz123"}, page.Meta)
	// The two rows share one endpoint string.
	assert.Equal(t, first.Endpoint, second.Endpoint)
	assert.Equal(t, unsafe.StringData(first.Endpoint), unsafe.StringData(second.Endpoint), "endpoint allocated once per page")

	var env metricsEnvelope
	require.NoError(t, decodeJSON(bytes.NewReader(read("seed000_metrics_webhooks_200.json")), &metricsPageDecoder{env: &env}))
	s := env.Data
	assert.Equal(t, MetricInboundReceived, s.Metric)
	assert.Equal(t, GranularityHour, s.Granularity)
	assert.Equal(t, time.Date(2026, 5, 5, 0, 0, 0, 0, time.UTC), s.From)
	assert.Equal(t, time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC), s.To)
	require.Len(t, s.Buckets, 3)
	assert.Equal(t, time.Date(2026, 5, 5, 1, 0, 0, 0, time.UTC), s.Buckets[1].BucketStart)
	require.NotNil(t, s.Buckets[0].Value)
	require.NotNil(t, s.Buckets[1].Value)
	assert.EqualValues(t, 14, *s.Buckets[0].Value)
	assert.EqualValues(t, 9, *s.Buckets[1].Value)
	assert.Nil(t, s.Buckets[2].Value, "null: not aggregated yet")
	assertOneValueArray(t, s.Buckets)
	assert.Equal(t, MetricsMeta{AsOf: time.Date(2026, 5, 5, 23, 59, 43, 0, time.UTC), Limit: 1000}, env.Meta)
}

// TestParseCanonicalUTC: the fast path takes exactly the canonical form
// with valid ranges and agrees with time.Parse on it.
func TestParseCanonicalUTC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2026-05-05T23:59:43Z", true},
		{"2024-02-29T00:00:00Z", true},
		{"2000-02-29T00:00:00Z", true},
		{"0000-01-01T00:00:00Z", true},
		{"1900-02-29T00:00:00Z", false},
		{"2025-02-29T00:00:00Z", false},
		{"2025-04-31T00:00:00Z", false},
		{"2025-00-10T00:00:00Z", false},
		{"2025-13-10T00:00:00Z", false},
		{"2025-12-00T00:00:00Z", false},
		{"2025-12-06T24:00:00Z", false},
		{"2025-12-06T12:60:00Z", false},
		{"2025-12-06T12:00:60Z", false},
		{"2025-12-06t12:00:00Z", false},
		{"2025-12-06T12:00:00z", false},
		{"2025-12-06 12:00:00Z", false},
		{"2025-12-06T12:00:0aZ", false},
		{"2025-12-06T12:00:00.5Z", false},
		{"2025-12-06T12:00:00+00:00", false},
		{"+025-12-06T12:00:00Z", false},
		{"2025-12-06T12:00:00Z0", false},
	} {
		got, ok := parseCanonicalUTC([]byte(`"` + tc.in + `"`))
		assert.Equal(t, tc.ok, ok, tc.in)
		if ok {
			want, err := time.Parse(time.RFC3339, tc.in)
			require.NoError(t, err, tc.in)
			assert.Equal(t, want, got, tc.in)
		}
	}
	// Without its closing quote (22 bytes cut from a longer string).
	_, ok := parseCanonicalUTC([]byte(`"2025-12-06T12:00:00Z0`))
	assert.False(t, ok, "no closing quote")
}

// TestParseCanonicalUTCEveryDay compares the fast path with time.Parse on
// every day of the years 1900 to 2200 and on days throughout 0000 to 9999,
// at times that vary with the day.
func TestParseCanonicalUTCEveryDay(t *testing.T) {
	t.Parallel()
	check := func(day time.Time) {
		at := day.Add(time.Duration(day.YearDay()%24)*time.Hour + time.Duration(day.Day()%60)*time.Minute + time.Duration(day.Month()*4)*time.Second)
		s := at.Format("2006-01-02T15:04:05Z")
		got, ok := parseCanonicalUTC([]byte(`"` + s + `"`))
		want, err := time.Parse(time.RFC3339, s)
		if !ok || err != nil || got != want {
			t.Fatalf("%s: fast path %v (ok %v), time.Parse %v (%v)", s, got, ok, want, err)
		}
	}
	for day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() <= 2200; day = day.AddDate(0, 0, 1) {
		check(day)
	}
	for day := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() <= 9999; day = day.AddDate(0, 0, 37) {
		check(day)
	}
}

// TestPageDecodersStartAfresh: decoding a second body (a retried try) into
// the same page decoder leaves nothing of the first.
func TestPageDecodersStartAfresh(t *testing.T) {
	t.Parallel()
	var page LogPage
	out := &logPageDecoder{page: &page, rows: 2}
	first := `{"data":[{"message_id":"a","last_error":"x"},{"message_id":"b"}],"meta":{"next_cursor":"c","has_more":true}}`
	second := `{"data":[{"message_id":"z"}],"meta":{"has_more":false}}`
	for _, body := range []string{first, second} {
		decodeErr, readErr := decodeBody(strings.NewReader(body), 1<<20, out)
		require.NoError(t, decodeErr)
		require.NoError(t, readErr)
	}
	assert.Equal(t, LogPage{Data: []LogEntry{{MessageID: "z"}}}, page)

	var env metricsEnvelope
	mout := &metricsPageDecoder{env: &env, rows: 2}
	for _, body := range []string{`{"data":{"metric":"failed","buckets":[{"value":1}]},"meta":{"limit":5}}`, `{"data":{"buckets":[]}}`} {
		decodeErr, readErr := decodeBody(strings.NewReader(body), 1<<20, mout)
		require.NoError(t, decodeErr)
		require.NoError(t, readErr)
	}
	assert.Equal(t, metricsEnvelope{Data: MetricSeries{Buckets: []MetricBucket{}}}, env)
}
