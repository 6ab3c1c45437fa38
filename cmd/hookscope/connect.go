package main

import (
	"cmp"
	"fmt"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// session is a connected client and, against the embedded mock, the mock.
type session struct {
	c *hookscope.Client
	// mock is the embedded mock server; nil against the API.
	mock *mockserver.Server
	// now is the command's current time (see app.now).
	now time.Time
}

// Close stops the embedded mock, if any.
func (s *session) Close() {
	if s.mock != nil {
		s.mock.Close()
	}
}

// connect builds the client from the flags and the environment: the API
// with a key, else an embedded mock (announced on stderr).
func (a *app) connect() (*session, error) {
	now, err := a.now()
	if err != nil {
		return nil, err
	}
	key := cmp.Or(a.g.apiKey, a.sys.Getenv("HOOKSCOPE_API_KEY"))
	baseURL := cmp.Or(a.g.baseURL, a.sys.Getenv("HOOKSCOPE_BASE_URL"))
	ua := hookscope.WithUserAgent("hookscope-cli/" + cliVersion)

	if key != "" && !a.g.mock {
		c, err := hookscope.NewClient(key, hookscope.WithBaseURL(cmp.Or(baseURL, hookscope.DefaultBaseURL)), ua)
		if err != nil {
			// NewClient's errors name the base URL or the key's shape, never
			// the key itself.
			return nil, usagef("invalid --base-url or --api-key: %v", err)
		}
		return &session{c: c, now: now}, nil
	}
	if baseURL != "" && !a.g.mock {
		return nil, usagef("--base-url (or HOOKSCOPE_BASE_URL) is set but no API key: give --api-key or set HOOKSCOPE_API_KEY")
	}

	srv, owned := a.sys.mock, false
	if srv == nil {
		opts := []mockserver.Option{mockserver.WithSeed(a.g.seed)}
		if a.sys.Getenv("HOOKSCOPE_MOCK_NOW") != "" {
			opts = append(opts, mockserver.WithClock(func() time.Time { return now }))
		}
		srv, owned = mockserver.New(opts...), true
	}
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()), ua)
	if err != nil {
		if owned {
			srv.Close()
		}
		return nil, fmt.Errorf("embedded mock: %w", err)
	}
	why := "no API key (--api-key or HOOKSCOPE_API_KEY)"
	if a.g.mock {
		why = "--mock"
	}
	fmt.Fprintf(a.sys.Stderr, "hookscope: %s: using an embedded mock server with generated data (seed %d)\n", why, a.g.seed)
	s := &session{c: c, now: now}
	if owned {
		s.mock = srv
	}
	return s, nil
}
