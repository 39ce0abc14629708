package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/store"
)

const flapRules = `
rules:
  - name: site-broken
    match: {event: Site Status Update, to: Broken}
    notify: [ops]
  - name: site-recovered
    match: {event: Site Status Update, from: Broken, to: Active}
    notify: [devs]
`

// variant returns a fixture with one field changed, so it is not a
// byte-identical redelivery.
func variant(t *testing.T, name, field string, value any) string {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(fixture(t, name)), &body); err != nil {
		t.Fatal(err)
	}
	body["data"].(map[string]any)[field] = value
	b, _ := json.Marshal(body)
	return string(b)
}

func TestFlapSequence(t *testing.T) {
	s := startStack(t, flapRules, "", nil, nil)
	steps := []struct {
		body     string
		response string
	}{
		{fixture(t, "site-status-flap-1-active.json"), `{"id":1,"status":"accepted"}`},
		{fixture(t, "site-status-flap-2-broken.json"), `{"id":2,"status":"accepted"}`},
		// The same Broken again with the same modified: a repeat.
		{variant(t, "site-status-flap-2-broken.json", "idx", 1), `{"id":3,"status":"accepted"}`},
		// A byte-identical redelivery.
		{fixture(t, "site-status-flap-2-broken.json"), `{"status":"duplicate"}`},
		// Active with an older modified, arriving late: stale.
		{variant(t, "site-status-flap-1-active.json", "idx", 1), `{"id":4,"status":"accepted"}`},
		{fixture(t, "site-status-flap-3-active.json"), `{"id":5,"status":"accepted"}`},
	}
	for i, step := range steps {
		if status, resp := s.post(step.body); status != 200 || resp != step.response {
			t.Fatalf("step %d: %d %s, want 200 %s", i+1, status, resp, step.response)
		}
		s.settle()
	}

	msgs := s.sent()
	var got []string
	for _, m := range msgs {
		got = append(got, m.Rule+":"+m.Channel)
	}
	if strings.Join(got, " ") != "site-broken:ops site-recovered:devs" {
		t.Fatalf("messages = %v, want [site-broken:ops site-recovered:devs]", got)
	}
	if title := msgs[0].Message.Title; !strings.Contains(title, "site2.example.com") || !strings.Contains(title, "Broken") {
		t.Errorf("broken title = %q", title)
	}
	if !strings.Contains(string(s.slack.Requests()[0].Body), "Active → Broken") {
		t.Errorf("Slack post does not show Active → Broken: %s", s.slack.Requests()[0].Body)
	}
	if !strings.Contains(string(s.discord.Requests()[0].Body), "Broken → Active") {
		t.Errorf("Discord post does not show Broken → Active: %s", s.discord.Requests()[0].Body)
	}

	doc, _, _ := s.srv.Store().Document(context.Background(), "Site", "site2.example.com")
	if doc.Status != "Active" || doc.Modified != time.Date(2026, 8, 18, 2, 37, 29, 4518000, time.UTC) {
		t.Errorf("state = %s at %v, want Active at flap-3's modified", doc.Status, doc.Modified)
	}
}

// TestRestartKeepsStateAndDeliversPending stops the server while Discord
// fails, starts a new one on the same store, and checks that the pending
// message goes out and the known state still yields a recovery.
func TestRestartKeepsStateAndDeliversPending(t *testing.T) {
	first := startStack(t, flapRules, "", nil, nil)
	first.post(fixture(t, "site-status-flap-1-active.json"))
	first.post(fixture(t, "site-status-flap-2-broken.json"))
	first.settle()
	first.discord.Fail(1, 500, `{"message": "Internal Server Error", "code": 0}`, nil)
	first.post(variant(t, "site-status-flap-3-active.json", "idx", 7))
	waitFor(t, "the failed Discord attempt", func() bool { return len(first.discord.Requests()) == 1 })
	waitFor(t, "the retry to be recorded", func() bool {
		msgs, _ := first.srv.Store().Messages(context.Background(), store.MessageFilter{State: store.StatePending})
		return len(msgs) == 1 && msgs[0].Attempts == 1
	})
	first.stop()

	second := startStack(t, flapRules, first.state, first.slack, first.discord)
	second.settle()

	reqs := second.discord.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Discord requests = %d, want 2 (the failure and the resend)", len(reqs))
	}
	if !strings.Contains(string(reqs[1].Body), "Broken → Active") {
		t.Errorf("resent message does not show Broken → Active: %s", reqs[1].Body)
	}
	if n := len(second.slack.Requests()); n != 1 {
		t.Errorf("Slack posts = %d, want 1", n)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
