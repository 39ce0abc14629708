package deliver

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// changeSender records posts, edits and replies as "post T", "edit ID T"
// and "reply ID T", where ID is the message changed and T the title. Its
// edits fail with the queued errors first.
type changeSender struct {
	mu         sync.Mutex
	canChange  bool
	calls      []string
	posts      int
	editErrors []error
}

func (s *changeSender) Send(_ context.Context, m *notifier.Message) (notifier.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts++
	id := fmt.Sprint("m", s.posts)
	s.calls = append(s.calls, "post "+m.Title+" as "+id)
	return notifier.Receipt{MessageID: id, ChannelID: "C1"}, nil
}

func (s *changeSender) CanEdit() bool  { return s.canChange }
func (s *changeSender) CanReply() bool { return s.canChange }

func (s *changeSender) Update(_ context.Context, r notifier.Receipt, m *notifier.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.editErrors) > 0 {
		err := s.editErrors[0]
		s.editErrors = s.editErrors[1:]
		s.calls = append(s.calls, "failed edit "+r.MessageID+" "+m.Title)
		return err
	}
	s.calls = append(s.calls, "edit "+r.MessageID+" "+m.Title)
	return nil
}

func (s *changeSender) Reply(_ context.Context, r notifier.Receipt, m *notifier.Message) (notifier.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts++
	id := fmt.Sprint("r", s.posts)
	s.calls = append(s.calls, "reply "+r.MessageID+" "+m.Title+" as "+id)
	return notifier.Receipt{MessageID: id, ChannelID: r.ChannelID}, nil
}

func (s *changeSender) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.calls, "\n")
}

// plainSender can only post.
type plainSender struct{ changeSender }

func (*plainSender) CanEdit() bool  { return false }
func (*plainSender) CanReply() bool { return false }

// queueLinked queues titles in one transaction: the first as a post, the
// others linked to it with mode.
func queueLinked(t *testing.T, s *store.SQLite, mode string, titles ...string) []int64 {
	t.Helper()
	ctx := context.Background()
	id, _, err := s.Accept(ctx, store.InboxItem{Digest: fmt.Sprint(titles, time.Now().UnixNano()), Body: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	held := &store.HeldChanges{}
	var msgs []store.OutboxMessage
	for i, title := range titles {
		msgs = append(msgs, store.OutboxMessage{Channel: "ops", InboxID: id, Rule: "r", Message: notifier.Message{Title: title}})
		if i > 0 {
			held.Links = append(held.Links, store.Link{Index: i, Mode: mode, Root: store.MessageRef{Index: 0}})
		}
	}
	ids, err := s.Complete(ctx, store.Completion{InboxID: id, Messages: msgs, Held: held, At: start})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// deliverAll runs a Deliverer for sender until nothing is pending.
func deliverAll(t *testing.T, s *store.SQLite, sender notifier.Sender) {
	t.Helper()
	clock := fakeclock.New(start)
	d := New(Options{
		Store: s, Clock: clock, Logger: slog.New(slog.DiscardHandler), Poll: time.Hour,
		Policy: Policy{InitialBackoff: time.Second, MaxBackoff: time.Second, MaxAge: time.Hour, Jitter: func() float64 { return 1 }},
	},
		[]Channel{{Name: "ops", Sender: sender}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	for range 2000 {
		pending, err := s.Messages(context.Background(), store.MessageFilter{State: store.StatePending})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
		if next, ok := clock.Next(); ok {
			clock.Advance(next.Sub(clock.Now()))
		}
	}
	t.Fatal("timed out waiting for the outbox to drain")
}

func openEditStore(t *testing.T) *store.SQLite {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "fcnotify.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDeliverEditsAndReplies(t *testing.T) {
	transientErr := &notifier.SendError{Class: notifier.ClassTransient, Status: 502}
	goneErr := &notifier.SendError{Class: notifier.ClassFinal, Code: "message_not_found"}
	tests := []struct {
		name   string
		mode   string
		sender func() notifier.Sender
		want   []string
	}{
		{
			"edit", store.LinkEdit, func() notifier.Sender { return &changeSender{canChange: true} },
			[]string{"post A as m1", "edit m1 B", "edit m1 C"},
		},
		{
			"reply", store.LinkReply, func() notifier.Sender { return &changeSender{canChange: true} },
			[]string{"post A as m1", "reply m1 B as r2", "reply m1 C as r3"},
		},
		{
			"sender cannot edit", store.LinkEdit, func() notifier.Sender { return &plainSender{} },
			[]string{"post A as m1", "post B as m2", "post C as m3"},
		},
		{"edit retried", store.LinkEdit, func() notifier.Sender {
			return &changeSender{canChange: true, editErrors: []error{transientErr}}
		}, []string{"post A as m1", "failed edit m1 B", "edit m1 B", "edit m1 C"}},
		{"edited message gone", store.LinkEdit, func() notifier.Sender {
			return &changeSender{canChange: true, editErrors: []error{goneErr}}
		}, []string{"post A as m1", "failed edit m1 B", "post B as m2", "edit m2 C"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openEditStore(t)
			ids := queueLinked(t, s, tc.mode, "A", "B", "C")
			sender := tc.sender()
			deliverAll(t, s, sender)

			var got string
			switch v := sender.(type) {
			case *changeSender:
				got = v.log()
			case *plainSender:
				got = v.log()
			}
			if want := strings.Join(tc.want, "\n"); got != want {
				t.Errorf("calls =\n%s\nwant\n%s", got, want)
			}
			sent, _ := s.Messages(context.Background(), store.MessageFilter{State: store.StateSent})
			if len(sent) != len(ids) {
				t.Errorf("sent messages = %d, want %d", len(sent), len(ids))
			}
		})
	}
}

// TestDeliverEditOfFailedRootPosts checks that an edit whose root was
// dead-lettered goes out as a new message, and the next edit changes it.
func TestDeliverEditOfFailedRootPosts(t *testing.T) {
	s := openEditStore(t)
	ids := queueLinked(t, s, store.LinkEdit, "A", "B", "C")
	if err := s.MarkFailed(context.Background(), ids[0], 3, "final: channel_not_found", start); err != nil {
		t.Fatal(err)
	}
	sender := &changeSender{canChange: true}
	deliverAll(t, s, sender)

	want := "post B as m1\nedit m1 C"
	if got := sender.log(); got != want {
		t.Errorf("calls =\n%s\nwant\n%s", got, want)
	}
	link, _, err := s.MessageLink(context.Background(), ids[2])
	if err != nil || link.Root != ids[1] {
		t.Errorf("link of C = %+v, %v, want root %d", link, err, ids[1])
	}
}

func TestDeliverEditKeepsRootReceipt(t *testing.T) {
	s := openEditStore(t)
	ids := queueLinked(t, s, store.LinkEdit, "A", "B")
	deliverAll(t, s, &changeSender{canChange: true})

	sent, _ := s.Messages(context.Background(), store.MessageFilter{State: store.StateSent})
	for _, m := range sent {
		if m.Receipt.MessageID != "m1" {
			t.Errorf("message %d receipt = %q, want the root's m1", m.ID, m.Receipt.MessageID)
		}
	}
	if len(sent) != len(ids) {
		t.Errorf("sent = %d, want %d", len(sent), len(ids))
	}
}
