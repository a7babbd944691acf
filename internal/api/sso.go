package api

import (
	"net/http"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// ssoProviderJSON is an OpenID Connect provider as its organisation's
// admins see it: where its secret is kept, never the secret.
type ssoProviderJSON struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Issuer           string   `json:"issuer"`
	ClientID         string   `json:"client_id"`
	ClientSecretFile string   `json:"secret_file"`
	Domains          []string `json:"domains"`
	SSOOnly          bool     `json:"sso_only"`
	CreateUsers      bool     `json:"create_users"`
	CallbackPath     string   `json:"callback_path"`
}

func ssoProviderOut(v *service.SSOProviderView) ssoProviderJSON {
	return ssoProviderJSON{ID: v.ID, Name: v.Name, Issuer: v.Issuer, ClientID: v.ClientID, ClientSecretFile: v.SecretFile,
		Domains: v.Domains, SSOOnly: v.SSOOnly, CreateUsers: v.CreateUsers, CallbackPath: v.CallbackPath()}
}

// SSOProviders serves GET /api/v1/sso-providers: the caller's
// organisation's identity providers (org admins only).
func (h *Handler) SSOProviders(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		vs, err := h.svc.SSOProviders(r.Context(), httpx.Principal(r))
		if err != nil {
			return nil, err
		}
		out := make([]ssoProviderJSON, len(vs))
		for i, v := range vs {
			out[i] = ssoProviderOut(v)
		}
		return map[string]any{"providers": out}, nil
	})(w, r)
}

type ssoProviderInputJSON struct {
	Name             string   `json:"name"`
	Issuer           string   `json:"issuer"`
	ClientID         string   `json:"client_id"`
	ClientSecretFile string   `json:"secret_file"`
	Domains          []string `json:"domains"`
	SSOOnly          bool     `json:"sso_only"`
	CreateUsers      bool     `json:"create_users"`
}

// AddSSOProvider serves POST /api/v1/sso-providers: 201 with the provider.
func (h *Handler) AddSSOProvider(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in ssoProviderInputJSON) (ssoProviderJSON, error) {
		v, err := h.svc.AddSSOProvider(r.Context(), httpx.Principal(r), service.NewSSOProvider{Name: in.Name, Issuer: in.Issuer,
			ClientID: in.ClientID, SecretFile: in.ClientSecretFile, Domains: in.Domains, SSOOnly: in.SSOOnly, CreateUsers: in.CreateUsers})
		if err != nil {
			return ssoProviderJSON{}, err
		}
		return ssoProviderOut(v), nil
	})(w, r)
}

// RemoveSSOProvider serves DELETE /api/v1/sso-providers/{id}: 204.
func (h *Handler) RemoveSSOProvider(w http.ResponseWriter, r *http.Request) error {
	return httpx.NoContent(func(r *http.Request) error {
		return h.svc.RemoveSSOProvider(r.Context(), httpx.Principal(r), r.PathValue("id"))
	})(w, r)
}
