package hookscope

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// decodeOptions make the decoder as lenient as encoding/json where leniency
// costs nothing: unknown members are ignored (a newer server does not break
// an older client), names match case-insensitively, and a duplicate name or
// invalid UTF-8 in a server's text does not lose the whole page.
var decodeOptions = jsonv2.JoinOptions(
	jsonv2.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// bodyReadError is a failure of the connection (a reset, the try's timeout,
// the caller's context) while a 2xx body was read: not a bad answer, but no
// answer. A GET that meets one is retried like a connection error.
type bodyReadError struct {
	err error
}

func (e *bodyReadError) Error() string { return "reading the response body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// readRecorder keeps the first error of its reader other than io.EOF.
type readRecorder struct {
	r   io.Reader
	err error
}

func (r *readRecorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

// resetter is an out of decodeBody that zeroes itself: a decoder that
// holds where it decodes to (and so must not be zeroed whole).
type resetter interface {
	reset()
}

// decodeBody decodes a 2xx body of at most limit bytes into out, which it
// zeroes first (a retried try starts afresh). readErr is set when reading
// failed below the decoder (the connection, a timeout, a cancellation);
// decodeErr is any other failure: a body that is not the answer.
func decodeBody(body io.Reader, limit int64, out any) (decodeErr, readErr error) {
	if r, ok := out.(resetter); ok {
		r.reset()
	} else if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
	rec := &readRecorder{r: &limitedReader{r: body, remaining: limit}}
	err := decodeJSON(rec, out)
	if err != nil && rec.err != nil && !errors.Is(rec.err, ErrResponseTooLarge) {
		return nil, rec.err
	}
	return err, nil
}

// decodeJSON decodes exactly one JSON object from r, streaming: an empty
// body, a truncated one, a value that is not an object, or trailing data is
// an error, never an empty result. It uses github.com/go-json-experiment/json,
// which decodes the API's pages about 2.5x faster than encoding/json
// (BenchmarkDecodeLogs500).
func decodeJSON(r io.Reader, out any) error {
	// Every answer of the API is a JSON object: anything else ("null", an
	// array, a string) would decode into an empty result without an error.
	var buf [512]byte
	start, n, err := skipSpace(r, buf[:])
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: empty body", ErrUnexpectedResponse)
		}
		return err
	}
	if first := buf[start]; first != '{' {
		return fmt.Errorf("%w: body starts with %q, not a JSON object", ErrUnexpectedResponse, first)
	}
	if err := jsonv2.UnmarshalRead(io.MultiReader(bytes.NewReader(buf[start:n]), r), out, decodeOptions); err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			return ErrResponseTooLarge
		}
		return fmt.Errorf("%w: %w", ErrUnexpectedResponse, err)
	}
	return nil
}

// skipSpace reads r into buf, a buffer at a time, until it holds a byte that
// is not JSON white space; buf[start:n] is then what was read from that byte
// on. Leading white space costs one Read per len(buf) bytes, not per byte.
func skipSpace(r io.Reader, buf []byte) (start, n int, err error) {
	for {
		n, err = r.Read(buf)
		for i := range n {
			switch buf[i] {
			case ' ', '\t', '\r', '\n':
				continue
			}
			return i, n, nil
		}
		if err != nil {
			return 0, 0, err
		}
	}
}

// limitedReader fails with ErrResponseTooLarge once more than remaining bytes
// have been asked of it, instead of ending the body silently like io.LimitReader.
type limitedReader struct {
	r         io.Reader
	remaining int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.remaining < 0 {
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > l.remaining+1 {
		p = p[:l.remaining+1]
	}
	n, err := l.r.Read(p)
	l.remaining -= int64(n)
	if l.remaining < 0 {
		return n, ErrResponseTooLarge
	}
	return n, err
}

// maxDrainBytes bounds how much of an unwanted body is read so that its
// connection can be reused; past it, closing the connection is cheaper.
const maxDrainBytes = 256 << 10

func drainAndClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrainBytes))
	_ = body.Close()
}

// snippet returns at most n bytes of b as text, for error messages.
func snippet(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
