package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/deliver"
	"github.com/fcnotify/fcnotify/notifier/process"
	"github.com/fcnotify/fcnotify/notifier/receive"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/schedule"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// Options holds what a Server takes from its surroundings.
type Options struct {
	Logger *slog.Logger
	Clock  notifier.Clock
	// Console receives the messages of console channels.
	Console io.Writer
	// HTTPClient, when set, is used for every chat request.
	HTTPClient *http.Client
	// Jitter, when set, replaces the random part of retry backoff.
	Jitter func() float64
}

// drainDelay is how long a stopping server responds 503 to new webhooks
// before it closes its listener.
const drainDelay = 500 * time.Millisecond

// Server is a running fcnotify: it owns the store and every goroutine.
type Server struct {
	cfg       *config.Config
	log       *slog.Logger
	clock     notifier.Clock
	store     *store.SQLite
	handler   *receive.Handler
	processor *process.Processor
	scheduler *schedule.Scheduler
	deliverer *deliver.Deliverer
	registry  *prometheus.Registry
}

// New opens the store and builds every step from a loaded configuration.
// The caller must call Run, which closes the store when it returns.
func New(cfg *config.Config, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = notifier.SystemClock{}
	}

	compiled, err := Compile(cfg, render.Options{DisplayZone: cfg.Time.DisplayLocation, Now: opts.Clock.Now})
	if err != nil {
		return nil, err
	}
	channels, platforms, err := buildChannels(cfg, opts)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(cfg.State.Path)
	if err != nil {
		return nil, err
	}

	s := &Server{cfg: cfg, log: opts.Logger, clock: opts.Clock, store: st, registry: prometheus.NewRegistry()}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	s.deliverer = deliver.New(deliver.Options{
		Store: st, Clock: opts.Clock, Logger: opts.Logger,
		Policy: deliver.Policy{
			InitialBackoff: time.Duration(cfg.Delivery.InitialBackoff),
			MaxBackoff:     time.Duration(cfg.Delivery.MaxBackoff),
			MaxAge:         time.Duration(cfg.Delivery.MaxAge),
			Jitter:         opts.Jitter,
		},
		Timeout: time.Duration(cfg.Delivery.Timeout),
		Grace:   time.Duration(cfg.Delivery.ShutdownGrace),
		Metrics: deliver.NewMetrics(s.registry),
	}, channels)

	s.processor = process.New(process.Options{
		Store: st, Rules: compiled.Rules, Renderer: compiled.Renderer, Platforms: platforms,
		View:       ViewOptions(cfg, time.Time{}),
		SourceZone: cfg.Time.SourceLocation, Clock: opts.Clock, Logger: opts.Logger, Inventory: st,
		Calm: process.CalmOptions{
			Held: st, Mutes: st, Channels: calmChannels(cfg, channels),
			Metrics: process.NewCalmMetrics(s.registry),
		},
		Queued: func(chs []string) {
			for _, ch := range chs {
				s.deliverer.Wake(ch)
			}
		},
	})

	s.scheduler = newScheduler(cfg, compiled.Rules, st, opts, s.processor.Wake)

	s.handler = receive.New(receive.Options{
		Path: cfg.Webhook.Path, MaxBody: int64(cfg.Webhook.MaxBody), Secrets: secrets(cfg),
		Store: st, SourceZone: cfg.Time.SourceLocation, Logger: opts.Logger, Clock: opts.Clock,
		Accepted: s.processor.Wake, Metrics: receive.NewMetrics(s.registry),
	})
	return s, nil
}

// Store returns the server's store, for tools and tests that inspect it
// while the server runs.
func (s *Server) Store() store.Store { return s.store }

// Handler returns the HTTP handler: webhooks, /healthz and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	mux.Handle("/", s.handler)
	return mux
}

// Run serves on ln until ctx is cancelled, then shuts down in order: new
// webhooks get 503, requests in flight finish, the processor stops, sends
// in flight get the grace period, and the store is closed. It returns nil
// after a clean shutdown.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}

	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(5)
	go func() { defer wg.Done(); s.prune(work) }()
	go func() { defer wg.Done(); s.processor.Run(work) }()
	go func() { defer wg.Done(); s.processor.RunReleaser(work) }()
	go func() { defer wg.Done(); s.scheduler.Run(work) }()
	go func() { defer wg.Done(); s.deliverer.Run(work) }()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	s.log.Info("fcnotify listening", "addr", ln.Addr().String(), "webhook_path", s.cfg.Webhook.Path,
		"state", s.cfg.State.Path, "channels", len(s.cfg.Channels), "rules", len(s.cfg.Rules))

	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		err = fmt.Errorf("serve http: %w", err)
	}

	s.log.Info("shutting down")
	s.handler.Drain()
	if err == nil {
		// Keep the listener open a moment so requests that are already on
		// their way get a 503, which Frappe Cloud retries, rather than a
		// refused connection.
		srv.SetKeepAlivesEnabled(false)
		time.Sleep(drainDelay)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if e := srv.Shutdown(shutdownCtx); e != nil && !errors.Is(e, http.ErrServerClosed) {
		s.log.Warn("http shutdown incomplete", "err", e)
	}

	stopWork()
	wg.Wait()
	if e := s.store.Close(); e != nil {
		s.log.Error("close store failed", "err", e)
	}
	s.log.Info("stopped")
	return err
}

func secrets(cfg *config.Config) []receive.Secret {
	var out []receive.Secret
	for _, s := range cfg.Webhook.Secrets {
		out = append(out, receive.Secret{Value: s.Value.Reveal(), Teams: s.Teams, Endpoint: s.Endpoint})
	}
	return out
}

// ViewOptions returns the template data options of a configuration,
// with relative times measured from now.
func ViewOptions(cfg *config.Config, now time.Time) view.Options {
	return view.Options{
		DashboardURL: cfg.DashboardURL,
		Now:          now,
		Names: map[string]map[string]string{
			"teams":   cfg.Names.Teams,
			"groups":  cfg.Names.Groups,
			"benches": cfg.Names.Benches,
			"servers": cfg.Names.Servers,
		},
	}
}
