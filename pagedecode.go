package hookscope

import (
	"bytes"
	"time"
	"unicode"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The two big pages of the API, a /v1/logs page (up to 500 rows) and a
// metrics page (up to 5,000 buckets), are decoded by hand over jsontext's
// tokens instead of by reflection: the rows' slices grow by append, their
// pointers (*int64, *time.Time, *int) point into a few arrays per page
// instead of one allocation each, timestamps in the form the server writes
// (2006-01-02T15:04:05Z) are parsed without time.Parse, and strings that
// repeat on a page (endpoint URLs, statuses, groups, errors) are allocated
// once per page.
//
// The result must be what the generic decoder (decodeJSON into the plain
// types) gives for the same bytes, error or not, and FuzzPageDecodersMatchGeneric
// holds the two to it. To keep that true by construction, the hand decoder
// only takes the common shape of each value (a string where a string is
// expected, a plain integer where an integer is, the canonical timestamp)
// and hands anything else (null, another kind, an escape, an exponent, an
// offset) to the generic decoder for that value: same semantics, same errors.

// logPageDecoder decodes a /v1/logs page into page; rows is the page size
// asked for, the capacity its rows start with.
type logPageDecoder struct {
	page *LogPage
	rows int
}

func (w *logPageDecoder) setRequestID(fromHeader string) { w.page.setRequestID(fromHeader) }
func (w *logPageDecoder) check() error                   { return w.page.check() }
func (w *logPageDecoder) reset()                         { *w.page = LogPage{} }

// UnmarshalJSONFrom decodes a /v1/logs page.
func (w *logPageDecoder) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	p := w.page
	if dec.PeekKind() != '{' {
		return jsonv2.UnmarshalDecode(dec, p)
	}
	d := pageDecoder{dec: dec, rows: w.rows}
	return d.object(func(name []byte) error {
		switch matchName(name, "data", "DATA", "meta", "META") {
		case 0:
			return d.logRows(&p.Data)
		case 1:
			return jsonv2.UnmarshalDecode(dec, &p.Meta)
		}
		return dec.SkipValue()
	})
}

// metricsPageDecoder decodes a metrics page into env; rows is the page size
// asked for, the capacity its buckets start with.
type metricsPageDecoder struct {
	env  *metricsEnvelope
	rows int
}

func (w *metricsPageDecoder) setRequestID(fromHeader string) { w.env.setRequestID(fromHeader) }
func (w *metricsPageDecoder) check() error                   { return w.env.check() }
func (w *metricsPageDecoder) reset()                         { *w.env = metricsEnvelope{} }

// UnmarshalJSONFrom decodes a metrics page.
func (w *metricsPageDecoder) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	e := w.env
	if dec.PeekKind() != '{' {
		return jsonv2.UnmarshalDecode(dec, e)
	}
	d := pageDecoder{dec: dec, rows: w.rows}
	return d.object(func(name []byte) error {
		switch matchName(name, "data", "DATA", "meta", "META") {
		case 0:
			return d.series(&e.Data)
		case 1:
			return jsonv2.UnmarshalDecode(dec, &e.Meta)
		}
		return dec.SkipValue()
	})
}

// pageDecoder is the state of one page's decode.
type pageDecoder struct {
	dec    *jsontext.Decoder
	rows   int               // the page size asked for
	name   []byte            // an unquoted member name that had escapes
	strs   map[string]string // strings seen on this page, to allocate each once
	ids    []byte            // the message ids of the rows so far
	idRefs []idRef           // which row has which of ids
	values []int64           // the array bucket values are stored in
	// valueArrays counts the arrays bucket values went to since the
	// buckets began.
	valueArrays int
	times       slab[time.Time]
	ints        slab[int]
	int64s      slab[int64]
}

// maxInterned bounds the strings one page interns: past it, a page of all
// distinct strings allocates each as it would without interning.
const maxInterned = 64

// object reads a JSON object (the next value is '{'), calling member for
// each member name with the decoder at the member's value; member must
// consume that value.
func (d *pageDecoder) object(member func(name []byte) error) error {
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	for d.dec.PeekKind() != '}' {
		name, err := d.readName()
		if err != nil {
			return err
		}
		if err := member(name); err != nil {
			return err
		}
	}
	_, err := d.dec.ReadToken()
	return err
}

// readName reads a member name, unquoted; it is valid until the next read.
func (d *pageDecoder) readName() ([]byte, error) {
	val, err := d.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	if raw := val[1 : len(val)-1]; verbatimASCII(raw) {
		return raw, nil
	}
	// An escape, or bytes beyond ASCII: unquote as the generic decoder
	// does (invalid UTF-8 becomes U+FFFD, which matches no field).
	d.name, _ = jsontext.AppendUnquote(d.name[:0], val)
	return d.name, nil
}

// matchName returns the index of the field name matches, given pairs of
// (wire name, folded wire name): exactly, else as the generic decoder
// matches names case-insensitively (foldName); -1 for none.
func matchName(name []byte, names ...string) int {
	for i := 0; i < len(names); i += 2 {
		if string(name) == names[i] {
			return i / 2
		}
	}
	var arr [32]byte
	folded := appendFoldedName(arr[:0], name)
	for i := 1; i < len(names); i += 2 {
		if string(folded) == names[i] {
			return i / 2
		}
	}
	return -1
}

// appendFoldedName is how github.com/go-json-experiment/json matches names
// with MatchCaseInsensitiveNames: ASCII upper-cased, '_' and '-' dropped,
// other runes replaced by the smallest rune of their fold set.
func appendFoldedName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if c != '_' && c != '-' {
				if 'a' <= c && c <= 'z' {
					c -= 'a' - 'A'
				}
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// verbatimASCII reports whether a JSON string's contents are its value:
// printable ASCII without an escape.
func verbatimASCII(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// stringValue decodes val, a JSON value, into a string; intern allocates
// it once per page.
func stringValue[S ~string](d *pageDecoder, val []byte, dst *S, intern bool) error {
	if len(val) < 2 || val[0] != '"' || !verbatimASCII(val[1:len(val)-1]) {
		return jsonv2.Unmarshal(val, dst, decodeOptions)
	}
	raw := val[1 : len(val)-1]
	if !intern {
		*dst = S(raw)
		return nil
	}
	if s, ok := d.strs[string(raw)]; ok {
		*dst = S(s)
		return nil
	}
	s := string(raw)
	if d.strs == nil {
		d.strs = make(map[string]string, 8)
	}
	if len(d.strs) < maxInterned {
		d.strs[s] = s
	}
	*dst = S(s)
	return nil
}

// timeValue decodes val into a timestamp.
func timeValue(val []byte, dst *time.Time) error {
	if t, ok := parseCanonicalUTC(val); ok {
		*dst = t
		return nil
	}
	return jsonv2.Unmarshal(val, dst, decodeOptions)
}

// timePointer decodes val into a timestamp or nil.
func (d *pageDecoder) timePointer(val []byte, dst **time.Time) error {
	if isNull(val) {
		*dst = nil
		return nil
	}
	t, ok := parseCanonicalUTC(val)
	if !ok {
		var err error
		if t, err = unmarshalValue[time.Time](val); err != nil {
			return err
		}
	}
	if *dst == nil {
		*dst = d.times.new()
	}
	**dst = t
	return nil
}

// intValue decodes val into an int.
func intValue(val []byte, dst *int) error {
	if n, ok := parseSmallInt(val, maxIntDigits); ok {
		*dst = int(n)
		return nil
	}
	return jsonv2.Unmarshal(val, dst, decodeOptions)
}

// intPointer decodes val into an int or nil.
func (d *pageDecoder) intPointer(val []byte, dst **int) error {
	if isNull(val) {
		*dst = nil
		return nil
	}
	n, ok := parseSmallInt(val, maxIntDigits)
	v := int(n)
	if !ok {
		var err error
		if v, err = unmarshalValue[int](val); err != nil {
			return err
		}
	}
	if *dst == nil {
		*dst = d.ints.new()
	}
	**dst = v
	return nil
}

// int64Pointer decodes val into an int64 or nil; a number is stored by
// store, which returns where it keeps it.
func int64Pointer(val []byte, dst **int64, store func(int64) *int64) error {
	if isNull(val) {
		*dst = nil
		return nil
	}
	n, ok := parseSmallInt(val, 18)
	if !ok {
		var err error
		if n, err = unmarshalValue[int64](val); err != nil {
			return err
		}
	}
	*dst = store(n)
	return nil
}

func isNull(val []byte) bool { return string(val) == "null" }

func (d *pageDecoder) slabInt64(n int64) *int64 {
	p := d.int64s.new()
	*p = n
	return p
}

// bucketValue stores a bucket's value in the page's array of values,
// which starts with room for a full page; past it, values go to another
// array, and compactValues moves them all into one.
func (d *pageDecoder) bucketValue(n int64) *int64 {
	if len(d.values) == cap(d.values) {
		d.values = make([]int64, 0, d.rowsCap())
		d.valueArrays++
	}
	d.values = append(d.values, n)
	return &d.values[len(d.values)-1]
}

// unmarshalValue decodes val with the generic decoder, for a value the fast
// paths do not take (kept apart so that only this path allocates the
// variable it decodes into).
func unmarshalValue[T any](val []byte) (T, error) {
	var v T
	err := jsonv2.Unmarshal(val, &v, decodeOptions)
	return v, err
}

// maxIntDigits keeps a plain int within 32 bits, whatever the platform.
const maxIntDigits = 9

// parseSmallInt parses a JSON number that is an optional minus and at most
// maxDigits digits; anything else (a fraction, an exponent, more digits) is
// not ok, for the generic decoder to decide.
func parseSmallInt(val []byte, maxDigits int) (int64, bool) {
	neg := len(val) > 0 && val[0] == '-'
	if neg {
		val = val[1:]
	}
	if len(val) == 0 || len(val) > maxDigits {
		return 0, false
	}
	var n int64
	for _, c := range val {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// parseCanonicalUTC parses a quoted timestamp of exactly the form
// "2006-01-02T15:04:05Z", the form the server writes, with the ranges
// time.Parse checks (a day that the month has, no second 60); ok is false
// for anything else, which the generic decoder then parses.
func parseCanonicalUTC(val []byte) (t time.Time, ok bool) {
	if len(val) != len(`"2006-01-02T15:04:05Z"`) || val[0] != '"' || val[len(val)-1] != '"' {
		return t, false
	}
	b := val[1 : len(val)-1]
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return t, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return t, false
	}
	secs := daysSinceEpoch(year, month, day)*86400 + int64(hour*3600+minute*60+sec)
	return time.Unix(secs, 0).UTC(), true
}

// daysSinceEpoch is the number of days from 1970-01-01 to the given date of
// the proleptic Gregorian calendar (negative before it), by counting whole
// 400-year eras from a year that starts in March.
func daysSinceEpoch(year, month, day int) int64 {
	if month <= 2 {
		year--
	}
	era := year
	if era < 0 {
		era -= 399
	}
	era /= 400
	yearOfEra := year - era*400
	monthFromMarch := (month + 9) % 12
	dayOfYear := (153*monthFromMarch+2)/5 + day - 1
	dayOfEra := yearOfEra*365 + yearOfEra/4 - yearOfEra/100 + dayOfYear
	return int64(era)*146097 + int64(dayOfEra) - 719468
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// slab hands out pointers into arrays it allocates a chunk at a time, so
// that a page's rows share a few allocations instead of one per value.
type slab[T any] struct {
	free  []T
	chunk int
}

func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.chunk = min(max(2*s.chunk, 16), 256)
		s.free = make([]T, s.chunk)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// logRows reads the rows of a /v1/logs page. Like the generic decoder, an
// empty array gives an empty (not nil) slice, and null a nil one.
func (d *pageDecoder) logRows(dst *[]LogEntry) error {
	if d.dec.PeekKind() != '[' {
		return jsonv2.UnmarshalDecode(d.dec, dst)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	rows := (*dst)[:0]
	if rows == nil {
		rows = make([]LogEntry, 0, d.rowsCap())
	}
	d.ids = make([]byte, 0, 40*cap(rows))
	d.idRefs = make([]idRef, 0, cap(rows))
	for d.dec.PeekKind() != ']' {
		val, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		rows = append(rows, LogEntry{})
		if err := d.logEntry(val, rows, len(rows)-1); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	// The rows' message ids, one string for the page.
	ids := string(d.ids)
	for _, r := range d.idRefs {
		rows[r.row].MessageID = ids[r.start:r.end]
	}
	if len(rows) == 0 {
		rows = []LogEntry{}
	}
	*dst = clip(rows)
	return nil
}

// idRef is where in pageDecoder.ids the message id of a row is.
type idRef struct{ row, start, end int }

// messageID keeps the message id of rows[row] in the page's ids, or has
// the generic decoder decode it when it is not a plain string.
func (d *pageDecoder) messageID(val []byte, row int, e *LogEntry) error {
	if n := len(d.idRefs); n > 0 && d.idRefs[n-1].row == row {
		d.idRefs = d.idRefs[:n-1] // a repeated member: the last one counts
	}
	if len(val) < 2 || val[0] != '"' || !verbatimASCII(val[1:len(val)-1]) {
		return jsonv2.Unmarshal(val, &e.MessageID, decodeOptions)
	}
	start := len(d.ids)
	d.ids = append(d.ids, val[1:len(val)-1]...)
	d.idRefs = append(d.idRefs, idRef{row: row, start: start, end: len(d.ids)})
	e.MessageID = ""
	return nil
}

// logKeys are the members of a row, in the order the server writes them,
// each as it starts on the wire.
var logKeys = [...]string{
	`"message_id":`, `"endpoint":`, `"status":`, `"attempt_count":`, `"created_at":`,
	`"delivered_at":`, `"next_attempt_at":`, `"response_status":`, `"response_latency_ms":`, `"last_error":`,
}

// logEntry decodes one row, val, into rows[row] (zero). Members in the
// server's order and form are matched where they stand (logKeys); from the
// first that is not, members takes over.
func (d *pageDecoder) logEntry(val []byte, rows []LogEntry, row int) error {
	e := &rows[row]
	m := members{obj: val}
	if len(val) > 0 && val[0] == '{' {
		i := 1
		for k := 0; ; k++ {
			if i < len(val) && val[i] == ',' && i > 1 {
				i++
			}
			for k < len(logKeys) && !hasPrefix(val[i:], logKeys[k]) {
				k++
			}
			if k == len(logKeys) {
				break
			}
			start := i + len(logKeys[k])
			end := endOfValue(val, start)
			if end < 0 {
				break
			}
			if err := d.logField(k, val[start:end], row, e); err != nil {
				return err
			}
			i = end
		}
		m.i = i
	}
	for m.next() {
		field := matchName(m.name,
			"message_id", "MESSAGEID",
			"endpoint", "ENDPOINT",
			"status", "STATUS",
			"attempt_count", "ATTEMPTCOUNT",
			"created_at", "CREATEDAT",
			"delivered_at", "DELIVEREDAT",
			"next_attempt_at", "NEXTATTEMPTAT",
			"response_status", "RESPONSESTATUS",
			"response_latency_ms", "RESPONSELATENCYMS",
			"last_error", "LASTERROR")
		if err := d.logField(field, m.value, row, e); err != nil {
			return err
		}
	}
	if m.other {
		if n := len(d.idRefs); n > 0 && d.idRefs[n-1].row == row {
			d.idRefs = d.idRefs[:n-1]
		}
		*e = LogEntry{}
		return jsonv2.Unmarshal(val, e, decodeOptions)
	}
	return nil
}

// logField decodes val into the field of e that logKeys[field] names;
// -1 is a member LogEntry does not have.
func (d *pageDecoder) logField(field int, val []byte, row int, e *LogEntry) error {
	switch field {
	case 0:
		return d.messageID(val, row, e)
	case 1:
		return stringValue(d, val, &e.Endpoint, true)
	case 2:
		return stringValue(d, val, &e.Status, true)
	case 3:
		return intValue(val, &e.AttemptCount)
	case 4:
		return timeValue(val, &e.CreatedAt)
	case 5:
		return d.timePointer(val, &e.DeliveredAt)
	case 6:
		return d.timePointer(val, &e.NextAttemptAt)
	case 7:
		return d.intPointer(val, &e.ResponseStatus)
	case 8:
		return int64Pointer(val, &e.ResponseLatencyMS, d.slabInt64)
	case 9:
		return stringValue(d, val, &e.LastError, true)
	}
	return nil
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

// endOfValue returns the end of the string, number or literal that starts
// at b[i] and is followed directly by ',' or '}'; -1 for anything else
// (white space, an object, an array), which members then reads.
func endOfValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	end := i
	switch b[i] {
	case '{', '[':
		return -1
	case '"':
		end = endOfString(b, i)
	default:
		for end < len(b) && b[end] != ',' && b[end] != '}' && !isSpace(b[end]) {
			end++
		}
	}
	if end >= len(b) || (b[end] != ',' && b[end] != '}') {
		return -1
	}
	return end
}

// series reads the data of a metrics page into s, merging as the generic
// decoder does (members absent from the object keep their values).
func (d *pageDecoder) series(s *MetricSeries) error {
	if d.dec.PeekKind() != '{' {
		return jsonv2.UnmarshalDecode(d.dec, s)
	}
	return d.object(func(name []byte) error {
		field := matchName(name,
			"metric", "METRIC",
			"granularity", "GRANULARITY",
			"from", "FROM",
			"to", "TO",
			"prior_from", "PRIORFROM",
			"prior_to", "PRIORTO",
			"buckets", "BUCKETS")
		switch field {
		case -1:
			// Meta is not a member of data (json:"-"): skipped like any
			// other unknown member.
			return d.dec.SkipValue()
		case 6:
			return d.buckets(&s.Buckets)
		}
		val, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		switch field {
		case 0:
			return stringValue(d, val, &s.Metric, true)
		case 1:
			return stringValue(d, val, &s.Granularity, true)
		case 2:
			return timeValue(val, &s.From)
		case 3:
			return timeValue(val, &s.To)
		case 4:
			return d.timePointer(val, &s.PriorFrom)
		default:
			return d.timePointer(val, &s.PriorTo)
		}
	})
}

// buckets reads a metrics page's buckets. Their values and prior values
// all point into one array.
func (d *pageDecoder) buckets(dst *[]MetricBucket) error {
	if d.dec.PeekKind() != '[' {
		return jsonv2.UnmarshalDecode(d.dec, dst)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	d.values, d.valueArrays = nil, 0
	buckets := (*dst)[:0]
	if buckets == nil {
		buckets = make([]MetricBucket, 0, d.rowsCap())
	}
	for d.dec.PeekKind() != ']' {
		val, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		buckets = append(buckets, MetricBucket{})
		if err := d.bucket(val, &buckets[len(buckets)-1]); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	if len(buckets) == 0 {
		buckets = []MetricBucket{}
	}
	buckets = clip(buckets)
	d.compactValues(buckets)
	*dst = buckets
	return nil
}

// bucket decodes one bucket, val, into b (zero).
func (d *pageDecoder) bucket(val []byte, b *MetricBucket) error {
	m := members{obj: val, i: d.bucketPrefix(val, b)}
	for m.next() {
		var err error
		switch matchName(m.name,
			"bucket_start", "BUCKETSTART",
			"value", "VALUE",
			"group", "GROUP",
			"prior_value", "PRIORVALUE") {
		case 0:
			err = timeValue(m.value, &b.BucketStart)
		case 1:
			err = int64Pointer(m.value, &b.Value, d.bucketValue)
		case 2:
			err = stringValue(d, m.value, &b.Group, true)
		case 3:
			err = int64Pointer(m.value, &b.PriorValue, d.bucketValue)
		}
		if err != nil {
			return err
		}
	}
	if !m.other {
		return nil
	}
	*b = MetricBucket{}
	if err := jsonv2.Unmarshal(val, b, decodeOptions); err != nil {
		return err
	}
	// Keep the page's values in its array.
	if b.Value != nil {
		b.Value = d.bucketValue(*b.Value)
	}
	if b.PriorValue != nil {
		b.PriorValue = d.bucketValue(*b.PriorValue)
	}
	return nil
}

// bucketPrefix decodes the members a bucket starts with as the server
// writes them, {"bucket_start":"2006-01-02T15:04:05Z","value":N or null,
// and returns where the rest of the bucket starts; 0 when it does not start
// so, or at a member it did not take.
func (d *pageDecoder) bucketPrefix(val []byte, b *MetricBucket) int {
	const start, value = `{"bucket_start":`, `,"value":`
	i := len(start)
	if len(val) < i+len(`"2006-01-02T15:04:05Z"`) || string(val[:i]) != start {
		return 0
	}
	t, ok := parseCanonicalUTC(val[i : i+len(`"2006-01-02T15:04:05Z"`)])
	if !ok {
		return 0
	}
	b.BucketStart = t
	i += len(`"2006-01-02T15:04:05Z"`)
	if len(val) < i+len(value) || string(val[i:i+len(value)]) != value {
		return i
	}
	end := i + len(value)
	for end < len(val) && val[end] != ',' && val[end] != '}' {
		end++
	}
	num := val[i+len(value) : end]
	if isNull(num) {
		return end
	}
	if n, ok := parseSmallInt(num, 18); ok {
		b.Value = d.bucketValue(n)
		return end
	}
	return i
}

// rowsCap is the capacity a page's rows start with: the page size asked
// for, which a full page fills exactly, within bounds that keep a server's
// answer from deciding a large allocation before it has sent the rows.
func (d *pageDecoder) rowsCap() int {
	return min(max(d.rows, 16), MetricsMaxLimit)
}

// clip returns rows in an array of their length when the one they were
// decoded into is much larger (a short page), so that a page does not hold
// the capacity of a full one.
func clip[T any](rows []T) []T {
	if cap(rows) <= 2*len(rows)+16 {
		return rows
	}
	return append(make([]T, 0, len(rows)), rows...)
}

// compactValues leaves the buckets' values in one array of about their
// count: the array they were stored in when it holds exactly them (a full
// page, no duplicate member), else a new one they are moved into (a short
// page, a page longer than asked for).
func (d *pageDecoder) compactValues(buckets []MetricBucket) {
	n := 0
	for i := range buckets {
		if buckets[i].Value != nil {
			n++
		}
		if buckets[i].PriorValue != nil {
			n++
		}
	}
	if n == 0 || (d.valueArrays == 1 && n == len(d.values) && cap(d.values) <= 2*n+16) {
		return
	}
	values := make([]int64, n)
	k := 0
	for i := range buckets {
		b := &buckets[i]
		if b.Value != nil {
			values[k] = *b.Value
			b.Value = &values[k]
			k++
		}
		if b.PriorValue != nil {
			values[k] = *b.PriorValue
			b.PriorValue = &values[k]
			k++
		}
	}
}

// members walks the members of a row: one JSON object that jsontext has
// read whole, and so validated. It takes the members a server writes
// (a name of ASCII without escapes, a value that is not an object or an
// array); at any other, it stops and sets other, and the caller decodes
// the row with the generic decoder instead.
type members struct {
	obj         []byte
	i           int
	name, value []byte
	other       bool
}

// next moves to the next member; false at the end of the object or at a
// member it does not take (other).
func (m *members) next() bool {
	b := m.obj
	i := m.i
	if i == 0 {
		// The row itself: an object, or a value (null) for the generic decoder.
		if len(b) == 0 || b[0] != '{' {
			m.other = true
			return false
		}
		i = 1
	}
	i = skipJSONSpace(b, i)
	if i < len(b) && b[i] == ',' {
		i = skipJSONSpace(b, i+1)
	}
	if i >= len(b) || b[i] != '"' {
		return false // '}': the end
	}
	// The name: ASCII up to the closing quote, with no escape.
	start := i + 1
	i = start
	for i < len(b) && b[i] != '"' {
		if b[i] == '\\' || b[i] >= utf8.RuneSelf {
			m.other = true
			return false
		}
		i++
	}
	if i >= len(b) {
		m.other = true
		return false
	}
	m.name = b[start:i]
	i = skipJSONSpace(b, i+1)
	if i >= len(b) || b[i] != ':' {
		m.other = true
		return false
	}
	i = skipJSONSpace(b, i+1)
	if i >= len(b) {
		m.other = true
		return false
	}
	start = i
	switch b[i] {
	case '{', '[':
		m.other = true
		return false
	case '"':
		i = endOfString(b, i)
	default: // a number, true, false or null
		for i < len(b) && b[i] != ',' && b[i] != '}' && !isSpace(b[i]) {
			i++
		}
	}
	if i > len(b) {
		m.other = true
		return false
	}
	m.value = b[start:i]
	m.i = i
	return true
}

// endOfString returns the index after the string that starts at b[i],
// len(b)+1 when b ends before the string does.
func endOfString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b) + 1
		}
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		k := i + j
		n := 0
		for k-n-1 >= i && b[k-n-1] == '\\' {
			n++
		}
		if n%2 == 0 {
			return k + 1
		}
		i = k + 1
	}
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
