package discord

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
)

func TestBotReplyStartsThreadOnce(t *testing.T) {
	fake := chatfake.NewDiscord(t, chatfake.WithToken(botToken))
	s, err := New(Config{Token: botToken, ChannelID: "555", APIURL: fake.APIURL()})
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

	var replies []notifier.Receipt
	for range 2 {
		r, err := s.Reply(context.Background(), parent, typicalMessage())
		if err != nil {
			t.Fatalf("Reply() error = %v", err)
		}
		replies = append(replies, r)
	}

	threads := fake.Threads()
	if len(threads) != 1 || threads[parent.MessageID] != "555" {
		t.Errorf("threads = %v, want one started from message %s in 555", threads, parent.MessageID)
	}
	var paths []string
	for _, r := range fake.Requests() {
		paths = append(paths, r.Path)
	}
	want := []string{
		"/api/v10/channels/555/messages",
		"/api/v10/channels/555/messages/" + parent.MessageID + "/threads",
		"/api/v10/channels/" + parent.MessageID + "/messages",
		"/api/v10/channels/555/messages/" + parent.MessageID + "/threads",
		"/api/v10/channels/" + parent.MessageID + "/messages",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths =\n%s\nwant\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
	for i, r := range replies {
		if r.ChannelID != parent.MessageID || r.MessageID == "" || r.MessageID == parent.MessageID {
			t.Errorf("reply %d receipt = %+v, want a new message in thread %s", i, r, parent.MessageID)
		}
	}

	var start struct{ Name string }
	if err := json.Unmarshal(fake.Requests()[1].Body, &start); err != nil {
		t.Fatal(err)
	}
	if start.Name != "Bench bench-mumbai-1 is Broken" {
		t.Errorf("thread name = %q, want the title without escapes", start.Name)
	}
}

func TestReplyErrors(t *testing.T) {
	fake := chatfake.NewDiscord(t)
	hook, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := New(Config{Token: botToken, ChannelID: "555", APIURL: fake.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	if hook.CanReply() {
		t.Error("CanReply() = true for a webhook, want false")
	}

	tests := []struct {
		name   string
		sender *Sender
		parent notifier.Receipt
		code   string
		reason string
	}{
		{"webhook mode", hook, notifier.Receipt{MessageID: "1300000000000000001"}, "", "discord webhooks cannot start threads: use a bot token and channel id to reply in threads"},
		{"no message id", bot, notifier.Receipt{}, "", "receipt has no discord message id: only sent messages have a thread"},
		{"unknown message", bot, notifier.Receipt{MessageID: "1300000000000000099"}, "10008", ""},
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
			if sendErr.Code != tt.code {
				t.Errorf("Code = %q, want %q", sendErr.Code, tt.code)
			}
			if tt.reason != "" && sendErr.Reason != tt.reason {
				t.Errorf("Reason = %q, want %q", sendErr.Reason, tt.reason)
			}
		})
	}
}

func TestThreadName(t *testing.T) {
	tests := []struct{ title, want string }{
		{`🔴 site\_1.example.com is \*Broken\*`, "🔴 site_1.example.com is *Broken*"},
		{`back\slash`, `back\slash`},
		{"", "fcnotify"},
		{strings.Repeat("é", 120), strings.Repeat("é", 99) + "…"},
	}
	for _, tt := range tests {
		if got := threadName(tt.title); got != tt.want {
			t.Errorf("threadName(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}
