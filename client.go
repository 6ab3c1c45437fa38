package hookscope

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the API's base URL when WithBaseURL is not given.
const DefaultBaseURL = "https://api.hookscope.dev"

// Defaults of the request path. Each can be changed with an Option.
const (
	// DefaultMaxRetries is how many times a retryable request is retried.
	DefaultMaxRetries = 3
	// DefaultRetryWaitMin is the shortest wait before a retry.
	DefaultRetryWaitMin = 200 * time.Millisecond
	// DefaultRetryWaitMax is the longest computed wait before a retry.
	DefaultRetryWaitMax = 5 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After the client will sleep; a
	// longer one returns the error at once with APIError.RetryAfter set.
	DefaultMaxRetryAfter = 30 * time.Second
	// DefaultTimeout bounds each try when the HTTP client has no timeout of its own.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes is the largest response body the client reads.
	DefaultMaxResponseBytes int64 = 16 << 20
)

// Client is a client of the hookscope API. It is safe for concurrent use by
// many goroutines; create one and share it.
//
// The API key it holds never appears in its formatted value, its log records
// or its errors.
type Client struct {
	// Metrics reads time-bucketed delivery metrics.
	Metrics *MetricsService
	// Logs reads delivery logs, one row per outbound message.
	Logs *LogsService
	// Attempts reads the delivery attempts of inbound and outbound messages.
	Attempts *AttemptsService
	// Webhooks reads and manages webhook endpoints.
	Webhooks *WebhooksService
	// Analytics reads the day's delivery analytics.
	Analytics *AnalyticsService

	base             string // base URL without a trailing slash
	apiKey           secretKey
	httpClient       *http.Client
	userAgent        string
	logger           *slog.Logger
	maxRetries       int
	retryWaitMin     time.Duration
	retryWaitMax     time.Duration
	maxRetryAfter    time.Duration
	maxResponseBytes int64
}

type config struct {
	baseURL          string
	httpClient       *http.Client
	userAgent        string
	logger           *slog.Logger
	maxRetries       int
	retryWaitMin     time.Duration
	retryWaitMax     time.Duration
	maxRetryAfter    time.Duration
	timeout          time.Duration
	maxResponseBytes int64
	insecureHTTP     bool
}

// Option configures a Client in NewClient.
type Option func(*config) error

// WithBaseURL sets the API's base URL (default DefaultBaseURL). A path prefix
// is kept: "https://gw.example.com/hooks" sends /v1/logs to
// https://gw.example.com/hooks/v1/logs. Plain http is accepted only for a
// loopback host (127.0.0.0/8, ::1, localhost) unless WithInsecureHTTP is given.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		c.baseURL = baseURL
		return nil
	}
}

// WithHTTPClient sets the http.Client that carries the requests. Its
// Transport, Jar and redirect policy are used as they are; when its Timeout is
// zero each try is bounded by WithTimeout's value (default DefaultTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("hookscope: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a retryable request is retried after its
// first try (default DefaultMaxRetries). 0 turns retries off.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("hookscope: WithMaxRetries: %d is negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait sets the bounds of the exponential backoff between retries
// (defaults DefaultRetryWaitMin and DefaultRetryWaitMax).
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if minWait < 0 || maxWait < minWait {
			return fmt.Errorf("hookscope: WithRetryWait: need 0 <= min <= max, got %v, %v", minWait, maxWait)
		}
		c.retryWaitMin, c.retryWaitMax = minWait, maxWait
		return nil
	}
}

// WithMaxRetryAfter caps the Retry-After the client will sleep before a retry
// (default DefaultMaxRetryAfter). A server asking for a longer wait gets no
// retry: its error returns at once, with APIError.RetryAfter set.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("hookscope: WithMaxRetryAfter: %v is negative", d)
		}
		c.maxRetryAfter = d
		return nil
	}
}

// WithUserAgent appends ua to the SDK's own User-Agent,
// "hookscope-go/<version> (<go version>)".
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		c.userAgent = ua
		return nil
	}
}

// WithLogger sets a logger that receives one debug record per try: method,
// path, status, attempt, duration, request id, and whether and when the
// request will be retried. The Authorization header is never logged. Nothing
// is logged by default.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithTimeout bounds each try (connection, headers and body) when the HTTP
// client has no Timeout of its own (default DefaultTimeout). The context
// passed to each call bounds the call as a whole, retries included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("hookscope: WithTimeout: %v is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithMaxResponseBytes sets the largest response body the client reads
// (default DefaultMaxResponseBytes). A larger body is refused with an error
// wrapping ErrResponseTooLarge, without reading the rest.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("hookscope: WithMaxResponseBytes: %d is not positive", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base URL whose host is not loopback.
// The API key then crosses the network in clear text: use it only on a
// network you trust.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// NewClient returns a client that authenticates with apiKey. It refuses an
// empty key and a base URL that is not https (or plain http to a loopback
// host; see WithInsecureHTTP).
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, errors.New("hookscope: NewClient: the API key is empty")
	}
	for i := 0; i < len(apiKey); i++ {
		if apiKey[i] <= ' ' || apiKey[i] >= 0x7f {
			// Said without the key: it may be a real one with a stray newline.
			return nil, fmt.Errorf("hookscope: NewClient: the API key has a space, control or non-ASCII character at byte %d", i)
		}
	}
	cfg := config{
		baseURL:          DefaultBaseURL,
		maxRetries:       DefaultMaxRetries,
		retryWaitMin:     DefaultRetryWaitMin,
		retryWaitMax:     DefaultRetryWaitMax,
		maxRetryAfter:    DefaultMaxRetryAfter,
		timeout:          DefaultTimeout,
		maxResponseBytes: DefaultMaxResponseBytes,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	base, err := checkBaseURL(cfg.baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}

	hc := &http.Client{}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient
		hc = &copied
	}
	if hc.Timeout == 0 {
		hc.Timeout = cfg.timeout
	}
	hc.CheckRedirect = refuseInsecureRedirects(hc.CheckRedirect, cfg.insecureHTTP)

	ua := "hookscope-go/" + Version + " (" + runtime.Version() + ")"
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}

	c := &Client{
		base:             base,
		apiKey:           func() string { return apiKey },
		httpClient:       hc,
		userAgent:        ua,
		logger:           cfg.logger,
		maxRetries:       cfg.maxRetries,
		retryWaitMin:     cfg.retryWaitMin,
		retryWaitMax:     cfg.retryWaitMax,
		maxRetryAfter:    cfg.maxRetryAfter,
		maxResponseBytes: cfg.maxResponseBytes,
	}
	c.Metrics = &MetricsService{client: c}
	c.Logs = &LogsService{client: c}
	c.Attempts = &AttemptsService{client: c}
	c.Webhooks = &WebhooksService{client: c}
	c.Analytics = &AnalyticsService{client: c}
	return c, nil
}

// checkBaseURL validates raw and returns it without a trailing slash.
func checkBaseURL(raw string, insecureHTTP bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("hookscope: base URL %q: %w", raw, err)
	}
	if u.Host == "" {
		return "", fmt.Errorf("hookscope: base URL %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("hookscope: base URL %q must not carry a query, fragment or user info", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecureHTTP && !isLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("hookscope: base URL %q: plain http is allowed only to a loopback host (use https, or WithInsecureHTTP)", raw)
		}
	default:
		return "", fmt.Errorf("hookscope: base URL %q: scheme must be https", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// errInsecureRedirect stops a redirect that would carry the API key over
// plain http; it is not retried.
var errInsecureRedirect = errors.New("hookscope: refusing a redirect to plain http, which would expose the API key")

// refuseInsecureRedirects wraps a CheckRedirect policy (nil: Go's default of
// 10 redirects) so that no redirect leads to plain http, except to a loopback
// host or with WithInsecureHTTP. Go forwards the Authorization header to the
// same host whatever the scheme, so the SDK has to draw this line itself.
func refuseInsecureRedirects(next func(*http.Request, []*http.Request) error, insecureHTTP bool) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" && !insecureHTTP && !isLoopbackHost(req.URL.Hostname()) {
			return fmt.Errorf("%w (to %s)", errInsecureRedirect, req.URL.Redacted())
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

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes the client without its API key.
func (c *Client) String() string {
	return "hookscope.Client{base_url: " + c.base + ", api_key: " + c.apiKey.String() + "}"
}

// GoString is String, so that %#v does not print the API key either.
func (c *Client) GoString() string { return c.String() }

// LogValue makes a *Client log as its base URL and redacted key.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.base), slog.String("api_key", c.apiKey.String()))
}

// secretKey returns the API key. It is a function, so that not even a
// reflective dump of a Client value (fmt of *c with any verb, where methods
// of unexported fields are not called) can reach the key, and it formats as
// the key's redacted prefix wherever its methods are called.
type secretKey func() string

func (k secretKey) String() string               { return redact(k()) }
func (k secretKey) GoString() string             { return redact(k()) }
func (k secretKey) Format(f fmt.State, _ rune)   { _, _ = io.WriteString(f, redact(k())) }
func (k secretKey) LogValue() slog.Value         { return slog.StringValue(redact(k())) }
func (k secretKey) MarshalText() ([]byte, error) { return []byte(redact(k())), nil }

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

// request is one API call as the services describe it to do.
type request struct {
	method string
	path   string // already escaped, starting with "/"
	query  any    // a params struct with url tags, or nil
	body   any    // JSON-encoded when non-nil
}

// do sends req through the retrying transport and decodes a 2xx body into out
// (nil: the body is discarded). A non-2xx answer becomes an *APIError. It
// returns the final response's header, for X-Request-Id.
func (c *Client) do(ctx context.Context, req request, out any) (http.Header, error) {
	if ctx == nil {
		return nil, errors.New("hookscope: nil context")
	}
	endpoint := c.base + req.path
	if req.query != nil {
		q, err := query.Values(req.query)
		if err != nil {
			return nil, fmt.Errorf("hookscope: encoding query of %s %s: %w", req.method, req.path, err)
		}
		if enc := q.Encode(); enc != "" {
			endpoint += "?" + enc
		}
	}
	var body []byte
	if req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return nil, fmt.Errorf("hookscope: encoding body of %s %s: %w", req.method, req.path, err)
		}
	}
	var rawBody any
	if body != nil {
		rawBody = body
	}
	rreq, err := retryablehttp.NewRequestWithContext(ctx, req.method, endpoint, rawBody)
	if err != nil {
		return nil, fmt.Errorf("hookscope: building %s %s: %w", req.method, req.path, err)
	}
	rreq.Header.Set("Authorization", "Bearer "+c.apiKey())
	rreq.Header.Set("User-Agent", c.userAgent)
	rreq.Header.Set("Accept", "application/json")
	if body != nil {
		rreq.Header.Set("Content-Type", "application/json")
	}
	if isWrite(req.method) {
		// Sent unchanged on every try, so that the server can recognise a
		// retried write and apply it once.
		rreq.Header.Set("Idempotency-Key", newIdempotencyKey())
	}

	tries := c.newTryPolicy(req.method, req.path)
	rc := &retryablehttp.Client{
		HTTPClient:     c.httpClient,
		Logger:         nil,
		RetryWaitMin:   c.retryWaitMin,
		RetryWaitMax:   c.retryWaitMax,
		RetryMax:       c.maxRetries,
		RequestLogHook: tries.beforeTry,
		CheckRetry:     tries.checkRetry,
		Backoff:        tries.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
	}
	resp, err := rc.Do(rreq)
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body)
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return nil, fmt.Errorf("hookscope: %s %s: %w", req.method, req.path, err)
	}
	defer drainAndClose(resp.Body)

	reader := &limitedReader{r: resp.Body, remaining: c.maxResponseBytes}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, decodeAPIError(resp, reader)
	}
	if out == nil {
		return resp.Header, nil
	}
	if err := decodeJSON(reader, out); err != nil {
		return resp.Header, fmt.Errorf("hookscope: %s %s: decoding %d response (request_id %q): %w",
			req.method, req.path, resp.StatusCode, resp.Header.Get("X-Request-Id"), err)
	}
	return resp.Header, nil
}

// decodeOptions make the decoder as lenient as encoding/json where leniency
// costs nothing: unknown members are ignored (a newer server does not break
// an older client), names match case-insensitively, and a duplicate name or
// invalid UTF-8 in a server's text does not lose the whole page.
var decodeOptions = jsonv2.JoinOptions(
	jsonv2.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// decodeJSON decodes exactly one JSON object from r, streaming: an empty
// body, a truncated one, a value that is not an object, or trailing data is
// an error, never an empty result. It uses github.com/go-json-experiment/json,
// which decodes the API's pages 2.5x faster than encoding/json (BENCHMARKS.md).
func decodeJSON(r io.Reader, out any) error {
	// Every answer of the API is a JSON object: anything else ("null", an
	// array, a string) would decode into an empty result without an error.
	first, err := firstNonSpace(r)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: empty body", ErrUnexpectedResponse)
		}
		return err
	}
	if first != '{' {
		return fmt.Errorf("%w: body starts with %q, not a JSON object", ErrUnexpectedResponse, first)
	}
	if err := jsonv2.UnmarshalRead(io.MultiReader(strings.NewReader("{"), r), out, decodeOptions); err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			return ErrResponseTooLarge
		}
		return fmt.Errorf("%w: %w", ErrUnexpectedResponse, err)
	}
	return nil
}

// firstNonSpace consumes r up to and including its first byte that is not
// JSON white space, and returns that byte.
func firstNonSpace(r io.Reader) (byte, error) {
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 1 {
			switch b[0] {
			case ' ', '\t', '\r', '\n':
				continue
			}
			return b[0], nil
		}
		if err != nil {
			return 0, err
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

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func newIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// escapePath escapes one path segment. Ids are validated before they get here;
// this makes sure that nothing in one ("/", "..") can reach another path.
func escapePath(segment string) string {
	return url.PathEscape(segment)
}

// snippet returns at most n bytes of b as text, for error messages.
func snippet(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
