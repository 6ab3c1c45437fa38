// Command hookscope-mock serves the hookscope API from mockserver's
// in-memory data model, with an admin API under /_mock/, for trying the SDK
// or a client in any language by hand or from tests.
//
//	go run github.com/hookscope/hookscope-go/cmd/hookscope-mock@latest -addr 127.0.0.1:8080
//
// Run it with -h for its flags. It prints the base URL, the API key of the
// default organization (plan pro, every scope) and the admin token. On
// SIGINT or SIGTERM it drains the requests in progress (up to
// -shutdown-timeout), writes -state when given, and exits 0; bad flags exit
// 2, a server that cannot start, serve or save exits 1.
package main

import (
	"context"
	"os"

	"github.com/hookscope/hookscope-go/mockserver/mockcmd"
)

func main() {
	os.Exit(mockcmd.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
