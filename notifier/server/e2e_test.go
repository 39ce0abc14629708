package server

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var fixtureDir = fixtures.Dir()

// now is the fixed time of every end-to-end run, a day after the newest
// fixture.
var now = time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC)

// stack is a running server with its chat fakes.
type stack struct {
	t       *testing.T
	url     string
	slack   *chatfake.Slack
	discord *chatfake.Discord
	clock   *fakeclock.Clock
	srv     *Server
	logs    *lockedWriter
	stop    func()
	state   string
}

const rulesYAML = `
rules:
  - name: known-events
    match:
      event: [Site Status Update, Site Plan Change, Bench Deploy Status Update, Bench Status Update]
    notify: [ops, devs]
  - name: other-events
    match:
      event: "*"
      when: event not in ["Site Status Update", "Site Plan Change", "Bench Deploy Status Update", "Bench Status Update"]
    notify: [ops, devs]
`

func configYAML(slackURL, discordURL, state, rules string) string {
	return fmt.Sprintf(`
webhook:
  secrets:
    - value: s3cret
state:
  path: %s
delivery:
  shutdown_grace: 1s
channels:
  ops:
    slack: {webhook_url: %q}
  devs:
    discord: {webhook_url: %q}
%s`, state, slackURL, discordURL, rules)
}

// startStack starts a server on loopback. state, when not empty, reuses
// a store from an earlier stack; slack and discord reuse fakes.
func startStack(t *testing.T, rules, state string, sl *chatfake.Slack, dc *chatfake.Discord) *stack {
	t.Helper()
	if sl == nil {
		sl = chatfake.NewSlack(t)
	}
	if dc == nil {
		dc = chatfake.NewDiscord(t)
	}
	if state == "" {
		state = filepath.Join(t.TempDir(), "fcnotify.db")
	}
	cfg, err := config.Parse([]byte(configYAML(sl.WebhookURL(), dc.WebhookURL(), state, rules)), "e2e.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}

	clock := fakeclock.New(now)
	logs := &lockedWriter{}
	srv, err := New(cfg, Options{
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Clock:  clock, Console: io.Discard, Jitter: func() float64 { return 1 },
	})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()

	st := &stack{
		t: t, url: "http://" + ln.Addr().String(), slack: sl, discord: dc, clock: clock,
		srv: srv, logs: logs, state: state,
	}
	stopped := false
	st.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	}
	t.Cleanup(st.stop)
	return st
}

func (s *stack) post(body string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.url+"/webhook", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Webhook-Secret", "s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// settle waits until the inbox is processed and nothing is pending in
// the outbox, advancing the clock past pace and backoff waits.
func (s *stack) settle() {
	s.t.Helper()
	ctx := context.Background()
	for range 3000 {
		inbox, err := s.srv.Store().PendingInbox(ctx, 0, 1)
		if err != nil {
			s.t.Fatal(err)
		}
		pending, err := s.srv.Store().Messages(ctx, store.MessageFilter{State: store.StatePending})
		if err != nil {
			s.t.Fatal(err)
		}
		if len(inbox) == 0 && len(pending) == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
		if len(inbox) == 0 {
			s.clock.Advance(100 * time.Millisecond)
		}
	}
	s.t.Fatal("timed out waiting for the inbox and outbox to drain")
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func bodies(reqs []chatfake.Request) []json.RawMessage {
	var out []json.RawMessage
	for _, r := range reqs {
		out = append(out, json.RawMessage(r.Body))
	}
	return out
}

// lockedWriter lets a test read the log while the server writes it.
type lockedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// sent returns the delivered messages, oldest first.
func (s *stack) sent() []store.OutboxMessage {
	s.t.Helper()
	msgs, err := s.srv.Store().Messages(context.Background(), store.MessageFilter{State: store.StateSent})
	if err != nil {
		s.t.Fatal(err)
	}
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs
}
