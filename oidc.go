package mentorvault

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// OIDCProvider is an OpenID Connect identity provider of one organisation:
// its people may sign in through it. The client secret is not stored;
// SecretFile names the file on the server that holds it.
type OIDCProvider struct {
	ID          string
	OrgID       string
	Name        string // shown on the sign-in button
	Issuer      string
	ClientID    string
	SecretFile  string
	Domains     []string // lower-case email domains whose people may sign in through it
	SSOOnly     bool     // people of these domains may not sign in with a password
	CreateUsers bool     // a first sign-in from an allowed domain creates the account
	CreatedAt   time.Time
}

// AllowsEmail reports whether the email's domain is one of the provider's.
func (p *OIDCProvider) AllowsEmail(email string) bool {
	at := strings.LastIndexByte(email, '@')
	return at >= 0 && slices.Contains(p.Domains, NormalizeEmail(email[at+1:]))
}

// Validate checks the provider's fields and normalises its domains. Returns EINVALID.
func (p *OIDCProvider) Validate() error {
	fields := map[string]string{}
	if p.OrgID == "" {
		fields["org"] = "is required"
	}
	if strings.TrimSpace(p.Name) == "" || len(p.Name) > 100 {
		fields["name"] = "must be 1 to 100 characters"
	}
	if u, err := url.Parse(p.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(p.Issuer) > 500 {
		fields["issuer"] = "must be the provider's issuer URL, such as https://login.example.org"
	}
	if p.ClientID == "" || len(p.ClientID) > 500 {
		fields["client_id"] = "is required"
	}
	if p.SecretFile == "" || len(p.SecretFile) > 1000 {
		fields["secret_file"] = "must name the file that holds the client secret"
	}
	for i, d := range p.Domains {
		d = NormalizeEmail(d)
		if d == "" || strings.ContainsAny(d, "@/ ,") || !strings.Contains(d, ".") {
			fields["domains"] = "must be email domains such as example.org, separated by commas"
		}
		p.Domains[i] = d
	}
	if len(p.Domains) == 0 {
		fields["domains"] = "must name at least one email domain"
	}
	if err := ValidateLines("name", p.Name, "issuer", p.Issuer, "client_id", p.ClientID, "secret_file", p.SecretFile); err != nil {
		return err
	}
	for _, d := range p.Domains {
		if err := ValidateLines("domains", d); err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "the provider is not valid", Fields: fields}
	}
	return nil
}
