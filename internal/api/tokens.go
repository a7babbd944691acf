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

// Tokens serves GET /api/v1/tokens: the caller's API tokens, without their secrets.
func (h *Handler) Tokens(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (map[string]any, error) {
		return asJSON(func(ts []*mentorvault.APIToken) map[string]any {
			out := make([]tokenJSON, len(ts))
			for i, t := range ts {
				out[i] = tokenOut(t)
			}
			return map[string]any{"tokens": out}
		})(h.svc.APITokens(r.Context(), httpx.Principal(r)))
	})(w, r)
}

type tokenInputJSON struct {
	Name string `json:"name"`
}

// CreateToken serves POST /api/v1/tokens: 201 with the token and its
// secret, shown only this once.
func (h *Handler) CreateToken(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in tokenInputJSON) (tokenJSON, error) {
		raw, t, err := h.svc.CreateAPIToken(r.Context(), httpx.Principal(r), in.Name)
		if err != nil {
			return tokenJSON{}, err
		}
		out := tokenOut(t)
		out.Token = raw
		return out, nil
	})(w, r)
}

// RevokeToken serves DELETE /api/v1/tokens/{id}: 204.
func (h *Handler) RevokeToken(w http.ResponseWriter, r *http.Request) error {
	return httpx.NoContent(func(r *http.Request) error {
		return h.svc.RevokeAPIToken(r.Context(), httpx.Principal(r), r.PathValue("id"))
	})(w, r)
}
