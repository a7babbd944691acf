package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // the time-zone choices of the meeting forms work without a system zoneinfo

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

type progressRow struct {
	Who, When string
	Body      mentorvault.Secret
	Damaged   bool // the progress note did not open: changed outside mentorvault
}

type goalRow struct {
	ID                  string
	Title               mentorvault.Secret
	Status, StatusLabel string
	Progress            []progressRow
	Commitments         []commitmentRow
	Damaged             bool // the title did not open: changed outside mentorvault
}

// goalsPage offers the goal forms when Cedar allows goal.create
// (Rel.Allowed).
type goalsPage struct {
	base
	Rel       *service.RelationshipView
	Other     service.Person
	Done      string
	Goals     []goalRow
	NewTitle  string
	Error     string
	ErrorGoal string
}

func (h *Handler) goalsPage(r *http.Request) (*goalsPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	gs, err := h.svc.Goals(r.Context(), p, v.ID)
	if err != nil {
		return nil, err
	}
	pg := &goalsPage{base: h.base(r, "Goals"), Rel: v, Other: v.Other(p.UserID), Done: r.URL.Query().Get("done")}
	now := time.Now()
	for _, g := range gs {
		row := goalRow{ID: g.ID, Title: g.Title, Status: string(g.Status), StatusLabel: title(string(g.Status)), Damaged: g.Damaged}
		for i := len(g.Progress) - 1; i >= 0; i-- {
			pr := g.Progress[i]
			row.Progress = append(row.Progress, progressRow{Who: nameOf(v, pr.AuthorID, p.UserID), When: z.date(pr.CreatedAt.UTC()), Body: pr.Body, Damaged: pr.Damaged})
		}
		for _, c := range g.Commitments {
			row.Commitments = append(row.Commitments, commitmentRowOf(c, v, p.UserID, now))
		}
		pg.Goals = append(pg.Goals, row)
	}
	return pg, nil
}

func (h *Handler) Goals(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.goalsPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "goals.html", pg)
	return nil
}

func (h *Handler) CreateGoal(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseGoal, func(title string) (string, error) {
		g, err := h.svc.CreateGoal(r.Context(), httpx.Principal(r), id, title)
		if err != nil {
			return "", err
		}
		return relPath(id) + "/goals?done=created#goal-" + g.ID, nil
	}, func(bad refused) error {
		pg, err := h.goalsPage(r)
		if err != nil {
			return err
		}
		pg.NewTitle, pg.Error = r.PostFormValue("title"), "The goal "+mentorvault.ErrorFields(bad.Err)["title"]+"."
		h.render(w, r, bad.status(), "goals.html", pg)
		return nil
	})
}

func (h *Handler) GoalProgress(w http.ResponseWriter, r *http.Request) error {
	id, gid := r.PathValue("id"), r.PathValue("goalID")
	return submit(w, r, form.ParseProgress, func(in form.Progress) (string, error) {
		_, err := h.svc.AddGoalProgress(r.Context(), httpx.Principal(r), id, gid, in.Body, in.Status)
		return relPath(id) + "/goals?done=progress#goal-" + url.PathEscape(gid), err
	}, func(bad refused) error {
		pg, err := h.goalsPage(r)
		if err != nil {
			return err
		}
		pg.ErrorGoal = gid
		pg.Error = "Write a progress note or choose a new status."
		if f := mentorvault.ErrorFields(bad.Err); f["body"] != "" && !strings.HasPrefix(f["body"], "write") {
			pg.Error = "The progress note " + f["body"] + "."
		}
		h.render(w, r, bad.status(), "goals.html", pg)
		return nil
	})
}
