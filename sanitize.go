package hookscope

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Caps on what an *APIError keeps of a server's text, in bytes. A server
// (or a proxy in front of it) decides what it sends; an error that reaches
// the caller's logs is short, on one line, and free of terminal escapes.
const (
	maxErrorMessageBytes = 1024
	maxErrorIDBytes      = 128
	maxErrorCodeBytes    = 64
	maxErrorBodyBytes    = 512
	maxFieldErrors       = 100
)

// cleanText makes a server's text safe to print: every control character
// (newlines, ESC of terminal escape sequences, NUL, C1 controls) and every
// bidirectional override becomes a space, runs of spaces become one,
// invalid UTF-8 becomes U+FFFD, and the result is cut at limit bytes, on a
// rune boundary, with "…" when something was cut.
func cleanText(s string, limit int) string {
	var b strings.Builder
	b.Grow(min(len(s), limit+len("…")))
	space := false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				r = '\uFFFD'
			}
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.IsSpace(r) {
			if !space && b.Len() > 0 {
				space = true
			}
			continue
		}
		n := utf8.RuneLen(r)
		if space {
			n++
		}
		if b.Len()+n > limit {
			b.WriteString("…")
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maskKey replaces the API key in s, and its secret part alone (what
// follows a conventional prefix), with the key's redacted form.
func maskKey(s, key string) string {
	if key == "" || s == "" {
		return s
	}
	red := redact(key)
	s = strings.ReplaceAll(s, key, red)
	if secret := secretPart(key); len(secret) >= 8 && secret != key {
		s = strings.ReplaceAll(s, secret, "[REDACTED]")
	}
	return s
}

// secretPart is the part of key that redact hides.
func secretPart(key string) string {
	red := redact(key)
	return key[len(strings.TrimSuffix(red, "[REDACTED]")):]
}

// sanitize masks the client's key in every text of e and cleans and caps
// them (cleanText), so that whatever the server sent, printing the error is
// safe.
func (e *APIError) sanitize(key string) {
	text := func(s string, limit int) string { return cleanText(maskKey(s, key), limit) }
	e.Code = text(e.Code, maxErrorCodeBytes)
	e.Message = text(e.Message, maxErrorMessageBytes)
	e.RequestID = text(e.RequestID, maxErrorIDBytes)
	e.SupportID = text(e.SupportID, maxErrorIDBytes)
	e.Body = text(e.Body, maxErrorBodyBytes)
	if e.FieldErrors != nil {
		clean := make(map[string]string, min(len(e.FieldErrors), maxFieldErrors))
		for k, v := range e.FieldErrors {
			if len(clean) == maxFieldErrors {
				break
			}
			clean[text(k, maxErrorIDBytes)] = text(v, maxErrorMessageBytes)
		}
		e.FieldErrors = clean
	}
	if e.Details != nil {
		e.Details, _ = cleanDetail(e.Details, func(s string) string { return text(s, maxErrorMessageBytes) }).(map[string]any)
	}
}

// cleanDetail applies text to every string of a decoded JSON value, keys
// included.
func cleanDetail(v any, text func(string) string) any {
	switch v := v.(type) {
	case string:
		return text(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[text(k)] = cleanDetail(x, text)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = cleanDetail(x, text)
		}
		return v
	}
	return v
}
