package process

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fcevents"
	"github.com/fcnotify/fcnotify/notifier/store"
)

const groupRules = `
rules:
  - name: benches
    match: {event: Bench Status Update}
    notify: [ops]
    group: {by: [group, status], wait: 30s}
`

func bench(i int, group string) fcevents.Bench {
	return fcevents.Bench{Name: fmt.Sprintf("%s-%06d-f9", group, i), Group: group}
}

func TestGroupGathersOneWindow(t *testing.T) {
	h := newHarness(t, groupRules, nil)
	for i := range 12 {
		h.send(fcevents.BenchStatus(bench(i, "bench-0019"), "Pending", t0))
		h.clock.Advance(time.Second)
	}
	if got := h.held(); got != 12 {
		t.Fatalf("held rows = %d, want 12", got)
	}
	h.advance(17 * time.Second)
	if n := len(h.outbox()); n != 0 {
		t.Fatalf("messages before the window closed = %d, want 0", n)
	}

	h.advance(time.Second)
	checkTitles(t, h.titles(), "ops: ⏳ 12 benches of release group bench-0019 are now Pending")
	if got := h.held(); got != 0 {
		t.Errorf("held rows after release = %d, want 0", got)
	}
	msg := h.outbox()[0]
	if msg.Created != t0.Add(30*time.Second) {
		t.Errorf("queued at %v, want the first event + wait %v", msg.Created, t0.Add(30*time.Second))
	}
	if msg.Document != "12 benches" {
		t.Errorf("document = %q, want %q", msg.Document, "12 benches")
	}
	for i := range 12 {
		if name := bench(i, "bench-0019").Name; !strings.Contains(msg.Message.Text, name) {
			t.Errorf("text does not list %s:\n%s", name, msg.Message.Text)
		}
	}
}

func TestGroupKeysSplitGroups(t *testing.T) {
	h := newHarness(t, groupRules, nil)
	h.send(fcevents.BenchStatus(bench(1, "bench-0019"), "Broken", t0))
	h.send(fcevents.BenchStatus(bench(2, "bench-0019"), "Broken", t0))
	h.send(fcevents.BenchStatus(bench(3, "bench-0020"), "Broken", t0))
	h.send(fcevents.BenchStatus(bench(4, "bench-0019"), "Active", t0))
	h.send(fcevents.BenchStatus(bench(5, "bench-0019"), "Active", t0))
	h.advance(30 * time.Second)

	checkTitles(t, h.titles(),
		"ops: 🔴 2 benches of release group bench-0019 are now Broken",
		"ops: 🔴 Bench bench-0020-000003-f9 is now Broken",
		"ops: ✅ 2 benches of release group bench-0019 are now Active",
	)
}

// TestGroupWindowStartsAtFirstEvent checks that no event waits longer
// than wait: an event after the window closed opens the next window.
func TestGroupWindowStartsAtFirstEvent(t *testing.T) {
	h := newHarness(t, groupRules, nil)
	h.send(fcevents.BenchStatus(bench(1, "bench-0019"), "Broken", t0))
	h.advance(29 * time.Second)
	h.send(fcevents.BenchStatus(bench(2, "bench-0019"), "Broken", t0))
	h.advance(time.Second)
	checkTitles(t, h.titles(), "ops: 🔴 2 benches of release group bench-0019 are now Broken")

	h.advance(5 * time.Second)
	h.send(fcevents.BenchStatus(bench(3, "bench-0019"), "Broken", t0))
	h.advance(29 * time.Second)
	if n := len(h.outbox()); n != 1 {
		t.Fatalf("messages = %d, want 1 before the second window closes", n)
	}
	h.advance(time.Second)
	msgs := h.outbox()
	if len(msgs) != 2 {
		t.Fatalf("messages = %d, want 2", len(msgs))
	}
	if got, want := msgs[1].Created, t0.Add(65*time.Second); !got.Equal(want) {
		t.Errorf("second group queued at %v, want %v", got, want)
	}
}

func TestGroupListCutToPlatformLimit(t *testing.T) {
	h := newHarness(t, groupRules, nil)
	h.p.Platforms["ops"] = "slack"
	for i := range 80 {
		h.send(fcevents.BenchStatus(bench(i, "bench-0019"), "Broken", t0))
	}
	h.advance(30 * time.Second)

	msgs := h.outbox()
	if len(msgs) != 1 {
		t.Fatalf("messages = %d, want 1", len(msgs))
	}
	text := msgs[0].Message.Text
	if n := len([]rune(text)); n > 3000 {
		t.Errorf("text is %d characters, want at most Slack's 3000", n)
	}
	lines := strings.Split(text, "\n")
	last := lines[len(lines)-1]
	want := fmt.Sprintf("… and %d more", 80-(len(lines)-1))
	if last != want {
		t.Errorf("last line = %q, want %q", last, want)
	}
	if listed := len(lines) - 1; listed < 10 || listed > maxListed {
		t.Errorf("listed %d benches, want between 10 and %d", listed, maxListed)
	}
	if !strings.HasPrefix(msgs[0].Message.Title, "🔴 80 benches") {
		t.Errorf("title = %q, want the full count", msgs[0].Message.Title)
	}
}

const growingRules = `
rules:
  - name: benches
    match: {event: Bench Status Update, to: Broken}
    notify: [ops]
    group: {by: [group], wait: 30s, max_wait: 5m}
`

func TestGroupMaxWaitEditsEarlierMessage(t *testing.T) {
	h := newHarness(t, growingRules, map[string]ChannelCalm{"ops": {CanEdit: true}})
	h.send(fcevents.BenchStatus(bench(1, "bench-0019"), "Broken", t0))
	h.send(fcevents.BenchStatus(bench(2, "bench-0019"), "Broken", t0))
	h.advance(30 * time.Second)
	h.advance(time.Minute)
	h.send(fcevents.BenchStatus(bench(3, "bench-0019"), "Broken", t0))
	h.advance(30 * time.Second)
	// Past max_wait, a group starts a message of its own.
	h.advance(5 * time.Minute)
	h.send(fcevents.BenchStatus(bench(4, "bench-0019"), "Broken", t0))
	h.advance(30 * time.Second)

	checkTitles(t, h.titles(),
		"ops: 🔴 2 benches of release group bench-0019 are now Broken",
		"ops: 🔴 3 benches of release group bench-0019 are now Broken",
		"ops: 🔴 Bench bench-0019-000004-f9 is now Broken",
	)
	msgs := h.outbox()
	link, linked, err := h.st.MessageLink(h.ctx, msgs[1].ID)
	if err != nil || !linked {
		t.Fatalf("second message link = %v, %v, want an edit", linked, err)
	}
	if link.Mode != store.LinkEdit || link.Root != msgs[0].ID {
		t.Errorf("link = %+v, want an edit of message %d", link, msgs[0].ID)
	}
	if _, linked, _ := h.st.MessageLink(h.ctx, msgs[2].ID); linked {
		t.Error("the group after max_wait is linked, want a new message")
	}
}

func TestGroupMaxWaitPostsWhenChannelCannotEdit(t *testing.T) {
	h := newHarness(t, growingRules, nil)
	h.send(fcevents.BenchStatus(bench(1, "bench-0019"), "Broken", t0))
	h.advance(30 * time.Second)
	h.send(fcevents.BenchStatus(bench(2, "bench-0019"), "Broken", t0))
	h.advance(30 * time.Second)

	checkTitles(t, h.titles(),
		"ops: 🔴 Bench bench-0019-000001-f9 is now Broken",
		"ops: 🔴 Bench bench-0019-000002-f9 is now Broken",
	)
	for _, m := range h.outbox() {
		if _, linked, _ := h.st.MessageLink(h.ctx, m.ID); linked {
			t.Errorf("message %d is linked, want a new message", m.ID)
		}
	}
}

// TestGroupSurvivesRestart closes the store in the middle of a window
// and checks that the new processor sends the whole group.
func TestGroupSurvivesRestart(t *testing.T) {
	h := newHarness(t, groupRules, nil)
	h.send(fcevents.BenchStatus(bench(1, "bench-0019"), "Broken", t0))
	h.send(fcevents.BenchStatus(bench(2, "bench-0019"), "Broken", t0))
	h.restart()
	h.send(fcevents.BenchStatus(bench(3, "bench-0019"), "Broken", t0))
	h.advance(30 * time.Second)

	checkTitles(t, h.titles(), "ops: 🔴 3 benches of release group bench-0019 are now Broken")
}
