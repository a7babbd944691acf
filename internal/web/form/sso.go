package form

import (
	"net/url"
	"strings"
)

// SSOProvider is the add-an-identity-provider form. Domains are typed
// separated by commas or spaces; the service judges every value.
type SSOProvider struct {
	Name, Issuer, ClientID, SecretFile, Domains string
	SSOOnly, CreateUsers                        bool
}

// ParseSSOProvider reads the add-an-identity-provider form.
func ParseSSOProvider(v url.Values) (SSOProvider, Problems) {
	return SSOProvider{Name: v.Get("name"), Issuer: v.Get("issuer"), ClientID: v.Get("client_id"), SecretFile: v.Get("secret_file"),
		Domains: v.Get("domains"), SSOOnly: v.Get("sso_only") == "yes", CreateUsers: v.Get("create_users") == "yes"}, nil
}

// DomainList splits the typed domains at commas and white space.
func (f SSOProvider) DomainList() []string {
	return strings.FieldsFunc(f.Domains, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}
