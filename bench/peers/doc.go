// Package peers holds clients of the hookscope API generated from
// openapi.yaml by two common Go generators, ogen (ogenclient) and
// oapi-codegen (oapiclient), with tests that decode the mock's live answers
// through them and benchmarks that set them beside the SDK.
//
// It is a module of its own so that the SDK's go.mod never gains the
// generators or their runtimes. The generated code is committed; regenerate
// it with `go generate .` in this directory (the versions are the tool directives of go.mod) and
// TestGeneratedCodeIsCurrent fails when it is out of date with openapi.yaml.
package peers

//go:generate go tool ogen -config ogen.yml -target ogenclient -package ogenclient -clean ../../openapi.yaml
//go:generate go tool oapi-codegen -generate types,client -package oapiclient -o oapiclient/client.gen.go ../../openapi.yaml
