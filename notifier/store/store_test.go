package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

var t0 = time.Date(2026, 8, 21, 13, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) (*SQLite, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "fcnotify.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func accept(t *testing.T, s Store, body string) (int64, bool) {
	t.Helper()
	id, dup, err := s.Accept(context.Background(), InboxItem{
		Digest: "d-" + body, Endpoint: "acme", Team: "team-7f3a", Body: []byte(body), Received: t0,
	})
	if err != nil {
		t.Fatalf("Accept(%q): %v", body, err)
	}
	return id, dup
}

func TestAcceptDropsIdenticalBody(t *testing.T) {
	s, _ := openTemp(t)
	first, dup := accept(t, s, `{"a":1}`)
	if dup {
		t.Fatal("first body reported as duplicate")
	}
	if _, dup := accept(t, s, `{"a":1}`); !dup {
		t.Error("second identical body not reported as duplicate")
	}

	items, err := s.PendingInbox(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("pending inbox rows = %d, want 1", len(items))
	}
	got := items[0]
	if got.ID != first || string(got.Body) != `{"a":1}` || got.Endpoint != "acme" || got.Team != "team-7f3a" {
		t.Errorf("inbox row = %+v", got)
	}
	if !got.Received.Equal(t0) {
		t.Errorf("received = %v, want %v", got.Received, t0)
	}
}

func TestAcceptConcurrentCallsAllCommit(t *testing.T) {
	s, _ := openTemp(t)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			accept(t, s, fmt.Sprintf(`{"n":%d}`, i))
		}()
	}
	wg.Wait()

	items, err := s.PendingInbox(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 200 {
		t.Errorf("pending inbox rows = %d, want 200", len(items))
	}
}

func TestCompleteIsVisibleAfterReopen(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	id, _ := accept(t, s, `{"x":1}`)

	doc := &DocumentState{
		Doctype: "Site", Name: "site1.example.com", Status: "Active",
		Modified: t0, Team: "team-7f3a", Updated: t0,
	}
	msg := OutboxMessage{
		Channel: "ops", InboxID: id, Rule: "r1", Document: "site1.example.com",
		Message: notifier.Message{Title: "site1 is Active"},
	}
	ids, err := s.Complete(ctx, Completion{
		InboxID: id, Document: doc,
		Teams:    []TeamFact{{Kind: "group", Key: "bench-0019", Team: "team-7f3a"}},
		Messages: []OutboxMessage{msg}, At: t0,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 {
		t.Fatalf("queued ids = %v, want one", ids)
	}
	s.Close()

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()

	pending, _ := s2.PendingInbox(ctx, 0, 10)
	if len(pending) != 0 {
		t.Errorf("pending inbox after Complete = %d rows, want 0", len(pending))
	}
	got, ok, err := s2.Document(ctx, "Site", "site1.example.com")
	if err != nil || !ok {
		t.Fatalf("Document: ok=%v err=%v", ok, err)
	}
	if got.Status != "Active" || !got.Modified.Equal(t0) || got.Team != "team-7f3a" {
		t.Errorf("document = %+v", got)
	}
	team, _ := s2.Team(ctx, "group", "bench-0019")
	if team != "team-7f3a" {
		t.Errorf("team of group = %q, want team-7f3a", team)
	}
	msgs, _ := s2.PendingMessages(ctx, "ops", 10)
	if len(msgs) != 1 || msgs[0].Message.Title != "site1 is Active" || msgs[0].State != StatePending {
		t.Errorf("pending messages = %+v", msgs)
	}
}

func TestOutboxStates(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id, _ := accept(t, s, `{"y":1}`)
	var queued []OutboxMessage
	for i := range 3 {
		queued = append(queued, OutboxMessage{
			Channel: "ops", InboxID: id, Rule: "r",
			Document: "d", Message: notifier.Message{Title: fmt.Sprint(i)},
		})
	}
	ids, err := s.Complete(ctx, Completion{InboxID: id, Messages: queued, At: t0})
	if err != nil {
		t.Fatal(err)
	}

	if err := s.MarkSent(ctx, ids[0], notifier.Receipt{MessageID: "1700.01", ChannelID: "C1"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, ids[1], 2, t0.Add(time.Minute), "transient: HTTP 500"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, ids[2], 1, "final: HTTP 404: 10015", t0); err != nil {
		t.Fatal(err)
	}

	pending, _ := s.PendingMessages(ctx, "ops", 10)
	if len(pending) != 1 || pending[0].ID != ids[1] || pending[0].Attempts != 2 ||
		!pending[0].Next.Equal(t0.Add(time.Minute)) || pending[0].LastErr != "transient: HTTP 500" {
		t.Errorf("pending = %+v", pending)
	}
	sent, _ := s.Messages(ctx, MessageFilter{State: StateSent})
	if len(sent) != 1 || sent[0].Receipt.MessageID != "1700.01" || sent[0].Receipt.ChannelID != "C1" {
		t.Errorf("sent = %+v", sent)
	}

	n, err := s.Requeue(ctx, nil, t0.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Requeue = %d, %v; want 1", n, err)
	}
	pending, _ = s.PendingMessages(ctx, "ops", 10)
	if len(pending) != 2 || pending[0].ID != ids[1] || pending[1].ID != ids[2] {
		t.Errorf("pending after requeue = %+v", pending)
	}

	if err := s.MarkSent(ctx, 9999, notifier.Receipt{}, t0); err == nil {
		t.Error("MarkSent of a missing id returned no error")
	}
}

func TestTrimBacklogDeadLettersOldest(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id, _ := accept(t, s, `{"z":1}`)
	var queued []OutboxMessage
	for range 5 {
		queued = append(queued, OutboxMessage{Channel: "ops", InboxID: id, Rule: "r", Document: "d"})
	}
	ids, _ := s.Complete(ctx, Completion{InboxID: id, Messages: queued, At: t0})

	trimmed, err := s.TrimBacklog(ctx, "ops", 3, "backlog over 3", t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(trimmed) != 2 || trimmed[0] != ids[1] || trimmed[1] != ids[0] {
		t.Errorf("trimmed = %v, want the two oldest %v", trimmed, ids[:2])
	}
	failed, _ := s.Messages(ctx, MessageFilter{State: StateFailed, Channel: "ops"})
	if len(failed) != 2 || failed[0].LastErr != "backlog over 3" {
		t.Errorf("failed = %+v", failed)
	}
}

func TestPruneKeepsRecentAndPendingRows(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	oldID, _ := accept(t, s, `{"old":1}`)
	ids, err := s.Complete(ctx, Completion{InboxID: oldID, At: t0, Messages: []OutboxMessage{
		{Channel: "ops", InboxID: oldID, Rule: "r", Document: "d"},
		{Channel: "ops", InboxID: oldID, Rule: "r", Document: "d"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, ids[0], notifier.Receipt{}, t0); err != nil {
		t.Fatal(err)
	}
	newID, _, err := s.Accept(ctx, InboxItem{Digest: "new", Body: []byte("{}"), Received: t0.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	n, err := s.Prune(ctx, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("pruned %d rows, want 2: the old inbox row and the sent message", n)
	}
	pending, _ := s.PendingInbox(ctx, 0, 10)
	if len(pending) != 1 || pending[0].ID != newID {
		t.Errorf("inbox after prune = %+v, want only the new row", pending)
	}
	all, _ := s.Messages(ctx, MessageFilter{})
	if len(all) != 1 || all[0].ID != ids[1] || all[0].State != StatePending {
		t.Errorf("outbox after prune = %+v, want only the pending message", all)
	}
}
