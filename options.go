package hookscope

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

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

	level          optionLevel
	idempotencyKey string
	headers        []header
	responseInto   *Response
	middlewares    []Middleware
	limiter        *rate.Limiter
}

// Option configures a Client in NewClient, or a single call: every service
// method takes options last, which apply over the client's for that call
// only. WithMaxRetries, WithRetryWait, WithMaxRetryAfter, WithTimeout,
// WithLogger, WithMaxResponseBytes, WithHeader, WithMiddleware and
// WithRateLimiter work at both levels; WithBaseURL, WithHTTPClient,
// WithUserAgent and WithInsecureHTTP only in NewClient; WithIdempotencyKey
// and WithResponseInto only on a call. An option given where it does not
// apply is an error that names it, and the call sends nothing.
type Option func(*config) error

// WithBaseURL sets the API's base URL (default DefaultBaseURL). A path prefix
// is kept: "https://gw.example.com/hooks" sends /v1/logs to
// https://gw.example.com/hooks/v1/logs. Plain http is accepted only for a
// loopback host (127.0.0.0/8, ::1, localhost) unless WithInsecureHTTP is given.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error {
		if err := c.clientOnly("WithBaseURL"); err != nil {
			return err
		}
		c.baseURL = baseURL
		return nil
	}
}

// WithHTTPClient sets the http.Client that carries the requests. Its
// Transport, Jar and redirect policy are used as they are; when its Timeout is
// zero each try is bounded by WithTimeout's value (default DefaultTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if err := c.clientOnly("WithHTTPClient"); err != nil {
			return err
		}
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
// "hookscope-go/<version> (<go version>)". ua must be printable ASCII
// (spaces allowed): a control character, which would break the header or
// smuggle another one in, makes NewClient fail.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if err := c.clientOnly("WithUserAgent"); err != nil {
			return err
		}
		for i := 0; i < len(ua); i++ {
			if ua[i] < ' ' || ua[i] >= 0x7f {
				return fmt.Errorf("hookscope: WithUserAgent: byte %d is a control or non-ASCII character (%q)", i, ua[i])
			}
		}
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
// client has no Timeout of its own (default DefaultTimeout). Given to a call,
// it bounds each try of that call, whatever the HTTP client's Timeout. The
// context passed to each call bounds the call as a whole, retries included.
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
		if err := c.clientOnly("WithInsecureHTTP"); err != nil {
			return err
		}
		c.insecureHTTP = true
		return nil
	}
}

// defaultConfig is the configuration before any Option is applied.
func defaultConfig() config {
	return config{
		baseURL:          DefaultBaseURL,
		maxRetries:       DefaultMaxRetries,
		retryWaitMin:     DefaultRetryWaitMin,
		retryWaitMax:     DefaultRetryWaitMax,
		maxRetryAfter:    DefaultMaxRetryAfter,
		timeout:          DefaultTimeout,
		maxResponseBytes: DefaultMaxResponseBytes,
	}
}

// apply applies opts in order; a nil Option is skipped.
func (cfg *config) apply(opts []Option) error {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return err
		}
	}
	return nil
}

// newHTTPClient returns a copy of the caller's http.Client (or a new one)
// with the redirect policy of the SDK (redirects stay within base, the base
// URL's origin) and its transport (tryTransport) over the caller's. The
// caller's Timeout, if any, becomes cfg.timeout: the transport applies it per
// try.
func (cfg *config) newHTTPClient(base origin) *http.Client {
	hc := &http.Client{}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient
		hc = &copied
	}
	if hc.Timeout != 0 {
		// The HTTP client's own timeout wins over WithTimeout's, and is
		// applied per try by the SDK's transport (see tryTransport).
		cfg.timeout = hc.Timeout
		hc.Timeout = 0
	}
	hc.CheckRedirect = redirectPolicy(base, hc.CheckRedirect)
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc.Transport = &tryTransport{base: rt}
	return hc
}

// optionLevel says where an Option is being applied.
type optionLevel uint8

const (
	levelClient optionLevel = iota // NewClient
	levelCall                      // one service method call
)

// clientOnly refuses an option that configures the client as a whole when it
// is given to a single call.
func (c *config) clientOnly(name string) error {
	if c.level == levelCall {
		return fmt.Errorf("hookscope: %s configures the client: give it to NewClient, not to a call", name)
	}
	return nil
}

// callOnly refuses an option that describes a single call when it is given
// to NewClient.
func (c *config) callOnly(name string) error {
	if c.level == levelClient {
		return fmt.Errorf("hookscope: %s applies to a single call: give it to the call, not to NewClient", name)
	}
	return nil
}

// forCall returns the configuration of one call: the client's, with opts
// applied over it. The client's configuration is never changed; without opts
// it is returned as is, at no cost.
func (c *Client) forCall(method string, opts []Option) (*config, error) {
	if len(opts) == 0 {
		return &c.cfg, nil
	}
	cfg := new(config)
	*cfg = c.cfg
	cfg.level = levelCall
	// Appends of the call must not write into the client's arrays.
	cfg.headers = slices.Clip(cfg.headers)
	cfg.middlewares = slices.Clip(cfg.middlewares)
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return nil, err
		}
	}
	if cfg.idempotencyKey != "" && !isWrite(method) {
		return nil, fmt.Errorf("hookscope: WithIdempotencyKey: a %s is a read; only writes (Create, Update, Delete) take an idempotency key", method)
	}
	return cfg, nil
}

// WithIdempotencyKey makes a write call send key as its Idempotency-Key, on
// every try, instead of a key the SDK generates for the call. The API keeps a
// key's first answer for 24 hours and replays it to a request with the same
// key, path and body, so a caller that repeats a Create after its own process
// restarted gets the webhook it made the first time, not a second one. The
// same key with another body is a 422 IDEMPOTENCY_KEY_REUSED (it matches
// ErrInvalidRequest); while the first request is still being processed, a
// 409 IDEMPOTENCY_KEY_IN_USE (ErrConflict), which the SDK retries with the
// same key like a 503; once the retries are spent it returns ErrConflict.
//
// The key is 1 to 255 printable ASCII characters, not starting or ending with
// a space. It applies to a single write call: given to NewClient or to a
// read, the call fails before sending anything.
func WithIdempotencyKey(key string) Option {
	return func(c *config) error {
		if err := c.callOnly("WithIdempotencyKey"); err != nil {
			return err
		}
		if key == "" || len(key) > 255 {
			return fmt.Errorf("hookscope: WithIdempotencyKey: the key must be 1 to 255 characters, got %d", len(key))
		}
		for i := 0; i < len(key); i++ {
			if key[i] < ' ' || key[i] > '~' {
				return fmt.Errorf("hookscope: WithIdempotencyKey: the key has a control or non-ASCII character at byte %d", i)
			}
		}
		if key[0] == ' ' || key[len(key)-1] == ' ' {
			return errors.New("hookscope: WithIdempotencyKey: the key starts or ends with a space")
		}
		c.idempotencyKey = key
		return nil
	}
}

// reservedHeaders are the headers the SDK sets itself, and those the HTTP
// transport derives: WithHeader refuses them, saying what to use instead.
var reservedHeaders = map[string]string{
	"Authorization":     "the client sends the API key it was created with",
	"Idempotency-Key":   "use WithIdempotencyKey",
	"User-Agent":        "use WithUserAgent",
	"Content-Type":      "the SDK sends JSON",
	"Content-Length":    "the HTTP transport sets it",
	"Transfer-Encoding": "the HTTP transport sets it",
	"Host":              "use WithBaseURL",
	"Connection":        "the HTTP transport manages connections",
}

// WithHeader adds a header to the requests of a call, or of every call when
// given to NewClient; a call's value replaces the client's for that call. It
// refuses a name that is not a valid header name, a value with a control
// character (other than tab), and the headers the SDK or the transport sets
// itself: Authorization, Idempotency-Key (see WithIdempotencyKey), User-Agent
// (see WithUserAgent), Content-Type, Content-Length, Transfer-Encoding, Host
// and Connection.
func WithHeader(name, value string) Option {
	return func(c *config) error {
		if !validHeaderName(name) {
			return fmt.Errorf("hookscope: WithHeader: %q is not a valid header name", name)
		}
		canon := http.CanonicalHeaderKey(name)
		if why, ok := reservedHeaders[canon]; ok {
			return fmt.Errorf("hookscope: WithHeader: %s is not settable: %s", canon, why)
		}
		for i := 0; i < len(value); i++ {
			if b := value[i]; (b < ' ' && b != '\t') || b == 0x7f {
				return fmt.Errorf("hookscope: WithHeader: the value of %s has a control character at byte %d", canon, i)
			}
		}
		c.headers = append(c.headers, header{name: canon, value: value})
		return nil
	}
}

type header struct{ name, value string }

// validHeaderName reports whether name is an RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0:
		default:
			return false
		}
	}
	return true
}

// WithResponseInto makes a call fill *r when it returns, with the status,
// headers, request id, rate limit and number of tries of its last answer,
// on success and on error alike (see Response). On an iterator (All, Pages,
// …) each page's request fills it, so after the loop it describes the last
// page fetched. It applies to a single call: given to NewClient, NewClient
// fails.
func WithResponseInto(r *Response) Option {
	return func(c *config) error {
		if err := c.callOnly("WithResponseInto"); err != nil {
			return err
		}
		if r == nil {
			return errors.New("hookscope: WithResponseInto: nil *Response")
		}
		c.responseInto = r
		return nil
	}
}

// WithMiddleware adds a middleware around each try of each call: of every
// call when given to NewClient, of one call when given to it. Several wrap in
// the order given, the first outermost, and the client's wrap the call's.
func WithMiddleware(mw Middleware) Option {
	return func(c *config) error {
		if mw == nil {
			return errors.New("hookscope: WithMiddleware: nil middleware")
		}
		c.middlewares = append(c.middlewares, mw)
		return nil
	}
}

// WithRateLimiter makes each try of each call (retries included) wait for a
// token of l before it is sent, for as long as the call's context allows: a
// wait that would pass the context's deadline fails at once. Share one
// limiter between the clients of one API key to stay within its budget; the
// API allows 60 requests a minute on the free plan, 600 on starter, 3000 on
// pro and 12000 on enterprise (rate.NewLimiter(rate.Limit(600.0/60), 10),
// say, for starter). Given to a call, l replaces the client's limiter for
// that call. Without a limiter the client still pauses all its calls after a
// 429 (see the package documentation).
func WithRateLimiter(l *rate.Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("hookscope: WithRateLimiter: nil *rate.Limiter")
		}
		c.limiter = l
		return nil
	}
}
