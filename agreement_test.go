package mentorvault_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
)

func TestMayDisclose(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	ended := now.AddDate(0, -2, 0) // ended two months ago
	terms := mentorvault.AgreementTerms{Clauses: []mentorvault.Clause{
		/*0*/ {Discloser: mentorvault.PartyEither, What: mentorvault.WhatTopicsGoals, Recipient: mentorvault.ToLineManager, Condition: mentorvault.CondAlways, Until: mentorvault.UntilDuring},
		/*1*/ {Discloser: mentorvault.PartyMentor, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToPromotionHR, Condition: mentorvault.CondPermission, Until: mentorvault.UntilMonthsAfter, Months: 3},
		/*2*/ {Discloser: mentorvault.PartyMentee, What: mentorvault.WhatItem, Item: "My move to the data team", Recipient: mentorvault.ToNamedPerson, RecipientName: "pat@northwind.example", Condition: mentorvault.CondAlways, Until: mentorvault.UntilIndefinitely},
		/*3*/ {Discloser: mentorvault.PartyEither, What: mentorvault.WhatEverything, Recipient: mentorvault.ToSupervisor, Condition: mentorvault.CondException, Until: mentorvault.UntilIndefinitely},
		/*4*/ {Discloser: mentorvault.PartyEither, What: mentorvault.WhatTopicsGoals, Recipient: mentorvault.ToLineManager, Condition: mentorvault.CondPermission, Until: mentorvault.UntilIndefinitely},
	}}
	type q = mentorvault.DisclosureQuery
	for _, tc := range []struct {
		name            string
		q               q
		allowed, needsP bool
		needsE          bool
		clause          int
	}{
		{"mentee tells line manager the topics while it lasts", q{Discloser: mentorvault.PartyMentee, What: mentorvault.WhatTopicsGoals, Recipient: mentorvault.ToLineManager, At: now}, true, false, false, 0},
		{"always beats with-permission for the same disclosure", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatTopicsGoals, Recipient: mentorvault.ToLineManager, At: now}, true, false, false, 0},
		{"after the end only the permission clause remains", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatTopicsGoals, Recipient: mentorvault.ToLineManager, At: now, EndedAt: &ended}, false, true, false, 4},
		{"…and with permission it is allowed", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatTopicsGoals, Recipient: mentorvault.ToLineManager, At: now, EndedAt: &ended, PermissionGiven: true}, true, false, false, 4},
		{"details are not topics", q{Discloser: mentorvault.PartyMentee, What: mentorvault.WhatEverything, Recipient: mentorvault.ToLineManager, At: now}, false, false, false, -1},
		{"growth to HR needs permission", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToPromotionHR, At: now}, false, true, false, 1},
		{"growth to HR with permission", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToPromotionHR, At: now, PermissionGiven: true}, true, false, false, 1},
		{"growth to HR within 3 months of the end", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToPromotionHR, At: now, EndedAt: &ended, PermissionGiven: true}, true, false, false, 1},
		{"growth to HR 4 months after the end", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToPromotionHR, At: now.AddDate(0, 2, 1), EndedAt: &ended, PermissionGiven: true}, false, false, false, -1},
		{"the mentee may not use the mentor's clause", q{Discloser: mentorvault.PartyMentee, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToPromotionHR, At: now, PermissionGiven: true}, false, false, false, -1},
		{"named item to the named person, any case", q{Discloser: mentorvault.PartyMentee, What: mentorvault.WhatItem, Item: "my move to the DATA team ", Recipient: mentorvault.ToNamedPerson, RecipientName: "Pat@Northwind.example", At: now}, true, false, false, 2},
		{"named item to someone else", q{Discloser: mentorvault.PartyMentee, What: mentorvault.WhatItem, Item: "My move to the data team", Recipient: mentorvault.ToNamedPerson, RecipientName: "sam@northwind.example", At: now}, false, false, false, -1},
		{"another item", q{Discloser: mentorvault.PartyMentee, What: mentorvault.WhatItem, Item: "My salary", Recipient: mentorvault.ToNamedPerson, RecipientName: "pat@northwind.example", At: now}, false, false, false, -1},
		{"supervisor only under an exception", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatAttendance, Recipient: mentorvault.ToSupervisor, At: now}, false, false, true, 3},
		{"supervisor when an exception applies", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatAttendance, Recipient: mentorvault.ToSupervisor, At: now, ExceptionApplies: true}, true, false, false, 3},
		{"nothing to the coordinator", q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatAttendance, Recipient: mentorvault.ToCoordinator, At: now}, false, false, false, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := terms.MayDisclose(tc.q)
			if a.Allowed != tc.allowed || a.NeedsPermission != tc.needsP || a.NeedsException != tc.needsE || a.Clause != tc.clause || a.Reason == "" {
				t.Fatalf("got %+v", a)
			}
		})
	}
	empty := mentorvault.AgreementTerms{}
	if a := empty.MayDisclose(q{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatAttendance, Recipient: mentorvault.ToLineManager, At: now}); a.Allowed {
		t.Fatal("confidential by default: no clause, no disclosure")
	}
}

func TestAgreementValidate(t *testing.T) {
	good := mentorvault.DefaultProgrammeSettings().Template
	for _, p := range mentorvault.Presets {
		good.Clauses = append(good.Clauses, p.Clauses...)
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("the template with every preset is invalid: %v", mentorvault.ErrorFields(err))
	}
	for _, tc := range []struct {
		name  string
		edit  func(*mentorvault.AgreementTerms)
		field string
	}{
		{"unknown recipient", func(a *mentorvault.AgreementTerms) { a.Clauses[0].Recipient = "the press" }, "clauses[0].recipient"},
		{"unknown discloser", func(a *mentorvault.AgreementTerms) { a.Clauses[0].Discloser = "boss" }, "clauses[0].discloser"},
		{"unknown condition", func(a *mentorvault.AgreementTerms) { a.Clauses[0].Condition = "sometimes" }, "clauses[0].condition"},
		{"item without text", func(a *mentorvault.AgreementTerms) { a.Clauses[0].What = mentorvault.WhatItem }, "clauses[0].item"},
		{"named person without name", func(a *mentorvault.AgreementTerms) { a.Clauses[0].Recipient = mentorvault.ToNamedPerson }, "clauses[0].recipient_name"},
		{"months without months_after", func(a *mentorvault.AgreementTerms) { a.Clauses[0].Months = 3 }, "clauses[0].months"},
		{"months_after without months", func(a *mentorvault.AgreementTerms) { a.Clauses[0].Until = mentorvault.UntilMonthsAfter }, "clauses[0].months"},
		{"unknown exception", func(a *mentorvault.AgreementTerms) { a.Exceptions[0].Kind = "whim" }, "exceptions[0].kind"},
		{"empty kept item", func(a *mentorvault.AgreementTerms) {
			a.KeptConfidential = []mentorvault.KeptItem{{Party: mentorvault.PartyMentee, Text: " "}}
		}, "kept_confidential[0].text"},
		{"kept item of either", func(a *mentorvault.AgreementTerms) {
			a.KeptConfidential = []mentorvault.KeptItem{{Party: mentorvault.PartyEither, Text: "x"}}
		}, "kept_confidential[0].party"},
		{"oversized goals", func(a *mentorvault.AgreementTerms) {
			a.Expectations.Goals = strings.Repeat("g", mentorvault.MaxAgreementText+1)
		}, "expectations.goals"},
		{"invalid UTF-8", func(a *mentorvault.AgreementTerms) { a.Protocols.ThreeWay = "\xff" }, "protocols.three_way"},
		{"unknown channel", func(a *mentorvault.AgreementTerms) { a.Expectations.Channels = []string{"pigeon"} }, "expectations.channels[0]"},
		{"bad end date", func(a *mentorvault.AgreementTerms) { a.Expectations.EndDate = "next year" }, "expectations.end_date"},
		{"negative notice", func(a *mentorvault.AgreementTerms) { a.Expectations.CancellationNoticeHours = -1 }, "expectations.cancellation_notice_hours"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := mentorvault.DefaultProgrammeSettings().Template
			a.Clauses, _ = mentorvault.PresetClauses("topics_not_details")
			tc.edit(&a)
			err := a.Validate()
			if mentorvault.ErrorCode(err) != mentorvault.EINVALID || mentorvault.ErrorFields(err)[tc.field] == "" {
				t.Fatalf("want a problem with %s, got %v %v", tc.field, err, mentorvault.ErrorFields(err))
			}
		})
	}
}

func TestAgreementMarkdown(t *testing.T) {
	h := mentorvault.AgreementHeader{RelationshipID: "r-1", Version: 2, Kind: mentorvault.KindMentoring,
		Mentor: "Alice Archer <alice@northwind.example>", Mentee: "Bob Baker <bob@northwind.example>", Programme: "Leadership Mentoring"}
	a := mentorvault.DefaultProgrammeSettings().Template
	a.Clauses, _ = mentorvault.PresetClauses("topics_not_details")
	a.KeptConfidential = []mentorvault.KeptItem{{Party: mentorvault.PartyMentee, Text: "My health\n## injected heading <script>"}}
	md := a.Markdown(h)
	if md != a.Markdown(h) || string(mentorvault.AgreementHash(md)) != string(mentorvault.AgreementHash(a.Markdown(h))) {
		t.Fatal("the canonical text is not deterministic")
	}
	for _, want := range []string{"# Confidentiality agreement, version 2", "- Mentor: Alice Archer \\<alice@northwind.example\\>",
		"1. Either of us may tell the mentee's line manager the topics and goals we work on, never the details, at any time, while the relationship lasts.",
		"**Duty of care**", "The mentee asks that this stays private: My health \\#\\# injected heading \\<script\\>", "- Cancellation notice: 24 hours"} {
		if !strings.Contains(md, want) {
			t.Errorf("canonical text lacks %q\n%s", want, md)
		}
	}
	if strings.Contains(md, "\n## injected") {
		t.Fatal("user text started a Markdown heading")
	}
	b := a
	b.Expectations.MeetingMinutes = 45
	if string(mentorvault.AgreementHash(b.Markdown(h))) == string(mentorvault.AgreementHash(md)) {
		t.Fatal("a changed term kept the hash")
	}
	h2 := h
	h2.Version = 3
	if a.Markdown(h2) == md {
		t.Fatal("the version number is not part of the signed text")
	}
}

func TestTermsJSONListsNeverNull(t *testing.T) {
	b, err := json.Marshal(mentorvault.AgreementTerms{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Fatalf("empty terms marshal with null: %s", b)
	}
	var back mentorvault.AgreementTerms
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
}

func TestReminder(t *testing.T) {
	a := mentorvault.DefaultProgrammeSettings().Template
	a.Clauses, _ = mentorvault.PresetClauses("topics_not_details")
	a.KeptConfidential = []mentorvault.KeptItem{{Party: mentorvault.PartyMentee, Text: "my health"}}
	r := a.Reminder(mentorvault.AgreementHeader{Version: 3, Kind: mentorvault.KindMentoring})
	if r.Version != 3 || len(r.Private) != 2 || !strings.Contains(r.Private[1], "The mentee asked to keep this private: my health") {
		t.Fatalf("private: %+v", r.Private)
	}
	if len(r.Shareable) != 2 || !strings.Contains(r.Shareable[0], "line manager the topics and goals") {
		t.Fatalf("shareable: %+v", r.Shareable)
	}
	if len(r.Exceptions) != 3 || !strings.HasPrefix(r.Exceptions[0], "Duty of care: ") {
		t.Fatalf("exceptions: %+v", r.Exceptions)
	}
	none := mentorvault.AgreementTerms{}
	if r := none.Reminder(mentorvault.AgreementHeader{}); len(r.Shareable) != 1 || !strings.HasPrefix(r.Shareable[0], "Nothing") {
		t.Fatalf("no clauses: %+v", r.Shareable)
	}
}

// TestGuidelinesEachForThemselves: a new text says which guidelines version
// applies and that each party confirms reading it; it never says both read
// it. A text written before that ("We have both read version 2") still
// counts as read by both, and typed text cannot pass for it.
func TestGuidelinesEachForThemselves(t *testing.T) {
	h := mentorvault.AgreementHeader{RelationshipID: "r", Version: 1, Kind: mentorvault.KindMentoring, Mentor: "A <a@x>", Mentee: "B <b@x>", Programme: "P"}
	terms := mentorvault.AgreementTerms{GuidelinesVersion: 2,
		Expectations: mentorvault.Expectations{Goals: "## 7. Programme guidelines\n\nWe have both read version 2 of the programme's guidelines."}}
	text := terms.Markdown(h)
	if !strings.Contains(text, "Version 2 of the programme's guidelines applies to us. Each of us confirms for ourselves that we have read it.") {
		t.Errorf("the text does not say each confirms for themselves:\n%s", text)
	}
	if mentorvault.SaysBothReadGuidelines(text, 2) {
		t.Errorf("a new text, with the old sentence typed into the goals, counts as read by both:\n%s", text)
	}
	legacy := "# Confidentiality agreement, version 1\n\n## 6. Expectations\n\n- End date: not stated\n\n## 7. Programme guidelines\n\nWe have both read version 2 of the programme's guidelines.\n"
	if !mentorvault.SaysBothReadGuidelines(legacy, 2) || mentorvault.SaysBothReadGuidelines(legacy, 3) || mentorvault.SaysBothReadGuidelines(legacy, 0) {
		t.Error("an old text that says both read version 2 does not count as read by both for 2 (and only 2)")
	}
}
