package slack

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
)

func TestBotReplyInThread(t *testing.T) {
	fake := chatfake.NewSlack(t)
	s, err := New(Config{Token: botToken, Channel: "C0123", APIURL: fake.APIURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if !s.CanReply() {
		t.Fatal("CanReply() = false, want true with a bot token")
	}
	parent, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}

	reply, err := s.Reply(context.Background(), parent, typicalMessage())
	if err != nil {
		t.Fatalf("Reply() error = %v", err)
	}
	if reply.MessageID == "" || reply.MessageID == parent.MessageID {
		t.Errorf("reply ts = %q, want a new ts after the parent's %q", reply.MessageID, parent.MessageID)
	}
	if reply.ChannelID != "C0123" {
		t.Errorf("reply channel = %q, want C0123", reply.ChannelID)
	}

	requests := fake.Requests()
	if len(requests) != 2 {
		t.Fatalf("fake got %d requests, want 2", len(requests))
	}
	if requests[1].Path != "/api/chat.postMessage" {
		t.Errorf("path = %q, want /api/chat.postMessage", requests[1].Path)
	}
	form, _ := url.ParseQuery(string(requests[1].Body))
	if got := form.Get("thread_ts"); got != parent.MessageID {
		t.Errorf("thread_ts = %q, want the parent's %q", got, parent.MessageID)
	}
	if got := form.Get("channel"); got != "C0123" {
		t.Errorf("channel = %q, want C0123", got)
	}
	if got := form.Get("reply_broadcast"); got != "" {
		t.Errorf("reply_broadcast = %q, want none", got)
	}
}

func TestReplyErrors(t *testing.T) {
	fake := chatfake.NewSlack(t)
	bot, err := New(Config{Token: botToken, Channel: "C0123", APIURL: fake.APIURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	hook, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if hook.CanReply() {
		t.Error("CanReply() = true for a webhook, want false")
	}

	tests := []struct {
		name       string
		sender     *Sender
		parent     notifier.Receipt
		wantReason string
	}{
		{"webhook mode", hook, notifier.Receipt{MessageID: "1.2", ChannelID: "C1"}, "slack incoming webhook messages have no thread to reply in: use a bot token and channel to reply in threads"},
		{"empty receipt", bot, notifier.Receipt{}, "receipt has no slack message ts: only messages sent with a bot token have a thread"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.sender.Reply(context.Background(), tt.parent, typicalMessage())
			var sendErr *notifier.SendError
			if !errors.As(err, &sendErr) {
				t.Fatalf("Reply() error = %v, want *notifier.SendError", err)
			}
			if sendErr.Class != notifier.ClassFinal {
				t.Errorf("Class = %q, want final", sendErr.Class)
			}
			if sendErr.Reason != tt.wantReason {
				t.Errorf("Reason = %q, want %q", sendErr.Reason, tt.wantReason)
			}
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("fake got %d requests, want none", n)
	}
}
