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
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the API's base URL when WithBaseURL is not given.
const DefaultBaseURL = "https://api.hookscope.dev"

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

	base       string // base URL without a trailing slash
	apiKey     secretKey
	httpClient *http.Client
	userAgent  string
	cfg        config // the options of every call; a call's own options apply over a copy

	pause *pauseGate       // the client-wide pause after a 429
	now   func() time.Time // the clock of retries and the pause: time.Now but in tests
	sleep sleeper          // the waits of retries and the pause: sleepContext but in tests
}

// NewClient returns a client that authenticates with apiKey. It refuses an
// empty key and a base URL that is not https (or plain http to a loopback
// host; see WithInsecureHTTP).
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if err := checkAPIKey(apiKey); err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	if err := cfg.apply(opts); err != nil {
		return nil, err
	}
	base, baseOrigin, err := checkBaseURL(cfg.baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:       base,
		apiKey:     func() string { return apiKey },
		httpClient: cfg.newHTTPClient(baseOrigin),
		userAgent:  userAgent(cfg.userAgent),
		pause:      new(pauseGate),
		now:        time.Now,
		sleep:      sleepContext,
	}
	// What a call may change stays, for forCall to copy; the rest is set above.
	c.cfg = cfg
	c.cfg.baseURL, c.cfg.httpClient, c.cfg.userAgent = "", nil, ""
	c.Metrics = &MetricsService{client: c}
	c.Logs = &LogsService{client: c}
	c.Attempts = &AttemptsService{client: c}
	c.Webhooks = &WebhooksService{client: c}
	c.Analytics = &AnalyticsService{client: c}
	return c, nil
}

// checkAPIKey refuses a key that cannot be sent in a header.
func checkAPIKey(apiKey string) error {
	if strings.TrimSpace(apiKey) == "" {
		return errors.New("hookscope: NewClient: the API key is empty")
	}
	for i := 0; i < len(apiKey); i++ {
		if apiKey[i] <= ' ' || apiKey[i] >= 0x7f {
			// Said without the key: it may be a real one with a stray newline.
			return fmt.Errorf("hookscope: NewClient: the API key has a space, control or non-ASCII character at byte %d", i)
		}
	}
	return nil
}

// userAgent is the SDK's own User-Agent, with the caller's suffix.
func userAgent(suffix string) string {
	ua := "hookscope-go/" + Version + " (" + runtime.Version() + ")"
	if suffix != "" {
		ua += " " + suffix
	}
	return ua
}

// String describes the client without its API key. A Client not made by
// NewClient formats too, with an empty key.
func (c *Client) String() string {
	if c == nil {
		return "hookscope.Client(nil)"
	}
	return "hookscope.Client{base_url: " + c.base + ", api_key: " + c.apiKey.String() + "}"
}

// GoString is String, so that %#v does not print the API key either.
func (c *Client) GoString() string { return c.String() }

// LogValue makes a *Client log as its base URL and redacted key.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("hookscope.Client(nil)")
	}
	return slog.GroupValue(slog.String("base_url", c.base), slog.String("api_key", c.apiKey.String()))
}

// request is one API call as the services describe it to do.
type request struct {
	method string
	route  string   // the path's template, such as /api/v0/webhooks/{webhook_id}; "": the path has no parameters
	path   string   // already escaped, starting with "/"
	query  any      // a params struct with url tags, or nil
	body   any      // JSON-encoded when non-nil
	opts   []Option // the call's own options
}

// requestIDHolder is a decoded answer that carries a request id. do hands it
// the X-Request-Id header after decoding; it keeps the id its body gave, if
// any, so that no service repeats the fallback.
type requestIDHolder interface {
	setRequestID(fromHeader string)
}

// do is the one request path: it applies the call's options over the
// client's (forCall), builds the HTTP request, sends it through the retrying
// transport (send), and decodes a 2xx body into out (nil: the body is
// discarded), giving out the response's request id when it is a
// requestIDHolder. A non-2xx answer becomes an *APIError.
func (c *Client) do(ctx context.Context, req request, out any) error {
	if ctx == nil {
		return errors.New("hookscope: nil context")
	}
	cfg, err := c.forCall(req.method, req.opts)
	if err != nil {
		return err
	}
	tries := c.newTryPolicy(cfg, req)
	// The transport under the http.Client finds the call in the context.
	ctx = context.WithValue(ctx, callInfoKey{}, &tries.info)
	hreq, err := c.newRequest(ctx, cfg, req)
	if err != nil {
		return err
	}
	// A 2xx body is decoded inside the try, so that a connection that fails
	// (or a try that times out) while the body is read is retried like one
	// that fails before the headers (see tryPolicy.decide).
	var decodeErr error
	decoded := false
	tries.readBody = func(resp *http.Response) error {
		if out == nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil
		}
		var readErr error
		decodeErr, readErr = decodeBody(resp.Body, cfg.maxResponseBytes, out)
		decoded = true
		if readErr != nil {
			return &bodyReadError{err: readErr}
		}
		return nil
	}
	resp, err := c.send(ctx, hreq, tries)
	if cfg.responseInto != nil {
		cfg.responseInto.fill(resp, tries)
	}
	if err != nil {
		return fmt.Errorf("hookscope: %s %s: %w", req.method, req.path, err)
	}
	defer drainAndClose(resp.Body)
	if decoded && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// Decoded by its own try. (An earlier try's body that broke off
		// decides nothing: the final answer may be a 503 after it.)
		return c.finish(req, resp, out, decodeErr)
	}
	return c.decode(cfg, req, resp, out)
}

// newRequest builds the HTTP request of req: the URL with its query, the
// JSON body, and the headers every call carries.
func (c *Client) newRequest(ctx context.Context, cfg *config, req request) (*http.Request, error) {
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
	var body io.Reader
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return nil, fmt.Errorf("hookscope: encoding body of %s %s: %w", req.method, req.path, err)
		}
		body = bytes.NewReader(b)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, endpoint, body)
	if err != nil {
		return nil, fmt.Errorf("hookscope: building %s %s: %w", req.method, req.path, err)
	}
	hreq.Header.Set("Accept", "application/json")
	for _, h := range cfg.headers { // WithHeader refuses the ones set below
		hreq.Header.Set(h.name, h.value)
	}
	hreq.Header.Set("Authorization", "Bearer "+c.apiKey())
	hreq.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if isWrite(req.method) {
		// Sent unchanged on every try, so that the server can recognise a
		// retried write and apply it once: the caller's key, or one of ours.
		key := cfg.idempotencyKey
		if key == "" {
			key = newIdempotencyKey()
		}
		hreq.Header.Set("Idempotency-Key", key)
	}
	return hreq, nil
}

// decode reads the final response: a non-2xx one into an *APIError, a 2xx
// one into out, bounded by WithMaxResponseBytes.
func (c *Client) decode(cfg *config, req request, resp *http.Response, out any) error {
	body := &limitedReader{r: resp.Body, remaining: cfg.maxResponseBytes}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeAPIError(resp, body, c.apiKey.value())
	}
	if out == nil {
		return nil
	}
	return c.finish(req, resp, out, decodeJSON(body, out))
}

// finish completes the decoding of a 2xx answer into out: decodeErr is the
// decoder's error; then out's own check (answer), then its request id.
func (c *Client) finish(req request, resp *http.Response, out any, decodeErr error) error {
	requestID := resp.Header.Get("X-Request-Id")
	if decodeErr != nil {
		return fmt.Errorf("hookscope: %s %s: decoding %d response (request_id %q): %w",
			req.method, req.path, resp.StatusCode, cleanText(requestID, maxErrorIDBytes), decodeErr)
	}
	if err := checkAnswer(out); err != nil {
		return fmt.Errorf("hookscope: %s %s: %d response (request_id %q): %w",
			req.method, req.path, resp.StatusCode, cleanText(requestID, maxErrorIDBytes), err)
	}
	if h, ok := out.(requestIDHolder); ok {
		h.setRequestID(requestID)
	}
	return nil
}

// answer is a decoded 2xx body that can tell whether it holds what its
// endpoint must answer: a JSON object missing it (a webhook without an id,
// a page without data) is not an empty success.
type answer interface {
	check() error
}

// checkAnswer runs out's check, if it has one; its error wraps
// ErrUnexpectedResponse.
func checkAnswer(out any) error {
	a, ok := out.(answer)
	if !ok {
		return nil
	}
	if err := a.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrUnexpectedResponse, err)
	}
	return nil
}

// missing is the error of an answer that lacks a member.
func missing(what string) error {
	return errors.New("the answer has no " + what)
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
