package store

import (
	"context"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

var (
	_ HeldStore = (*SQLite)(nil)
	_ MuteStore = (*SQLite)(nil)
)

func groupHold(key string, due time.Time, body string) Hold {
	return Hold{
		Kind: HoldGroup, Channel: "ops", Rule: "bench-broken", Key: key,
		Document: "Bench/bench-1", InboxID: 1, Due: due, Body: []byte(body),
	}
}

// TestCompleteWritesHeldChanges checks that holds, repeats, living
// messages and links commit with the event, and that links and living
// messages can point at a message of the same transaction.
func TestCompleteWritesHeldChanges(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	id, _ := accept(t, s, `{"event":"x"}`)

	held := &HeldChanges{
		Hold:    []Hold{groupHold(`["g1"]`, t0.Add(30*time.Second), `{"n":1}`)},
		Repeats: []Repeat{{RepeatKey: RepeatKey{Rule: "r", Channel: "ops", Document: "Site/a", Status: "Broken"}, Announced: t0, Suppressed: 2}},
		Living:  []LivingMessage{{Rule: "r", Channel: "ops", Key: "Site/a", Root: MessageRef{Index: 0}, Started: t0, Updated: t0, Body: []byte(`["Active"]`)}},
		Links:   []Link{{Index: 1, Mode: LinkEdit, Root: MessageRef{Index: 0}}},
	}
	msgs := []OutboxMessage{
		{Channel: "ops", InboxID: id, Rule: "r", Document: "a", Message: notifier.Message{Title: "post"}},
		{Channel: "ops", InboxID: id, Rule: "r", Document: "a", Message: notifier.Message{Title: "edit"}},
	}
	ids, err := s.Complete(ctx, Completion{InboxID: id, Messages: msgs, Held: held, At: t0})
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}

	holds, err := s.Holds(ctx, HoldFilter{Kind: HoldGroup, Channel: "ops", Rule: "bench-broken", Key: `["g1"]`})
	if err != nil {
		t.Fatal(err)
	}
	if len(holds) != 1 {
		t.Fatalf("holds = %d, want 1", len(holds))
	}
	if h := holds[0]; h.Document != "Bench/bench-1" || string(h.Body) != `{"n":1}` || !h.Due.Equal(t0.Add(30*time.Second)) || !h.Created.Equal(t0) {
		t.Errorf("hold = %+v", h)
	}

	rep, ok, err := s.Repeat(ctx, RepeatKey{Rule: "r", Channel: "ops", Document: "Site/a", Status: "Broken"})
	if err != nil || !ok {
		t.Fatalf("Repeat: %v, %v", ok, err)
	}
	if !rep.Announced.Equal(t0) || rep.Suppressed != 2 {
		t.Errorf("repeat = %+v, want announced %v, 2 suppressed", rep, t0)
	}

	living, ok, err := s.Living(ctx, "r", "ops", "Site/a")
	if err != nil || !ok {
		t.Fatalf("Living: %v, %v", ok, err)
	}
	if living.Root.ID != ids[0] || string(living.Body) != `["Active"]` {
		t.Errorf("living = %+v, want root %d", living, ids[0])
	}

	link, ok, err := s.MessageLink(ctx, ids[1])
	if err != nil || !ok {
		t.Fatalf("MessageLink: %v, %v", ok, err)
	}
	if link.Mode != LinkEdit || link.Root != ids[0] || link.RootState != StatePending {
		t.Errorf("link = %+v, want edit of %d, pending", link, ids[0])
	}
	if _, ok, _ := s.MessageLink(ctx, ids[0]); ok {
		t.Error("the root message has a link, want none")
	}
}

func TestCompleteRollsBackBadHeldChanges(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	id, _ := accept(t, s, `{"event":"x"}`)

	held := &HeldChanges{
		Hold:  []Hold{groupHold("k", t0, "{}")},
		Links: []Link{{Index: 3, Mode: LinkEdit, Root: MessageRef{ID: 1}}},
	}
	_, err := s.Complete(ctx, Completion{InboxID: id, Held: held, At: t0})
	if err == nil || err.Error() != "complete inbox row 1: message index 3 out of range: 0 messages written" {
		t.Fatalf("Complete error = %v, want index out of range", err)
	}

	if holds, _ := s.Holds(ctx, HoldFilter{}); len(holds) != 0 {
		t.Errorf("holds after rollback = %d, want 0", len(holds))
	}
	if items, _ := s.PendingInbox(ctx, 0, 10); len(items) != 1 {
		t.Errorf("pending inbox rows after rollback = %d, want 1", len(items))
	}
}

func TestReleaseMovesHoldsToOutbox(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	id, _ := accept(t, s, `{"event":"x"}`)
	held := &HeldChanges{Hold: []Hold{
		groupHold("a", t0.Add(time.Minute), "1"),
		groupHold("b", t0.Add(30*time.Second), "2"),
		groupHold("a", t0.Add(time.Minute), "3"),
	}}
	if _, err := s.Complete(ctx, Completion{InboxID: id, Held: held, At: t0}); err != nil {
		t.Fatal(err)
	}

	next, ok, err := s.NextDue(ctx)
	if err != nil || !ok || !next.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("NextDue = %v, %v, %v, want %v", next, ok, err, t0.Add(30*time.Second))
	}
	due, err := s.DueHolds(ctx, t0.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := bodies(due); got != "2 1 3" {
		t.Fatalf("due bodies = %q, want %q (by due, then id)", got, "2 1 3")
	}
	later, _ := s.Holds(ctx, HoldFilter{DueAfter: t0.Add(30 * time.Second)})
	if got := bodies(later); got != "1 3" {
		t.Errorf("holds due after 30s = %q, want %q", got, "1 3")
	}

	changes := HeldChanges{
		Delete:  []int64{due[0].ID, due[1].ID},
		Rewrite: []Hold{{ID: due[2].ID, Due: t0.Add(time.Hour), Body: []byte("3b")}},
	}
	msg := OutboxMessage{Channel: "ops", Rule: "bench-broken", Message: notifier.Message{Title: "group"}}
	ids, err := s.Release(ctx, []OutboxMessage{msg}, changes, t0.Add(time.Minute))
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	if len(ids) != 1 {
		t.Fatalf("ids = %v, want one", ids)
	}

	left, _ := s.Holds(ctx, HoldFilter{})
	if got := bodies(left); got != "3b" {
		t.Errorf("held after release = %q, want %q", got, "3b")
	}
	if !left[0].Due.Equal(t0.Add(time.Hour)) {
		t.Errorf("rewritten due = %v, want %v", left[0].Due, t0.Add(time.Hour))
	}
	pending, _ := s.PendingMessages(ctx, "ops", 10)
	if len(pending) != 1 || pending[0].Message.Title != "group" || pending[0].ID != ids[0] {
		t.Errorf("pending = %+v, want the released group", pending)
	}
}

func TestMessageLinkFollowsRootAndRelink(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	id, _ := accept(t, s, `{"event":"x"}`)
	msgs := []OutboxMessage{{Channel: "ops", Rule: "r"}, {Channel: "ops", Rule: "r"}, {Channel: "ops", Rule: "r"}}
	held := &HeldChanges{
		Living: []LivingMessage{{Rule: "r", Channel: "ops", Key: "k", Root: MessageRef{Index: 0}}},
		Links:  []Link{{Index: 1, Mode: LinkEdit, Root: MessageRef{Index: 0}}, {Index: 2, Mode: LinkReply, Root: MessageRef{Index: 0}}},
	}
	ids, err := s.Complete(ctx, Completion{InboxID: id, Messages: msgs, Held: held, At: t0})
	if err != nil {
		t.Fatal(err)
	}
	receipt := notifier.Receipt{MessageID: "1700000000.000001", ChannelID: "C1"}
	if err := s.MarkSent(ctx, ids[0], receipt, t0); err != nil {
		t.Fatal(err)
	}

	link, _, _ := s.MessageLink(ctx, ids[1])
	if link.RootState != StateSent || link.RootReceipt != receipt {
		t.Errorf("link = %+v, want the sent root's receipt", link)
	}

	if err := s.Relink(ctx, ids[0], ids[1]); err != nil {
		t.Fatalf("Relink: %v", err)
	}
	reply, _, _ := s.MessageLink(ctx, ids[2])
	if reply.Mode != LinkReply || reply.Root != ids[1] {
		t.Errorf("reply link = %+v, want root %d", reply, ids[1])
	}
	living, _, _ := s.Living(ctx, "r", "ops", "k")
	if living.Root.ID != ids[1] {
		t.Errorf("living root = %d, want %d", living.Root.ID, ids[1])
	}
}

func TestMutes(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	add := func(kind, target string, until time.Time) int64 {
		t.Helper()
		id, err := s.AddMute(ctx, Mute{
			MuteTarget: MuteTarget{Kind: kind, Target: target}, Until: until,
			Reason: "maintenance", Created: t0,
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	site := add(MuteSite, "site1.example.com", t0.Add(2*time.Hour))
	add(MuteGroup, "bench-0019", t0.Add(-time.Minute))
	team := add(MuteTeam, "team-7f3a", t0.Add(time.Hour))

	active, err := s.Mutes(ctx, t0, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 2 || active[0].ID != team || active[1].ID != site {
		t.Errorf("active mutes = %+v, want team then site", active)
	}
	if all, _ := s.Mutes(ctx, t0, true); len(all) != 3 {
		t.Errorf("all mutes = %d, want 3", len(all))
	}

	tests := []struct {
		name    string
		targets []MuteTarget
		want    int64
	}{
		{"site", []MuteTarget{{MuteSite, "site1.example.com"}, {MuteBench, "bench-1"}}, site},
		{"expired group", []MuteTarget{{MuteGroup, "bench-0019"}}, 0},
		{"other site", []MuteTarget{{MuteSite, "site2.example.com"}}, 0},
		{"kind must match", []MuteTarget{{MuteBench, "site1.example.com"}}, 0},
		{"newest wins", []MuteTarget{{MuteSite, "site1.example.com"}, {MuteTeam, "team-7f3a"}}, team},
		{"empty targets skipped", []MuteTarget{{MuteSite, ""}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, ok, err := s.MuteFor(ctx, tc.targets, t0)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tc.want != 0) || m.ID != tc.want {
				t.Errorf("MuteFor = %d, %v, want %d", m.ID, ok, tc.want)
			}
		})
	}

	if err := s.RemoveMute(ctx, site); err != nil {
		t.Fatalf("RemoveMute: %v", err)
	}
	if err := s.RemoveMute(ctx, site); err == nil || err.Error() != "remove mute 1: not found" {
		t.Errorf("second RemoveMute = %v, want not found", err)
	}
}

func bodies(holds []Hold) string {
	var out string
	for i, h := range holds {
		if i > 0 {
			out += " "
		}
		out += string(h.Body)
	}
	return out
}
