package receive

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier/store"
)

var fixtureDir = fixtures.Dir()

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type server struct {
	url   string
	store *store.SQLite
	logs  *bytes.Buffer
	h     *Handler
}

func newServer(t *testing.T, secrets ...Secret) *server {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "fcnotify.db"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	h := New(Options{
		Path: "/webhook", MaxBody: 1 << 20, Secrets: secrets, Store: s,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return &server{url: ts.URL, store: s, logs: logs, h: h}
}

func (s *server) do(t *testing.T, method, path, secret, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func (s *server) inboxSize(t *testing.T) int {
	t.Helper()
	items, err := s.store.PendingInbox(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

func TestWebhookRejectsBadInput(t *testing.T) {
	site := fixture(t, "site-status-active.json")
	huge := `{"event": "Site Status Update", "data": {"pad": "` + strings.Repeat("x", 2<<20) + `"}}`
	tests := []struct {
		name, method, path, secret, body string
		status                           int
		response                         string
	}{
		{
			"no secret", "POST", "/webhook", "", site, 401,
			`{"error":"missing or invalid X-Webhook-Secret header"}`,
		},
		{
			"wrong secret", "POST", "/webhook", "s3cret-wrong", site, 401,
			`{"error":"missing or invalid X-Webhook-Secret header"}`,
		},
		{
			"secret of another endpoint", "POST", "/webhook", "acme-secret", site, 401,
			`{"error":"missing or invalid X-Webhook-Secret header"}`,
		},
		{
			"bad JSON", "POST", "/webhook", "s3cret", `{"event": "Site Status Update", "data": {`, 400,
			`{"error":"body is not valid JSON: unexpected end of input after byte 41"}`,
		},
		{
			"JSON array", "POST", "/webhook", "s3cret", `[{"event": "Site Status Update"}]`, 400,
			`{"error":"body must be a JSON object, got array"}`,
		},
		{
			"2 MiB body", "POST", "/webhook", "s3cret", huge, 413,
			`{"error":"body is larger than the 1048576-byte limit"}`,
		},
		{
			"wrong method", "GET", "/webhook", "s3cret", "", 405,
			`{"error":"method GET not allowed: send POST"}`,
		},
		{
			"missing event name", "POST", "/webhook", "s3cret", `{"data": {"name": "site1"}}`, 400,
			`{"error":"event name and doctype are both missing: send {\"event\": ..., \"data\": {...}}"}`,
		},
		{
			"unknown endpoint", "POST", "/webhook/nobody", "s3cret", site, 404,
			`{"error":"no webhook at this path: use /webhook"}`,
		},
		{
			"team not allowed", "POST", "/webhook/acme", "acme-secret",
			fixture(t, "deploy-success.json"), 403,
			`{"error":"team \"team-b21c\" is not allowed for this secret"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, Secret{Value: "s3cret"},
				Secret{Value: "acme-secret", Endpoint: "acme", Teams: []string{"team-7f3a"}})
			status, body := s.do(t, tt.method, tt.path, tt.secret, tt.body)
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			if body != tt.response {
				t.Errorf("body = %s\nwant   %s", body, tt.response)
			}
			if n := s.inboxSize(t); n != 0 {
				t.Errorf("inbox rows = %d, want 0", n)
			}
			if tt.secret != "" && strings.Contains(s.logs.String(), tt.secret) {
				t.Errorf("log contains the secret: %s", s.logs.String())
			}
		})
	}
}

func TestWebhookAccepts(t *testing.T) {
	tests := []struct {
		name, path, secret, body string
		response                 string
		stored                   int
		team                     string
	}{
		{
			"wrapped form", "/webhook", "s3cret", fixture(t, "site-status-active.json"),
			`{"id":1,"status":"accepted"}`, 1, "",
		},
		{
			"flat form", "/webhook", "s3cret", fixture(t, "site-status-flat-legacy.json"),
			`{"id":1,"status":"accepted"}`, 1, "",
		},
		{
			"trailing slash is not redirected", "/webhook/", "s3cret", fixture(t, "bench-status-broken.json"),
			`{"id":1,"status":"accepted"}`, 1, "",
		},
		{
			"named endpoint binds team", "/webhook/acme", "acme-secret", fixture(t, "bench-status-broken.json"),
			`{"id":1,"status":"accepted"}`, 1, "team-7f3a",
		},
		{
			"validate is answered, not stored", "/webhook", "s3cret", fixture(t, "webhook-validate.json"),
			`{"status":"ok"}`, 0, "",
		},
		{
			"unknown event", "/webhook", "s3cret", fixture(t, "event-unknown-future.json"),
			`{"id":1,"status":"accepted"}`, 1, "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, Secret{Value: "s3cret"},
				Secret{Value: "acme-secret", Endpoint: "acme", Teams: []string{"team-7f3a"}})
			status, body := s.do(t, "POST", tt.path, tt.secret, tt.body)
			if status != 200 {
				t.Errorf("status = %d, want 200", status)
			}
			if body != tt.response {
				t.Errorf("body = %s, want %s", body, tt.response)
			}
			items, _ := s.store.PendingInbox(context.Background(), 0, 10)
			if len(items) != tt.stored {
				t.Fatalf("inbox rows = %d, want %d", len(items), tt.stored)
			}
			if tt.stored == 1 && items[0].Team != tt.team {
				t.Errorf("bound team = %q, want %q", items[0].Team, tt.team)
			}
		})
	}
}

func TestWebhookDropsRedelivery(t *testing.T) {
	s := newServer(t)
	body := fixture(t, "site-status-pending-created.json")
	s.do(t, "POST", "/webhook", "", body)
	status, resp := s.do(t, "POST", "/webhook", "", body)
	if status != 200 || resp != `{"status":"duplicate"}` {
		t.Errorf("redelivery = %d %s, want 200 duplicate", status, resp)
	}
	if n := s.inboxSize(t); n != 1 {
		t.Errorf("inbox rows = %d, want 1", n)
	}
}

func TestWebhookDrainingAnswers503(t *testing.T) {
	s := newServer(t)
	s.h.Drain()
	status, body := s.do(t, "POST", "/webhook", "", fixture(t, "site-status-active.json"))
	if status != 503 || body != `{"error":"fcnotify is shutting down: retry later"}` {
		t.Errorf("draining = %d %s", status, body)
	}
}

func TestHealthz(t *testing.T) {
	s := newServer(t)
	status, body := s.do(t, "GET", "/healthz", "", "")
	if status != 200 || body != `{"status":"ok"}` {
		t.Errorf("healthz = %d %s", status, body)
	}
	s.store.Close()
	status, body = s.do(t, "GET", "/healthz", "", "")
	if status != 503 || body != `{"error":"state store unreachable"}` {
		t.Errorf("healthz after close = %d %s", status, body)
	}
}

func TestRejectionsAreLogged(t *testing.T) {
	tests := []struct {
		name, method, path, body, wantLog string
	}{
		{
			"too large", "POST", "/webhook", `{"x": "` + strings.Repeat("x", 2<<20) + `"}`,
			`level=WARN msg="webhook rejected: body too large" endpoint=default`,
		},
		{
			"wrong method", "PUT", "/webhook", "{}",
			`level=WARN msg="webhook rejected: method not allowed" endpoint=default`,
		},
		{
			"unknown path", "POST", "/hooks", "{}",
			`level=WARN msg="request for an unknown path"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			s.do(t, tt.method, tt.path, "", tt.body)
			if !strings.Contains(s.logs.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, s.logs.String())
			}
		})
	}
}
