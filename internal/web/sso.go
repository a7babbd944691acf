package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// ssoPage is the org admin's page of sign-in providers (OpenID Connect).
type ssoPage struct {
	base
	Providers []*service.SSOProviderView
	BaseURL   string
	Form      form.SSOProvider
	Error     string
	Fields    map[string]string
	Added     *service.SSOProviderView
	Done      string
}

func (h *Handler) ssoPage(r *http.Request) (*ssoPage, error) {
	ps, err := h.svc.SSOProviders(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	return &ssoPage{base: h.base(r, "Sign-in providers"), Providers: ps, BaseURL: h.edge.BaseURL(r), Done: r.URL.Query().Get("done")}, nil
}

// SSOProviders serves GET /people/sso.
func (h *Handler) SSOProviders(w http.ResponseWriter, r *http.Request) error {
	p, err := h.ssoPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "sso.html", p)
	return nil
}

// AddSSOProvider serves POST /people/sso: the provider is added and the
// page shows the redirect URI to register at the provider.
func (h *Handler) AddSSOProvider(w http.ResponseWriter, r *http.Request) error {
	in, _ := form.ParseSSOProvider(r.PostForm)
	v, err := h.svc.AddSSOProvider(r.Context(), httpx.Principal(r), service.NewSSOProvider{Name: in.Name, Issuer: in.Issuer,
		ClientID: in.ClientID, SecretFile: in.SecretFile, Domains: in.DomainList(), SSOOnly: in.SSOOnly, CreateUsers: in.CreateUsers})
	if c := mentorvault.ErrorCode(err); err != nil && c != mentorvault.EINVALID && c != mentorvault.ECONFLICT {
		return err
	}
	p, perr := h.ssoPage(r)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.Form, p.Error, p.Fields = in, mentorvault.ErrorMessage(err), mentorvault.ErrorFields(err)
		h.render(w, r, httpx.Status(mentorvault.ErrorCode(err)), "sso.html", p)
		return nil
	}
	p.Added = v
	h.render(w, r, http.StatusOK, "sso.html", p)
	return nil
}

// RemoveSSOProvider serves POST /people/sso/{id}/remove.
func (h *Handler) RemoveSSOProvider(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RemoveSSOProvider(r.Context(), httpx.Principal(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/people/sso?done=removed", http.StatusSeeOther)
	return nil
}
