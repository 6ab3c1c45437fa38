package hookscope

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzRedirectPolicy: whatever the base URL, the redirect target, the
// method and the status, a redirect is followed only to the base URL's exact
// origin and without a change of method; every refusal matches
// ErrRedirectRefused; the key goes nowhere else; nothing panics.
func FuzzRedirectPolicy(f *testing.F) {
	for _, s := range []struct {
		base, target, method string
		status               int
	}{
		{"https://api.test", "https://api.test/v2/logs", "GET", 307},
		{"https://api.test", "https://api.test:8443/v1/logs", "GET", 302},
		{"https://api.test", "https://evil.api.test/v1/logs", "GET", 301},
		{"https://api.test", "http://api.test/v1/logs", "GET", 308},
		{"https://API.test:443/x", "https://api.test/x", "POST", 307},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/", "DELETE", 303},
		{"https://[::1]:9000", "https://[::1]:9000/a?b#c", "PATCH", 302},
	} {
		f.Add(s.base, s.target, s.method, s.status)
	}
	const auth = "Bearer am_test_Zk4rT9wQ2mXyLp7sVb3N"
	f.Fuzz(func(t *testing.T, base, target, method string, status int) {
		_, o, err := checkBaseURL(base, true)
		if err != nil {
			return
		}
		to, err := url.Parse(target)
		if err != nil {
			return
		}
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		default:
			method = http.MethodGet
		}
		// net/http turns a write into a GET on 301, 302 and 303.
		next := method
		if (status == 301 || status == 302 || status == 303) && method != http.MethodGet && method != http.MethodHead {
			next = http.MethodGet
		}
		first := &http.Request{Method: method, Header: http.Header{"Authorization": {auth}}}
		req := &http.Request{Method: next, URL: to, Header: http.Header{}, Response: &http.Response{StatusCode: status}}
		err = redirectPolicy(o, nil)(req, []*http.Request{first})
		got, ok := originOf(to)
		switch {
		case err == nil:
			if !ok || got != o {
				t.Fatalf("followed %q from base %q: origin %v, want %v", target, base, got, o)
			}
			if next != method {
				t.Fatalf("followed a %s turned into a %s", method, next)
			}
		case !errors.Is(err, ErrRedirectRefused):
			t.Fatalf("refusal %v does not match ErrRedirectRefused", err)
		default:
			if req.Header.Get("Authorization") != "" {
				t.Fatal("a refused redirect carries the key")
			}
			// The user info must not show, unless its text is also the
			// target's host or in the base URL's origin, which the refusal
			// names.
			if ui := to.User.String(); to.User != nil && len(ui) >= 6 && strings.Contains(err.Error(), ui) &&
				!strings.Contains(to.Host, ui) && !strings.Contains(o.String(), ui) {
				t.Fatalf("the refusal shows the target's user info: %v", err)
			}
		}
	})
}

// FuzzCheckBaseURL: an error about a base URL never shows its user info,
// query or fragment, and an accepted one has an origin.
func FuzzCheckBaseURL(f *testing.F) {
	for _, s := range []string{
		"https://api.test", "https://u:p@api.test/", "https://api.test/?k=secretsecret", "https://api.test/#frag",
		"http://[::1", "https://api.test:port/", "ftp://user@host/", "//user@/", "http://example.com/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		base, o, err := checkBaseURL(raw, false)
		if err == nil {
			if o.scheme == "" || o.host == "" || o.port == "" || base == "" {
				t.Fatalf("accepted %q with origin %+v", raw, o)
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil {
			// Nothing of an unparsable URL is shown, beyond the fixed text.
			if strings.Contains(err.Error(), raw) && len(raw) >= 6 {
				t.Fatalf("error echoes the unparsable URL: %v", err)
			}
			return
		}
		for _, secret := range []string{u.User.String(), u.RawQuery, u.Fragment} {
			if len(secret) >= 6 && !strings.Contains(u.Scheme+"://"+u.Host, secret) && !strings.Contains("hookscope: base URL  must not carry user info, a query, a fragment (give the API key to NewClient) has no host scheme must be https plain http is allowed only to a loopback host (use https, or WithInsecureHTTP)", secret) && strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows %q: %v", secret, err)
			}
		}
	})
}

// FuzzParseRetryAfter: any header value gives a wait between 0 and the cap,
// or none; nothing panics.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "7", "-1", "86401", "9999999999999999999", " 12 ", "Fri, 31 Dec 9999 23:59:59 GMT",
		"Thu, 01 Jan 1970 00:00:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "1.5", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if !ok {
			if d != 0 {
				t.Fatalf("%q: no wait but d = %v", v, d)
			}
			return
		}
		if d < 0 || d > maxRetryAfterHeader {
			t.Fatalf("%q: wait %v outside 0..%v", v, d, maxRetryAfterHeader)
		}
	})
}

// FuzzPaginateGuard: whatever pages a server answers (rows or none,
// has_more or not, cursors new, repeated or absent), a walk ends, never
// fetches again a cursor fetched within the last recentCursors pages (an
// older one only once Brent's detection meets it: FuzzCursorGuard), never
// goes on after has_more false, and never follows more than MaxEmptyPages
// empty pages in a row.
func FuzzPaginateGuard(f *testing.F) {
	f.Add([]byte{0x03, 0x03, 0x03})
	f.Add([]byte{0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x03, 0x01})
	f.Add([]byte{0x13, 0x13, 0x03})
	f.Add([]byte{0x06, 0x07})
	f.Fuzz(func(t *testing.T, script []byte) {
		// Each byte is one page: bit 0 rows, bit 1 has_more, bit 2 no
		// cursor, bits 4+ a cursor reused from an earlier page.
		type page struct{ rows int }
		fetched := 0
		fetchedAt := map[string]int{}
		lastHasMore := true
		fetch := func(_ context.Context, cursor string) (page, pageInfo, error) {
			if !lastHasMore {
				t.Fatalf("fetch %d after has_more false", fetched)
			}
			if at, ok := fetchedAt[cursor]; ok && fetched-at <= recentCursors {
				t.Fatalf("cursor %q fetched again %d pages after", cursor, fetched-at)
			}
			fetchedAt[cursor] = fetched
			if fetched >= len(script) {
				fetched++
				lastHasMore = false
				return page{}, pageInfo{}, nil
			}
			b := script[fetched]
			fetched++
			next := fmt.Sprintf("c%d", fetched)
			if reuse := int(b >> 4); reuse > 0 && reuse < fetched {
				next = fmt.Sprintf("c%d", reuse)
			}
			if b&4 != 0 {
				next = ""
			}
			lastHasMore = b&2 != 0
			return page{rows: int(b & 1)}, pageInfo{NextCursor: next, HasMore: lastHasMore, Rows: int(b & 1)}, nil
		}
		empty, pages := 0, 0
		for p, err := range paginate(context.Background(), "", fetch) {
			if err != nil {
				break
			}
			pages++
			if p.rows == 0 {
				empty++
				if empty > MaxEmptyPages {
					t.Fatalf("%d empty pages in a row followed", empty)
				}
			} else {
				empty = 0
			}
		}
		if pages > len(script)+1 {
			t.Fatalf("%d pages from a %d-page script", pages, len(script))
		}
	})
}

// FuzzCursorGuard: over any server whose next cursor is a function of the
// cursor asked for (script[i] is where cursor i leads; past the script, the
// walk ends), a walk that loops stops with ErrRepeatedCursor within Brent's
// bound, one that does not is never stopped, and the error comes only when
// a cursor really repeated; a loop of at most recentCursors pages stops
// before any cursor is fetched twice.
func FuzzCursorGuard(f *testing.F) {
	f.Add([]byte{1, 1})                          // a loop of 1
	f.Add([]byte{1, 2, 1})                       // a loop of 2
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 2})     // a loop of 7 after one page
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) // no loop
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 4096 {
			return
		}
		next := func(i int) int {
			if i >= len(script) {
				return -1
			}
			return int(script[i])
		}
		// What a walk from cursor 0 meets: where it first repeats, if it does.
		firstAt := map[int]int{}
		loopStart, loopLen := -1, 0
		for i, c := 0, 0; c >= 0; i, c = i+1, next(c) {
			if at, ok := firstAt[c]; ok {
				loopStart, loopLen = at, i-at
				break
			}
			firstAt[c] = i
		}
		var walked []string
		fetch := func(_ context.Context, cursor string) (struct{}, pageInfo, error) {
			walked = append(walked, cursor)
			if len(walked) > 8*(len(script)+2) {
				t.Fatalf("%d pages from a %d-cursor server", len(walked), len(script))
			}
			var i int
			if _, err := fmt.Sscanf(cursor, "c%d", &i); err != nil {
				t.Fatalf("cursor %q: %v", cursor, err)
			}
			n := next(i)
			if n < 0 {
				return struct{}{}, pageInfo{}, nil
			}
			return struct{}{}, pageInfo{NextCursor: fmt.Sprintf("c%d", n), HasMore: true, Rows: 1}, nil
		}
		var last error
		for _, err := range paginate(context.Background(), "c0", fetch) {
			last = err
		}
		if loopStart < 0 {
			if last != nil {
				t.Fatalf("no loop, yet the walk ended with %v after %d pages", last, len(walked))
			}
			return
		}
		if !errors.Is(last, ErrRepeatedCursor) {
			t.Fatalf("loop of %d after %d pages, walk ended with %v after %d pages", loopLen, loopStart, last, len(walked))
		}
		if loopLen <= recentCursors && len(walked) != loopStart+loopLen {
			t.Fatalf("loop of %d after %d pages: %d pages fetched, want %d", loopLen, loopStart, len(walked), loopStart+loopLen)
		}
		if bound := loopStart + loopLen + 2*max(loopStart, loopLen) + loopLen; len(walked) > bound {
			t.Fatalf("loop of %d after %d pages: %d pages fetched, Brent's bound %d", loopLen, loopStart, len(walked), bound)
		}
	})
}
