package hookscope

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// secretKey returns the API key. It is a function, so that not even a
// reflective dump of a Client value (fmt of *c with any verb, where methods
// of unexported fields are not called) can reach the key, and it formats as
// the key's redacted prefix wherever its methods are called.
// The zero secretKey (a Client not made by NewClient) is the empty key.
type secretKey func() string

// value is the key, "" for the zero secretKey.
func (k secretKey) value() string {
	if k == nil {
		return ""
	}
	return k()
}

func (k secretKey) String() string { return redact(k.value()) }

func (k secretKey) GoString() string { return redact(k.value()) }

func (k secretKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redact(k.value())) }

func (k secretKey) LogValue() slog.Value { return slog.StringValue(redact(k.value())) }

func (k secretKey) MarshalText() ([]byte, error) { return []byte(redact(k.value())), nil }

// knownKeyPrefixes are the conventional prefixes of keys and secrets, shown
// in their redacted form so that a reader can tell a live key from a test one.
var knownKeyPrefixes = []string{"am_live_", "am_test_", "sk_live_", "sk_test_", "whsec_"}

// redact keeps a key's conventional prefix and hides the rest. Random parts
// may contain "_" themselves (base64url does), so nothing past a known
// prefix, or past a short lower-case first segment, is ever shown.
func redact(s string) string {
	if s == "" {
		return ""
	}
	for _, p := range knownKeyPrefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return p + "[REDACTED]"
		}
	}
	if i := strings.IndexByte(s, '_'); i >= 2 && i <= 5 && i < len(s)-1 && isLowerAlpha(s[:i]) {
		return s[:i+1] + "[REDACTED]"
	}
	return "[REDACTED]"
}

func isLowerAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// Secret is a webhook signing secret (whsec_…). It formats as its prefix and
// "[REDACTED]" with every fmt verb and in slog; Reveal returns the value, to
// verify signatures. JSON carries the real value, as the API does.
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String returns the redacted form.
func (s Secret) String() string { return redact(string(s)) }

// GoString returns the redacted form, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", redact(string(s))) }

// Format writes the redacted form whatever the verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, s.GoString())
		return
	}
	_, _ = io.WriteString(f, redact(string(s)))
}

// LogValue logs the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redact(string(s))) }
