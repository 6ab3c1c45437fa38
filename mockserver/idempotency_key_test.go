package mockserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

const webhooksPath = "/api/v0/webhooks"

// createWebhook creates a webhook named name and returns its id.
func createWebhook(t testing.TB, srv *mockserver.Server, name string, header ...string) string {
	t.Helper()
	r := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody(name), header...)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	return r.json(t)["id"].(string)
}

func webhookBody(name string) string {
	return fmt.Sprintf(`{"name":%q,"url":"https://%s.example"}`, name, name)
}

// liveWebhooks is the number of webhooks the list shows.
func liveWebhooks(t testing.TB, srv *mockserver.Server) int {
	t.Helper()
	return len(get(t, srv, webhooksPath+"?limit=100").json(t)["data"].([]any))
}

func requireErrorCode(t testing.TB, r response, status int, code string) {
	t.Helper()
	require.Equal(t, status, r.status, "%s", r.body)
	got, _, _ := errorOf(t, r)
	require.Equal(t, code, got, "%s", r.body)
}

// A retry with the same key, path and body gets the first answer, status and
// body, and writes nothing again: create, update and delete.
func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(20))
	before := liveWebhooks(t, srv)

	first := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("one"), "Idempotency-Key", "create-1")
	require.Equal(t, http.StatusCreated, first.status)
	again := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("one"), "Idempotency-Key", "create-1")
	assert.Equal(t, http.StatusCreated, again.status)
	assert.Equal(t, string(first.body), string(again.body), "the same body")
	assert.Equal(t, "application/json", again.header.Get("Content-Type"))
	assert.Equal(t, before+1, liveWebhooks(t, srv), "created once")

	id := first.json(t)["id"].(string)
	patch := do(t, srv, http.MethodPatch, webhooksPath+"/"+id, srv.APIKey(), `{"name":"two"}`, "Idempotency-Key", "patch-1")
	require.Equal(t, http.StatusOK, patch.status)
	require.Equal(t, http.StatusOK, do(t, srv, http.MethodPatch, webhooksPath+"/"+id, srv.APIKey(), `{"name":"three"}`).status)
	replay := do(t, srv, http.MethodPatch, webhooksPath+"/"+id, srv.APIKey(), `{"name":"two"}`, "Idempotency-Key", "patch-1")
	assert.Equal(t, string(patch.body), string(replay.body), "the first answer, though the webhook changed since")
	assert.Equal(t, "three", get(t, srv, webhooksPath+"/"+id).json(t)["name"], "the replay wrote nothing")

	del := do(t, srv, http.MethodDelete, webhooksPath+"/"+id, srv.APIKey(), "", "Idempotency-Key", "delete-1")
	require.Equal(t, http.StatusNoContent, del.status)
	del = do(t, srv, http.MethodDelete, webhooksPath+"/"+id, srv.APIKey(), "", "Idempotency-Key", "delete-1")
	assert.Equal(t, http.StatusNoContent, del.status, "a retried delete is 204, not 404")
	assert.Empty(t, del.body)
}

// Before, a key replayed across resources: PATCH of B got A's body and B
// was left untouched; and across bodies.
func TestIdempotencyKeyReusedIs422(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(20))
	a, b := createWebhook(t, srv, "a"), createWebhook(t, srv, "b")
	require.Equal(t, http.StatusOK, do(t, srv, http.MethodPatch, webhooksPath+"/"+a, srv.APIKey(), `{"name":"renamed"}`, "Idempotency-Key", "k").status)

	cases := []struct {
		name, method, path, body string
	}{
		{"another path", http.MethodPatch, webhooksPath + "/" + b, `{"name":"renamed"}`},
		{"another body", http.MethodPatch, webhooksPath + "/" + a, `{"name":"other"}`},
		{"the same body spelled otherwise", http.MethodPatch, webhooksPath + "/" + a, `{"name": "renamed"}`},
	}
	for _, c := range cases {
		r := do(t, srv, c.method, c.path, srv.APIKey(), c.body, "Idempotency-Key", "k")
		requireErrorCode(t, r, http.StatusUnprocessableEntity, "IDEMPOTENCY_KEY_REUSED")
		_, msg, _ := errorOf(t, r)
		assert.Equal(t, "Idempotency-Key was used with a different request", msg, c.name)
	}
	assert.Equal(t, "b", get(t, srv, webhooksPath+"/"+b).json(t)["name"], "B untouched")
	assert.Equal(t, "renamed", get(t, srv, webhooksPath+"/"+a).json(t)["name"], "A keeps the first write")
}

// A key is scoped to the organization and the method.
func TestIdempotencyKeyScope(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(20))
	srv.AddKey(mockserver.Key{Token: "am_test_other", Org: "org_other", Plan: mockserver.PlanPro, Scopes: mockserver.AllScopes()})
	id := createWebhook(t, srv, "mine", "Idempotency-Key", "shared")
	other := do(t, srv, http.MethodPost, webhooksPath, "am_test_other", webhookBody("mine"), "Idempotency-Key", "shared")
	require.Equal(t, http.StatusCreated, other.status, "another organization's key space")
	assert.NotEqual(t, id, other.json(t)["id"])
	r := do(t, srv, http.MethodDelete, webhooksPath+"/"+id, srv.APIKey(), "", "Idempotency-Key", "shared")
	assert.Equal(t, http.StatusNoContent, r.status, "another method's key space")
}

// An answer that is not a 2xx is not kept: the key is free again.
func TestIdempotencyKeyErrorsAreNotKept(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(20))
	bad := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), `{"name":"x","url":"http://insecure.example"}`, "Idempotency-Key", "k")
	requireErrorCode(t, bad, http.StatusBadRequest, "INVALID_REQUEST")
	good := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("fixed"), "Idempotency-Key", "k")
	assert.Equal(t, http.StatusCreated, good.status, "%s", good.body)
	assert.Equal(t, 1, mockserver.IdempotencyKeys(srv))
}

func TestIdempotencyKeyInvalid(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0))
	before := liveWebhooks(t, srv)
	for name, key := range map[string]string{
		"empty":         "",
		"256 chars":     strings.Repeat("k", 256),
		"not ASCII":     "clé",
		"control chars": "a\tb",
	} {
		req := httptest.NewRequest(http.MethodPost, webhooksPath, strings.NewReader(webhookBody("x")))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		req.Header["Idempotency-Key"] = []string{key}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		r := response{rec.Code, rec.Header(), rec.Body.Bytes()}
		requireErrorCode(t, r, http.StatusBadRequest, "INVALID_REQUEST")
		_, msg, _ := errorOf(t, r)
		assert.True(t, strings.HasPrefix(msg, "Idempotency-Key "), "%s: %s", name, msg)
	}
	r := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("x"), "Idempotency-Key", strings.Repeat("k", 255))
	assert.Equal(t, http.StatusCreated, r.status, "255 characters are fine")
	assert.Equal(t, before+1, liveWebhooks(t, srv), "only the valid write created")
}

// The same key while the first request is still being processed: 409.
func TestIdempotencyKeyInUse(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0))
	before := liveWebhooks(t, srv)
	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	mockserver.SetWriteHook(srv, func(r *http.Request) {
		if r.Header.Get("Idempotency-Key") == "slow" {
			once.Do(func() {
				close(holding)
				<-release
			})
		}
	})
	first := make(chan response, 1)
	go func() {
		first <- do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("one"), "Idempotency-Key", "slow")
	}()
	<-holding
	r := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("one"), "Idempotency-Key", "slow")
	requireErrorCode(t, r, http.StatusConflict, "IDEMPOTENCY_KEY_IN_USE")
	close(release)
	f := <-first
	require.Equal(t, http.StatusCreated, f.status)
	again := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("one"), "Idempotency-Key", "slow")
	assert.Equal(t, string(f.body), string(again.body), "replayed once done")
	assert.Equal(t, before+1, liveWebhooks(t, srv))
}

// A key is kept 24 hours by the server's clock, then forgotten: the table
// does not grow with every write forever.
func TestIdempotencyKeyExpires(t *testing.T) {
	t.Parallel()
	clk := mockserver.NewTestClock(fixedNow)
	srv, _ := newServer(t, mockserver.WithMessages(0), mockserver.WithClock(clk.Now))
	first := createWebhook(t, srv, "one", "Idempotency-Key", "k")
	createWebhook(t, srv, "two", "Idempotency-Key", "k2")
	clk.Add(24*time.Hour - time.Millisecond)
	r := do(t, srv, http.MethodPost, webhooksPath, srv.APIKey(), webhookBody("one"), "Idempotency-Key", "k")
	assert.Equal(t, first, r.json(t)["id"], "kept for 24 hours")
	assert.Equal(t, 2, mockserver.IdempotencyKeys(srv))

	clk.Add(time.Millisecond)
	second := createWebhook(t, srv, "one", "Idempotency-Key", "k")
	assert.NotEqual(t, first, second, "forgotten after 24 hours: a new write")
	assert.Equal(t, 1, mockserver.IdempotencyKeys(srv), "expired keys swept")
}

// Concurrent replays read the kept answer without racing: before, each
// replay appended its newline into the one kept answer (go test -race
// failed here). TestWebhookIdempotencyConcurrent covers concurrent first
// requests.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0))
	before := liveWebhooks(t, srv)
	h := srv.Handler()
	serve := func(key, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, webhooksPath, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		req.Header.Set("Idempotency-Key", key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	first := serve("k", webhookBody("one"))
	require.Equal(t, http.StatusCreated, first.Code)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			rec := serve("k", webhookBody("one"))
			assert.Equal(t, http.StatusCreated, rec.Code)
			assert.Equal(t, first.Body.String(), rec.Body.String())
		})
	}
	wg.Wait()
	assert.Equal(t, before+1, liveWebhooks(t, srv))
}
