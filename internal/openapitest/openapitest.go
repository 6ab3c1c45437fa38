// Package openapitest validates traffic and Go types against the API
// contract in openapi.yaml, for the SDK's and the mockserver's tests.
//
// Load reads and validates the document; Transport is an http.RoundTripper
// that validates every request against it (route, parameters, body, bearer
// auth, no undocumented query parameter) and every answer, whether a real
// server's (Next) or a canned one (Answer); the drift helpers compare a
// schema's property names with a Go type's json or url tags.
package openapitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Load reads the document at path and validates it (examples included).
func Load(path string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("validating %s: %w", path, err)
	}
	return doc, nil
}

// Operation is one operation of a document with where it lives.
type Operation struct {
	Path     string
	Method   string
	PathItem *openapi3.PathItem
	Op       *openapi3.Operation
}

// ID is the operation's operationId.
func (o Operation) ID() string { return o.Op.OperationID }

// Operations lists every operation of doc, by operationId.
func Operations(doc *openapi3.T) []Operation {
	var ops []Operation
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			ops = append(ops, Operation{Path: path, Method: method, PathItem: item, Op: op})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Op.OperationID < ops[j].Op.OperationID })
	return ops
}

// OperationByID finds the operation with operationId id.
func OperationByID(doc *openapi3.T, id string) (Operation, bool) {
	for _, o := range Operations(doc) {
		if o.Op.OperationID == id {
			return o, true
		}
	}
	return Operation{}, false
}

// QueryParams is the names of o's query parameters, path-level ones included.
func (o Operation) QueryParams() []string {
	var names []string
	for _, ref := range append(slices.Clone(o.PathItem.Parameters), o.Op.Parameters...) {
		if ref.Value.In == openapi3.ParameterInQuery {
			names = append(names, ref.Value.Name)
		}
	}
	sort.Strings(names)
	return names
}

// ValidHeaders returns headers that satisfy every header resp declares
// (X-Request-Id, Retry-After, Cache-Control, and any other by its example),
// with a JSON Content-Type when resp has a body.
func ValidHeaders(resp *openapi3.Response) http.Header {
	h := http.Header{}
	if resp.Content != nil {
		h.Set("Content-Type", "application/json")
	}
	for name := range resp.Headers {
		switch name {
		case "X-Request-Id":
			h.Set(name, "req_spec_test")
		case "Retry-After":
			h.Set(name, "30")
		case "Cache-Control":
			h.Set(name, "private, max-age=30")
		default:
			// Another documented header: its example, which the
			// document's own validation checks against its schema.
			v := "x"
			if ref := resp.Headers[name]; ref != nil && ref.Value != nil && ref.Value.Example != nil {
				v = headerExample(ref.Value.Example)
			}
			h.Set(name, v)
		}
	}
	return h
}

// headerExample writes a header's example as it goes on the wire: a number
// without an exponent.
func headerExample(ex any) string {
	if f, ok := ex.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(ex)
}

// ValidateResponse validates an answer of o (status, headers and body)
// against the document; an undocumented status is an error.
func ValidateResponse(doc *openapi3.T, o Operation, status int, header http.Header, body []byte) error {
	req := httptest.NewRequest(o.Method, "/", nil)
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: doc, Server: doc.Servers[0], Path: o.Path, PathItem: o.PathItem, Method: o.Method, Operation: o.Op},
		},
		Status:  status,
		Header:  header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), input)
}

// Transport is an http.RoundTripper that validates each request against the
// document: its route, parameters and body, its bearer key (Key), and that it
// carries no query parameter the operation does not declare. It then gets an
// answer from Next (a real server) or, when Next is nil, from Answer, and
// validates that answer too. Every mismatch is recorded, never returned as a
// transport error, so the client under test sees the answer as it was.
type Transport struct {
	// Key is the bearer token every request must carry.
	Key string
	// Next forwards the request; nil to answer with Answer.
	Next http.RoundTripper
	// Answer builds the response to an operation's request when Next is nil.
	Answer func(o Operation, req *http.Request) (status int, header http.Header, body []byte)

	doc    *openapi3.T
	router routers.Router

	mu       sync.Mutex
	problems []string
	calls    map[string][]*url.URL
}

// NewTransport returns a Transport over doc. Requests are routed by doc's
// servers: add the test server's URL to doc.Servers first.
func NewTransport(doc *openapi3.T, key string) (*Transport, error) {
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &Transport{Key: key, doc: doc, router: router, calls: map[string][]*url.URL{}}, nil
}

// Problems returns every mismatch recorded so far.
func (tr *Transport) Problems() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.problems)
}

// Calls returns the URLs of the requests sent to operationId id.
func (tr *Transport) Calls(id string) []*url.URL {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.calls[id])
}

func (tr *Transport) problemf(format string, args ...any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.problems = append(tr.problems, fmt.Sprintf(format, args...))
}

func (tr *Transport) authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "bearerAuth" {
		return in.NewError(fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName))
	}
	if got := in.RequestValidationInput.Request.Header.Get("Authorization"); got != "Bearer "+tr.Key {
		return in.NewError(fmt.Errorf("the Authorization header is %q, want the bearer key", redactAuth(got)))
	}
	return nil
}

func redactAuth(v string) string {
	if len(v) > 12 {
		return v[:12] + "…"
	}
	return v
}

// RoundTrip validates req, answers it, and validates the answer.
func (tr *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	what := req.Method + " " + req.URL.String()

	// Validate a copy with its own body: a RoundTripper must not change the
	// request, and Next still has to read the body.
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
	}
	clone := req.Clone(ctx)
	clone.Body = io.NopCloser(bytes.NewReader(reqBody))

	route, pathParams, err := tr.router.FindRoute(clone)
	if err != nil {
		tr.problemf("%s: no operation: %v", what, err)
		return response(req, http.StatusNotFound, nil, nil), nil
	}
	o := Operation{Path: route.Path, Method: route.Method, PathItem: route.PathItem, Op: route.Operation}
	tr.mu.Lock()
	tr.calls[o.ID()] = append(tr.calls[o.ID()], req.URL)
	tr.mu.Unlock()

	declared := o.QueryParams()
	for name := range clone.URL.Query() {
		if !slices.Contains(declared, name) {
			tr.problemf("%s (%s): undocumented query parameter %q", what, o.ID(), name)
		}
	}
	reqInput := &openapi3filter.RequestValidationInput{
		Request:    clone,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:                        true,
			AuthenticationFunc:                tr.authenticate,
			SkipSettingDefaults:               true,
			RejectWhenRequestBodyNotSpecified: true,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, reqInput); err != nil {
		tr.problemf("%s (%s): request: %v", what, o.ID(), err)
	}

	var (
		status int
		header http.Header
		body   []byte
	)
	if tr.Next != nil {
		fwd := req.Clone(ctx)
		fwd.Body = io.NopCloser(bytes.NewReader(reqBody))
		resp, err := tr.Next.RoundTrip(fwd)
		if err != nil {
			return nil, err
		}
		body, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		status, header = resp.StatusCode, resp.Header
	} else {
		if tr.Answer == nil {
			return nil, errors.New("openapitest: Transport has neither Next nor Answer")
		}
		status, header, body = tr.Answer(o, req)
	}
	if err := ValidateResponse(tr.doc, o, status, header, body); err != nil {
		tr.problemf("%s (%s): %d answer: %v", what, o.ID(), status, err)
	}
	return response(req, status, header, body), nil
}

func response(req *http.Request, status int, header http.Header, body []byte) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// TagNames returns the wire names of struct type t's fields under the tag
// key ("json" or "url"): the tag's name, else the field's name. Fields
// tagged "-" and unexported fields are skipped; embedded structs without a
// name are flattened.
func TagNames(t reflect.Type, key string) []string {
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get(key)
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			names = append(names, TagNames(f.Type, key)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// SchemaPropertyNames returns the property names of s and of its allOf
// branches.
func SchemaPropertyNames(s *openapi3.Schema) []string {
	seen := map[string]bool{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		for name := range s.Properties {
			seen[name] = true
		}
		for _, branch := range s.AllOf {
			walk(branch.Value)
		}
	}
	walk(s)
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// DiffNames returns the names only the schema has (the Go type lacks them)
// and the names only the Go type has (the schema lacks them).
func DiffNames(schemaNames, goNames []string) (missingInGo, missingInSchema []string) {
	for _, n := range schemaNames {
		if !slices.Contains(goNames, n) {
			missingInGo = append(missingInGo, n)
		}
	}
	for _, n := range goNames {
		if !slices.Contains(schemaNames, n) {
			missingInSchema = append(missingInSchema, n)
		}
	}
	return missingInGo, missingInSchema
}

// DriftReport is "" when the two name lists agree, else a line for each
// direction that differs, prefixed with what.
func DriftReport(what string, schemaNames, goNames []string) string {
	missingInGo, missingInSchema := DiffNames(schemaNames, goNames)
	var b strings.Builder
	if len(missingInGo) > 0 {
		fmt.Fprintf(&b, "%s: properties the Go type lacks: %v\n", what, missingInGo)
	}
	if len(missingInSchema) > 0 {
		fmt.Fprintf(&b, "%s: Go fields the schema lacks: %v\n", what, missingInSchema)
	}
	return b.String()
}
