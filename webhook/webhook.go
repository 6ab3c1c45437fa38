// Package webhook verifies and signs webhook deliveries as the Standard
// Webhooks specification (v1, symmetric) defines them, which is how the
// hookscope platform signs every delivery it sends.
//
// A delivery carries three headers:
//
//	webhook-id:        the message id
//	webhook-timestamp: the attempt's time, in Unix seconds
//	webhook-signature: space-separated "v1,<base64 HMAC-SHA256>" values
//
// The HMAC-SHA256 is computed over id + "." + timestamp + "." + body, keyed
// with the decoded bytes of the endpoint's signing secret ("whsec_" followed
// by the base64 of 24 to 64 random bytes; the bare base64 is accepted too).
// While a secret is being rotated the signature header holds one value per
// secret; a delivery verifies when any v1 value matches. Values of other
// versions (such as the asymmetric "v1a") are ignored.
//
// Only the webhook-* header names are read. Header names are matched without
// regard to case, so a map copied from an attempt's request headers works as
// well as an incoming request's http.Header.
//
// Verification rejects a timestamp more than the tolerance (default 5
// minutes) before or after the receiver's clock, so a captured delivery
// cannot be replayed later. Signatures are compared in constant time. No
// error of this package contains the secret or the expected signature.
//
// Verify the bytes exactly as received: parsing the JSON and encoding it
// again changes them, and the signature with them.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of a signed delivery (Standard Webhooks v1).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// DefaultTolerance is how far a delivery's webhook-timestamp may lie from the
// receiver's clock, in either direction, unless WithTolerance says otherwise.
const DefaultTolerance = 5 * time.Minute

// Secret sizes the specification allows, in decoded bytes.
const (
	MinSecretBytes = 24
	MaxSecretBytes = 64
)

const secretPrefix = "whsec_"

// Errors returned by Verify, NewVerifier and Sign; match them with errors.Is.
var (
	// ErrMissingHeaders: webhook-id, webhook-timestamp or webhook-signature
	// is absent or empty.
	ErrMissingHeaders = errors.New("webhook: missing signature headers")
	// ErrInvalidSignature: no v1 value in webhook-signature matches the
	// body, id and timestamp under the secret.
	ErrInvalidSignature = errors.New("webhook: no matching signature")
	// ErrTimestamp: webhook-timestamp is not whole Unix seconds, or lies
	// further from the receiver's clock than the tolerance.
	ErrTimestamp = errors.New("webhook: timestamp rejected")
	// ErrInvalidSecret: the signing secret is not "whsec_" (optional)
	// followed by the standard base64 of 24 to 64 bytes. The error never
	// contains the secret.
	ErrInvalidSecret = errors.New("webhook: invalid signing secret")
)

// Verifier checks deliveries signed with one secret. It is safe for
// concurrent use and never changes after NewVerifier returns it. A Verifier
// not made by NewVerifier (nil or the zero value) refuses every delivery
// with ErrInvalidSecret.
type Verifier struct {
	key       []byte
	tolerance time.Duration
	now       func() time.Time
}

// VerifierOption configures a Verifier in NewVerifier.
type VerifierOption func(*Verifier) error

// WithTolerance sets how far webhook-timestamp may lie from the clock, in
// either direction (default DefaultTolerance, 5 minutes). It must be
// positive; to accept old deliveries on purpose, give a larger tolerance.
func WithTolerance(d time.Duration) VerifierOption {
	return func(v *Verifier) error {
		if d <= 0 {
			return fmt.Errorf("webhook: WithTolerance: tolerance must be positive, got %v", d)
		}
		v.tolerance = d
		return nil
	}
}

// WithClock sets the clock that timestamps are compared with (default
// time.Now). Tests use it to verify deliveries recorded at a fixed time.
func WithClock(now func() time.Time) VerifierOption {
	return func(v *Verifier) error {
		if now == nil {
			return errors.New("webhook: WithClock: clock must not be nil")
		}
		v.now = now
		return nil
	}
}

// NewVerifier returns a Verifier for secret ("whsec_" + base64 of 24 to 64
// bytes, or the bare base64). A malformed secret is ErrInvalidSecret; a bad
// option is an error naming it.
func NewVerifier(secret string, opts ...VerifierOption) (*Verifier, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return nil, err
	}
	v := &Verifier{key: key, tolerance: DefaultTolerance, now: time.Now}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Verify checks one delivery: h holds its headers and body its raw bytes,
// exactly as received. It uses the default tolerance (5 minutes) and the
// system clock; NewVerifier configures either. The error matches
// ErrInvalidSecret, ErrMissingHeaders, ErrTimestamp or ErrInvalidSignature.
func Verify(secret string, h http.Header, body []byte) error {
	v, err := NewVerifier(secret)
	if err != nil {
		return err
	}
	return v.Verify(h, body)
}

// Verify checks one delivery: h holds its headers and body its raw bytes,
// exactly as received. nil means some v1 signature in webhook-signature
// matches and webhook-timestamp lies within the tolerance. The error matches
// ErrMissingHeaders, ErrTimestamp or ErrInvalidSignature.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if err := v.usable(); err != nil {
		return err
	}
	d, err := v.parseHeaders(h)
	if err != nil {
		return err
	}
	return v.check(d, body)
}

// usable refuses a nil or zero Verifier (one not made by NewVerifier)
// instead of panicking or verifying with an empty key.
func (v *Verifier) usable() error {
	if v == nil || len(v.key) == 0 || v.now == nil || v.tolerance <= 0 {
		return fmt.Errorf("%w: Verifier not made by NewVerifier", ErrInvalidSecret)
	}
	return nil
}

// delivery is what the headers of one delivery say.
type delivery struct {
	id, timestamp string
	signatures    []string
}

// parseHeaders reads the three headers and checks the timestamp, so that a
// handler can refuse a request before it reads the body.
func (v *Verifier) parseHeaders(h http.Header) (delivery, error) {
	d := delivery{id: header(h, HeaderID), timestamp: header(h, HeaderTimestamp)}
	for _, s := range headerValues(h, HeaderSignature) {
		d.signatures = append(d.signatures, strings.Fields(s)...)
	}
	var missing []string
	if d.id == "" {
		missing = append(missing, HeaderID)
	}
	if d.timestamp == "" {
		missing = append(missing, HeaderTimestamp)
	}
	if len(d.signatures) == 0 {
		missing = append(missing, HeaderSignature)
	}
	if len(missing) > 0 {
		return d, fmt.Errorf("%w: %s", ErrMissingHeaders, strings.Join(missing, ", "))
	}
	sec, err := strconv.ParseInt(d.timestamp, 10, 64)
	if err != nil || !isDigits(d.timestamp) {
		return d, fmt.Errorf("%w: %s is not Unix seconds", ErrTimestamp, HeaderTimestamp)
	}
	// time.Time.Sub saturates, so no timestamp can overflow this.
	skew := v.now().Sub(time.Unix(sec, 0))
	switch {
	case skew > v.tolerance:
		return d, fmt.Errorf("%w: %s is %v old, more than the tolerance %v", ErrTimestamp, HeaderTimestamp, skew.Truncate(time.Second), v.tolerance)
	case skew < -v.tolerance:
		return d, fmt.Errorf("%w: %s is %v in the future, more than the tolerance %v", ErrTimestamp, HeaderTimestamp, (-skew).Truncate(time.Second), v.tolerance)
	}
	return d, nil
}

// check compares every v1 signature with the expected one in constant time.
func (v *Verifier) check(d delivery, body []byte) error {
	want := []byte(sign(v.key, d.id, d.timestamp, body))
	match := false
	for _, s := range d.signatures {
		version, sig, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		// Every candidate is compared, so timing does not tell which one matched.
		if hmac.Equal([]byte(sig), want) {
			match = true
		}
	}
	if !match {
		return ErrInvalidSignature
	}
	return nil
}

// Format prints a Verifier without its key, whatever the verb.
func (v Verifier) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "webhook.Verifier{tolerance: %v}", v.tolerance)
}

// Sign returns the webhook-signature value ("v1,<base64>") that the platform
// would send for a delivery of body with id msgID at time ts (whole seconds
// count; the webhook-timestamp header is strconv.FormatInt(ts.Unix(), 10)).
// It exists for tests of code that receives deliveries. msgID must be
// non-empty printable ASCII without spaces; ts must not be before 1970.
// A malformed secret is ErrInvalidSecret.
func Sign(secret, msgID string, ts time.Time, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	if msgID == "" {
		return "", errors.New("webhook: Sign: msgID must not be empty")
	}
	for i := 0; i < len(msgID); i++ {
		if c := msgID[i]; c <= ' ' || c > '~' {
			return "", fmt.Errorf("webhook: Sign: msgID has a byte 0x%02x at %d; want printable ASCII without spaces", c, i)
		}
	}
	if ts.Unix() < 0 {
		return "", fmt.Errorf("webhook: Sign: ts %v is before 1970", ts)
	}
	return "v1," + sign(key, msgID, strconv.FormatInt(ts.Unix(), 10), body), nil
}

// sign is the base64 HMAC-SHA256 of id.timestamp.body.
func sign(key []byte, id, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// decodeSecret returns the HMAC key of a secret. Its errors describe the
// secret's shape, never its content.
func decodeSecret(secret string) ([]byte, error) {
	enc := strings.TrimPrefix(secret, secretPrefix)
	if enc == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidSecret)
	}
	key, err := base64.StdEncoding.Strict().DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf(`%w: want "whsec_" followed by standard base64`, ErrInvalidSecret)
	}
	if len(key) < MinSecretBytes || len(key) > MaxSecretBytes {
		return nil, fmt.Errorf("%w: decodes to %d bytes, want %d to %d", ErrInvalidSecret, len(key), MinSecretBytes, MaxSecretBytes)
	}
	return key, nil
}

// headerValues returns the values of name, matching the key without regard
// to case (http.Header built by hand may hold lower-case keys).
func headerValues(h http.Header, name string) []string {
	if vs := h.Values(name); len(vs) > 0 {
		return vs
	}
	var out []string
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			out = append(out, vs...)
		}
	}
	return out
}

// header returns the first value of name, trimmed of surrounding spaces.
func header(h http.Header, name string) string {
	if vs := headerValues(h, name); len(vs) > 0 {
		return strings.TrimSpace(vs[0])
	}
	return ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
