package auth_test

import (
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/auth"
)

func TestHashAndVerify(t *testing.T) {
	h, err := auth.HashPassword("correct horse", auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("unexpected PHC string %q", h)
	}
	h2, _ := auth.HashPassword("correct horse", auth.TestParams)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse", true}, {"correct horsE", false}, {"", false}, {"correct horse ", false}} {
		ok, err := auth.VerifyPassword(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$AAAA", "$argon2id$v=18$m=1024,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1024,t=0,p=1$AAAA$AAAA"} {
		if _, err := auth.VerifyPassword(h, "x"); err == nil {
			t.Errorf("VerifyPassword(%q) accepted a malformed hash", h)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := auth.NewSecretToken("mvt_"), auth.NewSecretToken("mvt_")
	if a == b || !strings.HasPrefix(a, "mvt_") || len(a) < 40 {
		t.Fatalf("bad tokens %q %q", a, b)
	}
	if string(auth.TokenHash(a)) == string(auth.TokenHash(b)) || len(auth.TokenHash(a)) != 32 {
		t.Fatal("token hashes collide or have the wrong size")
	}
}
