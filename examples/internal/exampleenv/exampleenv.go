// Package exampleenv connects the examples either to the hookscope API or to
// an in-process mock server: with HOOKSCOPE_API_KEY set, to the API at
// HOOKSCOPE_BASE_URL (default hookscope.DefaultBaseURL); without it, to a
// mockserver with a fixed seed, so that every example runs on a fresh clone.
package exampleenv

import (
	"cmp"
	"os"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// MockSeed is the seed of the in-process mock, so that its data is the same
// on every run.
const MockSeed = 42

// Env is where an example's requests go.
type Env struct {
	// Client is the SDK client to use.
	Client *hookscope.Client
	// Mock is the in-process mock server; nil against the API.
	Mock *mockserver.Server
	// Source says where the requests go, for the example's first line.
	Source string
}

// Connect returns the API's Env when HOOKSCOPE_API_KEY is set, else an
// in-process mock's with mockMessages generated messages. Close the Env
// when done.
func Connect(mockMessages int) (*Env, error) {
	if key := os.Getenv("HOOKSCOPE_API_KEY"); key != "" {
		base := cmp.Or(os.Getenv("HOOKSCOPE_BASE_URL"), hookscope.DefaultBaseURL)
		c, err := hookscope.NewClient(key, hookscope.WithBaseURL(base))
		if err != nil {
			return nil, err
		}
		return &Env{Client: c, Source: base}, nil
	}
	srv := mockserver.New(mockserver.WithSeed(MockSeed), mockserver.WithMessages(mockMessages))
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &Env{Client: c, Mock: srv, Source: "an in-process mock (HOOKSCOPE_API_KEY is unset)"}, nil
}

// Close stops the in-process mock, if there is one. It may be called more
// than once.
func (e *Env) Close() {
	if e != nil && e.Mock != nil {
		e.Mock.Close()
	}
}
