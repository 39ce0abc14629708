package server

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/internal/crashtest"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// binary is a built fcnotify with a configuration whose one channel posts
// to a Slack fake through a gateway.
type binary struct {
	bin    string
	config string
	state  string
	addr   string
	slack  *chatfake.Slack
	gw     *gateway
	// secrets must stay out of the server's log.
	secrets []string
}

func newBinary(t *testing.T, grace string) *binary {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the fcnotify binary")
	}
	sl := chatfake.NewSlack(t)
	gw := newGateway(t, sl.URL())
	dir := t.TempDir()
	b := &binary{
		bin: crashtest.Build(t), config: filepath.Join(dir, "fcnotify.yaml"),
		state: filepath.Join(dir, "fcnotify.db"), addr: crashtest.FreeAddress(t), slack: sl, gw: gw,
	}
	webhook := gw.URL() + strings.TrimPrefix(sl.WebhookURL(), sl.URL())
	b.secrets = []string{webhook, sl.WebhookSecret()}
	cfg := fmt.Sprintf(`listen: %q
webhook:
  secrets: [{value: s3cret}]
state: {path: %q}
delivery: {shutdown_grace: %s}
channels:
  ops:
    slack: {webhook_url: %q}
rules:
  - name: everything
    match: {event: "*"}
    notify: [ops]
`, b.addr, b.state, grace, webhook)
	if err := os.WriteFile(b.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

// webhookRequest returns a complete webhook request for body, as raw
// HTTP/1.1 text.
func webhookRequest(body string) string {
	return "POST /webhook HTTP/1.1\r\nHost: fcnotify\r\nContent-Type: application/json\r\n" +
		"X-Webhook-Secret: s3cret\r\n" + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body
}

// post sends body to the webhook at base with the test secret and
// returns the status.
func post(base string, body []byte) (int, error) {
	return postWith(&http.Client{Timeout: 5 * time.Second}, base, body)
}

// postWith posts as post does, with client.
func postWith(client *http.Client, base string, body []byte) (int, error) {
	req, err := http.NewRequest("POST", base+"/webhook", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Webhook-Secret", "s3cret")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func outbox(t *testing.T, path string) []store.OutboxMessage {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	msgs, err := st.Messages(context.Background(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// waitRefused waits until connections to addr are refused.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		conn.Close()
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("%s still accepts connections", addr)
}

// inboxRows returns the number of webhooks in the inbox, processed or not.
func inboxRows(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM inbox").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestShutdownFinishesSendInFlight(t *testing.T) {
	b := newBinary(t, "20s")
	b.gw.Hold()
	p := crashtest.Start(t, b.bin, b.config, b.addr)
	events, err := crashtest.Events(fixtureDir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if status, err := post(p.URL(), events[0].Body); err != nil || status != 200 {
		t.Fatalf("post: status %d, error %v", status, err)
	}
	<-b.gw.arrived

	// A request whose headers are half sent keeps its connection active,
	// so it is served after the drain starts.
	conn, err := net.Dial("tcp", b.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	request := webhookRequest(string(events[1].Body))
	split := strings.Index(request, "X-Webhook-Secret")
	if _, err := io.WriteString(conn, request[:split]); err != nil {
		t.Fatal(err)
	}

	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !p.WaitLog(`msg="shutting down"`, 10*time.Second) {
		t.Fatalf("no shutdown line in the log:\n%s", p.Log())
	}
	// For a moment after the drain begins the listener stays open, so a
	// request on its way gets a 503, which Frappe Cloud retries, and is
	// never stored.
	if _, err := io.WriteString(conn, request[split:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("request during the drain got no response: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("request during the drain got %d, want 503", resp.StatusCode)
	}

	// Then http.Server.Shutdown closes the listener.
	waitRefused(t, b.addr)
	if status, err := post(p.URL(), events[1].Body); err == nil {
		t.Errorf("new request after the listener closed got %d, want a refused connection", status)
	}

	// The send has been in flight since before SIGTERM. It finishes once
	// delivery is stopping, inside the grace period.
	if !p.WaitLog(`msg="delivery stopping, sends in flight may finish" grace=20s`, 15*time.Second) {
		t.Fatalf("delivery did not stop:\n%s", p.Log())
	}
	b.gw.Release()
	code, err := p.Wait(15 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("exit code %d, error %v; log:\n%s", code, err, p.Log())
	}

	msgs := outbox(t, b.state)
	if len(msgs) != 1 || msgs[0].State != store.StateSent {
		t.Errorf("outbox = %+v, want one sent message", msgs)
	}
	if n := len(b.slack.Requests()); n != 1 {
		t.Errorf("slack requests = %d, want 1", n)
	}
	if n := inboxRows(t, b.state); n != 1 {
		t.Errorf("inbox rows = %d, want 1: the request after the drain must not be stored", n)
	}
	checkLogSecrets(t, p.Log(), b.secrets)
	if strings.Contains(p.Log(), "grace period over") {
		t.Errorf("grace ran out:\n%s", p.Log())
	}
}

func TestShutdownCancelsSendAfterGrace(t *testing.T) {
	b := newBinary(t, "1s")
	b.gw.Hold()
	p := crashtest.Start(t, b.bin, b.config, b.addr)
	events, err := crashtest.Events(fixtureDir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if status, err := post(p.URL(), events[0].Body); err != nil || status != 200 {
		t.Fatalf("post: status %d, error %v", status, err)
	}
	<-b.gw.arrived

	began := time.Now()
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, err := p.Wait(15 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("exit code %d, error %v; log:\n%s", code, err, p.Log())
	}
	t.Logf("exited %v after SIGTERM with a 1s grace", time.Since(began).Round(time.Millisecond))
	if !strings.Contains(p.Log(), `msg="shutdown grace period over, cancelling sends in flight" grace=1s`) {
		t.Errorf("no grace warning in the log:\n%s", p.Log())
	}
	checkLogSecrets(t, p.Log(), b.secrets)
	msgs := outbox(t, b.state)
	if len(msgs) != 1 || msgs[0].State != store.StatePending || msgs[0].Attempts != 1 {
		t.Fatalf("outbox = %+v, want one pending message after 1 attempt", msgs)
	}

	// The message was kept, so the next run delivers it.
	b.gw.Release()
	p = crashtest.Start(t, b.bin, b.config, b.addr)
	deadline := time.Now().Add(10 * time.Second)
	for outbox(t, b.state)[0].State != store.StateSent && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code, err := p.Wait(15 * time.Second); err != nil || code != 0 {
		t.Fatalf("second run: exit code %d, error %v", code, err)
	}
	msgs = outbox(t, b.state)
	if len(msgs) != 1 || msgs[0].State != store.StateSent {
		t.Errorf("outbox after restart = %+v, want one sent message", msgs)
	}
}
