package match

import (
	"slices"
	"strings"
	"unicode"
)

// Slot is a part of a day of the week: Day 0 is Monday, Part 0 morning,
// 1 lunchtime, 2 afternoon, 3 evening.
type Slot struct{ Day, Part int }

var (
	dayNames  = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	partNames = []string{"mornings", "lunchtimes", "afternoons", "evenings"}
)

func (s Slot) String() string { return dayNames[s.Day] + " " + partNames[s.Part] }

var dayWords = map[string][]int{
	"monday": {0}, "mon": {0}, "mondays": {0},
	"tuesday": {1}, "tue": {1}, "tues": {1}, "tuesdays": {1},
	"wednesday": {2}, "wed": {2}, "wednesdays": {2},
	"thursday": {3}, "thu": {3}, "thur": {3}, "thurs": {3}, "thursdays": {3},
	"friday": {4}, "fri": {4}, "fridays": {4},
	"saturday": {5}, "sat": {5}, "saturdays": {5},
	"sunday": {6}, "sun": {6}, "sundays": {6},
	"weekday": {0, 1, 2, 3, 4}, "weekdays": {0, 1, 2, 3, 4},
	"weekend": {5, 6}, "weekends": {5, 6},
}

var partWords = map[string][]int{
	"morning": {0}, "mornings": {0}, "am": {0}, "breakfast": {0},
	"lunch": {1}, "lunchtime": {1}, "lunchtimes": {1}, "midday": {1}, "noon": {1},
	"afternoon": {2}, "afternoons": {2}, "pm": {2},
	"evening": {3}, "evenings": {3}, "after-work": {3},
}

// Slots reads the times a person wrote they are free ("Tuesday mornings,
// or a lunchtime every other week"): each clause, split at commas,
// semicolons and "or", names days (Mon/Wed) and parts of days; a clause with days
// but no part means the whole day, one with parts but no day means every
// weekday. Text that names neither gives no slot.
func Slots(text string) []Slot {
	var out []Slot
	for _, clause := range strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(strings.ToLower(text), " or ", ",")), func(r rune) bool {
		return r == ',' || r == ';' || r == '\n'
	}) {
		var days, parts []int
		for _, w := range strings.FieldsFunc(clause, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
			days = append(days, dayWords[w]...)
			parts = append(parts, partWords[w]...)
		}
		if len(days) == 0 && len(parts) == 0 {
			continue
		}
		if len(days) == 0 {
			days = dayWords["weekdays"]
		}
		if len(parts) == 0 {
			parts = []int{0, 1, 2, 3}
		}
		for _, d := range days {
			for _, p := range parts {
				if s := (Slot{d, p}); !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Slot) int { return (a.Day*4 + a.Part) - (b.Day*4 + b.Part) })
	return out
}
