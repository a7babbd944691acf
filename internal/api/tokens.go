package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Token      string     `json:"token,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func tokenOut(t *mentorvault.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (h *Handler) Tokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := h.svc.APITokens(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	out := make([]tokenJSON, len(ts))
	for i, t := range ts {
		out[i] = tokenOut(t)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

func (h *Handler) CreateToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	raw, t, err := h.svc.CreateAPIToken(r.Context(), httpx.Principal(r), in.Name)
	if err != nil {
		return err
	}
	out := tokenOut(t)
	out.Token = raw
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (h *Handler) RevokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RevokeAPIToken(r.Context(), httpx.Principal(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
