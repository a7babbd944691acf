package form_test

import (
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParseFeedback(t *testing.T) {
	v := url.Values{"text": {"thanks"}}
	for _, q := range mentorvault.FeedbackQuestions {
		v.Set("q_"+q.Key, "4")
	}
	ans, _ := form.ParseFeedback(v)
	if err := ans.Validate(); err != nil {
		t.Fatalf("a full answer is refused: %v", err)
	}
	v.Set("q_"+mentorvault.FeedbackQuestions[0].Key, "four")
	ans, _ = form.ParseFeedback(v)
	if f := mentorvault.ErrorFields(ans.Validate()); f["ratings."+mentorvault.FeedbackQuestions[0].Key] == "" {
		t.Fatalf("a rating that is not a number is not asked for again: %v", f)
	}
}

func FuzzParseFeedback(f *testing.F) {
	f.Add("5", "1", "comment")
	f.Add("x", "-9", "\x00")
	f.Fuzz(func(t *testing.T, first, rest, text string) {
		v := url.Values{"text": {text}}
		for i, q := range mentorvault.FeedbackQuestions {
			v.Set("q_"+q.Key, map[bool]string{true: first, false: rest}[i == 0])
		}
		ans, p := form.ParseFeedback(v)
		keysIn(t, p)
		for k := range ans.Ratings {
			known := false
			for _, q := range mentorvault.FeedbackQuestions {
				known = known || q.Key == k
			}
			if !known {
				t.Fatalf("rating of %q, not a question", k)
			}
		}
		// The answer's own problems are the form's fields.
		var fields []string
		for _, q := range mentorvault.FeedbackQuestions {
			fields = append(fields, "ratings."+q.Key)
		}
		keysIn(t, mentorvault.ErrorFields(ans.Validate()), append(fields, "text")...)
	})
}

func TestParseConsultation(t *testing.T) {
	if _, p := form.ParseConsultation(values("message", "  ")); p["message"] == "" {
		t.Error("a blank question is not a problem")
	}
	c, p := form.ParseConsultation(values("message", "Help?", "share_category", "yes", "supervisor_id", "s1"))
	if len(p) > 0 || !c.ShareCategory || c.ShareDescription || c.SupervisorID != "s1" {
		t.Errorf("got %+v, problems %v", c, p)
	}
}

func FuzzParseConsultation(f *testing.F) {
	f.Add("s1", "c1", "Help?", "yes", "no")
	f.Fuzz(func(t *testing.T, sup, concern, msg, cat, desc string) {
		c, p := form.ParseConsultation(values("supervisor_id", sup, "concern_id", concern, "message", msg, "share_category", cat, "share_description", desc))
		keysIn(t, p, "message")
		if c.Message != msg || c.ShareCategory != (cat == "yes") || c.ShareDescription != (desc == "yes") {
			t.Fatalf("got %+v", c)
		}
	})
}

func TestParseConcern(t *testing.T) {
	c, p := form.ParseConcern(values("category", "danger_to_mentee", "description", "d", "imminent", "yes"))
	if len(p) > 0 || !c.Imminent || c.Category != "danger_to_mentee" {
		t.Errorf("got %+v", c)
	}
	if c, _ := form.ParseConcern(values("imminent", "on")); c.Imminent {
		t.Error(`only "yes" raises an imminent danger`)
	}
}

func FuzzParseConcern(f *testing.F) {
	f.Add("danger_to_mentee", "what happened", "yes", "ethical_view", "unsure")
	f.Fuzz(func(t *testing.T, cat, desc, imminent, kind, answer string) {
		c, p := form.ParseConcern(values("category", cat, "description", desc, "imminent", imminent))
		keysIn(t, p)
		if string(c.Category) != cat || c.Description != desc || c.Imminent != (imminent == "yes") {
			t.Fatalf("got %+v", c)
		}
		s, p := form.ParseConcernStep(values("kind", kind, "answer", answer, "body", desc))
		keysIn(t, p)
		if string(s.Kind) != kind || s.Answer != answer || s.Body != desc {
			t.Fatalf("got %+v", s)
		}
	})
}

func TestParseNote(t *testing.T) {
	n, _ := form.ParseNote(values("body", "hello", "visibility", "shared"))
	if err := mentorvault.ValidateNoteInput(n.Body, n.Visibility); err != nil {
		t.Errorf("a valid note is refused: %v", err)
	}
	n, _ = form.ParseNote(values("body", " ", "visibility", "public"))
	if f := mentorvault.ErrorFields(mentorvault.ValidateNoteInput(n.Body, n.Visibility)); f["body"] == "" || f["visibility"] == "" {
		t.Errorf("an invalid note is not refused on both fields: %v", f)
	}
}

func FuzzParseNote(f *testing.F) {
	f.Add("hello", "private")
	f.Fuzz(func(t *testing.T, body, vis string) {
		n, p := form.ParseNote(values("body", body, "visibility", vis))
		keysIn(t, p)
		// The service's problems are the form's fields.
		keysIn(t, mentorvault.ErrorFields(mentorvault.ValidateNoteInput(n.Body, n.Visibility)), "body", "visibility")
	})
}

func TestParseGoal(t *testing.T) {
	if g, _ := form.ParseGoal(values("title", "Public speaking")); g != "Public speaking" {
		t.Errorf("title %q", g)
	}
	if pr, _ := form.ParseProgress(values("body", "  went well ", "status", "achieved")); pr.Body != "went well" || pr.Status != "achieved" {
		t.Errorf("progress %+v", pr)
	}
}

func FuzzParseGoal(f *testing.F) {
	f.Add("Public speaking", "went well", "active")
	f.Fuzz(func(t *testing.T, title, body, status string) {
		g, p := form.ParseGoal(values("title", title))
		keysIn(t, p)
		keysIn(t, mentorvault.ErrorFields(mentorvault.ValidateText("title", g, mentorvault.MaxCommitmentBytes)), "title")
		pr, p := form.ParseProgress(values("body", body, "status", status))
		keysIn(t, p)
		if string(pr.Status) != status {
			t.Fatalf("status %q", pr.Status)
		}
	})
}

func TestParseStatement(t *testing.T) {
	body, _ := form.ParseStatement(values("body", "She prepares well."))
	if err := mentorvault.ValidateText("body", body, mentorvault.MaxStatementBytes); err != nil {
		t.Errorf("refused: %v", err)
	}
	s, _ := form.ParseSummary(values("recipient_email", " m@example.org ", "purpose", " goals ", "body", "b"))
	if s.RecipientEmail != "m@example.org" || s.Purpose != "goals" {
		t.Errorf("summary %+v", s)
	}
	d, _ := form.ParseDecision(values("decision", "consent", "comment", " ok "))
	if d.Decision != "consent" || d.Comment != "ok" {
		t.Errorf("decision %+v", d)
	}
}

func FuzzParseStatement(f *testing.F) {
	f.Add("She prepares well.", "goals", "consent", "reply")
	f.Fuzz(func(t *testing.T, body, purpose, decision, reply string) {
		b, p := form.ParseStatement(values("body", body))
		keysIn(t, p)
		keysIn(t, mentorvault.ErrorFields(mentorvault.ValidateText("body", b, mentorvault.MaxStatementBytes)), "body")
		s, p := form.ParseSummary(values("purpose", purpose, "body", body))
		keysIn(t, p)
		keysIn(t, mentorvault.ErrorFields(mentorvault.ValidatePurpose(s.Purpose)), "purpose")
		d, p := form.ParseDecision(values("decision", decision, "comment", reply))
		keysIn(t, p)
		if d.Decision != decision {
			t.Fatalf("decision %q", d.Decision)
		}
		if r, _ := form.ParseDecline(values("reply", reply)); r != reply {
			t.Fatalf("reply %q", r)
		}
	})
}

func TestScanRow(t *testing.T) {
	for _, tc := range []struct {
		key   string
		row   int
		field string
		ok    bool
	}{
		{"clauses[2].recipient", 2, "recipient", true},
		{"clauses[0].months", 0, "months", true},
		{"clauses[-1].months", 0, "", false},
		{"clauses[01].months", 0, "", false},
		{"clauses[2]", 0, "", false},
		{"exceptions[2].kind", 0, "", false},
	} {
		row, field, ok := form.ScanRow(tc.key, "clauses")
		if row != tc.row || field != tc.field || ok != tc.ok {
			t.Errorf("ScanRow(%q) = %d, %q, %v", tc.key, row, field, ok)
		}
	}
	if n := form.RowCount(values("clause_rows", "100000"), "clause_rows"); n != mentorvault.MaxAgreementItems+10 {
		t.Errorf("row count not bounded: %d", n)
	}
	p := form.Problems{}
	if n := form.Int(" 12 ", "minutes", p); n != 12 || len(p) > 0 {
		t.Errorf("Int = %d, %v", n, p)
	}
	if form.Int("twelve", "minutes", p); p["minutes"] == "" {
		t.Error("not a number is no problem")
	}
}

func FuzzParseAgreement(f *testing.F) {
	f.Add("clauses[2].recipient", 3, "recipient", "12", "7")
	f.Add("clauses[-1].x", -1, "", "-0", "99999999999999999999")
	f.Fuzz(func(t *testing.T, key string, row int, field, count, number string) {
		if i, fld, ok := form.ScanRow(key, "clauses"); ok {
			if i < 0 || "clauses["+strconv.Itoa(i)+"]."+fld != key {
				t.Fatalf("ScanRow(%q) = %d, %q", key, i, fld)
			}
		}
		if row >= 0 {
			if i, fld, ok := form.ScanRow("clauses["+strconv.Itoa(row)+"]."+field, "clauses"); !ok || i != row || fld != field {
				t.Fatalf("row %d field %q scanned as %d %q %v", row, field, i, fld, ok)
			}
		}
		if n := form.RowCount(values("rows", count), "rows"); n < 0 || n > mentorvault.MaxAgreementItems+10 {
			t.Fatalf("RowCount(%q) = %d", count, n)
		}
		p := form.Problems{}
		form.Int(number, "minutes", p)
		keysIn(t, p, "minutes")
	})
}

func TestParseProgrammeSettings(t *testing.T) {
	st := mentorvault.DefaultProgrammeSettings()
	got, p := form.ParseProgrammeSettings(values("min_notice_hours", "48", "review_every_weeks", "8", "k_threshold", "5", "retention_days", "365",
		"template_minutes", "45", "template_notice_hours", "24"), st)
	if len(p) > 0 || got.MinNoticeHours != 48 || got.Template.Expectations.ReviewEveryWeeks != 8 {
		t.Fatalf("got %+v, problems %v", got, p)
	}
	if _, p := form.ParseProgrammeSettings(values("k_threshold", "five"), st); p["k_threshold"] == "" {
		t.Errorf("problems %v", p)
	}
}

func FuzzParseProgrammeSettings(f *testing.F) {
	f.Add("48", "8", "5", "365", "45", "24", "monthly", "duty_of_care")
	f.Fuzz(func(t *testing.T, notice, weeks, k, days, minutes, tplNotice, freq, mandatory string) {
		st := mentorvault.DefaultProgrammeSettings()
		got, p := form.ParseProgrammeSettings(values("min_notice_hours", notice, "review_every_weeks", weeks, "k_threshold", k, "retention_days", days,
			"template_minutes", minutes, "template_notice_hours", tplNotice, "template_frequency", freq, "mandatory", mandatory), st)
		keysIn(t, p, "min_notice_hours", "review_every_weeks", "k_threshold", "retention_days",
			"template.expectations.meeting_minutes", "template.expectations.cancellation_notice_hours")
		if len(p) > 0 {
			return
		}
		_ = got.Validate() // the settings' own validation judges the rest, and never panics on them
	})
}

func TestParseReview(t *testing.T) {
	r, _ := form.ParseReview(values("answer", "yes", "notes", "n", "amend", "yes"))
	if r.Answer != "yes" || !r.Amend {
		t.Errorf("%+v", r)
	}
}

func FuzzParseEmailSettings(f *testing.F) {
	f.Add("Europe/London", "meeting.changed", "digest")
	f.Add("", "x", "")
	f.Fuzz(func(t *testing.T, tz, kind, mode string) {
		v := url.Values{"time_zone": {tz}, form.ModePrefix + kind: {mode}}
		got, p := form.ParseEmailSettings(v)
		if p != nil && p["time_zone"] == "" {
			t.Fatalf("problems without the time zone's: %v", p)
		}
		if p == nil && got.TimeZone != "" && !slices.Contains(form.TimeZones, got.TimeZone) {
			t.Fatalf("accepted the zone %q", got.TimeZone)
		}
		if got.Modes[kind] != mode {
			t.Fatalf("mode of %q: %q, want %q", kind, got.Modes[kind], mode)
		}
	})
}

func TestParseMatchProposals(t *testing.T) {
	v := map[string][]string{"mentee": {"a", "c"}, "mentor": {"a:b", "c:d", "e:f"}}
	got, p := form.ParseMatchProposals(v)
	if len(p) > 0 || len(got) != 2 || got[0].MentorID != "b" || got[1].MenteeID != "c" || got[1].MentorID != "d" {
		t.Fatalf("got %+v, problems %v", got, p)
	}
	for name, bad := range map[string]map[string][]string{
		"nothing ticked":          {"mentor": {"a:b"}},
		"a mentee without mentor": {"mentee": {"a"}, "mentor": {"c:d"}},
		"a malformed choice":      {"mentee": {"a"}, "mentor": {"ab"}},
		"a control character":     {"mentee": {"a\x00"}, "mentor": {"a\x00:b"}},
	} {
		if _, p := form.ParseMatchProposals(bad); len(p) == 0 {
			t.Errorf("%s: no problem", name)
		}
	}
}

func FuzzParseMatchProposals(f *testing.F) {
	f.Add("a", "a:b")
	f.Fuzz(func(t *testing.T, mentee, mentor string) {
		got, p := form.ParseMatchProposals(map[string][]string{"mentee": {mentee}, "mentor": {mentor}})
		keysIn(t, p, "mentee", "mentor")
		if len(p) == 0 && len(got) != 1 {
			t.Fatalf("no problem but %d pairs", len(got))
		}
	})
}
