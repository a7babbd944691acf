package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPeopleCommands: the people commands act as the org admin named by
// --as (a member is refused by Cedar), add prints the invitation link
// once, list searches, deactivate deactivates.
func TestPeopleCommands(t *testing.T) {
	dir := t.TempDir()
	if out, _, err := runCmd(t, nil, "", "demo", "--data", dir); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, _, err := runCmd(t, nil, "", "people", "add", "--data", dir, "--as", "grace@northwind.example",
		"--email", "nina@northwind.example", "--name", "Nina New", "--manager", "dave@northwind.example", "--base-url", "https://mv.example/")
	if err != nil || !strings.Contains(out, "Added Nina New") || !strings.Contains(out, "https://mv.example/invite/mvi_") {
		t.Fatalf("people add: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "people", "list", "--data", dir, "--as", "grace@northwind.example", "--q", "NI")
	if err != nil || !strings.Contains(out, "nina@northwind.example") || !strings.Contains(out, "Dave Dawson") || !strings.Contains(out, "invited") || strings.Contains(out, "alice@") {
		t.Fatalf("people list: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "people", "list", "--data", dir, "--as", "alice@northwind.example"); err == nil || !strings.Contains(err.Error(), "do not have access") {
		t.Fatalf("a member lists people: %v", err)
	}
	out, _, err = runCmd(t, nil, "", "people", "deactivate", "--data", dir, "--as", "grace@northwind.example", "--email", "bob@northwind.example")
	if err != nil || !strings.Contains(out, "Deactivated Bob Baker") {
		t.Fatalf("people deactivate: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "people", "deactivate", "--data", dir, "--as", "grace@northwind.example", "--email", "grace@northwind.example"); err == nil || !strings.Contains(err.Error(), "last active admin") {
		t.Fatalf("the last admin: %v", err)
	}
	if _, _, err := runCmd(t, nil, "", "people", "list", "--data", dir, "--as", "bob@northwind.example"); err == nil || !strings.Contains(err.Error(), "deactivated") {
		t.Fatalf("acting as a deactivated person: %v", err)
	}
	csvFile := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(csvFile, []byte("\ufeffemail;name;manager_email\nomar@northwind.example;Omar Old;dave@northwind.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, nil, "", "people", "import", csvFile, "--data", dir, "--as", "grace@northwind.example", "--dry-run")
	if err != nil || !strings.Contains(out, "Dry run, nothing written: 1 to create") {
		t.Fatalf("people import --dry-run: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "people", "import", "--data", dir, "--as", "grace@northwind.example", csvFile)
	if err != nil || !strings.Contains(out, "Imported: 1 to create") {
		t.Fatalf("people import: %v\n%s", err, out)
	}
	badFile := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(badFile, []byte("email,name,manager_email\nnot-an-email,X,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, nil, "", "people", "import", "--data", dir, "--as", "grace@northwind.example", badFile)
	if err == nil || !strings.Contains(out, "row 2, email:") {
		t.Fatalf("people import with errors: %v\n%s", err, out)
	}
	for _, sub := range []string{"list", "add", "deactivate", "import"} {
		out, _, err := runCmd(t, nil, "", "people", sub, "--help")
		if err != nil || !strings.Contains(out, "Usage: mentorvault people "+sub) {
			t.Errorf("people %s --help: %v\n%s", sub, err, out)
		}
	}
	out, _, err = runCmd(t, nil, "", "audit", "verify", "--data", dir)
	if err != nil || !strings.HasPrefix(out, "audit log intact: ") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
}
