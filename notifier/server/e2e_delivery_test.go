package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/store"
)

const slackOnlyRules = `
rules:
  - name: bench-broken
    match: {event: Bench Status Update, to: Broken}
    notify: [ops]
`

// pendingMessage waits for the one pending message to record attempts
// failed sends and returns it.
func (s *stack) pendingMessage(attempts int) store.OutboxMessage {
	s.t.Helper()
	var msg store.OutboxMessage
	waitFor(s.t, "a recorded retry", func() bool {
		msgs, err := s.srv.Store().Messages(context.Background(), store.MessageFilter{State: store.StatePending})
		if err != nil || len(msgs) != 1 || msgs[0].Attempts != attempts {
			return false
		}
		msg = msgs[0]
		return true
	})
	return msg
}

func TestDeliveryRetriesThroughChatFakes(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		headers   map[string]string
		wantRetry time.Duration
		wantErr   string
	}{
		{"500 then success", 500, "rollup_error", nil, time.Second, "transient: HTTP 500: rollup_error"},
		{
			"429 with Retry-After 2", 429, "",
			map[string]string{"Retry-After": "2"},
			2 * time.Second,
			"rate_limited: HTTP 429",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startStack(t, slackOnlyRules, "", nil, nil)
			s.slack.Fail(1, tt.status, tt.body, tt.headers)
			s.post(fixture(t, "bench-status-broken.json"))

			msg := s.pendingMessage(1)
			if got := msg.Next.Sub(now); got != tt.wantRetry {
				t.Errorf("retry due after %v, want %v", got, tt.wantRetry)
			}
			if !strings.HasPrefix(msg.LastErr, tt.wantErr) {
				t.Errorf("last error = %q, want prefix %q", msg.LastErr, tt.wantErr)
			}
			if n := len(s.slack.Requests()); n != 1 {
				t.Errorf("requests before the wait = %d, want 1", n)
			}

			// Nothing is resent a moment before the wait is over.
			s.clock.Advance(tt.wantRetry - time.Millisecond)
			time.Sleep(20 * time.Millisecond)
			if n := len(s.slack.Requests()); n != 1 {
				t.Errorf("requests just before the wait ended = %d, want 1", n)
			}

			s.clock.Advance(time.Millisecond)
			s.settle()
			if n := len(s.slack.Requests()); n != 2 {
				t.Errorf("requests = %d, want 2", n)
			}
			sent := s.sent()
			if len(sent) != 1 || sent[0].Attempts != 2 {
				t.Errorf("sent = %+v, want one message after 2 attempts", sent)
			}
		})
	}
}
