package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

func (h *Handler) Goals(w http.ResponseWriter, r *http.Request) error {
	gs, err := h.svc.Goals(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type progressJSON struct {
		ID        string    `json:"id"`
		AuthorID  string    `json:"author_id"`
		Body      string    `json:"body"`
		CreatedAt time.Time `json:"created_at"`
	}
	type goalJSON struct {
		ID          string           `json:"id"`
		Title       string           `json:"title"`
		Status      string           `json:"status"`
		CreatedAt   time.Time        `json:"created_at"`
		Progress    []progressJSON   `json:"progress"`
		Commitments []commitmentJSON `json:"commitments"`
	}
	out := []goalJSON{}
	for _, g := range gs {
		gj := goalJSON{ID: g.ID, Title: g.Title.Reveal(), Status: string(g.Status), CreatedAt: g.CreatedAt, Progress: []progressJSON{}, Commitments: []commitmentJSON{}}
		for _, p := range g.Progress {
			gj.Progress = append(gj.Progress, progressJSON{p.ID, p.AuthorID, p.Body.Reveal(), p.CreatedAt})
		}
		for _, c := range g.Commitments {
			gj.Commitments = append(gj.Commitments, commitmentOut(c))
		}
		out = append(out, gj)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"goals": out})
	return nil
}

func (h *Handler) CreateGoal(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title string `json:"title"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	g, err := h.svc.CreateGoal(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Title)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"id": g.ID, "title": g.Title.Reveal(), "status": g.Status, "created_at": g.CreatedAt})
	return nil
}

func (h *Handler) GoalProgress(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body   string `json:"body"`
		Status string `json:"status"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	_, err := h.svc.AddGoalProgress(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("goalID"), in.Body, mentorvault.GoalStatus(in.Status))
	if err != nil {
		return err
	}
	return h.Goals(w, r)
}
