//go:build windows

package mockcmd_test

import "os"

var sigterm = os.Kill
