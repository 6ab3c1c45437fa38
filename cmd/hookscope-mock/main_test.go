package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "3", "-messages", "50", "-clock", "2026-05-06T15:04:05Z"}, pw)
		_ = pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var base, key string
	for lines.Scan() && (base == "" || key == "") {
		line := lines.Text()
		if u, ok := strings.CutPrefix(line, "hookscope mock listening on "); ok {
			base = u
		}
		if k, ok := strings.CutPrefix(line, "API key: "); ok {
			key = k
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" || key == "" {
		t.Fatalf("no URL or key printed")
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/logs?limit=2", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-clock", "tomorrow"}, {"-messages", "many"}, {"-addr", "256.0.0.1:99999"}} {
		if err := run(context.Background(), args, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
