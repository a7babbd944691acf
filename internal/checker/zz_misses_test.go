package checker_test

import (
	"os"
	"strings"
	"testing"
)

func TestZZMisses(t *testing.T) {
	for _, p := range strings.Fields(os.Getenv("ZZSETS")) {
		s := score(loadLabelled(t, p))
		t.Logf("%s: %v", p, s)
		for _, m := range s.misses {
			t.Log(p, m)
		}
	}
}
