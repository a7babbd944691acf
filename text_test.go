package mentorvault_test

import (
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
)

func TestValidateText(t *testing.T) {
	tests := []struct {
		name, field, s string
		max            int
		msg            string // the field's problem; "" when valid
		summary        string
	}{
		{"plain", "body", "We talked about delegation.", 100, "", ""},
		{"exactly max", "body", strings.Repeat("a", 10), 10, "", ""},
		{"multi-byte at max", "body", "ééééé", 10, "", ""},
		{"empty", "body", "", 100, "must not be empty", "the body is not valid"},
		{"blank", "title", " \t\n ", 100, "must not be empty", "the title is not valid"},
		{"invalid UTF-8", "body", "a\xffb", 100, "must be valid UTF-8 text", "the body is not valid"},
		{"NUL", "body", "a\x00b", 100, "must not contain NUL characters", "the body is not valid"},
		{"bell", "body", "a\x07b", 100, "must not contain control characters", "the body is not valid"},
		{"DEL", "body", "a\x7fb", 100, "must not contain control characters", "the body is not valid"},
		{"C1", "body", "a\u0085b", 100, "must not contain control characters", "the body is not valid"},
		{"escape", "body", "a\x1b[31mb", 100, "must not contain control characters", "the body is not valid"},
		{"tab and line breaks", "body", "a\tb\r\nc\n", 100, "", ""},
		{"too long, bytes", "description", strings.Repeat("a", 2001), 2000, "is too long (at most 2000 bytes)", "the description is not valid"},
		{"too long, KiB", "body", strings.Repeat("a", 16<<10+1), 16 << 10, "is too long (at most 16 KiB)", "the body is not valid"},
		{"too long counts bytes", "body", "ééééé!", 10, "is too long (at most 10 bytes)", "the body is not valid"},
		{"field with underscore", "recipient_name", "", 100, "must not be empty", "the recipient name is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mentorvault.ValidateText(tt.field, tt.s, tt.max)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
			if got := mentorvault.ErrorFields(err)[tt.field]; got != tt.msg {
				t.Errorf("field %s: got %q, want %q", tt.field, got, tt.msg)
			}
			if got := mentorvault.ErrorMessage(err); got != tt.summary {
				t.Errorf("message: got %q, want %q", got, tt.summary)
			}
		})
	}
}

// TestTextProblem: the words for a value's characters are the same ones
// the validators put on the field, for a line and for a text.
func TestTextProblem(t *testing.T) {
	for _, tc := range []struct {
		s               string
		line, multiline string
	}{
		{"plain words", "", ""},
		{"a\tb", "must be a single line without tabs or line breaks", ""},
		{"a\rb", "must be a single line without tabs or line breaks", ""},
		{"a\x00b", "must not contain NUL characters", "must not contain NUL characters"},
		{"a\x1bb", "must not contain control characters", "must not contain control characters"},
		{"a\x7fb", "must not contain control characters", "must not contain control characters"},
		{"a\xffb", "must be valid UTF-8 text", "must be valid UTF-8 text"},
	} {
		if got := mentorvault.TextProblem(tc.s, false); got != tc.line {
			t.Errorf("TextProblem(%q, line) = %q, want %q", tc.s, got, tc.line)
		}
		if got := mentorvault.TextProblem(tc.s, true); got != tc.multiline {
			t.Errorf("TextProblem(%q, text) = %q, want %q", tc.s, got, tc.multiline)
		}
		if err := mentorvault.ValidateLine("name", tc.s, 100); tc.line != "" && mentorvault.ErrorFields(err)["name"] != tc.line {
			t.Errorf("ValidateLine(%q) says %v, TextProblem %q", tc.s, mentorvault.ErrorFields(err), tc.line)
		}
	}
}
