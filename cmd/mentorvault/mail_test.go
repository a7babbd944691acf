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
	var m struct{ ID string }
	alice.mustDo("POST", "/api/v1/relationships/"+relID+"/meetings", map[string]any{"starts_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339),
		"minutes": 45, "location": "Room 1", "agenda": "Agenda " + agenda}, http.StatusCreated, &m)
	// The demo's messages and the meeting's invitation to Bob.
	var msgs [][]byte
	invite := ""
	for deadline := time.Now().Add(30 * time.Second); invite == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		msgs = smtp.Messages(t)
		for _, b := range msgs {
			if strings.Contains(string(b), "UID:"+m.ID+"@mentorvault") {
				invite = string(b)
			}
		}
	}
	if invite == "" {
		t.Fatalf("the meeting's invitation did not arrive (%d messages)\n%s", len(msgs), srv.Logs.String())
	}
	if !strings.Contains(invite, "METHOD:REQUEST") || !strings.Contains(invite, "https://mv.example/relationships/"+relID) ||
		!strings.Contains(invite, "X-Envelope-To: bob@northwind.example") {
		t.Errorf("the meeting's invitation:\n%s", invite)
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
