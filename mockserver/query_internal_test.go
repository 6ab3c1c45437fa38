package mockserver

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toValues is q as the url.Values url.ParseQuery makes (never nil).
func (q *queryArgs) toValues() url.Values {
	v := url.Values{}
	for _, p := range q.pairs() {
		v[p.key] = append(v[p.key], p.value)
	}
	return v
}

// assertSameAsParseQuery checks that queryArgs parses raw as url.ParseQuery
// does: the same error or none, the same values per key in order (also of
// the pairs kept beside an error), and lookup and queryValue read them as
// the map would.
func assertSameAsParseQuery(t *testing.T, raw string) {
	t.Helper()
	want, wantErr := url.ParseQuery(raw)
	var q queryArgs
	err := q.parse(raw)
	require.Equal(t, wantErr != nil, err != nil, "error of %q: got %v, url.ParseQuery %v", raw, err, wantErr)
	require.Equal(t, want, q.toValues(), "values of %q", raw)
	require.True(t, q.parsed)
	checked := 0
	for k, vs := range want {
		if checked++; checked > 64 {
			break // lookup scans every pair: keep a fuzzed query of many keys linear
		}
		first, n := q.lookup(k)
		require.Equal(t, vs[0], first, "first value of %q in %q", k, raw)
		require.Equal(t, len(vs), n, "count of %q in %q", k, raw)
		require.Equal(t, vs[0], q.get(k))
		v, ok, aerr := queryValue(&q, k)
		if len(vs) > 1 {
			require.NotNil(t, aerr, "%q given %d times", k, len(vs))
			require.Equal(t, k, aerr.field)
			require.Contains(t, aerr.msg, "must be given at most once")
		} else {
			require.Nil(t, aerr)
			require.True(t, ok)
			require.Equal(t, vs[0], v)
		}
	}
	if _, given := want["absent"]; !given {
		_, n := q.lookup("absent")
		require.Zero(t, n)
		_, ok, aerr := queryValue(&q, "absent")
		require.False(t, ok)
		require.Nil(t, aerr)
	}
}

func TestQueryArgsParse(t *testing.T) {
	t.Parallel()
	many := make([]string, 20)
	for i := range many {
		many[i] = "k" + string(rune('a'+i%3)) + "=" + strings.Repeat("v", i)
	}
	for _, tc := range []struct {
		raw     string
		want    url.Values
		wantErr bool
	}{
		{raw: "", want: url.Values{}},
		{raw: "a=1", want: url.Values{"a": {"1"}}},
		{raw: "a=1&a=2&b", want: url.Values{"a": {"1", "2"}, "b": {""}}},
		{raw: "a=", want: url.Values{"a": {""}}},
		{raw: "=1", want: url.Values{"": {"1"}}},
		{raw: "a==b", want: url.Values{"a": {"=b"}}},
		{raw: "a+b=c+d", want: url.Values{"a b": {"c d"}}},
		{raw: "%41=%42%2b", want: url.Values{"A": {"B+"}}},
		{raw: "%e2%82%AC=%E2%82%ac", want: url.Values{"€": {"€"}}},
		{raw: "a=b%3Bc", want: url.Values{"a": {"b;c"}}},
		{raw: "&&a=1&&&b=2&", want: url.Values{"a": {"1"}, "b": {"2"}}},
		{raw: "a=%zz", want: url.Values{}, wantErr: true},
		{raw: "a=%", want: url.Values{}, wantErr: true},
		{raw: "a=%4", want: url.Values{}, wantErr: true},
		{raw: "%g0=1", want: url.Values{}, wantErr: true},
		{raw: "a=%zz&b=1", want: url.Values{"b": {"1"}}, wantErr: true},
		{raw: "a=1;b=2", want: url.Values{}, wantErr: true},
		{raw: "a=1&;&b=2", want: url.Values{"a": {"1"}, "b": {"2"}}, wantErr: true},
		{raw: "a=1&b=2;", want: url.Values{"a": {"1"}}, wantErr: true},
		{raw: "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8", want: url.Values{"a": {"1"}, "b": {"2"}, "c": {"3"}, "d": {"4"},
			"e": {"5"}, "f": {"6"}, "g": {"7"}, "h": {"8"}}},
		{raw: "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&a=9", want: url.Values{"a": {"1", "9"}, "b": {"2"}, "c": {"3"}, "d": {"4"},
			"e": {"5"}, "f": {"6"}, "g": {"7"}, "h": {"8"}}},
		{raw: strings.Join(many, "&"), want: url.Values{
			"ka": {"", "vvv", "vvvvvv", "vvvvvvvvv", "vvvvvvvvvvvv", "vvvvvvvvvvvvvvv", "vvvvvvvvvvvvvvvvvv"},
			"kb": {"v", "vvvv", "vvvvvvv", "vvvvvvvvvv", "vvvvvvvvvvvvv", "vvvvvvvvvvvvvvvv", "vvvvvvvvvvvvvvvvvvv"},
			"kc": {"vv", "vvvvv", "vvvvvvvv", "vvvvvvvvvvv", "vvvvvvvvvvvvvv", "vvvvvvvvvvvvvvvvv"}}},
		{raw: "a=1" + strings.Repeat("&", maxQueryParams-1), want: url.Values{"a": {"1"}}},
		{raw: "a=1" + strings.Repeat("&", maxQueryParams), want: url.Values{}, wantErr: true},
	} {
		var q queryArgs
		err := q.parse(tc.raw)
		name := tc.raw
		if len(name) > 60 {
			name = name[:60] + "…"
		}
		assert.Equal(t, tc.wantErr, err != nil, "%q: %v", name, err)
		assert.Equal(t, tc.want, q.toValues(), "%q", name)
		assertSameAsParseQuery(t, tc.raw)
	}
}

// Parsing again replaces the pairs of the previous parse, spilled or not.
func TestQueryArgsParseAgain(t *testing.T) {
	t.Parallel()
	var q queryArgs
	require.NoError(t, q.parse("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10"))
	require.Len(t, q.pairs(), 10)
	require.NoError(t, q.parse("x=1"))
	assert.Equal(t, url.Values{"x": {"1"}}, q.toValues())
	require.Error(t, q.parse("x=%"))
	assert.Equal(t, url.Values{}, q.toValues())
}

// A usual query parses without allocating: its pairs are held in place.
func TestQueryArgsParseAllocs(t *testing.T) {
	var q queryArgs
	allocs := testing.AllocsPerRun(100, func() {
		_ = q.parse("include_events=true&events_limit=50&limit=3&cursor=abc")
	})
	assert.Zero(t, allocs)
	assert.Equal(t, "50", q.get("events_limit"))
}

// The journal keeps a query's values as it did from url.Values: names in
// order, each name's values in the order given, cut to the same budget.
func TestBoundValuesAsFromURLValues(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"", "b=2&a=1&b=1&c", "z=" + strings.Repeat("x", 2000) + "&a=1&a=2",
		strings.Repeat("k=v&j=w&", 40), "a=%zz&b=1&a=2"} {
		for _, budget := range []int{0, 40, 100, 1000, maxEntryBytes} {
			assertBoundValuesSame(t, raw, budget)
		}
	}
}

// boundValuesFromURLValues is boundValues as it was over url.Values.
func boundValuesFromURLValues(b *entryBudget, kv []string, q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name, ok := b.value(k)
		if !ok {
			continue
		}
		for _, v := range q[k] {
			if v, ok := b.value(v); ok {
				kv = append(kv, name, v)
			}
		}
	}
	return kv
}

func assertBoundValuesSame(t *testing.T, raw string, budget int) {
	t.Helper()
	v, _ := url.ParseQuery(raw)
	want := entryBudget{left: budget}
	wantKV := boundValuesFromURLValues(&want, nil, v)
	var q queryArgs
	_ = q.parse(raw)
	got := entryBudget{left: budget}
	gotKV := boundValues(&got, nil, &q)
	require.Equal(t, wantKV, gotKV, "%q within %d", raw, budget)
	require.Equal(t, want, got, "%q within %d", raw, budget)
}

// FuzzParseQuery: queryArgs reads any query as url.ParseQuery does, and the
// journal keeps the same values of it.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "a=1&a=2&b", "a+b=c%20d", "a=%zz&b=1", "a=1;b=2", "&&=&", "%", "a=%4",
		"metric=delivered&granularity=minute&group_by=kind&compare_to=prior_period&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&limit=5&cursor=x",
		"include_events=true&events_limit=50"} {
		f.Add(s, uint16(200))
	}
	f.Fuzz(func(t *testing.T, raw string, budget uint16) {
		assertSameAsParseQuery(t, raw)
		assertBoundValuesSame(t, raw, int(budget))
	})
}
