package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// testEnv is the environment tests run commands with: cheap password
// hashing, and nothing from the real environment.
func testEnv(extra map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		if k == "MENTORVAULT_INSECURE_FAST_HASHES" {
			return "1"
		}
		return ""
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// runningServer is an in-process `mentorvault serve` started through run().
type runningServer struct {
	URL    string
	Stdout *syncBuffer
	Logs   *syncBuffer // the server's JSON log (stderr)
	stop   func()
}

// Stop shuts the server down gracefully and waits for run() to return.
func (s *runningServer) Stop() { s.stop() }

// startServe calls run("serve", "--addr", "127.0.0.1:0", args...) and waits
// until /healthz answers. The server stops when the test ends.
func startServe(t testing.TB, env map[string]string, args ...string) *runningServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	rs := &runningServer{Stdout: &syncBuffer{}, Logs: &syncBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), testEnv(env), strings.NewReader(""), rs.Stdout, rs.Logs)
	}()
	var once sync.Once
	rs.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve returned: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("serve did not stop within 30s")
			}
		})
	}
	t.Cleanup(rs.stop)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\nstdout:\n%s\nlogs:\n%s", err, rs.Stdout, rs.Logs)
		default:
		}
		if u := serverURL(rs.Stdout.String()); u != "" {
			if resp, err := http.Get(u + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					rs.URL = u
					return rs
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not become healthy\nstdout:\n%s\nlogs:\n%s", rs.Stdout, rs.Logs)
	return nil
}

// serverURL finds the URL in serve's "mentorvault is running at URL" line.
func serverURL(stdout string) string {
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "mentorvault is running at "); ok {
			return strings.Fields(rest)[0]
		}
	}
	return ""
}

// runCmd runs one CLI command in-process and returns its stdout, stderr and error.
func runCmd(t testing.TB, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, testEnv(env), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

var _ = io.Discard

func TestServeDemoAndCLI(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, nil, "--data", dir, "--demo")
	if !strings.Contains(srv.Stdout.String(), "alice@northwind.example") || !strings.Contains(srv.Stdout.String(), "mentorvault-demo") {
		t.Fatalf("serve --demo did not print how to sign in:\n%s", srv.Stdout)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/login"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
	}
	srv.Stop()

	out, _, err := runCmd(t, nil, "", "token", "create", "--data", dir, "--email", "alice@northwind.example")
	if err != nil || !strings.HasPrefix(lastLine(out), "mvt_") {
		t.Fatalf("token create: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "demo", "--data", dir)
	if err != nil || !strings.Contains(out, "nothing was seeded") {
		t.Fatalf("demo on a seeded database: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "audit", "verify", "--data", dir)
	if err != nil || !strings.HasPrefix(out, "audit log intact: ") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	// Flags also come from MENTORVAULT_* variables.
	out, _, err = runCmd(t, map[string]string{"MENTORVAULT_DATA": dir}, "long-enough-password\n", "user", "add", "--email", "new@northwind.example", "--name", "New Person")
	if err != nil || !strings.Contains(out, "Added New Person") {
		t.Fatalf("user add with MENTORVAULT_DATA: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, map[string]string{"MENTORVAULT_DATA": dir}, "short\n", "user", "add", "--email", "x@northwind.example", "--name", "X"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("user add with a short password: want a password error, got %v", err)
	}
	out, _, err = runCmd(t, nil, "", "migrate", "--data", dir)
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"serve"}, {"demo"}, {"migrate"}, {"user", "add"}, {"token", "create"}, {"audit", "verify"}} {
		out, _, err := runCmd(t, nil, "", append(args, "--help")...)
		if err != nil || !strings.Contains(out, "Usage: mentorvault "+strings.Join(args, " ")) {
			t.Errorf("%v --help: %v\n%s", args, err, out)
		}
	}
	if out, _, err := runCmd(t, nil, "", "version"); err != nil || !strings.HasPrefix(out, "mentorvault ") {
		t.Errorf("version: %v %q", err, out)
	}
	if _, errOut, err := runCmd(t, nil, "", "frobnicate"); err == nil || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: %v %q", err, errOut)
	} // A command group answers --help with its subcommands, and says which
	// subcommand it does not know.
	for _, cmd := range []string{"user", "token", "audit", "people", "programme", "sso", "scim"} {
		out, _, err := runCmd(t, nil, "", cmd, "--help")
		if err != nil || !strings.Contains(out, "mentorvault "+cmd+" ") || strings.Contains(out, "unknown command") {
			t.Errorf("%s --help: %v\n%s", cmd, err, out)
		}
		if _, errOut, err := runCmd(t, nil, "", cmd, "frobnicate"); err == nil || !strings.Contains(errOut, `"frobnicate"`) {
			t.Errorf("%s frobnicate: %v %q", cmd, err, errOut)
		}
	}
}

// TestUserAddNewOrgAtomic: the first user of a new organisation is made
// with it, so a refused user leaves no organisation behind, and the error
// reads as a sentence.
func TestUserAddNewOrgAtomic(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"MENTORVAULT_DATA": dir}
	if _, _, err := runCmd(t, env, "short\n", "user", "add", "--org", "Acme", "--email", "a@acme.example", "--name", "A"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("short password: %v", err)
	}
	if _, errOut, err := runCmd(t, env, "long-enough-password\n", "user", "add", "--org", "Acme", "--email", "a@acme.example", "--name", "A", "--manager", "nobody@acme.example"); err == nil ||
		!strings.Contains(err.Error()+errOut, "is not the email of anyone in the organisation") {
		t.Fatalf("unknown manager: %v %s", err, errOut)
	}
	// Nothing was left behind: with no --org, there is still no organisation.
	if _, _, err := runCmd(t, env, "long-enough-password\n", "user", "add", "--email", "b@acme.example", "--name", "B"); err == nil || !strings.Contains(err.Error(), "there is no organisation yet") {
		t.Fatalf("after two refusals: %v", err)
	}
	out, _, err := runCmd(t, env, "long-enough-password\n", "user", "add", "--org", " Acme ", "--email", "a@acme.example", "--name", "A", "--org-admin")
	if err != nil || !strings.Contains(out, `Created organisation "Acme".`) || !strings.Contains(out, "Added A <a@acme.example> to Acme.") {
		t.Fatalf("the first user: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, env, "long-enough-password\n", "user", "add", "--email", "b@acme.example", "--name", "B", "--manager", "a@acme.example")
	if err != nil || strings.Contains(out, "Created organisation") || !strings.Contains(out, "to Acme.") {
		t.Fatalf("the second user: %v\n%s", err, out)
	}
}
