package main

import (
	"strings"
	"testing"
)

// TestProgrammeCommands: an org admin creates a programme and names its
// staff, as Cedar decides for them; the coordinator lists it with their
// role; a member may not create one.
func TestProgrammeCommands(t *testing.T) {
	dir := t.TempDir()
	if out, _, err := runCmd(t, nil, "", "demo", "--data", dir); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, _, err := runCmd(t, nil, "", "programme", "create", "--data", dir, "--as", "grace@northwind.example",
		"--name", "Peer Circles", "--kind", "peer", "--capacity", "2", "--open")
	if err != nil || !strings.Contains(out, "Created Peer Circles (peer, enrolment open)") {
		t.Fatalf("programme create: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "programme", "staff", "--data", dir, "--as", "grace@northwind.example",
		"--programme", "peer circles", "--coordinator", "heidi@northwind.example", "--supervisor", "erin@northwind.example")
	if err != nil || !strings.Contains(out, "coordinators Heidi") || !strings.Contains(out, "supervisors Erin Evans <erin@northwind.example>") {
		t.Fatalf("programme staff: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "programme", "list", "--data", dir, "--as", "grace@northwind.example")
	if err != nil || !strings.Contains(out, "Leadership Mentoring") || !strings.Contains(out, "Peer Circles") {
		t.Fatalf("programme list (admin): %v\n%s", err, out)
	}
	out, _, err = runCmd(t, nil, "", "programme", "list", "--data", dir, "--as", "heidi@northwind.example")
	if err != nil || !strings.Contains(out, "Peer Circles") || !strings.Contains(out, "coordinator") || strings.Contains(out, "Leadership Mentoring") {
		t.Fatalf("programme list (coordinator): %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "programme", "create", "--data", dir, "--as", "alice@northwind.example", "--name", "Mine"); err == nil || !strings.Contains(err.Error(), "do not have access") {
		t.Fatalf("a member creates a programme: %v", err)
	}
	if _, _, err := runCmd(t, nil, "", "programme", "staff", "--data", dir, "--as", "grace@northwind.example",
		"--programme", "Peer Circles", "--coordinator", "nobody@northwind.example"); err == nil || !strings.Contains(err.Error(), "no such person") {
		t.Fatalf("an unknown coordinator: %v", err)
	}
	if _, _, err := runCmd(t, nil, "", "programme", "create", "--data", dir, "--as", "grace@northwind.example", "--name", "X", "--kind", "group"); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
	// The demo enrolled heidi in Leadership Mentoring: its coordinator lists
	// her; the org admin may not.
	out, _, err = runCmd(t, nil, "", "programme", "enrolments", "--data", dir, "--as", "carol@northwind.example", "--programme", "leadership mentoring")
	if err != nil || !strings.Contains(out, "heidi@northwind.example") || !strings.Contains(out, "mentee") || !strings.Contains(out, "enrolled") {
		t.Fatalf("programme enrolments (coordinator): %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "programme", "enrolments", "--data", dir, "--as", "grace@northwind.example", "--programme", "Leadership Mentoring"); err == nil || !strings.Contains(err.Error(), "do not have access") {
		t.Fatalf("the org admin lists enrolments: %v", err)
	}
	for _, sub := range []string{"create", "staff", "enrolments"} {
		if _, _, err := runCmd(t, nil, "", "programme", sub, "--data", dir); err == nil {
			t.Fatalf("programme %s without --as ran", sub)
		}
	}
}
