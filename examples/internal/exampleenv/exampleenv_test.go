package exampleenv_test

import (
	"context"
	"strings"
	"testing"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/examples/internal/exampleenv"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestConnect checks both ways an example finds its API: an in-process mock
// without HOOKSCOPE_API_KEY, HOOKSCOPE_BASE_URL with it.
func TestConnect(t *testing.T) {
	t.Run("mock without a key", func(t *testing.T) {
		t.Setenv("HOOKSCOPE_API_KEY", "")
		env, err := exampleenv.Connect(50)
		if err != nil {
			t.Fatal(err)
		}
		defer env.Close()
		c, source := env.Client, env.Source
		if !strings.Contains(source, "in-process mock") {
			t.Errorf("source %q", source)
		}
		if env.Mock == nil || len(env.Mock.OutboundMessageIDs()) != 50 {
			t.Errorf("the mock is not the Env's, or does not hold the 50 messages asked for")
		}
		if _, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 1}); err != nil {
			t.Errorf("the mock does not answer: %v", err)
		}
	})
	t.Run("HOOKSCOPE_BASE_URL with a key", func(t *testing.T) {
		srv := mockserver.New(mockserver.WithMessages(10))
		defer srv.Close()
		t.Setenv("HOOKSCOPE_API_KEY", srv.APIKey())
		t.Setenv("HOOKSCOPE_BASE_URL", srv.URL())
		env, err := exampleenv.Connect(50)
		if err != nil {
			t.Fatal(err)
		}
		defer env.Close()
		c, source := env.Client, env.Source
		if env.Mock != nil {
			t.Error("an in-process mock was started although HOOKSCOPE_API_KEY is set")
		}
		if source != srv.URL() {
			t.Errorf("source %q, want %s", source, srv.URL())
		}
		if _, err := c.Logs.List(context.Background(), nil); err != nil {
			t.Errorf("the server at HOOKSCOPE_BASE_URL does not answer: %v", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%d requests reached HOOKSCOPE_BASE_URL, want 1", n)
		}
	})
}
