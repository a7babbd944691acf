package auth_test

import (
	"testing"

	"github.com/mentorvault/mentorvault/internal/auth"
)

// FuzzVerifyPassword feeds arbitrary stored hashes to the PHC parser: it must
// never panic, and never accept a password for a malformed hash.
func FuzzVerifyPassword(f *testing.F) {
	good, _ := auth.HashPassword("pw", auth.TestParams)
	for _, s := range []string{good, "", "$argon2id$v=19$m=1,t=1,p=1$$", "$argon2id$v=19$m=1024,t=1,p=1$AAAA$AAAA"} {
		f.Add(s, "pw")
	}
	f.Fuzz(func(t *testing.T, hash, pw string) {
		// Keep the fuzzer from asking argon2 for gigabytes.
		if len(hash) > 200 {
			return
		}
		ok, err := auth.VerifyPassword(capCost(hash), pw)
		if err != nil && ok {
			t.Fatal("accepted with an error")
		}
	})
}

// capCost leaves hashes whose memory parameter is huge unparseable, so the
// fuzzer tests parsing, not the machine's memory.
func capCost(h string) string {
	var digits int
	for i := 0; i+2 < len(h); i++ {
		if h[i] == 'm' && h[i+1] == '=' {
			for j := i + 2; j < len(h) && h[j] >= '0' && h[j] <= '9'; j++ {
				digits++
			}
		}
	}
	if digits > 5 {
		return "malformed"
	}
	return h
}
