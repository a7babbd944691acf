package form

import (
	"net/url"
	"strconv"

	"github.com/mentorvault/mentorvault"
)

// ParseFeedback reads an answer to a feedback request: a rating q_<key> for
// each question and a comment; a rating that is not a number is left out,
// so the answer's own validation asks for it.
func ParseFeedback(v url.Values) (mentorvault.FeedbackAnswer, Problems) {
	ans := mentorvault.FeedbackAnswer{Ratings: map[string]int{}, Text: v.Get("text")}
	for _, q := range mentorvault.FeedbackQuestions {
		if n, err := strconv.Atoi(v.Get("q_" + q.Key)); err == nil {
			ans.Ratings[q.Key] = n
		}
	}
	return ans, nil
}
