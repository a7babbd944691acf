package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestSCIMCommands: scim add prints the token once; list never shows it;
// revoke marks the client revoked; a member is refused by Cedar.
func TestSCIMCommands(t *testing.T) {
	dir := t.TempDir()
	if out, _, err := runCmd(t, nil, "", "demo", "--data", dir); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, _, err := runCmd(t, nil, "", "scim", "add", "--data", dir, "--as", "grace@northwind.example", "--name", "Entra ID")
	if err != nil || !strings.Contains(out, "Added the provisioning client Entra ID") || !strings.Contains(out, "/scim/v2") {
		t.Fatalf("scim add: %v\n%s", err, out)
	}
	token := regexp.MustCompile(`mvscim_[A-Za-z0-9_-]+`).FindString(out)
	id := regexp.MustCompile(`\(([0-9a-f-]{36})\)`).FindStringSubmatch(out)
	if token == "" || id == nil {
		t.Fatalf("no token or id in:\n%s", out)
	}
	out, _, err = runCmd(t, nil, "", "scim", "list", "--data", dir, "--as", "grace@northwind.example")
	if err != nil || !strings.Contains(out, "Entra ID") || strings.Contains(out, token) {
		t.Fatalf("scim list: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "scim", "list", "--data", dir, "--as", "alice@northwind.example"); err == nil || !strings.Contains(err.Error(), "do not have access") {
		t.Fatalf("a member listed the clients: %v", err)
	}
	out, _, err = runCmd(t, nil, "", "scim", "revoke", "--data", dir, "--as", "grace@northwind.example", "--id", id[1])
	if err != nil || !strings.Contains(out, "Revoked Entra ID") {
		t.Fatalf("scim revoke: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "scim", "list", "--data", dir, "--as", "grace@northwind.example")
	if err != nil || strings.Count(out, "-") < 1 || !regexp.MustCompile(`Entra ID.*\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*$`).MatchString(strings.TrimSpace(out)) {
		t.Fatalf("scim list after revoke shows no revoked time: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "scim", "revoke", "--data", dir, "--as", "grace@northwind.example", "--id", id[1]); err == nil || !strings.Contains(err.Error(), "already revoked") {
		t.Fatalf("revoked twice: %v", err)
	}
	if out, _, err = runCmd(t, nil, "", "scim", "groups", "--data", dir, "--as", "grace@northwind.example"); err != nil || !strings.Contains(out, "GROUP") {
		t.Fatalf("scim groups: %v\n%s", err, out)
	}
}
