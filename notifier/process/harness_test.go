package process

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// t0 is a Wednesday noon in UTC, outside the quiet hours of the tests.
var t0 = time.Date(2026, 8, 19, 12, 0, 0, 0, time.UTC)

// harness runs a real Processor on a real store and renderer, with a
// fake clock, and releases held rows when a test advances the clock.
type harness struct {
	t      *testing.T
	ctx    context.Context
	clock  *fakeclock.Clock
	st     *store.SQLite
	path   string
	p      *Processor
	cfg    *config.Config
	canned map[string]ChannelCalm
	// metrics counts across restarts.
	metrics *CalmMetrics
}

// defaultChannels are two console channels, ops and devs.
const defaultChannels = `
channels:
  ops: {console: {}}
  devs: {console: {}}
`

func newHarness(t *testing.T, rulesYAML string, channels map[string]ChannelCalm) *harness {
	t.Helper()
	return newHarnessWith(t, defaultChannels, rulesYAML, channels)
}

// newHarnessWith starts a harness with the given channels section, which
// must define ops and devs as console channels.
func newHarnessWith(t *testing.T, channelsYAML, rulesYAML string, channels map[string]ChannelCalm) *harness {
	t.Helper()
	h := &harness{
		t: t, ctx: context.Background(), clock: fakeclock.New(t0), canned: channels,
		path: filepath.Join(t.TempDir(), "fcnotify.db"),
	}
	cfg, err := config.Parse([]byte(channelsYAML+rulesYAML), "calm.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	h.cfg = cfg
	h.metrics = NewCalmMetrics(prometheus.NewRegistry())
	h.open()
	return h
}

// open opens the store and builds a new Processor, as a restart does.
func (h *harness) open() {
	h.t.Helper()
	st, err := store.Open(h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	engine, err := rules.Compile(h.cfg)
	if err != nil {
		h.t.Fatalf("rules: %v", err)
	}
	renderer, err := render.New(h.cfg.Templates, render.Options{Now: h.clock.Now})
	if err != nil {
		h.t.Fatalf("templates: %v", err)
	}

	channels := map[string]ChannelCalm{}
	for name, ch := range h.cfg.Channels {
		c := h.canned[name]
		c.Quiet = ch.Quiet
		channels[name] = c
	}
	h.st = st
	h.p = New(Options{
		Store: st, Rules: engine, Renderer: renderer,
		Platforms:  map[string]notifier.Platform{"ops": notifier.PlatformConsole, "devs": notifier.PlatformConsole},
		View:       view.Options{DashboardURL: "https://fc.example/dashboard"},
		SourceZone: time.UTC, Clock: h.clock, Logger: slog.New(slog.DiscardHandler),
		Calm: CalmOptions{Held: st, Mutes: st, Channels: channels, Metrics: h.metrics},
	})
}

// restart closes the store and opens it again with a new Processor.
func (h *harness) restart() {
	h.t.Helper()
	if err := h.st.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

// send accepts a body now and processes it.
func (h *harness) send(body []byte) {
	h.t.Helper()
	sum := sha256.Sum256(body)
	item := store.InboxItem{Digest: hex.EncodeToString(sum[:]), Body: body, Received: h.clock.Now()}
	id, dup, err := h.st.Accept(h.ctx, item)
	if err != nil || dup {
		h.t.Fatalf("Accept: %v (duplicate %v)", err, dup)
	}
	item.ID = id
	if err := h.p.Process(h.ctx, item); err != nil {
		h.t.Fatalf("Process: %v", err)
	}
}

// sendItem accepts an inbox item, such as a scheduled event, and
// processes it.
func (h *harness) sendItem(item store.InboxItem) {
	h.t.Helper()
	id, dup, err := h.st.Accept(h.ctx, item)
	if err != nil || dup {
		h.t.Fatalf("Accept: %v (duplicate %v)", err, dup)
	}
	item.ID = id
	if err := h.p.Process(h.ctx, item); err != nil {
		h.t.Fatalf("Process: %v", err)
	}
}

// advance moves the clock and releases everything that is due.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.clock.Advance(d)
	for range 100 {
		wait, err := h.p.releaseDue(h.ctx)
		if err != nil {
			h.t.Fatalf("releaseDue: %v", err)
		}
		if wait > 0 {
			return
		}
	}
	h.t.Fatal("releaseDue did not finish")
}

// outbox returns every queued message, oldest first.
func (h *harness) outbox() []store.OutboxMessage {
	h.t.Helper()
	msgs, err := h.st.Messages(h.ctx, store.MessageFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs
}

// titles returns "channel: title" for every queued message.
func (h *harness) titles() []string {
	var out []string
	for _, m := range h.outbox() {
		out = append(out, m.Channel+": "+m.Message.Title)
	}
	return out
}

// held returns the number of held rows.
func (h *harness) held() int {
	h.t.Helper()
	rows, err := h.st.Holds(h.ctx, store.HoldFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(rows)
}

func checkTitles(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// counterValue reads a counter.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}
