package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender hands messages to the configured SMTP server.
type Sender struct {
	cfg     Config
	timeout time.Duration
}

// NewSender returns a Sender for cfg (see ParseURL).
func NewSender(cfg Config) *Sender { return &Sender{cfg: cfg, timeout: 30 * time.Second} }

// Config returns the sender's configuration.
func (s *Sender) Config() Config { return s.cfg }

// Send delivers m to the SMTP server and returns when the server accepted
// it. An error for which Rejected is true is the server's permanent refusal
// of the address; any other error is worth retrying.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.timeout), gomail.WithoutNoop(),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12})}
	switch s.cfg.Security {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case Plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// build makes the MIME message of m: text, HTML, and the calendar if any.
func (s *Sender) build(m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, err
	}
	if err := msg.To(m.To); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@mentorvault")
	} else {
		msg.SetMessageID()
	}
	msg.SetDate()
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Calendar != "" {
		method := strings.ToUpper(m.Method)
		if method == "" {
			method = "REQUEST"
		}
		// iMIP (RFC 6047): the calendar as an alternative a mail client
		// turns into accept/decline buttons, and as an attachment.
		msg.AddAlternativeString(gomail.ContentType("text/calendar; method="+method), m.Calendar)
		if err := msg.AttachReader("invite.ics", strings.NewReader(m.Calendar),
			gomail.WithFileContentType(gomail.ContentType("application/ics"))); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// Rejected reports whether err is the SMTP server's permanent (5xx)
// refusal of the recipient or of the message: retrying will not help, and
// the address is marked failing.
func Rejected(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	code := se.ErrorCode()
	return code >= 500 && code < 600 && !se.IsTemp() &&
		(se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPData || se.Reason == gomail.ErrSMTPDataClose)
}
