package mentorvault_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
)

// TestSecretNeverPrintsInStructs holds every way a Secret can be printed to
// "[sealed]", including inside structs through exported and unexported
// fields, where fmt uses reflection instead of Format.
func TestSecretNeverPrintsInStructs(t *testing.T) {
	const canary = "canary-plaintext-7f3a"
	s := mentorvault.NewSecret(canary)
	type view struct {
		Body    mentorvault.Secret
		hidden  mentorvault.Secret
		Pointer *mentorvault.Secret
		List    []mentorvault.Secret
		ByKey   map[string]mentorvault.Secret
	}
	v := view{Body: s, hidden: s, Pointer: &s, List: []mentorvault.Secret{s}, ByKey: map[string]mentorvault.Secret{"k": s}}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "secret", s, "view", v)
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s), "%x": fmt.Sprintf("%x", s),
		"%+v struct": fmt.Sprintf("%+v", v), "%#v struct": fmt.Sprintf("%#v", v), "%v pointer": fmt.Sprintf("%v", &v),
		"%+v anonymous": fmt.Sprintf("%+v", struct{ s mentorvault.Secret }{s}), "json": string(js), "slog": logged.String(),
		"error": fmt.Errorf("wrapped %v", v).Error(),
	} {
		if strings.Contains(out, canary) {
			t.Errorf("%s printed the plaintext: %s", name, out)
		}
	}
	if s.Reveal() != canary || s.Len() != len(canary) || s.IsZero() {
		t.Errorf("Reveal/Len/IsZero do not see the text")
	}
	var zero mentorvault.Secret
	if zero.Reveal() != "" || !zero.IsZero() || zero.Len() != 0 {
		t.Errorf("the zero Secret is not empty")
	}
}
