package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

type progressJSON struct {
	ID        string    `json:"id"`
	AuthorID  string    `json:"author_id"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	Damaged   bool      `json:"damaged,omitempty"`
}

type goalJSON struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Status      string           `json:"status"`
	CreatedAt   time.Time        `json:"created_at"`
	Progress    []progressJSON   `json:"progress"`
	Commitments []commitmentJSON `json:"commitments"`
	Damaged     bool             `json:"damaged,omitempty"`
}

// goalsOut is where goal titles and progress notes enter an API response.
func goalsOut(gs []*service.GoalView) map[string]any {
	out := []goalJSON{}
	for _, g := range gs {
		gj := goalJSON{ID: g.ID, Title: g.Title.Reveal(), Status: string(g.Status), CreatedAt: g.CreatedAt, Progress: []progressJSON{}, Commitments: []commitmentJSON{},
			Damaged: g.Damaged}
		for _, p := range g.Progress {
			gj.Progress = append(gj.Progress, progressJSON{p.ID, p.AuthorID, p.Body.Reveal(), p.CreatedAt, p.Damaged})
		}
		for _, c := range g.Commitments {
			gj.Commitments = append(gj.Commitments, commitmentOut(c))
		}
		out = append(out, gj)
	}
	return map[string]any{"goals": out}
}

// Goals serves GET /api/v1/relationships/{id}/goals: the goals with their
// progress and commitments.
func (h *Handler) Goals(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(h.goals)(w, r)
}

func (h *Handler) goals(r *http.Request) (map[string]any, error) {
	return asJSON(goalsOut)(h.svc.Goals(r.Context(), httpx.Principal(r), r.PathValue("id")))
}

type goalInputJSON struct {
	Title string `json:"title"`
}

// CreateGoal serves POST /api/v1/relationships/{id}/goals: 201 with the goal.
func (h *Handler) CreateGoal(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in goalInputJSON) (map[string]any, error) {
		return asJSON(func(g *mentorvault.Goal) map[string]any {
			return map[string]any{"id": g.ID, "title": g.Title.Reveal(), "status": g.Status, "created_at": g.CreatedAt}
		})(h.svc.CreateGoal(r.Context(), httpx.Principal(r), r.PathValue("id"), in.Title))
	})(w, r)
}

type goalProgressJSON struct {
	Body   string `json:"body"`
	Status string `json:"status"`
}

// GoalProgress serves POST /api/v1/relationships/{id}/goals/{goalID}/progress:
// records progress (and perhaps a new status) and answers every goal, as Goals.
func (h *Handler) GoalProgress(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in goalProgressJSON) (map[string]any, error) {
		if _, err := h.svc.AddGoalProgress(r.Context(), httpx.Principal(r), r.PathValue("id"), r.PathValue("goalID"), in.Body, mentorvault.GoalStatus(in.Status)); err != nil {
			return nil, err
		}
		return h.goals(r)
	})(w, r)
}
