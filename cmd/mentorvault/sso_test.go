package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSSOCommands: sso add and list act as the org admin named by --as; a
// member is refused by Cedar; the secret is never printed.
func TestSSOCommands(t *testing.T) {
	dir := t.TempDir()
	if out, _, err := runCmd(t, nil, "", "demo", "--data", dir); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	secret := filepath.Join(dir, "sso-secret")
	if err := os.WriteFile(secret, []byte("top-secret-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, nil, "", "sso", "add", "--data", dir, "--as", "grace@northwind.example", "--name", "Northwind SSO",
		"--issuer", "https://login.northwind.example", "--client-id", "mv", "--client-secret-file", secret,
		"--domains", "northwind.example", "--sso-only", "--create-users")
	if err != nil || !strings.Contains(out, "Added Northwind SSO") || !strings.Contains(out, "/callback") {
		t.Fatalf("sso add: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "sso", "list", "--data", dir, "--as", "grace@northwind.example")
	if err != nil || !strings.Contains(out, "https://login.northwind.example") || strings.Contains(out, "top-secret-value") {
		t.Fatalf("sso list: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "sso", "list", "--data", dir, "--as", "alice@northwind.example"); err == nil || !strings.Contains(err.Error(), "do not have access") {
		t.Fatalf("a member listed the providers: %v", err)
	}
}
