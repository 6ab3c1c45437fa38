//go:build !unix

package peers_test

// processCPU reports that this platform's CPU time is not measured.
func processCPU() (int64, bool) { return 0, false }
