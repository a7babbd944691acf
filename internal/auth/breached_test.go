package auth_test

import (
	"testing"

	"github.com/mentorvault/mentorvault/internal/auth"
)

func TestBreached(t *testing.T) {
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"password", true},
		{"PassWord", true},
		{"1234567890", true},
		{"qwertyuiop", true},
		{"password1234", true},
		{"dragon2024!!", true},
		{"correct horse battery staple", false},
		{"vq8-Lk2!mz", false},
		{"1234567890123", false}, // digits only, and not itself on the list
	} {
		if got := auth.Breached(tc.password); got != tc.want {
			t.Errorf("Breached(%q) = %v, want %v", tc.password, got, tc.want)
		}
	}
}
