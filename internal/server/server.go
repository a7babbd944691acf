// Package server assembles mentorvault's HTTP front: New wires the handlers
// of internal/api (JSON under /api/v1) and internal/web (pages) into one
// mux (routes.go lists every route), behind the middleware every request
// passes (request IDs, logs and metrics by route pattern, security headers,
// CSRF protection, authentication), with /healthz, /readyz and /metrics.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mentorvault/mentorvault/internal/api"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web"
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

// Server is the HTTP front of mentorvault: the routes of internal/api and
// internal/web behind the middleware every request passes.
type Server struct {
	cfg       Config
	svc       *service.Service
	log       *slog.Logger
	edge      httpx.Edge
	metrics   *metrics
	apiRoutes []apiRoute
	pages     *web.Handler // renders the error page of a request the middleware refuses
	mux       *http.ServeMux
	handler   http.Handler
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
	edge := httpx.Edge{TrustProxy: cfg.TrustProxy}
	w, err := web.New(cfg.Service, cfg.Logger, edge, cfg.Checkpoint)
	if err != nil {
		return nil, err
	}
	a := api.New(cfg.Service, cfg.Logger, edge, cfg.Checkpoint)
	s := &Server{cfg: cfg, svc: cfg.Service, log: cfg.Logger, edge: edge, metrics: newMetrics(), apiRoutes: apiRoutes(a), pages: w}
	s.mux = http.NewServeMux()
	s.routes(s.mux, a, w)
	csrf := http.NewCrossOriginProtection()
	s.handler = s.observe(s.secure(csrf.Handler(s.authenticate(s.mux))))
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
