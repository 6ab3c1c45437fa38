package hookscope

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
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
// with the per-try timeout and the redirect policy of the SDK.
func (cfg *config) newHTTPClient() *http.Client {
	hc := &http.Client{}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient
		hc = &copied
	}
	if hc.Timeout == 0 {
		hc.Timeout = cfg.timeout
	}
	hc.CheckRedirect = refuseInsecureRedirects(hc.CheckRedirect, cfg.insecureHTTP)
	return hc
}
