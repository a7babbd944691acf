package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // time zones are checked without a system zoneinfo

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// Enrolment: a member joins an open programme as a mentor, a mentee or a
// peer with a profile a matcher reads; they change it or withdraw; the
// programme's coordinators list who enrolled. Each call is decided by Cedar
// (programme.enrol and enrolment.list on the programme, enrolment.read and
// enrolment.update on the enrolment) and audited, denials included. Audit
// events name the role and which fields changed, never what they say.

// EnrolmentInput is a person's enrolment as they give it. A zero Capacity
// is the programme's default for a mentor; a nil ExcludeReportingLine is on.
// Exclusions name people by user ID or email address.
type EnrolmentInput struct {
	Role                 mentorvault.EnrolmentRole
	Topics               []string
	TopicsOther, Goals   string
	Languages            []string
	TimeZone             string
	Availability         string
	Capacity             int
	ExcludeReportingLine *bool
	Exclusions           []string
}

// EnrolmentView is an enrolment with its person and the people it
// excludes by name, for its person or the programme's coordinators.
type EnrolmentView struct {
	*mentorvault.Enrolment
	Person   Person
	Excluded []Person
	// Allowed holds what Cedar lets the viewer do to it (enrolment.update:
	// change or withdraw it).
	Allowed policy.Allowed
}

// EnrolmentPageFilter pages a programme's enrolments (a zero Limit is
// mentorvault.DefaultEnrolmentPage).
type EnrolmentPageFilter struct {
	Limit, Offset int
}

// EnrolmentList is one page of a programme's enrolments: the ones still
// enrolled first, then withdrawn ones (whose profiles are empty).
type EnrolmentList struct {
	Enrolments    []*EnrolmentView
	Limit, Offset int
	More          bool // there is a next page
}

// ProgrammePage is the programme page's data, read in one transaction:
// the programme, the viewer's own enrolment (nil if they never enrolled),
// for its coordinators a page of its enrolments (nil for anyone else), and
// for its coordinators and org admins its anonymous feedback figures with
// their k threshold (Feedback nil for anyone else).
type ProgrammePage struct {
	*ProgrammeView
	Enrolment *EnrolmentView
	Enrolled  *EnrolmentList
	Feedback  []mentorvault.Aggregate
	FeedbackK int
	// Picks are the viewer's top suggestions when Cedar lets them pick
	// (match.pick: an enrolled mentee of a programme that lets mentees
	// pick); nil otherwise.
	Picks *MenteePicks
}

func enrolResource(e *mentorvault.Enrolment, orgID string) policy.Enrolment {
	return policy.Enrolment{ID: e.ID, UserID: e.UserID, ProgrammeID: e.ProgrammeID, OrgID: orgID}
}

func enrolTarget(prog *mentorvault.Programme, e *mentorvault.Enrolment) target {
	return target{orgID: prog.OrgID, typ: "enrolment", id: e.ID}
}

// checkEnrolmentInput refuses bad characters and oversized lists before
// anything is read or written.
func checkEnrolmentInput(in EnrolmentInput) error {
	pairs := []string{"role", string(in.Role), "time_zone", in.TimeZone}
	for _, list := range []struct {
		field string
		vs    []string
	}{{"topics", in.Topics}, {"languages", in.Languages}, {"exclusions", in.Exclusions}} {
		if len(list.vs) > 100 {
			return mentorvault.Invalid("the enrolment is not valid", map[string]string{list.field: "is too long a list"})
		}
		for _, v := range list.vs {
			pairs = append(pairs, list.field, v)
		}
	}
	if err := mentorvault.ValidateLines(pairs...); err != nil {
		return err
	}
	f := map[string]string{}
	if msg := mentorvault.TextProblem(in.TopicsOther, false); msg != "" {
		f["topics_other"] = msg
	}
	if msg := mentorvault.TextProblem(in.Goals, true); msg != "" {
		f["goals"] = msg
	}
	if msg := mentorvault.TextProblem(in.Availability, false); msg != "" {
		f["availability"] = msg
	}
	if len(f) > 0 {
		return mentorvault.Invalid("the enrolment is not valid", f)
	}
	return nil
}

// trimmed trims each value and drops the blank ones.
func trimmed(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.Trim(v, " "); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// checkTimeZone accepts an IANA time-zone name (not "Local", not "").
func checkTimeZone(tz string) error {
	if tz == "" || tz == "Local" {
		return mentorvault.Invalid("the enrolment is not valid", map[string]string{"time_zone": "is required (a time zone such as Europe/London)"})
	}
	if _, err := time.LoadLocation(tz); err != nil || len(tz) > 64 {
		return mentorvault.Invalid("the enrolment is not valid", map[string]string{"time_zone": "must be a time zone name such as Europe/London or America/New_York"})
	}
	return nil
}

// exclusionIDs finds the people an enrolment excludes, by ID or email, in
// the organisation; deactivated people may be excluded too (they may come
// back). Excluding oneself is refused.
func exclusionIDs(ctx context.Context, tx mentorvault.Tx, orgID, self string, refs []string) ([]string, error) {
	var ids []string
	for i, ref := range refs {
		ref = strings.TrimSpace(ref)
		var u *mentorvault.User
		var err error
		switch {
		case strings.Contains(ref, "@"):
			u, err = tx.FindUserByEmail(ctx, mentorvault.NormalizeEmail(ref))
		case mentorvault.ValidID(ref):
			u, err = tx.FindUserByID(ctx, ref)
		default:
			return nil, mentorvault.Invalid("the enrolment is not valid", map[string]string{fmt.Sprintf("exclusions[%d]", i): "must be a person's email address"})
		}
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && u.OrgID != orgID) {
			return nil, mentorvault.Invalid("the enrolment is not valid", map[string]string{fmt.Sprintf("exclusions[%d]", i): "no such person in the organisation"})
		} else if err != nil {
			return nil, err
		}
		if u.ID == self {
			return nil, mentorvault.Invalid("the enrolment is not valid", map[string]string{fmt.Sprintf("exclusions[%d]", i): "you cannot exclude yourself"})
		}
		if !slices.Contains(ids, u.ID) {
			ids = append(ids, u.ID)
		}
	}
	return ids, nil
}

// enrolRefusal audits a refusal that the programme's state decides (closed,
// archived) and answers it in words.
func (s *Service) enrolRefusal(ctx context.Context, tx mentorvault.Tx, a actor, prog *mentorvault.Programme, why string) error {
	if err := s.appendEvent(ctx, tx, a, string(policy.ProgrammeEnrol), mentorvault.OutcomeDenied, progTarget(prog), why); err != nil {
		return err
	}
	msg := "enrolment in this programme is closed; its coordinators open it when they take new people"
	if prog.Archived() {
		msg = "this programme is archived and takes no enrolments"
	}
	return denied{mentorvault.Errorf(mentorvault.ECONFLICT, "%s", msg)}
}

// Enrol creates the caller's enrolment in a programme or, when they are
// enrolled, replaces its role and profile. A new enrolment (or one after a
// withdrawal) needs the programme open; a change needs it not archived.
// Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN, ECONFLICT (closed or
// archived) or EINVALID.
func (s *Service) Enrol(ctx context.Context, p mentorvault.Principal, programmeID string, in EnrolmentInput) (*EnrolmentView, error) {
	if err := checkEnrolmentInput(in); err != nil {
		return nil, err
	}
	var out *EnrolmentView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = nil
		a, prog, err := s.programmeChange(ctx, tx, p, programmeID, policy.ProgrammeEnrol)
		if err != nil {
			return err
		}
		old, err := tx.FindEnrolment(ctx, prog.ID, a.user.ID)
		if err != nil && mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			return err
		}
		fresh := old == nil || old.WithdrawnAt != nil
		if old != nil {
			if err := s.authorize(ctx, tx, a, policy.UpdateEnrolment, enrolResource(old, prog.OrgID), enrolTarget(prog, old), never); err != nil {
				return err
			}
		}
		switch {
		case prog.Archived():
			return s.enrolRefusal(ctx, tx, a, prog, "programme archived")
		case fresh && !prog.EnrolmentOpen:
			return s.enrolRefusal(ctx, tx, a, prog, "enrolment closed")
		}
		now := tx.Now()
		e := &mentorvault.Enrolment{ID: mentorvault.NewID(), ProgrammeID: prog.ID, UserID: a.user.ID, EnrolledAt: now}
		if old != nil {
			e.ID = old.ID
			if !fresh {
				e.EnrolledAt = old.EnrolledAt
			}
		}
		e.Role, e.Topics, e.TopicsOther, e.Goals = in.Role, trimmed(in.Topics), strings.TrimSpace(in.TopicsOther), strings.TrimSpace(strings.ReplaceAll(in.Goals, "\r\n", "\n"))
		e.Languages, e.TimeZone, e.Availability = trimmed(in.Languages), strings.TrimSpace(in.TimeZone), strings.TrimSpace(in.Availability)
		e.Capacity, e.ExcludeReportingLine, e.UpdatedAt = in.Capacity, in.ExcludeReportingLine == nil || *in.ExcludeReportingLine, now
		if e.Role == mentorvault.EnrolMentor && e.Capacity == 0 {
			e.Capacity = prog.DefaultCapacity
		}
		e.Exclusions = in.Exclusions // counted by Validate, then resolved to IDs
		if err := e.Validate(prog); err != nil {
			return err
		}
		if err := checkTimeZone(e.TimeZone); err != nil {
			return err
		}
		if e.Exclusions, err = exclusionIDs(ctx, tx, prog.OrgID, a.user.ID, in.Exclusions); err != nil {
			return err
		}
		switch {
		case old == nil:
			if err := tx.CreateEnrolment(ctx, e); err != nil {
				return err
			}
			err = s.record(ctx, tx, a, "enrolment.create", enrolTarget(prog, e), "role="+string(e.Role))
		case fresh:
			if err := tx.UpdateEnrolment(ctx, e); err != nil {
				return err
			}
			err = s.record(ctx, tx, a, "enrolment.create", enrolTarget(prog, e), "role="+string(e.Role)+"; again after withdrawing")
		default:
			if err := tx.UpdateEnrolment(ctx, e); err != nil {
				return err
			}
			err = s.record(ctx, tx, a, "enrolment.update", enrolTarget(prog, e), enrolmentChanges(old, e))
		}
		if err != nil {
			return err
		}
		out, err = s.enrolmentView(ctx, tx, a, prog, e, nil)
		return err
	})
	return out, err
}

// enrolmentChanges names the fields that changed, never their content.
func enrolmentChanges(old, e *mentorvault.Enrolment) string {
	var changed []string
	add := func(name string, diff bool) {
		if diff {
			changed = append(changed, name)
		}
	}
	add("role", old.Role != e.Role)
	add("topics", !slices.Equal(old.Topics, e.Topics))
	add("topics_other", old.TopicsOther != e.TopicsOther)
	add("goals", old.Goals != e.Goals)
	add("languages", !slices.Equal(old.Languages, e.Languages))
	add("time_zone", old.TimeZone != e.TimeZone)
	add("availability", old.Availability != e.Availability)
	add("capacity", old.Capacity != e.Capacity)
	add("exclude_reporting_line", old.ExcludeReportingLine != e.ExcludeReportingLine)
	add("exclusions", !slices.Equal(old.Exclusions, e.Exclusions))
	if len(changed) == 0 {
		return "unchanged; role=" + string(e.Role)
	}
	return "role=" + string(e.Role) + "; changed=" + strings.Join(changed, ",")
}

// enrolmentView names an enrolment's person and excluded people (from
// users when given, else one FindUsersByIDs) and says what the viewer may
// do to it.
func (s *Service) enrolmentView(ctx context.Context, tx mentorvault.Tx, a actor, prog *mentorvault.Programme, e *mentorvault.Enrolment, users map[string]*mentorvault.User) (*EnrolmentView, error) {
	if users == nil {
		us, err := tx.FindUsersByIDs(ctx, append([]string{e.UserID}, e.Exclusions...))
		if err != nil {
			return nil, err
		}
		users = map[string]*mentorvault.User{}
		for _, u := range us {
			users[u.ID] = u
		}
	}
	v := &EnrolmentView{Enrolment: e, Excluded: []Person{}, Allowed: s.allowed(ctx, a, enrolResource(e, prog.OrgID), policy.UpdateEnrolment)}
	if u := users[e.UserID]; u != nil {
		v.Person = Person{ID: u.ID, Name: u.Name, Email: u.Email}
	}
	for _, id := range e.Exclusions {
		if u := users[id]; u != nil {
			v.Excluded = append(v.Excluded, Person{ID: u.ID, Name: u.Name, Email: u.Email})
		}
	}
	return v, nil
}

// myEnrolmentIn reads the actor's own enrolment in prog, decided and
// audited as enrolment.read; nil when they never enrolled.
func (s *Service) myEnrolmentIn(ctx context.Context, tx mentorvault.Tx, a actor, prog *mentorvault.Programme) (*EnrolmentView, error) {
	e, err := tx.FindEnrolment(ctx, prog.ID, a.user.ID)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, tx, a, policy.ReadEnrolment, enrolResource(e, prog.OrgID), enrolTarget(prog, e), never); err != nil {
		return nil, err
	}
	if err := s.record(ctx, tx, a, "enrolment.read", enrolTarget(prog, e), "own"); err != nil {
		return nil, err
	}
	return s.enrolmentView(ctx, tx, a, prog, e, nil)
}

// MyEnrolment returns the caller's enrolment in a programme, withdrawn or
// not. Returns EUNAUTHENTICATED or ENOTFOUND (the programme, or no
// enrolment).
func (s *Service) MyEnrolment(ctx context.Context, p mentorvault.Principal, programmeID string) (*EnrolmentView, error) {
	var out *EnrolmentView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.programmeCall(ctx, tx, p, policy.ViewProgramme, programmeID)
		if err != nil {
			return err
		}
		if out, err = s.myEnrolmentIn(ctx, tx, a, prog); err == nil && out == nil {
			err = mentorvault.Errorf(mentorvault.ENOTFOUND, "you are not enrolled in this programme")
		}
		return err
	})
	return out, err
}

// WithdrawEnrolment withdraws the caller's enrolment: the fact stays (who,
// which role, when they enrolled and withdrew), the profile is deleted.
// Withdrawing again changes nothing. Returns EUNAUTHENTICATED, ENOTFOUND
// (the programme, or no enrolment) or EFORBIDDEN.
func (s *Service) WithdrawEnrolment(ctx context.Context, p mentorvault.Principal, programmeID string) (*EnrolmentView, error) {
	var out *EnrolmentView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, prog, err := s.programmeChange(ctx, tx, p, programmeID, policy.ViewProgramme)
		if err != nil {
			return err
		}
		e, err := tx.FindEnrolment(ctx, prog.ID, a.user.ID)
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "you are not enrolled in this programme")
		} else if err != nil {
			return err
		}
		if err := s.authorize(ctx, tx, a, policy.UpdateEnrolment, enrolResource(e, prog.OrgID), enrolTarget(prog, e), never); err != nil {
			return err
		}
		if e.WithdrawnAt == nil {
			now := tx.Now()
			*e = mentorvault.Enrolment{ID: e.ID, ProgrammeID: e.ProgrammeID, UserID: e.UserID, Role: e.Role,
				EnrolledAt: e.EnrolledAt, UpdatedAt: now, WithdrawnAt: &now}
			if err := tx.UpdateEnrolment(ctx, e); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, "enrolment.withdraw", enrolTarget(prog, e), "role="+string(e.Role)+"; profile deleted"); err != nil {
				return err
			}
		}
		out, err = s.enrolmentView(ctx, tx, a, prog, e, nil)
		return err
	})
	return out, err
}

// enrolmentsIn lists a page of prog's enrolments for its coordinators,
// decided as enrolment.list (and each row as enrolment.read) and audited.
func (s *Service) enrolmentsIn(ctx context.Context, tx mentorvault.Tx, a actor, prog *mentorvault.Programme, f EnrolmentPageFilter) (*EnrolmentList, error) {
	if err := s.authorize(ctx, tx, a, policy.ListEnrolments, progResource(prog), progTarget(prog), s.unless(ctx, a, policy.ViewProgramme, progResource(prog))); err != nil {
		return nil, err
	}
	es, err := tx.FindEnrolments(ctx, mentorvault.EnrolmentFilter{ProgrammeID: prog.ID, Limit: f.Limit + 1, Offset: f.Offset})
	if err != nil {
		return nil, err
	}
	out := &EnrolmentList{Enrolments: []*EnrolmentView{}, Limit: f.Limit, Offset: f.Offset}
	if len(es) > f.Limit {
		out.More, es = true, es[:f.Limit]
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.UserID)
		ids = append(ids, e.Exclusions...)
	}
	us, err := tx.FindUsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	users := map[string]*mentorvault.User{}
	for _, u := range us {
		users[u.ID] = u
	}
	for _, e := range es {
		if !s.may(ctx, a, policy.ReadEnrolment, enrolResource(e, prog.OrgID)) {
			continue
		}
		v, err := s.enrolmentView(ctx, tx, a, prog, e, users)
		if err != nil {
			return nil, err
		}
		out.Enrolments = append(out.Enrolments, v)
	}
	return out, s.record(ctx, tx, a, "enrolment.list", progTarget(prog), fmt.Sprintf("offset=%d; shown=%d", f.Offset, len(out.Enrolments)))
}

func checkEnrolmentPage(f *EnrolmentPageFilter) error {
	if f.Limit < 0 || f.Offset < 0 || f.Limit > mentorvault.MaxEnrolmentPage {
		return mentorvault.Invalid("the page is not valid", map[string]string{
			"limit": fmt.Sprintf("must be between 0 and %d", mentorvault.MaxEnrolmentPage), "offset": "must not be negative"})
	}
	if f.Limit == 0 {
		f.Limit = mentorvault.DefaultEnrolmentPage
	}
	return nil
}

// Enrolments lists a page of a programme's enrolments with their profiles;
// its coordinators only. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or
// EINVALID (the page).
func (s *Service) Enrolments(ctx context.Context, p mentorvault.Principal, programmeID string, f EnrolmentPageFilter) (*EnrolmentList, error) {
	if err := checkEnrolmentPage(&f); err != nil {
		return nil, err
	}
	var out *EnrolmentList
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, err := s.resolve(ctx, tx, p, policy.ListEnrolments)
		if err != nil {
			return err
		}
		if !mentorvault.ValidID(programmeID) {
			return mentorvault.Errorf(mentorvault.ENOTFOUND, "programme not found")
		}
		prog, err := tx.FindProgrammeByID(ctx, programmeID)
		if err != nil {
			return err
		}
		out, err = s.enrolmentsIn(ctx, tx, a, prog, f)
		return err
	})
	return out, err
}

// ProgrammePage reads the programme page in one transaction: the programme
// (as Programme), the viewer's own enrolment, for its coordinators the page
// f of its enrolments, and the feedback figures for those who may see them
// (as FeedbackAggregates). Returns EUNAUTHENTICATED, ENOTFOUND or EINVALID
// (the page).
func (s *Service) ProgrammePage(ctx context.Context, p mentorvault.Principal, id string, f EnrolmentPageFilter) (*ProgrammePage, error) {
	if err := checkEnrolmentPage(&f); err != nil {
		return nil, err
	}
	var (
		out   *ProgrammePage
		fresh *feedbackEntry // ratings opened by this call, cached once committed
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		fresh = nil // inTx may run this again
		a, prog, v, err := s.programmeIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		out = &ProgrammePage{ProgrammeView: v}
		if out.Enrolment, err = s.myEnrolmentIn(ctx, tx, a, prog); err != nil {
			return err
		}
		if out.Picks, err = s.picksOnPage(ctx, tx, a, prog, v.Settings, out.Enrolment); err != nil {
			return err
		}
		if v.Allowed.Has(policy.ListEnrolments) {
			if out.Enrolled, err = s.enrolmentsIn(ctx, tx, a, prog, f); err != nil {
				return err
			}
		}
		if v.Allowed.Has(policy.ViewFeedbackAggregates) {
			if err := s.authorize(ctx, tx, a, policy.ViewFeedbackAggregates, progResource(prog), progTarget(prog), never); err != nil {
				return err
			}
			if out.Feedback, out.FeedbackK, fresh, err = s.feedbackAggregatesIn(ctx, tx, a, prog); err != nil {
				return err
			}
			if out.Feedback == nil {
				out.Feedback = []mentorvault.Aggregate{}
			}
		}
		return nil
	})
	// As FeedbackAggregates: only what a committed transaction read is cached.
	if err == nil && fresh != nil {
		s.feedback.put(out.ID, fresh.count, fresh.answers)
	}
	return out, err
}
