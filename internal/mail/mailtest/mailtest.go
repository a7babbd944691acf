// Package mailtest runs a real SMTP server (Debian's python3-aiosmtpd) for
// tests, and reads back what it received.
package mailtest

import (
	"bytes"
	_ "embed"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

//go:embed testdata/mvhandler.py
var handler []byte

// Server is a running SMTP server that keeps every message it accepts.
type Server struct {
	Addr string // 127.0.0.1:port
	Port int
	dir  string
}

// python is the interpreter that has aiosmtpd: Debian's, which a pyenv or
// virtualenv python3 first on PATH would hide.
func python() (string, bool) {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import aiosmtpd").Run() == nil {
			return path, true
		}
	}
	return "", false
}

// Start starts an SMTP server on a free port that refuses the recipients
// in reject with 550 and stops it when the test ends. Without aiosmtpd the
// test is skipped, unless CI=true, where it fails.
func Start(tb testing.TB, reject ...string) *Server {
	tb.Helper()
	py, ok := python()
	if !ok {
		if os.Getenv("CI") == "true" {
			tb.Fatal("python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)")
		}
		tb.Skip("python3-aiosmtpd is not installed; skipping the SMTP test")
	}
	dir := tb.TempDir()
	mdir := filepath.Join(dir, "mail")
	if err := os.Mkdir(mdir, 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mvhandler.py"), handler, 0o600); err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"-m", "aiosmtpd", "-n", "-l", addr, "-c", "mvhandler.Handler", mdir}
	if len(reject) > 0 {
		args = append(args, strings.Join(reject, ","))
	}
	cmd := exec.Command(py, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(15 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the SMTP server did not start: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &Server{Addr: addr, Port: port, dir: mdir}
}

// URL is the server's SMTP URL (plain: a local test server has no TLS).
func (s *Server) URL() string { return "smtp://" + s.Addr + "?starttls=off" }

// Messages returns every message received so far, oldest first, each as
// its raw bytes with an X-Envelope-To header line in front.
func (s *Server) Messages(tb testing.TB) [][]byte {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join(s.dir, "*.eml"))
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(names)
	out := make([][]byte, 0, len(names))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// Wait waits until at least n messages have arrived (up to 20 s) and
// returns them all.
func (s *Server) Wait(tb testing.TB, n int) [][]byte {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ms := s.Messages(tb)
		if len(ms) >= n || time.Now().After(deadline) {
			return ms
		}
		time.Sleep(20 * time.Millisecond)
	}
}
