// Package mockserver serves the hookscope API (see the SDK, package
// hookscope) from an in-memory data model, so that tests of code that uses
// the SDK run without a network and without canned JSON.
//
// The mock owns its wire format: it writes its answers from structs of its
// own, not from the SDK's types, so that a mistake in the SDK cannot hide
// behind the same mistake in the mock. Its oracle is the module's OpenAPI
// document, openapi.yaml: the module's tests validate every kind of answer
// the mock gives (each endpoint, its errors, its pages) against it. The SDK's
// enums, error codes and limits are shared: they are the contract.
//
//	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(5000),
//		mockserver.WithClock(func() time.Time { return fixedNow }))
//	defer srv.Close()
//	c, _ := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
//
// # Data
//
// One store holds organizations, API keys (token → organization, plan,
// scopes), webhook endpoints, outbound messages, inbound messages and their
// attempts. New generates the default organization's history from the seed
// (DefaultSeed) and the clock: exactly WithMessages(n) outbound messages
// (DefaultMessages) over the 7 days before the clock, on eight endpoints of
// both kinds (healthy, flaky, slow, dead, paused, number feeds), retried on a
// backoff schedule (retries 1-3 "fast" after 5 s, 30 s, 2 min; then "slow"
// after 15 min, 1 h, 4 h, 8 h; 8 attempts at most), with 2xx, 4xx, 5xx and
// network errors (DNS, refused connections, TLS, timeouts). The three newest
// messages are pending_retry, delivering and queued. About one inbound
// message per ten outbound ones is generated, one of them with
// BigInboundAttempts attempts. The same seed and clock always give the same
// records, ids and response bytes (request ids are derived from the seed
// and the request's sequence number), whatever the number of cores: the
// history is drawn in chunks of 16,384 messages, each from a random stream
// of its own over its own slice of the 7 days, in parallel on every core.
//
// Memory: a message and its attempts are held in compact records (56 bytes
// per message, 72 per attempt, no pointers), about 230 bytes per message in
// all at a million messages, indexes and aggregates included; a history of
// the default size takes about 1 ms and 0.6 MB to generate, and Servers
// with the same seed, size and clock share one.
//
// Runtime changes: webhook CRUD through the API, AddKey for more keys and
// organizations, AddMessage for more messages. SetClock and AdvanceClock
// move the server's "now" (meta.as_of, the default metrics window, the
// analytics day); moving it forward makes the retries that fall due, with
// the generator's outcome model. Reset goes back to the generated state;
// Snapshot and Restore save and load the whole state as one versioned JSON
// document (SnapshotFormat).
//
// # Figures
//
// Every figure is computed from the records, with these definitions:
//
//   - An attempt is successful when its response_status is 2xx, failed
//     otherwise (another status, or a network error without a status). A
//     message stops at its first successful attempt, so a succeeded message
//     has exactly one successful attempt and any other message has none.
//   - /v1/metrics/webhooks: delivered counts successful attempts, failed
//     counts failed attempts, retried counts attempts with attempt_no > 1,
//     each in the bucket of the attempt's created_at. group_by kind and
//     endpoint_id use the message's endpoint; http_status_class the attempt's
//     status class. The counts come from rollups per minute, hour and UTC
//     day (built from the records on the first read that needs them, then
//     kept on insert): a query reads whole days and hours from the coarser
//     ones, partial spans from the minutes, and the seconds at a window's
//     edges from the records of those minutes.
//   - /v1/metrics/messages: messages.inbound.received counts inbound messages
//     at created_at, messages.outbound.sent outbound messages at created_at
//     (class: of the last attempt; messages without an attempt are in no
//     http_status_class group), messages.outbound.delivered succeeded
//     messages at their successful attempt, messages.outbound.failed
//     failed_permanent messages at their last attempt.
//   - Windows: a bucket counts the events of the part of its span inside
//     [from, to) (the first and the last bucket may be partial), and of a
//     bucket that contains the watermark (meta.as_of, the clock's now) only
//     the events up to it. compare_to=prior_period: each bucket's prior_value
//     counts the same span shifted back by the window's length (to − from),
//     a partial bucket the same partial span; prior_from and prior_to are
//     from and to shifted by it.
//   - /v1/logs last_error: the error of the latest failed attempt of a
//     message that has not succeeded; absent on a succeeded message.
//   - delivery_stats of an endpoint: total_events = its outbound messages (=
//     its /v1/logs rows); successful_deliveries = its succeeded messages (=
//     its successful attempts = Σ delivered buckets); failed_deliveries = its
//     failed attempts (= Σ failed buckets); success_rate =
//     successful_deliveries / total_events × 100 rounded to 2 decimals (0
//     when total_events is 0); average_response_time = the mean
//     response_latency_ms of its attempts that have one (those that got a
//     response), 2 decimals; last_delivery = its newest attempt's created_at;
//     last_24h_events = its messages created in (now-24h, now];
//     last_24h_failures = its failed attempts made in (now-24h, now].
//   - recent_events: its newest messages; delivery_status delivered
//     (succeeded), failed (failed_permanent) or pending (any other status);
//     response_code, response_time, error_message and delivered_at from the
//     last attempt; retry_count = attempts − 1.
//   - /analytics/webhooks: a delivery is an outbound message. The day is the
//     current UTC day up to now: total = its messages = success (succeeded) +
//     failed (failed_permanent) + pending (queued, delivering,
//     pending_retry); retry_rate_pct = messages with more than one attempt /
//     total × 100; delay_ms of a message = its first attempt's created_at −
//     its created_at (messages without an attempt have none);
//     avg_delay_ms and latency (min, max, mean, nearest-rank p50/p90/p95/p99)
//     are over the day's delays. top_events counts the day's messages by
//     event type, top_failed_urls the day's failed_permanent messages by
//     endpoint URL (at most 5 each, count descending, then name).
//     hourly_metrics counts messages created in each of the 24 hours up to
//     the current one; last_events are the 10 newest messages created up to
//     now; total counts live webhooks and their subscribed event types.
//
// # Cost
//
// A request's cost does not grow with the number of messages. /v1/logs
// pages are binary searches in (created_at, id)-sorted indexes, one per
// filter combination, and each row's JSON is encoded the first time it is
// served and kept with its message (reused while its endpoint's URL is
// unchanged); metrics read the rollups; delivery_stats come from running
// aggregates per endpoint and binary searches in its time-ordered messages
// and failed attempts, recent_events from its newest-first index (each
// event's JSON kept like a row's); analytics reads aggregates of each UTC
// day kept on insert (counts, event types, failed messages per endpoint,
// and an exact histogram of delay_ms: its distinct values with their
// counts, so the percentiles above are exact without sorting the day), less
// the day's messages dated after the clock, which only AddMessage makes and
// which are walked one by one.
//
// # Behaviour
//
// Every response has an X-Request-Id equal to its envelope's request id.
// Keys are sent as "Authorization: Bearer <key>", the scheme word in any
// case; /analytics/webhooks also takes the bare "Authorization: <key>". A
// missing or unknown key is a 401 UNAUTHORIZED saying "Invalid or missing API
// key" (logs, attempts, inbound messages) or "authentication failed"
// (metrics, webhooks, analytics); every server fault says "An internal error
// occurred".
// Bad input of any kind is a 400 INVALID_REQUEST whose message starts with
// the parameter's name; a panic in a handler is a 500 INTERNAL_ERROR in the
// endpoint's envelope. Unknown paths are 404 NOT_FOUND, known paths with
// another method 405 METHOD_NOT_ALLOWED. Cursors are base64url, signed with
// a key derived from the seed, and bound to their endpoint and filters.
// Presigned response-body URLs are served by the mock itself under
// /_mock/response-bodies/ and expire BodyURLValidity after they were made,
// by the server's clock.
//
// Writes (create, update, delete of webhooks) honour an Idempotency-Key of
// 1 to 255 printable ASCII characters, scoped to the organization and the
// method: the first 2xx answer is kept 24 hours by the server's clock and
// replayed, status and body, for the same key, path and body, and nothing is
// written again; the same key with another path or body is 422
// IDEMPOTENCY_KEY_REUSED, and while the first request is still being
// processed, 409 IDEMPOTENCY_KEY_IN_USE. An answer that is not a 2xx is not
// kept. The server keeps a hash of each request, not the request, and at
// most 10,000 keys or 32 MiB of answers: past either, the oldest keys are
// forgotten first.
//
// A request refused whatever its body says (no such path or method, no or a
// bad key, a missing scope, an exhausted rate budget) is answered before its
// body is read, unless a fault is pending on its path (faults come first).
// Request bodies are at most 1 MiB: a larger declared length is a 400 before
// any of the body is read (a client that sent "Expect: 100-continue" gets it
// instead of "100 Continue"). A body of unknown length (chunked) cannot be
// judged before it is sent: it is read up to the limit and no further, and
// past it the answer is the 400 and the connection closes, the rest of the
// body unread. Connections have time limits (Timeouts:
// 10 s for the headers, 1 minute for the whole request, 2 minutes idle), so
// that a stalled client cannot hold one forever.
//
// InjectFault makes paths fail, answer late or drop the connection;
// Requests lists what reached the server: the last 10,000 requests, the
// Authorization token redacted, each cut to at most 8 KiB of path, query and
// header (values to 1 KiB), so that the journal's memory is bounded in bytes.
// WithRateLimits switches on per-key rate limits by plan.
//
// # Admin API
//
// Everything above has an HTTP twin under /_mock/ (AdminPrefix), so that a
// client in any language can drive the mock (cmd/hookscope-mock serves it):
// GET /_mock/health (no token); GET/POST /_mock/keys, DELETE
// /_mock/keys/{token}; GET/POST /_mock/messages; GET/POST/DELETE
// /_mock/faults; GET/DELETE /_mock/requests; GET/PUT /_mock/clock, POST
// /_mock/clock/advance; GET/PUT /_mock/rate-limits; POST /_mock/reset;
// GET/PUT /_mock/snapshot. It takes the admin token (AdminToken,
// WithAdminToken), never an API key, and the admin token never opens the
// API. Its handlers call the exported methods (Keys, AddKey, RemoveKey,
// Messages, AddMessage, Faults, InjectFault, ClearFaults, Requests,
// ClearRequests, Now, SetClock, AdvanceClock, SetRateLimits, Reset,
// Snapshot, Restore): one implementation. Bodies are strict JSON; bad input
// is a 400 INVALID_REQUEST whose error.field names the field. Its OpenAPI
// document is admin.openapi.yaml, beside this package's source. Admin
// requests are not journaled and meet no fault and no rate limit.
package mockserver
