package mockserver

import (
	"errors"
	"net/url"
	"strings"
)

// inlineQueryPairs is how many of a query's pairs a queryArgs holds in
// itself; a query with more spills to a slice of its own. Most requests give
// one or two parameters (a page's limit and cursor, include_events); every
// request pays for the array, the 401s and 404s too.
const inlineQueryPairs = 4

// maxQueryParams is the most '&'-separated parts a query may have, as
// url.ParseQuery limits them by default: a query with more is an error, and
// none of its pairs is kept.
const maxQueryParams = 10000

var (
	errQuerySemicolon = errors.New("invalid semicolon separator in query")
	errQueryTooLong   = errors.New("number of URL query parameters exceeded limit")
)

// queryPair is one key and value of a query, unescaped.
type queryPair struct{ key, value string }

// queryArgs is a request's parsed query: its pairs in the order given, held
// in place (a reqCtx carries one, so that parsing the query of a usual
// request allocates nothing but what unescaping needs). It reads as the
// url.Values url.ParseQuery makes: repeated keys keep every value in order.
type queryArgs struct {
	n int32
	// parsed reports that parse ran, even if it failed.
	parsed bool
	inline [inlineQueryPairs]queryPair
	// more holds every pair once there are more than inline holds.
	more []queryPair
}

// parse reads raw as url.ParseQuery does, into q's pairs: parts are split
// at '&' and empty ones skipped; a part holding ';' is an error; a key
// without '=' has the value ""; keys and values are unescaped as
// url.QueryUnescape does ('+' is a space, %XX a byte). A part that fails is
// left out and the others are kept, and the error is reported, as
// url.ParseQuery does; a query with more than maxQueryParams parts keeps
// none. (url.ParseQuery's limit may be changed by GODEBUG urlmaxqueryparams;
// this one is fixed at its default.)
func (q *queryArgs) parse(raw string) error {
	q.parsed, q.n, q.more = true, 0, nil
	if strings.Count(raw, "&") >= maxQueryParams {
		return errQueryTooLong
	}
	var err error
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if strings.Contains(part, ";") {
			err = errQuerySemicolon
			continue
		}
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, kerr := url.QueryUnescape(k)
		if kerr != nil {
			if err == nil {
				err = kerr
			}
			continue
		}
		v, verr := url.QueryUnescape(v)
		if verr != nil {
			if err == nil {
				err = verr
			}
			continue
		}
		q.add(k, v)
	}
	return err
}

// add appends a pair.
func (q *queryArgs) add(k, v string) {
	switch {
	case q.more != nil:
		q.more = append(q.more, queryPair{k, v})
	case int(q.n) < len(q.inline):
		q.inline[q.n] = queryPair{k, v}
	default:
		q.more = append(make([]queryPair, 0, 2*len(q.inline)), q.inline[:]...)
		q.more = append(q.more, queryPair{k, v})
	}
	q.n++
}

// pairs are q's pairs in the order given.
func (q *queryArgs) pairs() []queryPair {
	if q.more != nil {
		return q.more
	}
	return q.inline[:q.n]
}

// lookup returns the first value of name and how many values it has.
func (q *queryArgs) lookup(name string) (first string, n int) {
	for _, p := range q.pairs() {
		if p.key == name {
			if n == 0 {
				first = p.value
			}
			n++
		}
	}
	return first, n
}

// get returns the first value of name, "" when absent (url.Values.Get).
func (q *queryArgs) get(name string) string {
	v, _ := q.lookup(name)
	return v
}
