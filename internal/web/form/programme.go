package form

import (
	"net/url"

	"github.com/mentorvault/mentorvault"
)

// ParseGuidelines reads a programme's guidelines being published (body, Markdown).
func ParseGuidelines(v url.Values) (string, Problems) { return v.Get("body"), nil }

// ParseProgrammeSettings reads a programme's settings form over st, the
// settings in force: the numbers (blank is 0), the agreement template's
// meetings, and the mandatory exceptions; the settings' own validation
// judges the values. Problems are keyed as the settings' own are.
func ParseProgrammeSettings(v url.Values, st mentorvault.ProgrammeSettings) (mentorvault.ProgrammeSettings, Problems) {
	p := Problems{}
	st.MinNoticeHours = Int(v.Get("min_notice_hours"), "min_notice_hours", p)
	st.ReviewEveryWeeks = Int(v.Get("review_every_weeks"), "review_every_weeks", p)
	st.KThreshold = Int(v.Get("k_threshold"), "k_threshold", p)
	st.RetentionDays = Int(v.Get("retention_days"), "retention_days", p)
	if _, ok := v["proposal_expiry_days"]; ok { // the settings page always posts it
		st.ProposalExpiryDays = Int(v.Get("proposal_expiry_days"), "proposal_expiry_days", p)
		if _, bad := p["proposal_expiry_days"]; !bad && (st.ProposalExpiryDays < 1 || st.ProposalExpiryDays > 90) {
			p["proposal_expiry_days"] = "must be from 1 to 90"
		}
		st.MenteesPick = v.Get("mentees_pick") != ""
	}
	x := &st.Template.Expectations
	x.MeetingMinutes = Int(v.Get("template_minutes"), "template.expectations.meeting_minutes", p)
	x.CancellationNoticeHours = Int(v.Get("template_notice_hours"), "template.expectations.cancellation_notice_hours", p)
	x.MeetingFrequency = v.Get("template_frequency")
	x.ReviewEveryWeeks = st.ReviewEveryWeeks
	st.MandatoryExceptions = nil
	for _, k := range v["mandatory"] {
		st.MandatoryExceptions = append(st.MandatoryExceptions, mentorvault.ExceptionKind(k))
	}
	return st, p
}
