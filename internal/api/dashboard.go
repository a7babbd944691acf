package api

import (
	"net/http"
	"time"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// statJSON is one dashboard figure: its value only when shown.
type statJSON struct {
	Key      string     `json:"key"`
	Label    string     `json:"label"`
	Value    *string    `json:"value"`
	Rate     *int       `json:"rate"`
	Withheld bool       `json:"withheld"`
	Why      string     `json:"why,omitempty"`
	AsOf     *time.Time `json:"as_of"`
	Note     string     `json:"note,omitempty"`
}

func statOut(s service.Stat) statJSON {
	out := statJSON{Key: s.Key, Label: s.Label, Withheld: s.Withheld, Why: s.Why, Note: s.Note}
	if !s.Withheld {
		v := s.Value
		out.Value = &v
		if s.Rate >= 0 {
			r := s.Rate
			out.Rate = &r
		}
		if !s.AsOf.IsZero() {
			t := s.AsOf
			out.AsOf = &t
		}
	}
	return out
}

type stateMonthJSON struct {
	Month      string `json:"month"` // YYYY-MM
	NotStarted int    `json:"not_started"`
	Running    int    `json:"running"`
	Ended      int    `json:"ended"`
}

// dashboardJSON is a programme's full dashboard.
type dashboardJSON struct {
	ProgrammeID        string           `json:"programme_id"`
	Name               string           `json:"name"`
	K                  int              `json:"k"`
	KFloor             int              `json:"k_floor"`
	Since              time.Time        `json:"since"`
	At                 time.Time        `json:"at"`
	Active             int              `json:"active"`
	Paused             int              `json:"paused"`
	ProposalsPending   int              `json:"proposals_pending"`
	AwaitingSignature  int              `json:"awaiting_signature"`
	ReviewsOverdue     figureJSON       `json:"reviews_overdue"`
	WaitingToBeMatched figureJSON       `json:"waiting_to_be_matched"`
	States             []stateMonthJSON `json:"states"`
	Figures            []statJSON       `json:"figures"`
	Feedback           []statJSON       `json:"feedback"`
}

func dashboardOut(d *service.DashboardReport) dashboardJSON {
	out := dashboardJSON{ProgrammeID: d.Programme.ID, Name: d.Programme.Name, K: d.K, KFloor: d.KFloor, Since: d.Since, At: d.At,
		Active: d.Current.Active, Paused: d.Current.Paused, ProposalsPending: d.Current.ProposalsPending, AwaitingSignature: d.Current.AwaitingSignature,
		ReviewsOverdue: figureOut(d.Current.ReviewsOverdue), WaitingToBeMatched: figureOut(d.Current.WaitingToBeMatched),
		States: []stateMonthJSON{}, Figures: []statJSON{}, Feedback: []statJSON{}}
	for _, m := range d.States {
		out.States = append(out.States, stateMonthJSON{Month: m.Month.Format("2006-01"), NotStarted: m.NotStarted, Running: m.Running, Ended: m.Ended})
	}
	for _, s := range d.Stats {
		out.Figures = append(out.Figures, statOut(s))
	}
	for _, s := range d.Feedback {
		out.Feedback = append(out.Feedback, statOut(s))
	}
	return out
}

// ProgrammeDashboard serves GET /api/v1/programmes/{id}/dashboard: the
// programme's full dashboard for its coordinators, every figure about
// people under the k rule and released in steps.
func (h *Handler) ProgrammeDashboard(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (dashboardJSON, error) {
		d, err := h.svc.ProgrammeDashboardReport(r.Context(), httpx.Principal(r), r.PathValue("id"))
		if err != nil {
			return dashboardJSON{}, err
		}
		return dashboardOut(d), nil
	})(w, r)
}

type privacyJSON struct {
	KFloor int `json:"k_floor"`
}

// Privacy serves GET /api/v1/org/privacy: the organisation's floor under
// every programme's k (org admins).
func (h *Handler) Privacy(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (privacyJSON, error) {
		v, err := h.svc.KFloor(r.Context(), httpx.Principal(r))
		if err != nil {
			return privacyJSON{}, err
		}
		return privacyJSON{KFloor: v.KFloor}, nil
	})(w, r)
}

// SetPrivacy serves PUT /api/v1/org/privacy: sets the floor; a programme
// whose k it raises announces the change to its participants.
func (h *Handler) SetPrivacy(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in privacyJSON) (privacyJSON, error) {
		v, err := h.svc.SetKFloor(r.Context(), httpx.Principal(r), in.KFloor)
		if err != nil {
			return privacyJSON{}, err
		}
		return privacyJSON{KFloor: v.KFloor}, nil
	})(w, r)
}
