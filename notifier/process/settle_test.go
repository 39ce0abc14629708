package process

import (
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fcevents"
)

// settleRules announce every status change of a known site, after a
// settle time of two minutes.
const settleRules = `
rules:
  - name: sites
    match: {event: Site Status Update, from: [Active, Installing, Updating, Pending, Broken]}
    notify: [ops]
    settle: 2m
`

var site1 = fcevents.Site{Name: "site1.example.com", Group: "bench-0019", Bench: "bench-0019-000059-f3", Team: "team-7f3a"}

// sendSite sends a status of site1 with a modified time that moves on
// with the clock, as Frappe Cloud's does.
func (h *harness) sendSite(s fcevents.Site, status string) {
	h.t.Helper()
	h.send(fcevents.SiteStatus(s, status, h.clock.Now()))
}

func TestSettleDropsFlap(t *testing.T) {
	h := newHarness(t, settleRules, nil)
	h.sendSite(site1, "Active")
	h.advance(10 * time.Second)
	h.sendSite(site1, "Installing")
	h.advance(30 * time.Second)
	h.sendSite(site1, "Active")
	h.advance(5 * time.Minute)

	checkTitles(t, h.titles())
	if n := h.held(); n != 0 {
		t.Errorf("held rows = %d, want 0", n)
	}
	if got := counterValue(h.metrics.dropped.WithLabelValues("ops", reasonSettled)); got != 2 {
		t.Errorf("settled drops = %v, want 2 (the hold and the return)", got)
	}
}

func TestSettleAnnouncesOtherEnd(t *testing.T) {
	h := newHarness(t, settleRules, nil)
	h.sendSite(site1, "Active")
	h.advance(10 * time.Second)
	h.sendSite(site1, "Installing")
	h.advance(30 * time.Second)
	h.sendSite(site1, "Broken")
	h.advance(89 * time.Second)
	if n := len(h.outbox()); n != 0 {
		t.Fatalf("messages before the settle time = %d, want 0", n)
	}

	h.advance(time.Second)
	checkTitles(t, h.titles(), "ops: 🔴 site1.example.com Active → Broken")
	text := h.outbox()[0].Message.Text
	want := "History: Active → Installing → Broken, first change 2026-08-19 12:00 UTC"
	if !strings.HasSuffix(text, want) {
		t.Errorf("text =\n%s\nwant it to end with\n%s", text, want)
	}
}

func TestSettleAnnouncesWhenTimeRunsOut(t *testing.T) {
	h := newHarness(t, settleRules, nil)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Installing")
	h.advance(2 * time.Minute)

	checkTitles(t, h.titles(), "ops: 🔄 site1.example.com Active → Installing")
	if text := h.outbox()[0].Message.Text; strings.Contains(text, "History:") {
		t.Errorf("text shows a history for one change:\n%s", text)
	}
}

// TestSettleTakenOverByOtherRule checks that a message of a rule without
// settle about the same document carries the held history at once, and
// that the hold then sends nothing.
func TestSettleTakenOverByOtherRule(t *testing.T) {
	h := newHarness(t, `
rules:
  - name: site-changes
    match: {event: Site Status Update, to: [Installing, Updating]}
    notify: [ops]
    settle: 2m
  - name: site-broken
    match: {event: Site Status Update, to: Broken}
    notify: [ops]
`, nil)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Installing")
	h.advance(20 * time.Second)
	h.sendSite(site1, "Broken")

	checkTitles(t, h.titles(), "ops: 🔴 site1.example.com Installing → Broken")
	if text := h.outbox()[0].Message.Text; !strings.Contains(text, "History: Active → Installing → Broken") {
		t.Errorf("text does not show the history:\n%s", text)
	}
	h.advance(5 * time.Minute)
	if n := len(h.outbox()); n != 1 {
		t.Errorf("messages = %d, want 1", n)
	}
}

// TestSettleReturnSilencesOtherRules checks that the event that ends a
// flap sends nothing to the channel, even from a rule without settle.
func TestSettleReturnSilencesOtherRules(t *testing.T) {
	h := newHarness(t, `
rules:
  - name: site-changes
    match: {event: Site Status Update, from: Active}
    notify: [ops]
    settle: 2m
  - name: site-recovered
    match: {event: Site Status Update, from: [Pending, Broken], to: Active}
    notify: [ops, devs]
`, nil)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Pending")
	h.advance(time.Minute)
	h.sendSite(site1, "Active")
	h.advance(5 * time.Minute)

	checkTitles(t, h.titles(), "devs: ✅ site1.example.com Pending → Active")
}

func TestSettleKeepsHoldingAcrossRestart(t *testing.T) {
	h := newHarness(t, settleRules, nil)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Installing")
	h.restart()
	h.advance(time.Minute)
	h.sendSite(site1, "Active")
	h.advance(5 * time.Minute)

	checkTitles(t, h.titles())
}

const repeatRules = `
rules:
  - name: site-broken
    match: {event: Site Status Update, to: Broken}
    notify: [ops]
    repeat_after: 4h
`

func TestRepeatAfterDropsSameStatus(t *testing.T) {
	h := newHarness(t, repeatRules, nil)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Broken")
	for range 2 {
		h.advance(time.Hour)
		h.sendSite(site1, "Active")
		h.sendSite(site1, "Broken")
	}
	checkTitles(t, h.titles(), "ops: 🔴 site1.example.com Active → Broken")

	h.advance(2*time.Hour + time.Minute)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Broken")
	checkTitles(t, h.titles(),
		"ops: 🔴 site1.example.com Active → Broken",
		"ops: 🔴 site1.example.com Active → Broken",
	)
	text := h.outbox()[1].Message.Text
	if want := "Broken again (3 times since 2026-08-19 12:00 UTC)"; !strings.HasSuffix(text, want) {
		t.Errorf("text =\n%s\nwant it to end with\n%s", text, want)
	}
	if got := counterValue(h.metrics.dropped.WithLabelValues("ops", reasonRepeat)); got != 2 {
		t.Errorf("repeat drops = %v, want 2", got)
	}

	// The count starts again after an announcement.
	h.advance(4*time.Hour + time.Minute)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Broken")
	if text := h.outbox()[2].Message.Text; strings.Contains(text, "again") {
		t.Errorf("third announcement shows repeats:\n%s", text)
	}
}

func TestRepeatAfterKeepsDocumentsApart(t *testing.T) {
	h := newHarness(t, repeatRules, nil)
	site2 := site1
	site2.Name = "site2.example.com"
	for _, s := range []fcevents.Site{site1, site2} {
		h.sendSite(s, "Active")
		h.sendSite(s, "Broken")
	}
	checkTitles(t, h.titles(),
		"ops: 🔴 site1.example.com Active → Broken",
		"ops: 🔴 site2.example.com Active → Broken",
	)
}
