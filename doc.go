// Package hookscope is a client for the hookscope webhook-delivery
// observability API: time-bucketed delivery metrics, delivery logs,
// per-attempt timing, webhook configuration and health, and analytics.
//
// The API's contract is openapi.yaml at the root of the module; package
// mockserver serves the same API from an in-memory data model, for tests
// that need no network.
//
// # Client
//
// Create one Client and share it: it is safe for concurrent use. The key is
// sent as "Authorization: Bearer <key>" and never appears in the client's
// formatted value, its log records or its errors.
//
//	c, err := hookscope.NewClient(os.Getenv("HOOKSCOPE_API_KEY"),
//		hookscope.WithMaxRetries(3),            // retries of idempotent requests (the default)
//		hookscope.WithUserAgent("billing/2.3"), // appended to the SDK's own
//		hookscope.WithLogger(slog.Default()),   // one debug record per try
//	)
//
// WithBaseURL points the client elsewhere (DefaultBaseURL by default; a path
// prefix is kept); plain http is refused except to a loopback host, unless
// WithInsecureHTTP is given.
//
// # Services
//
// Every endpoint is a method of one of the client's services, and every
// method's doc comment names its endpoint and the scope it needs:
//
//   - c.Metrics: GET /v1/metrics/webhooks and /v1/metrics/messages, counts in
//     minute, hour or day buckets, grouped by endpoint, kind or HTTP status
//     class, optionally with the prior period beside each bucket
//     (ComparePriorPeriod). Scope metrics:read.
//   - c.Logs: GET /v1/logs, one row per outbound message, newest first,
//     filtered by endpoint, status and time. Scope logs:read.
//   - c.Attempts: the delivery attempts of an inbound or outbound message,
//     with their timing breakdown (dns, tcp, tls, ttfb, transfer). Scope
//     messages:read.
//   - c.Webhooks: webhook endpoints with their delivery stats and recent
//     events; create, update and delete them. Webhook.Health classifies one
//     by the API's diagnostic thresholds. Scopes webhook:read, webhook:write.
//   - c.Analytics: the current UTC day's delivery figures and latency
//     percentiles. Scope analytics:read.
//
// # Iterators, checkpoints and resuming
//
// Lists are read in a plain for-range loop. Every list has a row iterator
// and a page iterator (Logs.All and Logs.Pages, Metrics.WebhookBuckets and
// Metrics.WebhookPages, Metrics.MessageBuckets and Metrics.MessagePages,
// Webhooks.All and Webhooks.Pages); Attempts.AllInbound and
// Attempts.AllOutbound read the attempts of a message. They send nothing
// until the loop starts, hold one page at a time, follow the server's
// cursors, stop at the first error, and start over when ranged again:
//
//	for entry, err := range c.Logs.All(ctx, &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(entry.MessageID, entry.LastError)
//	}
//
// The page iterators give each page's Meta.NextCursor. A long export saves it
// after each page and, after an interruption, resumes by passing it back as
// the params' Cursor with the same filters: cursors are keyset-based, so no
// row is skipped or repeated, even while new rows arrive. A server whose
// cursors loop stops the loop with ErrRepeatedCursor (a loop of up to 32
// pages before any page comes twice; a longer one once it has gone round,
// within about twice the pages walked), in memory that does not grow with
// the walk, however long; the attempts
// endpoints, which return at most 200 attempts and no cursor, end it with
// ErrIncompletePage when more exist.
//
// # Errors
//
// Errors from the API are *APIError values carrying the HTTP status, the
// code, the message and the request id (to quote to support), whichever of
// the API's four error envelopes the endpoint uses. Match them with errors.Is
// against the sentinels (ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrInvalidRequest, ErrTooManyBuckets, ErrGranularityNotAvailable,
// ErrRateLimited, ErrServer) and read them with errors.AsType or errors.As:
//
//	_, err := c.Metrics.Webhooks(ctx, params)
//	if apiErr, ok := errors.AsType[*hookscope.APIError](err); ok && errors.Is(err, hookscope.ErrGranularityNotAvailable) {
//		params.Granularity = apiErr.MaxGranularity()
//	}
//
// Parameters the SDK can check (ranges, enumerations, id formats, an end
// before a start) fail before any request is sent, with a *ParamError that
// names the parameter; it matches ErrInvalidRequest too.
//
// # Plan gates and limits
//
// The key's plan tier gates the finest metrics granularity (free: day,
// starter: hour, pro and enterprise: minute; a finer one is
// ErrGranularityNotAvailable, and APIError.MaxGranularity says what the plan
// allows) and whether attempts carry ResponseBodyURL (starter and above). A
// metrics window may hold at most MetricsMaxBuckets bucket rows (buckets ×
// groups; more is ErrTooManyBuckets). Page sizes: LogsMaxLimit,
// MetricsMaxLimit, WebhooksMaxLimit; AttemptsMaxPerList attempts per message.
//
// Requests are retried on connection errors and the statuses 429, 500, 502,
// 503 and 504, with exponential backoff and full jitter, honouring
// Retry-After up to WithMaxRetryAfter; a longer Retry-After returns the
// error at once with APIError.RetryAfter set. Writes carry an
// Idempotency-Key, so they are retried safely too. A GET whose connection
// fails while its body is read is retried the same way. No wait outlives the
// context.
//
// Redirects are followed only within the base URL's origin (scheme, host and
// port), the only place the API key is sent; a write is never turned into a
// GET by a 301, 302 or 303. Anything else is refused with ErrRedirectRefused.
//
// # Options per call
//
// Every service method takes options last; they apply over the client's for
// that call only: WithMaxRetries, WithRetryWait, WithMaxRetryAfter,
// WithTimeout, WithLogger, WithMaxResponseBytes, WithHeader, WithMiddleware and
// WithRateLimiter work at both levels, WithIdempotencyKey and WithResponseInto
// on a call only, and an option given where it does not apply is an error
// that names it.
//
// # Production checklist
//
//   - Timeouts: pass each call a context with a deadline; it bounds the call,
//     retries and waits included. WithTimeout (default 30 s) bounds each try.
//   - Retries: connection errors, 429 and 5xx are retried up to WithMaxRetries
//     (default 3) with jittered backoff; a Retry-After longer than
//     WithMaxRetryAfter (default 30 s) returns the error at once with
//     APIError.RetryAfter, for you to schedule.
//   - Idempotency keys: writes are retried safely with a key the SDK makes per
//     call; a write that a new process may repeat (after a crash or a
//     redeploy) needs a key of yours, WithIdempotencyKey, derived from what
//     the write is for.
//   - Rate limits: after a 429 the whole client pauses until its Retry-After,
//     so a burst of goroutines meets one 429, not one each. To stay under the
//     plan's budget instead, share a limiter with WithRateLimiter;
//     Response.RateLimit and APIError.RateLimit show what is left.
//   - Tracing: WithMiddleware(otelhookscope.Middleware()) makes a client span
//     per try, named by route template, and the http.client.request.duration
//     histogram; give WithResponseInto's RequestID to support.
//   - Verifying deliveries: check every delivery your endpoint receives with
//     package webhook (webhook.Verify, or webhook.Handler around your handler)
//     before trusting its body.
//
// # Testing with mockserver
//
// Package mockserver serves the whole API in process, computed from one
// generated history, so that the same seed and clock always give the same
// answers:
//
//	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(1500),
//		mockserver.WithClock(func() time.Time { return fixedNow }))
//	defer srv.Close()
//	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
//
// Server.AddKey adds keys of other plans, scopes and organizations;
// Server.InjectFault makes a path answer 429 or 5xx, answer late or drop the
// connection, to test your own retry and timeout handling; Server.Requests
// shows what reached the server.
package hookscope
