package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// dashboardPage is a programme's full dashboard: every chart drawn on the
// server as SVG, with the table it is drawn from beside it.
type dashboardPage struct {
	base
	D           *service.DashboardReport
	States      stateChart
	Rates       []rateBar
	RatesHeight int
}

// stateChart is the stacked bar chart of relationships by state per month.
type stateChart struct {
	Width, Height, Base int
	Bars                []stateBar
	Max                 int
}

type stateBar struct {
	X, W, Label                  int
	Month                        string
	NotStarted, Running, Ended   int
	YNot, HNot, YRun, HRun, YEnd int
	HEnded                       int
}

// rateBar is one rate figure as a horizontal bar (0 to 100 %).
type rateBar struct {
	Label string
	Rate  int
	Y, W  int
}

const (
	chartW, chartH, chartBase = 720, 220, 190
	barGap                    = 12
)

func statesChart(ms []service.StateMonth) stateChart {
	c := stateChart{Width: chartW, Height: chartH, Base: chartBase}
	for _, m := range ms {
		c.Max = max(c.Max, m.NotStarted+m.Running+m.Ended)
	}
	scale := func(n int) int {
		if c.Max == 0 {
			return 0
		}
		return n * (chartBase - 20) / c.Max
	}
	w := (chartW - 40) / max(1, len(ms))
	for i, m := range ms {
		b := stateBar{X: 40 + i*w, W: w - barGap, Month: m.Month.Format("Jan 06"), NotStarted: m.NotStarted, Running: m.Running, Ended: m.Ended}
		b.HRun, b.HNot, b.HEnded = scale(m.Running), scale(m.NotStarted), scale(m.Ended)
		b.YRun = chartBase - b.HRun
		b.YNot = b.YRun - b.HNot
		b.YEnd = b.YNot - b.HEnded
		b.Label = b.X + b.W/2
		c.Bars = append(c.Bars, b)
	}
	return c
}

func rateBars(stats []service.Stat) []rateBar {
	var out []rateBar
	for _, s := range stats {
		if s.Withheld || s.Rate < 0 {
			continue
		}
		out = append(out, rateBar{Label: s.Label, Rate: s.Rate, Y: 10 + 34*len(out), W: s.Rate * 4})
	}
	return out
}

// Dashboard serves GET /programmes/{id}/dashboard.
func (h *Handler) Dashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.ProgrammeDashboardReport(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := &dashboardPage{base: h.base(r, "Dashboard: "+d.Programme.Name), D: d, States: statesChart(d.States), Rates: rateBars(d.Stats)}
	p.RatesHeight = 10 + 34*len(p.Rates)
	h.render(w, r, http.StatusOK, "dashboard.html", p)
	return nil
}

// DashboardCSV serves GET /programmes/{id}/dashboard.csv: the same figures,
// withheld ones with why, one per row.
func (h *Handler) DashboardCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.ProgrammeDashboardReport(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="dashboard-`+d.Programme.ID+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	row := func(section, key, label, value, asOf string) {
		_ = cw.Write([]string{section, key, label, value, asOf})
	}
	row("section", "figure", "label", "value", "as_of")
	row("programme", "k", "Smallest group behind a figure", strconv.Itoa(d.K), "")
	c := d.Current
	for _, f := range []struct {
		key, label string
		n          int
	}{{"active", "Active", c.Active}, {"paused", "Paused", c.Paused}, {"proposals_pending", "Proposals waiting for an answer", c.ProposalsPending},
		{"awaiting_signature", "Agreements waiting for signatures", c.AwaitingSignature}} {
		row("now", f.key, f.label, strconv.Itoa(f.n), "")
	}
	for _, f := range []struct {
		key, label string
		fig        service.Figure
	}{{"reviews_overdue", "People with a review overdue", c.ReviewsOverdue}, {"waiting_to_be_matched", "People waiting to be matched", c.WaitingToBeMatched}} {
		if f.fig.Withheld {
			row("now", f.key, f.label, "withheld", "")
		} else {
			row("now", f.key, f.label, strconv.Itoa(f.fig.N), f.fig.AsOf.Format("2006-01-02"))
		}
	}
	for _, m := range d.States {
		month := m.Month.Format("2006-01")
		row("states", "not_started", "Not started ("+month+")", strconv.Itoa(m.NotStarted), "")
		row("states", "running", "Active or paused ("+month+")", strconv.Itoa(m.Running), "")
		row("states", "ended", "Ended ("+month+")", strconv.Itoa(m.Ended), "")
	}
	for _, group := range []struct {
		name  string
		stats []service.Stat
	}{{"figures", d.Stats}, {"feedback", d.Feedback}} {
		for _, s := range group.stats {
			v, asOf := s.Value, ""
			if s.Withheld {
				v = fmt.Sprintf("withheld: %s", s.Why)
			} else if !s.AsOf.IsZero() {
				asOf = s.AsOf.Format("2006-01-02")
			}
			row(group.name, s.Key, s.Label, v, asOf)
		}
	}
	cw.Flush()
	return cw.Error()
}
