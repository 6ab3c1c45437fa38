// Package hookscope is a client for the hookscope webhook-delivery
// observability API: time-bucketed delivery metrics, delivery logs,
// per-attempt timing, webhook configuration and health, and analytics.
//
// Create one Client and share it; every endpoint is a method of one of its
// services:
//
//	c, err := hookscope.NewClient(os.Getenv("HOOKSCOPE_API_KEY"))
//	page, err := c.Logs.List(ctx, &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent})
//
// Lists are read in a plain for-range loop. The iterators send nothing until
// the loop starts, follow the server's cursors, and stop at the first error:
//
//	for entry, err := range c.Logs.All(ctx, &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(entry.MessageID, entry.LastError)
//	}
//
// Errors from the API are *APIError values; match them with errors.Is against
// the sentinels (ErrNotFound, ErrGranularityNotAvailable, ErrRateLimited, …)
// or read them with errors.As. Parameters the SDK can check are checked before
// any request is sent, and fail with a *ParamError that names the parameter.
//
// Package mockserver serves the same API from an in-memory data model, for
// tests that need no network.
package hookscope
