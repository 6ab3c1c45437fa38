package hookscope

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// origin is a URL's scheme, host and port, the unit the API key is bound to.
// Scheme and host are lower case and the port is explicit (443 for https,
// 80 for http), so that "https://API.example" and "https://api.example:443"
// are the same origin.
type origin struct {
	scheme, host, port string
}

// originOf returns u's origin; ok is false when u has no scheme or host.
func originOf(u *url.URL) (o origin, ok bool) {
	if u == nil {
		return origin{}, false
	}
	o.scheme = strings.ToLower(u.Scheme)
	o.host = strings.ToLower(u.Hostname())
	o.port = u.Port()
	if o.port == "" {
		switch o.scheme {
		case "https":
			o.port = "443"
		case "http":
			o.port = "80"
		}
	}
	return o, o.scheme != "" && o.host != "" && o.port != ""
}

// String is the origin as a URL prefix, without the default port; it is
// safe to show in an error (no user info, path, query or fragment).
func (o origin) String() string {
	host := o.host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if (o.scheme == "https" && o.port == "443") || (o.scheme == "http" && o.port == "80") {
		return o.scheme + "://" + host
	}
	return o.scheme + "://" + net.JoinHostPort(o.host, o.port)
}

// errInsecureRedirect stops a redirect that would carry the API key over
// plain http; it is not retried.
var errInsecureRedirect = fmt.Errorf("%w: to plain http, which would expose the API key", ErrRedirectRefused)

// redirectPolicy wraps a CheckRedirect policy (nil: Go's default of 10
// redirects) with the SDK's own rules, which no policy of the caller can
// relax:
//
//   - a redirect leaves the base URL's origin (scheme, host and port) only
//     never: net/http would forward the Authorization header to another port
//     of the same host and to any subdomain, so such a redirect is refused;
//   - a write (POST, PATCH, PUT, DELETE) is never turned into a GET: net/http
//     replays it as a GET without its body on a 301, 302 or 303, which would
//     report success for a write that was never made; 307 and 308 keep the
//     method and the body, and are followed.
//
// A refused redirect is an error matching ErrRedirectRefused, not retried.
func redirectPolicy(base origin, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 {
			first := via[0]
			if req.Method != first.Method {
				status := 0
				if req.Response != nil {
					status = req.Response.StatusCode
				}
				return fmt.Errorf("%w: the server answered the %s with %d %s; following it would resend the write as a %s without its body, so it may not have been applied",
					ErrRedirectRefused, first.Method, status, http.StatusText(status), req.Method)
			}
		}
		to, ok := originOf(req.URL)
		if !ok || to != base {
			if to.scheme == "http" && base.scheme == "https" {
				return fmt.Errorf("%w (to %s)", errInsecureRedirect, to)
			}
			return fmt.Errorf("%w: to %s, another origin than the base URL's %s; the API key is sent only to %s",
				ErrRedirectRefused, to, base, base)
		}
		// The same origin, however spelled: net/http drops the header when
		// the host's spelling changes; it belongs here.
		if len(via) > 0 && req.Header.Get("Authorization") == "" {
			if auth := via[0].Header.Get("Authorization"); auth != "" {
				req.Header.Set("Authorization", auth)
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// checkBaseURL validates raw and returns it without a trailing slash, and
// its origin. Its errors show at most the URL's scheme and host: a base URL
// may carry a secret in its user info, query or fragment, and one that does
// not parse may be anything, a key included.
func checkBaseURL(raw string, insecureHTTP bool) (string, origin, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", origin{}, errors.New("hookscope: base URL: not a valid URL (say scheme://host[:port][/path], e.g. " + DefaultBaseURL + ")")
	}
	shown := safeURLPrefix(u)
	if u.Host == "" || u.Hostname() == "" {
		return "", origin{}, fmt.Errorf("hookscope: base URL %s: has no host", shown)
	}
	var parts []string
	if u.User != nil {
		parts = append(parts, "user info")
	}
	if u.RawQuery != "" || u.ForceQuery {
		parts = append(parts, "a query")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		parts = append(parts, "a fragment")
	}
	if len(parts) > 0 {
		return "", origin{}, fmt.Errorf("hookscope: base URL %s: must not carry %s (give the API key to NewClient)", shown, strings.Join(parts, ", "))
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecureHTTP && !isLoopbackHost(u.Hostname()) {
			return "", origin{}, fmt.Errorf("hookscope: base URL %s: plain http is allowed only to a loopback host (use https, or WithInsecureHTTP)", shown)
		}
	default:
		return "", origin{}, fmt.Errorf("hookscope: base URL %s: scheme must be https", shown)
	}
	o, ok := originOf(u)
	if !ok {
		return "", origin{}, fmt.Errorf("hookscope: base URL %s: has no host", shown)
	}
	return strings.TrimRight(u.String(), "/"), o, nil
}

// safeURLPrefix is what an error may show of a parsed URL: its scheme and
// host (with port), quoted, nothing else.
func safeURLPrefix(u *url.URL) string {
	s := u.Scheme + "://" + u.Host
	if u.Scheme == "" {
		s = "//" + u.Host
	}
	return fmt.Sprintf("%q", s)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
