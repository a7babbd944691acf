// Package mail sends mentorvault's email: messages that say that something
// happened and link to it, never content. It parses the SMTP URL operators
// configure, renders messages from embedded plain-text and HTML templates,
// and hands them to an SMTP server with github.com/wneessen/go-mail.
package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Security is how the connection to the SMTP server is protected.
type Security int

// The ways to reach an SMTP server.
const (
	// StartTLS upgrades a plain connection with STARTTLS and refuses to
	// send when the server does not offer it (smtp://, the default).
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (smtps://).
	ImplicitTLS
	// Plain sends without TLS; only when the URL asks for it with
	// ?starttls=off (a local test server or a relay on the same host).
	Plain
)

func (s Security) String() string {
	switch s {
	case ImplicitTLS:
		return "implicit TLS"
	case Plain:
		return "no TLS"
	default:
		return "STARTTLS"
	}
}

// Config is where and how to send mail.
type Config struct {
	Host     string
	Port     int
	Username string // empty: no SMTP authentication
	Password string
	Security Security
	From     string // the envelope and header sender, an address
}

// String describes the configuration for logs, without the password.
func (c Config) String() string {
	u := "smtp://"
	if c.Security == ImplicitTLS {
		u = "smtps://"
	}
	if c.Username != "" {
		u += url.User(c.Username).String() + ":***@"
	}
	return fmt.Sprintf("%s%s (%s), from %s", u, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.Security, c.From)
}

// ParseURL reads an SMTP URL, smtp[s]://user:pass@host:port, and the
// sender's address. smtp:// uses STARTTLS (port 587 by default) and fails
// when the server does not offer it, unless the URL ends in ?starttls=off;
// smtps:// uses TLS from the start (port 465 by default). The user and
// password are optional and percent-decoded. The error says what is wrong
// and never repeats the password.
func ParseURL(raw, from string) (Config, error) {
	var c Config
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return c, errors.New("the SMTP URL is not a URL: write it as smtp://user:password@host:port")
	}
	switch u.Scheme {
	case "smtp":
		c.Security, c.Port = StartTLS, 587
	case "smtps":
		c.Security, c.Port = ImplicitTLS, 465
	default:
		return c, fmt.Errorf("the SMTP URL must start with smtp:// (STARTTLS) or smtps:// (implicit TLS), not %q", u.Scheme+":")
	}
	if u.Opaque != "" || u.Host == "" {
		return c, errors.New("the SMTP URL has no host: write it as smtp://user:password@host:port")
	}
	if u.Path != "" && u.Path != "/" {
		return c, errors.New("the SMTP URL must not have a path")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, errors.New("the SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("the SMTP URL's port %q is not a number from 1 to 65535", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" {
			return c, errors.New("the SMTP URL has a password but no user name")
		}
	}
	q := u.Query()
	for k := range q {
		if k != "starttls" {
			return c, fmt.Errorf("the SMTP URL has an unknown parameter %q (only starttls=off is known)", k)
		}
	}
	if v, ok := q["starttls"]; ok {
		switch {
		case len(v) != 1 || (v[0] != "off" && v[0] != "on"):
			return c, errors.New("the SMTP URL's starttls must be on or off")
		case v[0] == "off" && c.Security == ImplicitTLS:
			return c, errors.New("starttls=off makes no sense with smtps://, which is TLS from the start")
		case v[0] == "off":
			c.Security = Plain
		}
	}
	if c.Security == Plain && c.Username != "" && !isLoopback(c.Host) {
		return c, errors.New("the SMTP URL would send a password without TLS to another host: drop starttls=off, or use smtps://")
	}
	from = strings.TrimSpace(from)
	if from == "" {
		return c, errors.New("mail needs a sender: set --mail-from (MENTORVAULT_MAIL_FROM) to an address such as mentoring@example.org")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return c, fmt.Errorf("the sender %q is not an email address", from)
	}
	c.From = a.Address
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
