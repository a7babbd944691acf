package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type settingsPage struct {
	base
	Me       *service.Me
	Tokens   []*mentorvault.APIToken
	NewToken string
	Error    string
	Calendar *calendarPanel
	Done     string
	// The email address and time zone forms: what was typed and its problems.
	NewEmail    string
	EmailFields map[string]string
	EmailError  string
	Zones       []opt
	ZoneFields  map[string]string
}

func (h *Handler) settingsPage(r *http.Request) (*settingsPage, error) {
	me, err := h.svc.Me(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	ts, err := h.svc.APITokens(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	return &settingsPage{base: h.base(r, "Settings"), Me: me, Tokens: ts, Calendar: h.calendarPanel(r), Done: r.URL.Query().Get("done"),
		Zones: tzOptions(me.TimeZone)}, nil
}

func (h *Handler) Settings(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.settingsPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "settings.html", pg)
	return nil
}

func (h *Handler) CreateToken(w http.ResponseWriter, r *http.Request) error {
	raw, _, err := h.svc.CreateAPIToken(r.Context(), httpx.Principal(r), r.PostFormValue("name"))
	if err != nil && mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		return err
	}
	pg, perr := h.settingsPage(r)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		pg.Error, status = fieldsMessage(err), http.StatusBadRequest
	}
	pg.NewToken = raw
	h.render(w, r, status, "settings.html", pg)
	return nil
}

func (h *Handler) RevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RevokeAPIToken(r.Context(), httpx.Principal(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings?done=revoked", http.StatusSeeOther)
	return nil
}
