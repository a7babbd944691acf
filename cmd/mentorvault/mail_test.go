package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/mail/mailtest"
)

// TestServeSendsEmail serves the demo with an SMTP server configured: the
// demo's moments and a meeting scheduled through the API arrive by email,
// and no received byte holds the meeting's agenda or any demo note, raw or
// encoded.
func TestServeSendsEmail(t *testing.T) {
	smtp := mailtest.Start(t)
	dir := t.TempDir()
	srv := startServe(t, nil, "--data", dir, "--demo", "--smtp-url", smtp.URL(), "--mail-from", "mentoring@northwind.example",
		"--base-url", "https://mv.example", "--job-interval", "100ms")
	defer srv.Stop()
	alice := newVaultClient(t, srv.URL, cliToken(t, dir, "alice@northwind.example"))
	relID := alice.activeRelationship("alice@northwind.example")

	scan := newLeakScanner(t)
	for _, f := range demoNoteFragments {
		scan.add(f)
	}
	agenda := "PLAINTEXT-MARKER-" + randHex(t, 12)
	scan.add(agenda)
	deadline := time.Now().Add(20 * time.Second)
	for len(smtp.Messages(t)) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	before := len(smtp.Messages(t))
	if before == 0 {
		t.Fatalf("the demo's messages did not arrive\n%s", srv.Logs.String())
	}
	alice.mustDo("POST", "/api/v1/relationships/"+relID+"/meetings", map[string]any{"starts_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339),
		"minutes": 45, "location": "Room 1", "agenda": "Agenda " + agenda}, http.StatusCreated, nil)
	msgs := smtp.Wait(t, before+1)
	if len(msgs) <= before {
		t.Fatalf("the meeting's invitation did not arrive\n%s", srv.Logs.String())
	}
	last := string(msgs[len(msgs)-1])
	if !strings.Contains(last, "METHOD:REQUEST") || !strings.Contains(last, "https://mv.example/relationships/"+relID) {
		t.Errorf("the last message is not the meeting's invitation:\n%s", last)
	}
	for i, m := range msgs {
		scan.scanBytes(fmt.Sprintf("received message %d", i), m)
	}
	if !strings.Contains(srv.Logs.String(), `"msg":"email on"`) {
		t.Errorf("the log does not say email is on:\n%s", srv.Logs.String())
	}
}

// TestServeSMTPURLErrors refuses a bad SMTP configuration at start-up
// with a message that says what is wrong.
func TestServeSMTPURLErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--smtp-url", "http://mail.example.org", "--mail-from", "a@example.org"}, "--smtp-url: the SMTP URL must start with smtp://"},
		{[]string{"--smtp-url", "smtp://mail.example.org"}, "--mail-from"},
		{[]string{"--smtp-url", "smtp://u:secret-pw@mail.example.org?starttls=off", "--mail-from", "a@example.org"}, "without TLS"},
		{[]string{"--smtp-url", "smtp://mail.example.org", "--mail-from", "a@example.org", "--base-url", "mv.example"}, "--base-url must start with"},
	} {
		_, _, err := runCmd(t, nil, "", append([]string{"serve", "--data", t.TempDir()}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret-pw") {
			t.Errorf("%v: err = %v, want one saying %q", tc.args, err, tc.want)
		}
	}
}
