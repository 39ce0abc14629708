package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/deliver"
	"github.com/fcnotify/fcnotify/notifier/discord"
	"github.com/fcnotify/fcnotify/notifier/slack"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// queuedAt is when the test messages were queued.
var queuedAt = time.Date(2026, 8, 21, 13, 0, 0, 0, time.UTC)

// deliveriesFixture is a state file whose messages went through the real
// senders: one sent, two dead-lettered by the chat fakes, one pending.
type deliveriesFixture struct {
	config  string
	state   string
	secrets []string
}

func newDeliveriesFixture(t *testing.T) deliveriesFixture {
	t.Helper()
	sl := chatfake.NewSlack(t)
	dc := chatfake.NewDiscord(t)
	sl.Fail(1, 404, "channel_not_found", nil)
	// The Discord webhook's token was revoked: the fake returns 401.
	revokedURL := dc.WebhookURL() + "-revoked"

	dir := t.TempDir()
	f := deliveriesFixture{
		config:  filepath.Join(dir, "fcnotify.yaml"),
		state:   filepath.Join(dir, "fcnotify.db"),
		secrets: []string{sl.WebhookURL(), sl.WebhookSecret(), revokedURL, dc.WebhookToken()},
	}
	cfg := fmt.Sprintf("state: {path: %q}\nchannels:\n  ops:\n    slack: {webhook_url: %q}\n"+
		"  devs:\n    discord: {webhook_url: %q}\n  later:\n    console: {}\n", f.state, sl.WebhookURL(), revokedURL)
	if err := os.WriteFile(f.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	st, err := store.Open(f.state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	queue(t, st, []store.OutboxMessage{
		{Channel: "ops", Rule: "bench-broken", Document: "Bench/bench-0142", Message: notifier.Message{Title: "Bench broken"}},
		{Channel: "devs", Rule: "deploy-failed", Document: "Deploy Candidate/dc-17", Message: notifier.Message{Title: "Deploy failed"}},
		{Channel: "ops", Rule: "site-active", Document: "Site/a.example.com", Message: notifier.Message{Title: "Site active"}},
		{Channel: "later", Rule: "site-active", Document: "Site/b.example.com", Message: notifier.Message{Title: "Site active"}},
	})
	deliverAll(t, st, sl, revokedURL, f.secrets)
	return f
}

func queue(t *testing.T, st *store.SQLite, msgs []store.OutboxMessage) {
	t.Helper()
	ctx := context.Background()
	id, _, err := st.Accept(ctx, store.InboxItem{Digest: "d1", Body: []byte("{}"), Received: queuedAt})
	if err != nil {
		t.Fatal(err)
	}
	for i := range msgs {
		msgs[i].InboxID = id
	}
	if _, err := st.Complete(ctx, store.Completion{InboxID: id, Messages: msgs, At: queuedAt}); err != nil {
		t.Fatal(err)
	}
}

// deliverAll runs the delivery of the ops and devs channels until none of
// their messages is pending. The later channel has no worker.
func deliverAll(t *testing.T, st *store.SQLite, sl *chatfake.Slack, discordURL string, secrets []string) {
	t.Helper()
	slackSender, err := slack.New(slack.Config{WebhookURL: sl.WebhookURL()})
	if err != nil {
		t.Fatal(err)
	}
	discordSender, err := discord.New(discord.Config{WebhookURL: discordURL})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	d := deliver.New(deliver.Options{
		Store: st, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Policy: deliver.Policy{InitialBackoff: time.Second, MaxBackoff: time.Second},
	},
		[]deliver.Channel{{Name: "ops", Sender: slackSender}, {Name: "devs", Sender: discordSender}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		d.Run(ctx)
		close(done)
	}()
	defer func() {
		cancel()
		<-done
		if !strings.Contains(logs.String(), "message dead-lettered") {
			t.Errorf("delivery log lacks the dead letters:\n%s", logs.String())
		}
		checkNoSecrets(t, secrets, logs.String())
	}()

	deadline := time.Now().Add(10 * time.Second)
	for {
		pending, err := st.Messages(context.Background(), store.MessageFilter{State: store.StatePending})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pending messages = %d after 10s, want 1", len(pending))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// run executes fcnotify with args and returns its output and error.
func run(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	root := newRootCommand(&out, &errOut)
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), errOut.String(), err
}

// Rows of `deliveries list`, as the cells of each line.
var (
	listHeader = []string{"ID", "STATE", "CHANNEL", "RULE", "DOCUMENT", "ATTEMPTS", "QUEUED", "LAST ERROR"}
	listLater  = []string{"4", "pending", "later", "site-active", "Site/b.example.com", "0", "2026-08-21T13:00:00Z"}
	listSent   = []string{"3", "sent", "ops", "site-active", "Site/a.example.com", "1", "2026-08-21T13:00:00Z"}
	listDevs   = []string{
		"2", "failed", "devs", "deploy-failed", "Deploy Candidate/dc-17", "1", "2026-08-21T13:00:00Z",
		"final: HTTP 401: 50027: the webhook token is invalid: copy the webhook URL again",
	}
	listOps = []string{
		"1", "failed", "ops", "bench-broken", "Bench/bench-0142", "1", "2026-08-21T13:00:00Z",
		"final: HTTP 404: channel_not_found: the webhook's channel does not exist: create a new webhook",
	}
)

// cellGap separates the columns that tabwriter pads with at least two
// spaces; a cell itself contains single spaces at most.
var cellGap = regexp.MustCompile(` {2,}`)

// cells splits a table into lines and each line into its cells.
func cells(table string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(table, "\n"), "\n") {
		rows = append(rows, cellGap.Split(strings.TrimRight(line, " "), -1))
	}
	return rows
}

func TestDeliveriesList(t *testing.T) {
	f := newDeliveriesFixture(t)
	tests := []struct {
		name string
		args []string
		want [][]string
	}{
		{"every message", nil, [][]string{listHeader, listLater, listSent, listDevs, listOps}},
		{"failed only", []string{"--state", "failed"}, [][]string{listHeader, listDevs, listOps}},
		{"one channel", []string{"--channel", "ops"}, [][]string{listHeader, listSent, listOps}},
		{"limit", []string{"--limit", "1"}, [][]string{listHeader, listLater}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := run(append([]string{"deliveries", "list", "--config", f.config}, tt.args...)...)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if got := cells(stdout); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("output:\n%s\nwant rows %q", stdout, tt.want)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want empty", stderr)
			}
			checkNoSecrets(t, f.secrets, stdout, stderr)
		})
	}
}

const noFailedMessage = "no failed message to requeue: only dead-lettered messages can be retried; " +
	"see `fcnotify deliveries list --state failed`"

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestDeliveriesRetry(t *testing.T) {
	f := newDeliveriesFixture(t)
	steps := []struct {
		name        string
		args        []string
		want        string
		wantPending []int64
		wantErr     string
	}{
		{"one id", []string{"1"}, "requeued 1 failed message\n", []int64{4, 1}, ""},
		{"id that is not failed", []string{"3", "999"}, "", []int64{4, 1}, noFailedMessage},
		{"every failed", []string{"--all-failed"}, "requeued 1 failed message\n", []int64{4, 2, 1}, ""},
		{"nothing left", []string{"--all-failed"}, "", []int64{4, 2, 1}, noFailedMessage},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			stdout, stderr, err := run(append([]string{"deliveries", "retry", "--config", f.config}, step.args...)...)
			if gotErr := errorText(err); gotErr != step.wantErr {
				t.Fatalf("retry error = %q, want %q", gotErr, step.wantErr)
			}
			if stdout != step.want {
				t.Errorf("output = %q, want %q", stdout, step.want)
			}
			checkNoSecrets(t, f.secrets, stdout, stderr)

			pending := messages(t, f.state, store.StatePending)
			var ids []int64
			for _, m := range pending {
				ids = append(ids, m.ID)
				if m.Attempts != 0 {
					t.Errorf("message %d attempts = %d, want 0", m.ID, m.Attempts)
				}
			}
			if fmt.Sprint(ids) != fmt.Sprint(step.wantPending) {
				t.Errorf("pending ids = %v, want %v", ids, step.wantPending)
			}
		})
	}

	stdout, _, err := run("deliveries", "list", "--config", f.config, "--state", "failed")
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := cells(stdout); !reflect.DeepEqual(got, [][]string{listHeader}) {
		t.Errorf("failed after retries:\n%s\nwant only the header", stdout)
	}
}

func TestDeliveriesRejectsBadArguments(t *testing.T) {
	f := newDeliveriesFixture(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"retry without ids", []string{"retry"}, "give message IDs or --all-failed, not both or neither"},
		{"retry with ids and all", []string{"retry", "1", "--all-failed"}, "give message IDs or --all-failed, not both or neither"},
		{"retry with a bad id", []string{"retry", "one"}, `invalid message ID "one": use the numbers from ` + "`fcnotify deliveries list`"},
		{"list with a bad state", []string{"list", "--state", "done"}, `invalid --state "done": use pending, sent or failed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := run(append([]string{"deliveries", "--config", f.config}, tt.args...)...)
			if err == nil {
				t.Fatalf("no error, output %q", stdout)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want empty", stdout)
			}
			checkNoSecrets(t, f.secrets, stdout, stderr, err.Error())
		})
	}
}

func messages(t *testing.T, path, state string) []store.OutboxMessage {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	msgs, err := st.Messages(context.Background(), store.MessageFilter{State: state})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func checkNoSecrets(t *testing.T, secrets []string, texts ...string) {
	t.Helper()
	for _, secret := range secrets {
		for _, text := range texts {
			if strings.Contains(text, secret) {
				t.Errorf("secret %q appears in %q", secret, text)
			}
		}
	}
}
