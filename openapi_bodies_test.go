package hookscope_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/internal/openapitest"
)

// openapiEventTypes returns a JSON array of n distinct event types.
func openapiEventTypes(n int) string {
	types := make([]string, n)
	for i := range types {
		types[i] = strconv.Quote("order.e" + strconv.Itoa(i))
	}
	return "[" + strings.Join(types, ",") + "]"
}

// TestOpenAPIWriteBodies checks the request bodies of the webhook writes as
// the contract states them: strict (an unknown field is refused), create
// takes name, url and optionally event_types (at most 100 non-empty strings)
// and isActive (default true); update takes any non-empty subset of name,
// url, isActive and event_types.
func TestOpenAPIWriteBodies(t *testing.T) {
	t.Parallel()
	doc, err := openapitest.Load("openapi.yaml")
	require.NoError(t, err)

	cases := []struct {
		schema string
		body   string
		valid  bool
	}{
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h"}`, true},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","event_types":["order.created"],"isActive":false}`, true},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","event_types":` + openapiEventTypes(100) + `}`, true},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","event_types":` + openapiEventTypes(101) + `}`, false},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","event_types":["order.created",""]}`, false},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","event_types":"order.created"}`, false},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","isActive":"yes"}`, false},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","active":true}`, false},
		{"WebhookCreateRequest", `{"name":"n","url":"https://a.example/h","kind":"number"}`, false},
		{"WebhookCreateRequest", `{"name":"n"}`, false},
		{"WebhookCreateRequest", `{"name":"n","url":"http://a.example/h"}`, false},
		{"WebhookUpdateRequest", `{"name":"n"}`, true},
		{"WebhookUpdateRequest", `{"isActive":false}`, true},
		{"WebhookUpdateRequest", `{"event_types":["order.created"],"url":"https://a.example/v2"}`, true},
		{"WebhookUpdateRequest", `{}`, false},
		{"WebhookUpdateRequest", `{"active":false}`, false},
		{"WebhookUpdateRequest", `{"event_types":[""]}`, false},
		{"WebhookUpdateRequest", `{"event_types":` + openapiEventTypes(101) + `}`, false},
		{"WebhookUpdateRequest", `{"signing_secret":"whsec_x"}`, false},
	}
	for _, c := range cases {
		ref := doc.Components.Schemas[c.schema]
		require.NotNil(t, ref, c.schema)
		var v any
		require.NoError(t, json.Unmarshal([]byte(c.body), &v))
		err := ref.Value.VisitJSON(v)
		if c.valid {
			assert.NoError(t, err, "%s %s", c.schema, c.body)
		} else {
			assert.Error(t, err, "%s %s", c.schema, c.body)
		}
	}

	isActive := doc.Components.Schemas["WebhookCreateRequest"].Value.Properties["isActive"]
	require.NotNil(t, isActive, "create takes isActive")
	assert.Equal(t, true, isActive.Value.Default, "a new webhook is active unless the body says otherwise")
}
