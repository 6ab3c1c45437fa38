//go:build !windows

package mockcmd_test

import "syscall"

var sigterm = syscall.SIGTERM
