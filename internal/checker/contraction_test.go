package checker

import "testing"

// Contractions are read in full, and a match names the words as written.
func TestExpandContractions(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"He's smart.", "He is smart."},
		{"She’s been late.", "She has been late."},
		{"Luis isn't ready for a team lead role yet.", "Luis is not ready for a team lead role yet."},
		{"I can't say; it won't matter.", "I cannot say; it will not matter."},
		{"They're good and we've seen it.", "They are good and we have seen it."},
		{"Nothing here.", "Nothing here."},
		{"shes not the most reliable and hasnt stepped up", "she is not the most reliable and has not stepped up"},
		{"theyre fine, weve seen it", "they are fine, we have seen it"},
	} {
		got, starts, ends := expandContractions(tc.in)
		if got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
			continue
		}
		if got == tc.in {
			continue
		}
		if len(starts) != len(got)+1 || len(ends) != len(got)+1 || starts[len(got)] != len(tc.in) || ends[len(got)] != len(tc.in) {
			t.Errorf("%q: maps of %d and %d for %d bytes", tc.in, len(starts), len(ends), len(got))
		}
		// Every match of the expanded text maps to a span of the sentence: a
		// start inside an expansion goes to the start of the contracted word.
		for i := 0; i <= len(got); i++ {
			if starts[i] < 0 || starts[i] > len(tc.in) || ends[i] < 0 || ends[i] > len(tc.in) || (i > 0 && ends[i] < ends[i-1]) {
				t.Fatalf("%q: offset %d maps to %d, %d", tc.in, i, starts[i], ends[i])
			}
			for j := i + 1; j <= len(got); j++ {
				if starts[i] > ends[j] {
					t.Fatalf("%q: the match %d–%d maps to %d–%d", tc.in, i, j, starts[i], ends[j])
				}
			}
		}
	}
	// The match in the expanded text names the words of the sentence.
	s := "He's smart, hungry and coachable."
	for _, m := range performanceMatches(s, lowerASCII(s)) {
		if w := s[m.start:m.end]; w == "" || w[len(w)-1] == ' ' {
			t.Errorf("match %q", w)
		}
	}
}
