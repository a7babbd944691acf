package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// provisioningPage is the org admin's SCIM provisioning page: the clients
// that provision people from an identity provider, and the groups they pushed.
type provisioningPage struct {
	base
	View     *service.SCIMOverview
	BaseURL  string // the SCIM base URL to give the provider
	Name     string // the add form's name, given back on an error
	Error    string
	Fields   map[string]string
	Added    *service.SCIMClientView
	NewToken string // the new client's token, shown this once
	Done     string
}

func (h *Handler) provisioningPage(r *http.Request) (*provisioningPage, error) {
	v, err := h.svc.SCIMProvisioning(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	return &provisioningPage{base: h.base(r, "Provisioning"), View: v, BaseURL: h.edge.BaseURL(r) + "/scim/v2",
		Done: r.URL.Query().Get("done")}, nil
}

// Provisioning serves GET /people/provisioning (org admins).
func (h *Handler) Provisioning(w http.ResponseWriter, r *http.Request) error {
	p, err := h.provisioningPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "provisioning.html", p)
	return nil
}

// AddProvisioningClient serves POST /people/provisioning: the page shows
// the new client's token once.
func (h *Handler) AddProvisioningClient(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("name")
	v, token, err := h.svc.AddSCIMClient(r.Context(), httpx.Principal(r), name)
	if err != nil && mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		return err
	}
	p, perr := h.provisioningPage(r)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.Name, p.Error, p.Fields = name, mentorvault.ErrorMessage(err), mentorvault.ErrorFields(err)
		h.render(w, r, http.StatusBadRequest, "provisioning.html", p)
		return nil
	}
	p.Added, p.NewToken = v, token
	h.render(w, r, http.StatusOK, "provisioning.html", p)
	return nil
}

// RevokeProvisioningClient serves POST /people/provisioning/{clientID}/revoke.
func (h *Handler) RevokeProvisioningClient(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.RevokeSCIMClient(r.Context(), httpx.Principal(r), r.PathValue("clientID")); err != nil {
		return err
	}
	http.Redirect(w, r, "/people/provisioning?done=revoked", http.StatusSeeOther)
	return nil
}
