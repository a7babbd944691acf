package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/server"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
)

// bareParams are sqlstore's SQLite connection settings, spelled out: the
// bare server must be exactly as durable.
const bareParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_txlock=immediate"

// endpoints is what the child process tells the load generator.
type endpoints struct {
	MV      string `json:"mv"`      // mentorvault's base URL
	Bare    string `json:"bare"`    // the bare server's base URL
	Control string `json:"control"` // stats and profiling
	Token   string `json:"token"`   // alice's API token
	Cookie  string `json:"cookie"`  // alice's session cookie
	RelID   string `json:"relID"`   // alice's active relationship
	NoteID  string `json:"noteID"`  // the note read
	BareID  string `json:"bareID"`  // the bare server's note
}

// child is the server process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startChild runs this program with -serve and reads its endpoints.
func startChild(ctx context.Context, o options, stderr io.Writer) (*child, endpoints, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, endpoints{}, err
	}
	cmd := exec.CommandContext(ctx, exe, "-serve", fmt.Sprint("-group-ops=", o.groupOps), fmt.Sprint("-group-delay=", o.groupDelay))
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, endpoints{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, endpoints{}, err
	}
	if err := cmd.Start(); err != nil {
		return nil, endpoints{}, err
	}
	c := &child{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	var ep endpoints
	if err == nil {
		err = json.Unmarshal(line, &ep)
	}
	if err != nil {
		c.stop()
		return nil, endpoints{}, fmt.Errorf("server process: %w", err)
	}
	return c, ep, nil
}

// stop tells the child to shut down (by closing its stdin) and waits.
func (c *child) stop() {
	c.stdin.Close()
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-done
	}
}

// stats are the store's commit counters.
type stats struct {
	Commits int64 `json:"commits"`
	Ops     int64 `json:"ops"`
}

// runServe is the child: it starts both servers, prints their endpoints as
// one JSON line and serves until stdin is closed.
func runServe(ctx context.Context, o options, stdin io.Reader, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "benchhttp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	mv, err := startMentorvault(ctx, dir, sqlstore.GroupCommit{MaxOps: o.groupOps, MaxDelay: o.groupDelay})
	if err != nil {
		return fmt.Errorf("mentorvault: %w", err)
	}
	defer mv.close()
	bare, err := startBare(dir)
	if err != nil {
		return fmt.Errorf("bare server: %w", err)
	}
	defer bare.close()
	ep, err := mv.prepare(ctx)
	if err != nil {
		return fmt.Errorf("mentorvault: %w", err)
	}
	ep.Bare, ep.BareID = bare.url, bare.noteID
	keep, err := mv.noteIDs(ctx)
	if err != nil {
		return err
	}

	var (
		mu   sync.Mutex
		prof *os.File
	)
	ctl := http.NewServeMux()
	ctl.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		c, n := mv.db.CommitStats()
		json.NewEncoder(w).Encode(stats{Commits: c, Ops: n})
	})
	// reset deletes the notes the create runs wrote, so that the pages,
	// which list every note, show the same ones in every round.
	ctl.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		if err := mv.deleteNotesBut(r.Context(), keep); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	ctl.HandleFunc("POST /profile/start", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		f, err := os.Create(r.URL.Query().Get("path"))
		if err == nil {
			if err = pprof.StartCPUProfile(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		prof = f
	})
	ctl.HandleFunc("POST /profile/stop", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if prof == nil {
			http.Error(w, "not profiling", http.StatusConflict)
			return
		}
		pprof.StopCPUProfile()
		err := prof.Close()
		prof = nil
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	chs, curl, err := serve(ctl)
	if err != nil {
		return err
	}
	defer chs.Close()
	ep.Control = curl

	b, _ := json.Marshal(ep)
	if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, stdin); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

// serve serves h on a loopback port.
func serve(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	return hs, "http://" + ln.Addr().String(), nil
}

// mvServer is the full mentorvault server, on the demo organisation.
type mvServer struct {
	db  *sqlstore.DB
	svc *service.Service
	hs  *http.Server
	url string
}

func startMentorvault(ctx context.Context, dir string, gc sqlstore.GroupCommit) (*mvServer, error) {
	master, _, err := seal.LoadOrCreateMasterKey(filepath.Join(dir, "master.key"))
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.OpenSQLite(filepath.Join(dir, "mentorvault.db"))
	if err != nil {
		return nil, err
	}
	db.SetGroupCommit(gc)
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	authz, err := policy.New()
	if err != nil {
		db.Close()
		return nil, err
	}
	log := slog.New(slog.DiscardHandler)
	// Cheap password hashing: only the sign-in in prepare hashes, and it
	// is not measured.
	svc, err := service.New(db, authz, seal.NewKeyring(master), service.Options{Logger: log, PasswordParams: auth.TestParams})
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := demo.Seed(ctx, svc); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed demo: %w", err)
	}
	srv, err := server.New(server.Config{Service: svc, Logger: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	hs, url, err := serve(srv)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &mvServer{db: db, svc: svc, hs: hs, url: url}, nil
}

func (m *mvServer) close() {
	m.hs.Close()
	m.db.Close()
}

// prepare signs alice in (a token for the API, a session for the pages),
// finds her active relationship and writes the note that is read.
func (m *mvServer) prepare(ctx context.Context) (endpoints, error) {
	const email = "alice@northwind.example"
	ep := endpoints{MV: m.url}
	tok, _, err := m.svc.OperatorCreateToken(ctx, email, "benchhttp")
	if err != nil {
		return ep, err
	}
	ep.Token = tok
	login, err := m.svc.Login(ctx, email, demo.Password, "127.0.0.1")
	if err != nil {
		return ep, err
	}
	ep.Cookie = "mv_session=" + login.Token

	hc := &http.Client{Timeout: 30 * time.Second}
	req, _ := http.NewRequestWithContext(ctx, "GET", m.url+"/api/v1/directory", nil)
	req.Header.Set("Authorization", "Bearer "+ep.Token)
	body, err := do(hc, req, http.StatusOK)
	if err != nil {
		return ep, err
	}
	var dir struct {
		Relationships []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Mentor struct {
				Email string `json:"email"`
			} `json:"mentor"`
		} `json:"relationships"`
	}
	if err := json.Unmarshal(body, &dir); err != nil {
		return ep, err
	}
	for _, r := range dir.Relationships {
		if r.Status == "active" && r.Mentor.Email == email {
			ep.RelID = r.ID
		}
	}
	if ep.RelID == "" {
		return ep, errors.New("the demo has no active relationship mentored by alice")
	}
	body, err = mvClient{ep}.postNote(ctx, hc)
	if err != nil {
		return ep, err
	}
	var n struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &n); err != nil || n.ID == "" {
		return ep, fmt.Errorf("created note: %q: %v", body, err)
	}
	ep.NoteID = n.ID
	return ep, nil
}

// noteIDs lists the stored notes' IDs.
func (m *mvServer) noteIDs(ctx context.Context) ([]any, error) {
	rows, err := m.db.SQLDB().QueryContext(ctx, `SELECT id FROM notes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// deleteNotesBut deletes every note but those in keep, behind the store's
// back: it resets the benchmark's data, it is no operation of the product.
func (m *mvServer) deleteNotesBut(ctx context.Context, keep []any) error {
	q := `DELETE FROM notes`
	if len(keep) > 0 {
		q += ` WHERE id NOT IN (?` + strings.Repeat(", ?", len(keep)-1) + `)`
	}
	_, err := m.db.SQLDB().ExecContext(ctx, q, keep...)
	return err
}

// bare is the bare server: net/http over one SQLite table.
type bare struct {
	rdb, wdb *sql.DB
	hs       *http.Server
	url      string
	noteID   string
	sealed   []byte
}

func startBare(dir string) (*bare, error) {
	dsn := filepath.Join(dir, "bare.db") + "?" + bareParams
	wdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One writer, as SQLite has one (and as mentorvault runs).
	wdb.SetMaxOpenConns(1)
	if _, err := wdb.Exec(`CREATE TABLE notes (id TEXT PRIMARY KEY, body BLOB NOT NULL, created_at TEXT NOT NULL)`); err != nil {
		wdb.Close()
		return nil, err
	}
	rdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		wdb.Close()
		return nil, err
	}
	rdb.SetMaxOpenConns(runtime.GOMAXPROCS(0) * 2)
	rdb.SetMaxIdleConns(runtime.GOMAXPROCS(0) * 2)
	b := &bare{rdb: rdb, wdb: wdb, noteID: mentorvault.NewID()}
	// The size of a sealed 1 KiB note (AEAD overhead and key version).
	b.sealed = make([]byte, len(noteBody)+64)
	rand.Read(b.sealed)
	if err := b.insert(context.Background(), b.noteID); err != nil {
		b.close()
		return nil, err
	}
	rstmt, err := rdb.Prepare(`SELECT body FROM notes WHERE id = ?`)
	if err != nil {
		b.close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if err := rstmt.QueryRowContext(r.Context(), r.PathValue("id")).Scan(&body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})
	mux.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		id := mentorvault.NewID()
		if err := b.insert(r.Context(), id); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q}`, id)
	})
	hs, url, err := serve(mux)
	if err != nil {
		b.close()
		return nil, err
	}
	b.hs, b.url = hs, url
	return b, nil
}

// insert stores a note in a transaction of its own and commits it.
func (b *bare) insert(ctx context.Context, id string) error {
	tx, err := b.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO notes (id, body, created_at) VALUES (?, ?, ?)`,
		id, b.sealed, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		return err
	}
	return tx.Commit()
}

func (b *bare) close() {
	if b.hs != nil {
		b.hs.Close()
	}
	b.rdb.Close()
	b.wdb.Close()
}
