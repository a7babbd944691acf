package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	mvmail "github.com/mentorvault/mentorvault/internal/mail"
	"github.com/mentorvault/mentorvault/internal/mail/mailtest"
)

func TestMailParseURL(t *testing.T) {
	for _, tc := range []struct {
		name, url, from string
		want            mvmail.Config
		err             string
	}{
		{"starttls default", "smtp://u:p%40ss@mail.example.org", "mv@example.org",
			mvmail.Config{Host: "mail.example.org", Port: 587, Username: "u", Password: "p@ss", Security: mvmail.StartTLS, From: "mv@example.org"}, ""},
		{"implicit tls", "smtps://mail.example.org:2465", "MV <mv@example.org>",
			mvmail.Config{Host: "mail.example.org", Port: 2465, Security: mvmail.ImplicitTLS, From: "mv@example.org"}, ""},
		{"plain when asked", "smtp://localhost:2525?starttls=off", "mv@example.org",
			mvmail.Config{Host: "localhost", Port: 2525, Security: mvmail.Plain, From: "mv@example.org"}, ""},
		{"starttls on", "smtp://h?starttls=on", "mv@example.org",
			mvmail.Config{Host: "h", Port: 587, Security: mvmail.StartTLS, From: "mv@example.org"}, ""},
		{"plain password to loopback", "smtp://u:pw-x@127.0.0.1:25?starttls=off", "mv@example.org",
			mvmail.Config{Host: "127.0.0.1", Port: 25, Username: "u", Password: "pw-x", Security: mvmail.Plain, From: "mv@example.org"}, ""},
		{"wrong scheme", "http://h", "mv@example.org", mvmail.Config{}, "must start with smtp://"},
		{"no host", "smtp://", "mv@example.org", mvmail.Config{}, "no host"},
		{"bad port", "smtp://h:99999", "mv@example.org", mvmail.Config{}, "port"},
		{"path", "smtp://h/x", "mv@example.org", mvmail.Config{}, "path"},
		{"unknown parameter", "smtp://h?tls=no", "mv@example.org", mvmail.Config{}, "unknown parameter"},
		{"bad starttls", "smtp://h?starttls=maybe", "mv@example.org", mvmail.Config{}, "on or off"},
		{"smtps without tls", "smtps://h?starttls=off", "mv@example.org", mvmail.Config{}, "makes no sense"},
		{"password in the clear", "smtp://u:secret@mail.example.org?starttls=off", "mv@example.org", mvmail.Config{}, "without TLS"},
		{"no sender", "smtp://h", "", mvmail.Config{}, "--mail-from"},
		{"bad sender", "smtp://h", "not an address", mvmail.Config{}, "not an email address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mvmail.ParseURL(tc.url, tc.from)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("the error repeats the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if tc.want.Password != "" && strings.Contains(got.String(), tc.want.Password) {
				t.Fatalf("String shows the password: %s", got)
			}
		})
	}
}

func TestMailRenderEveryKind(t *testing.T) {
	for _, kind := range []string{"relationship.proposed", "meeting.changed", "disclosure.notice", "disclosure.undelivered", "disclosure.started", "digest", "no.such.kind"} {
		d := &mvmail.Data{Kind: kind, Recipient: "Bea <b>", Actor: "Alice", When: "Sat 5 Dec 2026, 14:00 GMT", Link: "https://mv.example/relationships/r1", Count: 2, Hours: 72,
			Items: []mvmail.Item{{Sentence: "one", Link: "https://mv.example/1"}}}
		subj, text, html, err := mvmail.Render(d)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if subj == "" || !strings.Contains(text, "Hello Bea <b>,") || !strings.Contains(html, "Hello Bea &lt;b&gt;,") {
			t.Fatalf("%s: subject %q\n%s\n%s", kind, subj, text, html)
		}
		if strings.Contains(text+html, "<no value>") {
			t.Fatalf("%s: a missing value was rendered:\n%s", kind, text)
		}
		if kind == "disclosure.notice" && !strings.Contains(text, "Alice filed a disclosure notice in your mentoring relationship. Sign in to read it before it takes effect: not before Sat 5 Dec 2026, 14:00 GMT, and not until 72 hours after this message reached you.") {
			t.Fatalf("disclosure notice text:\n%s", text)
		}
		if strings.HasPrefix(kind, "disclosure.") && !mvmail.Known(kind) {
			t.Fatalf("%s has no template of its own", kind)
		}
	}
}

func TestMailSendSMTP(t *testing.T) {
	srv := mailtest.Start(t, "gone@example.org")
	cfg, err := mvmail.ParseURL(srv.URL(), "mentoring@example.org")
	if err != nil {
		t.Fatal(err)
	}
	s := mvmail.NewSender(cfg)
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
	m := &mvmail.Message{ID: "out-1", To: "bea@example.org", Subject: "A mentoring meeting", Text: "plain body", HTML: "<p>html body</p>", Calendar: ics, Method: "REQUEST"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1)
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0]))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Message-Id") != "<out-1@mentorvault>" || msg.Header.Get("Subject") != "A mentoring meeting" || msg.Header.Get("To") != "<bea@example.org>" {
		t.Fatalf("headers: %v", msg.Header)
	}
	parts := map[string]string{}
	walk(t, msg.Header.Get("Content-Type"), msg.Body, parts)
	if parts["text/plain"] != "plain body" || parts["text/html"] != "<p>html body</p>" || parts["text/calendar"] != ics || parts["application/ics"] != ics {
		t.Fatalf("parts: %q", parts)
	}

	err = s.Send(context.Background(), &mvmail.Message{To: "gone@example.org", Subject: "x", Text: "y"})
	if err == nil || !mvmail.Rejected(err) {
		t.Fatalf("sending to a refused address: err = %v, Rejected = %v", err, mvmail.Rejected(err))
	}
	if mvmail.Rejected(io.EOF) {
		t.Fatal("a non-SMTP error counts as a rejection")
	}
}

// walk collects the decoded leaf parts of a MIME body by media type.
func walk(t *testing.T, ctype string, body io.Reader, parts map[string]string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walk(t, p.Header.Get("Content-Type"), decode(t, p.Header.Get("Content-Transfer-Encoding"), p), parts)
		}
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	parts[mt] = string(b)
}
