// Package server serves mentorvault over HTTP: the server-rendered web app,
// the JSON API under /api/v1 and the operational endpoints. Handlers only
// translate between HTTP and internal/service; access is decided there.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// Config holds the server's dependencies and settings.
type Config struct {
	Service *service.Service
	Logger  *slog.Logger
	// TrustProxy makes the server believe X-Forwarded-Proto/For from a reverse proxy.
	TrustProxy bool
	// Checkpoint returns the latest audit checkpoint to show the parties ("" if none).
	Checkpoint func() string
}

// Server is the HTTP front of mentorvault.
type Server struct {
	cfg     Config
	svc     *service.Service
	log     *slog.Logger
	metrics *metrics
	pages   *pages
	handler http.Handler
}

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mentorvault_http_requests_total",
			Help: "HTTP requests by route pattern and status."}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mentorvault_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: prometheus.DefBuckets}, []string{"route"}),
	}
	m.registry.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// New returns a Server. Templates are parsed here, once.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Checkpoint == nil {
		cfg.Checkpoint = func() string { return "" }
	}
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, svc: cfg.Service, log: cfg.Logger, metrics: newMetrics(), pages: pg}
	mux := http.NewServeMux()
	s.routes(mux)
	csrf := http.NewCrossOriginProtection()
	s.handler = s.observe(s.secure(csrf.Handler(s.authenticate(mux))))
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.svc.Store().Ping(ctx); err != nil {
		s.log.ErrorContext(ctx, "readiness check failed", "err", err.Error())
		w.WriteHeader(http.StatusServiceUnavailable)
		_, err := w.Write([]byte("database unreachable\n"))
		return err
	}
	_, err := w.Write([]byte("ready\n"))
	return err
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
}

// principal is the caller of a request.
func principal(r *http.Request) mentorvault.Principal { return mentorvault.PrincipalFrom(r.Context()) }
