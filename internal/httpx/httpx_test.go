package httpx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
)

// bufferLog is a logger writing every record, debug included, to a buffer.
func bufferLog() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

func requestWithID(id string) *http.Request {
	r := httptest.NewRequest("GET", "/api/v1/x", nil)
	return r.WithContext(httpx.WithRequestID(r.Context(), id))
}

func TestLogErrorInternal(t *testing.T) {
	log, buf := bufferLog()
	httpx.LogError(log, requestWithID("req-42"), mentorvault.Internal(errors.New("pq: connection refused")))
	out := buf.String()
	for _, want := range []string{"level=ERROR", `msg="request failed"`, "request_id=req-42", `err="pq: connection refused"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q lacks %s", out, want)
		}
	}
}

func TestLogErrorPlainError(t *testing.T) {
	log, buf := bufferLog()
	httpx.LogError(log, requestWithID("req-1"), errors.New("template: no such field"))
	if out := buf.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "template: no such field") {
		t.Errorf("log %q: want an error record with the cause", out)
	}
}

func TestLogErrorDomainErrorsAreNotLogged(t *testing.T) {
	log, buf := bufferLog()
	for _, err := range []error{
		mentorvault.Errorf(mentorvault.ENOTFOUND, "note not found"),
		mentorvault.Errorf(mentorvault.EFORBIDDEN, "no"),
		mentorvault.Invalid("bad", map[string]string{"body": "is required"}),
		mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in"),
	} {
		httpx.LogError(log, requestWithID("r"), err)
	}
	if buf.Len() != 0 {
		t.Errorf("domain errors logged: %q", buf)
	}
}

func TestLogErrorAbandoned(t *testing.T) {
	for _, cause := range []error{context.Canceled, context.DeadlineExceeded} {
		t.Run(cause.Error(), func(t *testing.T) {
			log, buf := bufferLog()
			r := requestWithID("req-7")
			ctx, cancel := context.WithCancel(r.Context())
			cancel()
			r = r.WithContext(ctx)
			err := mentorvault.Internal(fmt.Errorf("query notes: %w", cause))
			if !httpx.Abandoned(r, err) {
				t.Fatal("Abandoned = false for a cancelled request failing with its cancellation")
			}
			httpx.LogError(log, r, err)
			out := buf.String()
			if strings.Contains(out, "level=ERROR") {
				t.Errorf("abandoned request logged as an error: %q", out)
			}
			if !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "request_id=req-7") {
				t.Errorf("log %q: want one debug record with the request ID", out)
			}
		})
	}
}

func TestLogErrorCancellationWhileClientWaits(t *testing.T) {
	// A context error while the request's own context is live is ours (a
	// timeout inside the server), not the client's: it is a real error.
	log, buf := bufferLog()
	r := requestWithID("req-8")
	err := mentorvault.Internal(fmt.Errorf("lock: %w", context.DeadlineExceeded))
	if httpx.Abandoned(r, err) {
		t.Fatal("Abandoned = true for a live request")
	}
	httpx.LogError(log, r, err)
	if !strings.Contains(buf.String(), "level=ERROR") {
		t.Errorf("log %q: want an error record", buf)
	}
}

func TestLogErrorCancelledRequestRealError(t *testing.T) {
	// The client left, but the error is not its leaving: still logged.
	log, buf := bufferLog()
	r := requestWithID("req-9")
	ctx, cancel := context.WithCancel(r.Context())
	cancel()
	r = r.WithContext(ctx)
	httpx.LogError(log, r, mentorvault.Internal(errors.New("seal: key version 3 missing")))
	if !strings.Contains(buf.String(), "level=ERROR") || !strings.Contains(buf.String(), "key version 3 missing") {
		t.Errorf("log %q: want an error record", buf)
	}
}

func TestAPIAbandonedIsNotLogged(t *testing.T) {
	log, buf := bufferLog()
	h := httpx.API(log, func(w http.ResponseWriter, r *http.Request) error {
		return mentorvault.Internal(r.Context().Err())
	})
	r := requestWithID("req-10")
	ctx, cancel := context.WithCancel(r.Context())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), r.WithContext(ctx))
	if strings.Contains(buf.String(), "level=ERROR") {
		t.Errorf("abandoned API request logged as an error: %q", buf)
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		mentorvault.EINVALID: 400, mentorvault.EUNAUTHENTICATED: 401, mentorvault.EFORBIDDEN: 403,
		mentorvault.ENOTFOUND: 404, mentorvault.ECONFLICT: 409, mentorvault.ETOOMANY: 429,
		httpx.CodeMethod: 405, httpx.CodeTooLarge: 413, httpx.CodeUnsupportedMedia: 415,
		mentorvault.EINTERNAL: 500, "no_such_code": 500,
	} {
		if got := httpx.Status(code); got != want {
			t.Errorf("Status(%q) = %d, want %d", code, got, want)
		}
	}
}
