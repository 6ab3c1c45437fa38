package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// "hookscope mock" runs the hookscope-mock command's code: its flags, its
// exit codes, its server.
func TestMockCommand(t *testing.T) {
	t.Parallel()
	var out, errOut syncBuffer
	code := run(context.Background(), []string{"mock", "-h"}, &system{Stdout: &out, Stderr: &errOut})
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out.String(), "Usage: hookscope-mock [flags]")
	assert.Contains(t, out.String(), "-admin-token")

	out, errOut = syncBuffer{}, syncBuffer{}
	code = run(context.Background(), []string{"mock", "-messages", "-1"}, &system{Stdout: &out, Stderr: &errOut})
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut.String(), "-messages must not be negative")

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"mock", "-addr", "127.0.0.1:0", "-messages", "30", "-admin-token", "adm_cli", "-log", "off"},
			&system{Stdout: pw, Stderr: &errOut})
		_ = pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var base string
	for base == "" && lines.Scan() {
		base, _ = strings.CutPrefix(lines.Text(), "hookscope mock listening on ")
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	require.NotEmpty(t, base, "stderr: %s", errOut.String())
	req, _ := http.NewRequest(http.MethodGet, base+"/_mock/clock", nil)
	req.Header.Set("Authorization", "Bearer adm_cli")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	cancel()
	assert.Equal(t, exitOK, <-done)
}
