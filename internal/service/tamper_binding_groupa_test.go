package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// The tamper tables of the agreement, meeting, goal, commitment, review and
// feedback records: for each kind, a field that decides who may read the
// record (or whom it concerns) changed behind the service's back, an older
// ciphertext restored (or, for a record sealed only once, another record's
// ciphertext copied in), and a row inserted directly. Each is refused at read
// as damaged — alone with 409, in a list flagged while the rest is served —
// and reported by audit verify with the record named.

// tamperFix is one kind's fixture: the record tampered with, and an older
// ciphertext of its sealed field (or another record's).
type tamperFix struct {
	id     string
	old    []byte
	goalID string // a goal of the pair's, for kinds that belong to one
}

// tamperKind is one kind's table.
type tamperKind struct {
	record string // as audit verify names it
	seed   func(t *testing.T, e *mvtest.Env) tamperFix
	// bind changes a binding field of f.id and returns who reads it then.
	bind  func(t *testing.T, e *mvtest.Env, f tamperFix) (reader string)
	older func(t *testing.T, e *mvtest.Env, f tamperFix)
	// insert writes a copy of f.id under a new ID through the store and returns that ID.
	insert func(t *testing.T, e *mvtest.Env, f tamperFix) string
	// read reads as reader and returns whether id is flagged damaged with its
	// content empty, how many others were served, and the error of reading
	// id alone (nil when the kind has no single read).
	read func(t *testing.T, e *mvtest.Env, reader, id string) (flagged bool, served int, alone error)
	// alone reports whether the kind has a single read.
	alone bool
}

func userID(e *mvtest.Env, who string) string { return e.Users[who].ID }

var tamperKinds = []tamperKind{
	{
		record: "agreement_version", alone: true,
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			v := must[*service.VersionView](t)(e.Svc.StartDraft(ctx, e.As("alice"), e.Rel.ID))
			var stored *mentorvault.AgreementVersion
			change(t, e, func(tx mentorvault.Tx) (err error) { stored, err = tx.FindAgreementVersionByID(ctx, v.ID); return err })
			terms := v.Terms
			terms.Expectations.Goals = "Grow into leading the platform team, and then some."
			must[*service.VersionView](t)(e.Svc.UpdateDraft(ctx, e.As("bob"), e.Rel.ID, v.ID, v.Hash, terms))
			return tamperFix{id: v.ID, old: stored.TextSealed}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			rawExec(t, e, `UPDATE agreement_versions SET created_by_id = ? WHERE id = ?`, userID(e, "bob"), f.id)
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			change(t, e, func(tx mentorvault.Tx) error {
				v, err := tx.FindAgreementVersionByID(ctx, f.id)
				if err != nil {
					return err
				}
				v.TextSealed = f.old
				return tx.UpdateAgreementVersion(ctx, v)
			})
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			var id string
			change(t, e, func(tx mentorvault.Tx) error {
				v, err := tx.FindAgreementVersionByID(ctx, f.id)
				if err != nil {
					return err
				}
				v.ID, v.Number, v.State = mentorvault.NewID(), 9, mentorvault.AgreementSuperseded
				id = v.ID
				return tx.CreateAgreementVersion(ctx, v)
			})
			return id
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			av := must[*service.AgreementView](t)(e.Svc.Agreement(ctx, e.As(reader), e.Rel.ID))
			var flagged bool
			var served int
			for _, v := range av.Versions {
				switch {
				case v.ID == id:
					flagged = v.Damaged && v.Text.IsZero()
				case !v.Damaged && !v.Text.IsZero():
					served++
				}
			}
			_, _, err := e.Svc.ExportAgreement(ctx, e.As(reader), e.Rel.ID, id, "markdown")
			return flagged, served, err
		},
	},
	{
		record: "agreement_comment",
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			av := must[*service.AgreementView](t)(e.Svc.Agreement(ctx, e.As("bob"), e.Rel.ID))
			vid := av.InForce.ID
			c := must[*mentorvault.AgreementComment](t)(e.Svc.CommentAgreement(ctx, e.As("bob"), e.Rel.ID, vid, "expectations", "bob's comment"))
			o := must[*mentorvault.AgreementComment](t)(e.Svc.CommentAgreement(ctx, e.As("alice"), e.Rel.ID, vid, "clauses", "alice's comment"))
			return tamperFix{id: c.ID, old: o.BodySealed}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			rawExec(t, e, `UPDATE agreement_comments SET author_id = ? WHERE id = ?`, userID(e, "alice"), f.id)
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			rawExec(t, e, `UPDATE agreement_comments SET body_sealed = ? WHERE id = ?`, f.old, f.id)
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			var id string
			change(t, e, func(tx mentorvault.Tx) error {
				cs, err := tx.FindAgreementComments(ctx, e.Rel.ID)
				if err != nil {
					return err
				}
				for _, c := range cs {
					if c.ID == f.id {
						c.ID = mentorvault.NewID()
						id = c.ID
						return tx.CreateAgreementComment(ctx, c)
					}
				}
				t.Fatal("comment not found")
				return nil
			})
			return id
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			av := must[*service.AgreementView](t)(e.Svc.Agreement(ctx, e.As(reader), e.Rel.ID))
			var flagged bool
			var served int
			for _, c := range av.Comments {
				switch {
				case c.ID == id:
					flagged = c.Damaged && c.Body.IsZero()
				case !c.Damaged && !c.Body.IsZero():
					served++
				}
			}
			return flagged, served, nil
		},
	},
	{
		record: "review",
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			r := must[*mentorvault.Review](t)(e.Svc.RecordReview(ctx, e.As("bob"), e.Rel.ID, mentorvault.ReviewPartly, "bob's review", false))
			o := must[*mentorvault.Review](t)(e.Svc.RecordReview(ctx, e.As("alice"), e.Rel.ID, mentorvault.ReviewHolds, "alice's review", false))
			return tamperFix{id: r.ID, old: o.Sealed}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			rawExec(t, e, `UPDATE reviews SET user_id = ? WHERE id = ?`, userID(e, "alice"), f.id)
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			rawExec(t, e, `UPDATE reviews SET sealed = ? WHERE id = ?`, f.old, f.id)
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			var id string
			change(t, e, func(tx mentorvault.Tx) error {
				rs, err := tx.FindReviews(ctx, e.Rel.ID)
				if err != nil {
					return err
				}
				for _, r := range rs {
					if r.ID == f.id {
						r.ID = mentorvault.NewID()
						id = r.ID
						return tx.CreateReview(ctx, r)
					}
				}
				t.Fatal("review not found")
				return nil
			})
			return id
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			rv := must[*service.ReviewsView](t)(e.Svc.Reviews(ctx, e.As(reader), e.Rel.ID))
			var flagged bool
			var served int
			for _, r := range rv.Reviews {
				switch {
				case r.ID == id:
					flagged = r.Damaged && r.Answer == "" && r.Notes.IsZero()
				case !r.Damaged && r.Answer != "":
					served++
				}
			}
			return flagged, served, nil
		},
	},
	{
		record: "meeting", alone: true,
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			in := service.MeetingInput{StartsAt: time.Now().Add(5 * 24 * time.Hour), Minutes: 45, Location: "Room 1", Agenda: "the first agenda"}
			m := must[*mentorvault.Meeting](t)(e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, in))
			in.Agenda = "the second agenda"
			must[*mentorvault.Meeting](t)(e.Svc.RescheduleMeeting(ctx, e.As("alice"), e.Rel.ID, m.ID, in))
			return tamperFix{id: m.ID, old: m.AgendaSealed}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			rawExec(t, e, `UPDATE meetings SET created_by_id = ? WHERE id = ?`, userID(e, "bob"), f.id)
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			change(t, e, func(tx mentorvault.Tx) error {
				m, err := tx.FindMeetingByID(ctx, f.id)
				if err != nil {
					return err
				}
				m.AgendaSealed = f.old
				return tx.UpdateMeeting(ctx, m)
			})
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			var id string
			change(t, e, func(tx mentorvault.Tx) error {
				m, err := tx.FindMeetingByID(ctx, f.id)
				if err != nil {
					return err
				}
				m.ID = mentorvault.NewID()
				id = m.ID
				return tx.CreateMeeting(ctx, m)
			})
			return id
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			page := must[*service.MeetingPage](t)(e.Svc.Meetings(ctx, e.As(reader), e.Rel.ID, service.MeetingFilter{Upcoming: true}))
			var flagged bool
			var served int
			for _, m := range page.Meetings {
				switch {
				case m.ID == id:
					flagged = m.Damaged && m.Agenda.IsZero()
				case !m.Damaged && !m.Agenda.IsZero():
					served++
				}
			}
			_, err := e.Svc.Meeting(ctx, e.As(reader), e.Rel.ID, id)
			return flagged, served, err
		},
	},
	{
		record: "goal",
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			g := must[*mentorvault.Goal](t)(e.Svc.CreateGoal(ctx, e.As("bob"), e.Rel.ID, "bob's goal"))
			o := must[*mentorvault.Goal](t)(e.Svc.CreateGoal(ctx, e.As("alice"), e.Rel.ID, "alice's goal"))
			return tamperFix{id: g.ID, old: o.TitleSealed}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			rawExec(t, e, `UPDATE goals SET created_by_id = ? WHERE id = ?`, userID(e, "alice"), f.id)
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			change(t, e, func(tx mentorvault.Tx) error {
				g, err := tx.FindGoalByID(ctx, f.id)
				if err != nil {
					return err
				}
				g.TitleSealed = f.old
				return tx.UpdateGoal(ctx, g)
			})
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			var id string
			change(t, e, func(tx mentorvault.Tx) error {
				g, err := tx.FindGoalByID(ctx, f.id)
				if err != nil {
					return err
				}
				g.ID = mentorvault.NewID()
				id = g.ID
				return tx.CreateGoal(ctx, g)
			})
			return id
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			var flagged bool
			var served int
			for _, g := range must[[]*service.GoalView](t)(e.Svc.Goals(ctx, e.As(reader), e.Rel.ID)) {
				switch {
				case g.ID == id:
					flagged = g.Damaged && g.Title.IsZero()
				case !g.Damaged && !g.Title.IsZero():
					served++
				}
			}
			return flagged, served, nil
		},
	},
	{
		record: "goal_progress",
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			g := must[*mentorvault.Goal](t)(e.Svc.CreateGoal(ctx, e.As("bob"), e.Rel.ID, "bob's goal"))
			p := must[*mentorvault.GoalProgress](t)(e.Svc.AddGoalProgress(ctx, e.As("bob"), e.Rel.ID, g.ID, "bob's progress", ""))
			o := must[*mentorvault.GoalProgress](t)(e.Svc.AddGoalProgress(ctx, e.As("alice"), e.Rel.ID, g.ID, "alice's progress", ""))
			return tamperFix{id: p.ID, old: o.BodySealed, goalID: g.ID}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			rawExec(t, e, `UPDATE goal_progress SET author_id = ? WHERE id = ?`, userID(e, "alice"), f.id)
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			rawExec(t, e, `UPDATE goal_progress SET body_sealed = ? WHERE id = ?`, f.old, f.id)
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			var id string
			change(t, e, func(tx mentorvault.Tx) error {
				prs, err := tx.FindGoalProgress(ctx, e.Rel.ID)
				if err != nil {
					return err
				}
				for _, p := range prs {
					if p.ID == f.id {
						p.ID = mentorvault.NewID()
						id = p.ID
						return tx.CreateGoalProgress(ctx, p)
					}
				}
				t.Fatal("progress note not found")
				return nil
			})
			return id
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			var flagged bool
			var served int
			for _, g := range must[[]*service.GoalView](t)(e.Svc.Goals(ctx, e.As(reader), e.Rel.ID)) {
				for _, p := range g.Progress {
					switch {
					case p.ID == id:
						flagged = p.Damaged && p.Body.IsZero()
					case !p.Damaged && !p.Body.IsZero():
						served++
					}
				}
			}
			return flagged, served, nil
		},
	},
	{
		record: "commitment",
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			g := must[*mentorvault.Goal](t)(e.Svc.CreateGoal(ctx, e.As("bob"), e.Rel.ID, "bob's goal"))
			due := time.Now().Add(7 * 24 * time.Hour)
			c := must[*mentorvault.Commitment](t)(e.Svc.CreateCommitment(ctx, e.As("bob"), e.Rel.ID, service.CommitmentInput{Description: "bob promises", DueAt: due, GoalID: g.ID}))
			o := must[*mentorvault.Commitment](t)(e.Svc.CreateCommitment(ctx, e.As("alice"), e.Rel.ID, service.CommitmentInput{Description: "alice promises", DueAt: due}))
			return tamperFix{id: c.ID, old: o.DescriptionSealed, goalID: g.ID}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			change(t, e, func(tx mentorvault.Tx) error {
				c, err := tx.FindCommitmentByID(ctx, f.id)
				if err != nil {
					return err
				}
				c.GoalID = "" // taken off its goal
				return tx.UpdateCommitment(ctx, c)
			})
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			change(t, e, func(tx mentorvault.Tx) error {
				c, err := tx.FindCommitmentByID(ctx, f.id)
				if err != nil {
					return err
				}
				c.DescriptionSealed = f.old
				return tx.UpdateCommitment(ctx, c)
			})
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			var id string
			change(t, e, func(tx mentorvault.Tx) error {
				c, err := tx.FindCommitmentByID(ctx, f.id)
				if err != nil {
					return err
				}
				c.ID = mentorvault.NewID()
				id = c.ID
				return tx.CreateCommitment(ctx, c)
			})
			return id
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			cv := must[*service.CommitmentsView](t)(e.Svc.Commitments(ctx, e.As(reader), e.Rel.ID))
			var flagged bool
			var served int
			for _, c := range cv.Commitments {
				switch {
				case c.ID == id:
					flagged = c.Damaged && c.Description.IsZero()
				case !c.Damaged && !c.Description.IsZero():
					served++
				}
			}
			return flagged, served, nil
		},
	},
	{
		record: "feedback",
		seed: func(t *testing.T, e *mvtest.Env) tamperFix {
			var other []byte
			change(t, e, func(tx mentorvault.Tx) error {
				rs, err := tx.FindFeedbackResponses(ctx, e.Rel.ID)
				if err == nil && len(rs) > 0 {
					other = rs[0].Sealed // the demo's answer
				}
				return err
			})
			if other == nil {
				t.Fatal("the demo has no feedback answer")
			}
			fr := must[*mentorvault.FeedbackRequest](t)(e.Svc.RequestFeedback(ctx, e.As("alice"), e.Rel.ID))
			ans := mentorvault.FeedbackAnswer{Ratings: map[string]int{}, Text: "bob's answer"}
			for _, q := range mentorvault.FeedbackQuestions {
				ans.Ratings[q.Key] = 4
			}
			if err := e.Svc.AnswerFeedback(ctx, e.As("bob"), e.Rel.ID, fr.ID, ans); err != nil {
				t.Fatal(err)
			}
			return tamperFix{id: fr.ID, old: other}
		},
		bind: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			// The answer credited to someone else. (Swapping the asker too
			// would leave alice no other answer to be served.)
			rawExec(t, e, `UPDATE feedback_requests SET mentee_id = ? WHERE id = ?`, userID(e, "carol"), f.id)
			return "alice"
		},
		older: func(t *testing.T, e *mvtest.Env, f tamperFix) {
			rawExec(t, e, `UPDATE feedback_responses SET sealed = ? WHERE request_id = ?`, f.old, f.id)
		},
		insert: func(t *testing.T, e *mvtest.Env, f tamperFix) string {
			fr := must[*mentorvault.FeedbackRequest](t)(e.Svc.RequestFeedback(ctx, e.As("alice"), e.Rel.ID))
			change(t, e, func(tx mentorvault.Tx) error {
				rs, err := tx.FindFeedbackResponses(ctx, e.Rel.ID)
				if err != nil {
					return err
				}
				for _, r := range rs {
					if r.RequestID == f.id {
						r.RequestID = fr.ID
						return tx.CreateFeedbackResponse(ctx, r)
					}
				}
				t.Fatal("feedback answer not found")
				return nil
			})
			return fr.ID
		},
		read: func(t *testing.T, e *mvtest.Env, reader, id string) (bool, int, error) {
			fv := must[*service.FeedbackView](t)(e.Svc.Feedback(ctx, e.As(reader), e.Rel.ID))
			var flagged bool
			var served int
			for rid, a := range fv.Answers {
				switch {
				case rid == id:
					flagged = a.Damaged && a.Text.IsZero() && len(a.Ratings) == 0
				case !a.Damaged && !a.Text.IsZero():
					served++
				}
			}
			return flagged, served, nil
		},
	},
}

// TestTamperGroupABindings runs every kind's table on both backends.
func TestTamperGroupABindings(t *testing.T) {
	type mutation struct {
		name   string
		mutate func(t *testing.T, e *mvtest.Env, k tamperKind, f tamperFix) (reader, id string)
		why    string
	}
	mutations := []mutation{
		{"binding field changed", func(t *testing.T, e *mvtest.Env, k tamperKind, f tamperFix) (string, string) {
			return k.bind(t, e, f), f.id
		}, "differs from its last audited write"},
		{"older or other ciphertext restored", func(t *testing.T, e *mvtest.Env, k tamperKind, f tamperFix) (string, string) {
			k.older(t, e, f)
			return "alice", f.id
		}, "differs from its last audited write"},
		{"row inserted directly", func(t *testing.T, e *mvtest.Env, k tamperKind, f tamperFix) (string, string) {
			return "alice", k.insert(t, e, f)
		}, "no audited write"},
	}
	for _, k := range tamperKinds {
		t.Run(k.record, func(t *testing.T) {
			for _, m := range mutations {
				t.Run(m.name, func(t *testing.T) {
					eachBackend(t, func(t *testing.T, e *mvtest.Env) {
						f := k.seed(t, e)
						if rep := sealedReport(t, e); len(rep.Problems) > 0 {
							t.Fatalf("before tampering: %v", rep.Problems)
						}
						reader, id := m.mutate(t, e, k, f)
						flagged, served, alone := k.read(t, e, reader, id)
						if !flagged {
							t.Errorf("the tampered %s %s is not listed as damaged with its content withheld", k.record, id)
						}
						if served == 0 {
							t.Errorf("the list served no other %s", k.record)
						}
						if k.alone {
							wantDamaged(t, "read the tampered "+k.record, alone)
						}
						wantReported(t, e, k.record, m.why, id)
					})
				})
			}
		})
	}
}

// TestSealedGroupAIntact: every sealing write of the agreement, meeting,
// goal, commitment, review and feedback records is audited with what it
// sealed, so after them audit verify finds nothing, and checks each record.
func TestSealedGroupAIntact(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		before := sealedReport(t, e)
		if len(before.Problems) > 0 {
			t.Fatalf("after the demo: %v", before.Problems)
		}
		alice, bob := e.As("alice"), e.As("bob")
		v := must[*service.VersionView](t)(e.Svc.StartDraft(ctx, alice, e.Rel.ID))
		terms := v.Terms
		terms.Expectations.Goals = "edited"
		v = must[*service.VersionView](t)(e.Svc.UpdateDraft(ctx, bob, e.Rel.ID, v.ID, v.Hash, terms))
		must[*mentorvault.AgreementComment](t)(e.Svc.CommentAgreement(ctx, bob, e.Rel.ID, v.ID, "expectations", "a comment"))
		must[*mentorvault.Review](t)(e.Svc.RecordReview(ctx, alice, e.Rel.ID, mentorvault.ReviewHolds, "", false))
		in := service.MeetingInput{StartsAt: time.Now().Add(4 * 24 * time.Hour), Minutes: 30, Location: "Room 2", Agenda: "an agenda"}
		m := must[*mentorvault.Meeting](t)(e.Svc.ScheduleMeeting(ctx, alice, e.Rel.ID, in))
		in.Agenda = "" // cleared: sealed and audited too
		must[*mentorvault.Meeting](t)(e.Svc.RescheduleMeeting(ctx, alice, e.Rel.ID, m.ID, in))
		must[*mentorvault.Meeting](t)(e.Svc.CancelMeeting(ctx, alice, e.Rel.ID, m.ID))
		g := must[*mentorvault.Goal](t)(e.Svc.CreateGoal(ctx, bob, e.Rel.ID, "a goal"))
		must[*mentorvault.GoalProgress](t)(e.Svc.AddGoalProgress(ctx, bob, e.Rel.ID, g.ID, "progress", mentorvault.GoalAchieved))
		c := must[*mentorvault.Commitment](t)(e.Svc.CreateCommitment(ctx, alice, e.Rel.ID, service.CommitmentInput{OwnerID: userID(e, "bob"),
			Description: "a promise", DueAt: time.Now().Add(48 * time.Hour), GoalID: g.ID, MeetingID: m.ID}))
		must[*mentorvault.Commitment](t)(e.Svc.UpdateCommitment(ctx, bob, e.Rel.ID, c.ID, mentorvault.CommitmentOpen))
		fr := must[*mentorvault.FeedbackRequest](t)(e.Svc.RequestFeedback(ctx, alice, e.Rel.ID))
		ans := mentorvault.FeedbackAnswer{Ratings: map[string]int{}}
		for _, q := range mentorvault.FeedbackQuestions {
			ans.Ratings[q.Key] = 3
		}
		if err := e.Svc.AnswerFeedback(ctx, bob, e.Rel.ID, fr.ID, ans); err != nil {
			t.Fatal(err)
		}
		after := sealedReport(t, e)
		if len(after.Problems) > 0 {
			t.Fatalf("after ordinary writes: %v", after.Problems)
		}
		// A draft, a comment, a review, a meeting, a goal, a progress note, a
		// commitment and an answer more.
		if got := after.Checked - before.Checked; got != 8 || after.Legacy != 0 {
			t.Errorf("audit verify checked %d more records (legacy %d), want 8 (0)", got, after.Legacy)
		}
	})
}

// TestTamperMeetingOutOfEveryList: a meeting row inserted with times that
// put it in neither the upcoming nor the past list is still found by audit
// verify.
func TestTamperMeetingOutOfEveryList(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		in := service.MeetingInput{StartsAt: time.Now().Add(3 * 24 * time.Hour), Minutes: 30, Location: "Room 4", Agenda: "an agenda"}
		m := must[*mentorvault.Meeting](t)(e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, in))
		var id string
		change(t, e, func(tx mentorvault.Tx) error {
			c, err := tx.FindMeetingByID(ctx, m.ID)
			if err != nil {
				return err
			}
			c.ID = mentorvault.NewID()
			id = c.ID
			return tx.CreateMeeting(ctx, c)
		})
		// Started long ago, ends long after now: neither upcoming nor past.
		rawExec(t, e, `UPDATE meetings SET starts_at = ?, ends_at = ? WHERE id = ?`,
			time.Now().Add(-48*time.Hour).UTC().Format(time.RFC3339Nano), time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339Nano), id)
		for _, upcoming := range []bool{true, false} {
			for _, lm := range must[*service.MeetingPage](t)(e.Svc.Meetings(ctx, e.As("alice"), e.Rel.ID, service.MeetingFilter{Upcoming: upcoming})).Meetings {
				if lm.ID == id {
					t.Fatalf("the edited row is still listed (upcoming=%v): the case does not test what it means to", upcoming)
				}
			}
		}
		wantReported(t, e, "meeting", "no audited write", id)
	})
}
