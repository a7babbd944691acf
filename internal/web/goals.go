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
)

type progressRow struct {
	Who, When, Body string
}

type goalRow struct {
	ID, Title, Status, StatusLabel string
	Progress                       []progressRow
	Commitments                    []commitmentRow
}

type goalsPage struct {
	base
	Rel       *service.RelationshipView
	Other     service.Person
	Active    bool
	Done      string
	Goals     []goalRow
	NewTitle  string
	Error     string
	ErrorGoal string
}

func (h *Handler) goalsPage(r *http.Request) (*goalsPage, error) {
	p := httpx.Principal(r)
	v, err := h.svc.Relationship(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	gs, err := h.svc.Goals(r.Context(), p, v.ID)
	if err != nil {
		return nil, h.hideFromOutsider(v, p, err)
	}
	pg := &goalsPage{base: h.base(r, "Goals"), Rel: v, Other: v.Other(p.UserID), Active: v.Status == mentorvault.StatusActive, Done: r.URL.Query().Get("done")}
	now := time.Now()
	for _, g := range gs {
		row := goalRow{ID: g.ID, Title: g.Title.Reveal(), Status: string(g.Status), StatusLabel: title(string(g.Status))}
		for i := len(g.Progress) - 1; i >= 0; i-- {
			pr := g.Progress[i]
			row.Progress = append(row.Progress, progressRow{Who: nameOf(v, pr.AuthorID, p.UserID), When: pr.CreatedAt.UTC().Format("2 Jan 2006"), Body: pr.Body.Reveal()})
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
	id, t := r.PathValue("id"), r.PostFormValue("title")
	g, err := h.svc.CreateGoal(r.Context(), httpx.Principal(r), id, t)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := h.goalsPage(r)
		if perr != nil {
			return perr
		}
		pg.NewTitle, pg.Error = t, "The goal "+mentorvault.ErrorFields(err)["title"]+"."
		h.render(w, r, http.StatusBadRequest, "goals.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, relPath(id)+"/goals?done=created#goal-"+g.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) GoalProgress(w http.ResponseWriter, r *http.Request) error {
	id, gid := r.PathValue("id"), r.PathValue("goalID")
	_, err := h.svc.AddGoalProgress(r.Context(), httpx.Principal(r), id, gid, strings.TrimSpace(r.PostFormValue("body")), mentorvault.GoalStatus(r.PostFormValue("status")))
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		pg, perr := h.goalsPage(r)
		if perr != nil {
			return perr
		}
		pg.ErrorGoal = gid
		pg.Error = "Write a progress note or choose a new status."
		if f := mentorvault.ErrorFields(err); f["body"] != "" && !strings.HasPrefix(f["body"], "write") {
			pg.Error = "The progress note " + f["body"] + "."
		}
		h.render(w, r, http.StatusBadRequest, "goals.html", pg)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, relPath(id)+"/goals?done=progress#goal-"+url.PathEscape(gid), http.StatusSeeOther)
	return nil
}
