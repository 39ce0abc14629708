package process

import (
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fcevents"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// quietChannels make ops quiet from 12:00 to 13:00 UTC.
const quietChannels = `
channels:
  ops:
    console: {}
    quiet: {zone: UTC, from: "12:00", to: "13:00"}
  devs: {console: {}}
`

const quietRules = `
rules:
  - name: site-broken
    match: {event: Site Status Update, to: Broken}
    notify: [ops, devs]
    urgent: true
  - name: sites
    match: {event: Site Status Update}
    notify: [ops]
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [ops]
`

func TestQuietHoursSendOneDigest(t *testing.T) {
	h := newHarnessWith(t, quietChannels, quietRules, nil)
	site2 := site1
	site2.Name = "site2.example.com"
	h.sendSite(site1, "Active")
	h.advance(time.Minute)
	h.sendSite(site1, "Installing")
	h.advance(time.Minute)
	h.sendSite(site1, "Updating")
	h.sendSite(site2, "Active")
	h.sendDeploy(deploy61, "Failure")
	if n := len(h.outbox()); n != 0 {
		t.Fatalf("messages during quiet hours = %d, want 0", n)
	}

	h.advance(57*time.Minute + 59*time.Second)
	if n := len(h.outbox()); n != 0 {
		t.Fatalf("messages before quiet hours end = %d, want 0", n)
	}
	h.advance(time.Second)

	checkTitles(t, h.titles(), "ops: 🌙 3 messages held during quiet hours")
	msg := h.outbox()[0]
	if !msg.Created.Equal(t0.Add(time.Hour)) {
		t.Errorf("digest queued at %v, want the end of quiet hours %v", msg.Created, t0.Add(time.Hour))
	}
	want := strings.Join([]string{
		"🔄 site1.example.com (https://fc.example/dashboard/sites/site1.example.com) Installing → Updating (Active → Installing → Updating) · 2026-08-19 12:02 UTC",
		"✅ site2.example.com (https://fc.example/dashboard/sites/site2.example.com) Active · 2026-08-19 12:02 UTC",
		"🔴 deploy-0019-000061 (https://fc.example/dashboard/groups/bench-0019/deploys/x7k2m7q4ra) Failure · 2026-08-19 12:02 UTC",
	}, "\n")
	if msg.Message.Text != want {
		t.Errorf("digest text =\n%s\nwant\n%s", msg.Message.Text, want)
	}
	if want := "Quiet hours from 2026-08-19 12:00 UTC to 2026-08-19 13:00 UTC · 5 events"; msg.Message.Footer != want {
		t.Errorf("footer = %q, want %q", msg.Message.Footer, want)
	}
}

func TestQuietHoursLetUrgentThrough(t *testing.T) {
	h := newHarnessWith(t, quietChannels, quietRules, nil)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Broken")

	checkTitles(t, h.titles(),
		"ops: 🔴 site1.example.com Active → Broken",
		"devs: 🔴 site1.example.com Active → Broken",
	)
	if n := h.held(); n != 1 {
		t.Errorf("held rows = %d, want 1 (the first sighting for ops)", n)
	}
}

func TestQuietHoursOneMessageGoesAsItIs(t *testing.T) {
	h := newHarnessWith(t, quietChannels, quietRules, nil)
	h.sendDeploy(deploy61, "Success")
	h.advance(time.Hour)

	checkTitles(t, h.titles(), "ops: ✅ bench-0019: deploy deploy-0019-000061 succeeded")
}

func TestQuietHoursOfRule(t *testing.T) {
	h := newHarness(t, `
rules:
  - name: sites
    match: {event: Site Status Update}
    notify: [ops, devs]
    quiet: {zone: Asia/Kolkata, weekdays: [wed]}
`, nil)
	h.sendSite(site1, "Active")

	checkTitles(t, h.titles())
	holds, err := h.st.Holds(h.ctx, store.HoldFilter{Kind: store.HoldQuiet})
	if err != nil {
		t.Fatal(err)
	}
	// Wednesday ends at midnight in Kolkata, 18:30 UTC.
	want := time.Date(2026, 8, 19, 18, 30, 0, 0, time.UTC)
	if len(holds) != 2 || !holds[0].Due.Equal(want) {
		t.Fatalf("quiet holds = %+v, want 2 due %v", holds, want)
	}
	h.advance(want.Sub(h.clock.Now()))
	checkTitles(t, h.titles(), "ops: ✅ site1.example.com is now Active", "devs: ✅ site1.example.com is now Active")
}

// TestQuietHoldsGroupAsOneItem checks that a group released during quiet
// hours waits as one item of the digest.
func TestQuietHoldsGroupAsOneItem(t *testing.T) {
	h := newHarnessWith(t, quietChannels, groupRules+`
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [ops]
`, nil)
	for i := range 3 {
		h.send(fcevents.BenchStatus(bench(i, "bench-0019"), "Broken", t0))
	}
	h.sendDeploy(deploy61, "Failure")
	h.advance(30 * time.Second)
	if n := h.held(); n != 2 {
		t.Fatalf("held rows = %d, want 2: the group and the deploy", n)
	}
	h.advance(time.Hour)

	msgs := h.outbox()
	if len(msgs) != 1 {
		t.Fatalf("messages = %d, want 1", len(msgs))
	}
	lines := strings.Split(msgs[0].Message.Text, "\n")
	if want := "🔴 3 benches of bench-0019 Broken · 2026-08-19 12:00 UTC"; len(lines) != 2 || lines[1] != want {
		t.Errorf("digest lines = %q, want the deploy and then %q", lines, want)
	}
	if want := "· 4 events"; !strings.HasSuffix(msgs[0].Message.Footer, want) {
		t.Errorf("footer = %q, want it to end with %q", msgs[0].Message.Footer, want)
	}
}

func TestMuteSilencesExactlyItsTarget(t *testing.T) {
	rules := `
rules:
  - name: all
    match: {event: [Site Status Update, Bench Status Update]}
    notify: [ops]
`
	site2 := site1
	site2.Name, site2.Group, site2.Team = "site2.example.com", "bench-0020", "team-b21c"
	tests := []struct {
		name  string
		mute  store.MuteTarget
		until time.Duration
		want  []string
	}{
		{"site", store.MuteTarget{Kind: store.MuteSite, Target: "site1.example.com"}, time.Hour, []string{
			"ops: ✅ site2.example.com is now Active", "ops: 🔴 Bench bench-0019-000001-f9 is now Broken",
		}},
		{"group", store.MuteTarget{Kind: store.MuteGroup, Target: "bench-0019"}, time.Hour, []string{
			"ops: ✅ site2.example.com is now Active",
		}},
		{"team", store.MuteTarget{Kind: store.MuteTeam, Target: "team-b21c"}, time.Hour, []string{
			"ops: ✅ site1.example.com is now Active", "ops: 🔴 Bench bench-0019-000001-f9 is now Broken",
		}},
		{"bench", store.MuteTarget{Kind: store.MuteBench, Target: "bench-0019-000001-f9"}, time.Hour, []string{
			"ops: ✅ site1.example.com is now Active", "ops: ✅ site2.example.com is now Active",
		}},
		{"expired", store.MuteTarget{Kind: store.MuteSite, Target: "site1.example.com"}, -time.Second, []string{
			"ops: ✅ site1.example.com is now Active", "ops: ✅ site2.example.com is now Active",
			"ops: 🔴 Bench bench-0019-000001-f9 is now Broken",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, rules, nil)
			_, err := h.st.AddMute(h.ctx, store.Mute{MuteTarget: tc.mute, Until: t0.Add(tc.until), Created: t0})
			if err != nil {
				t.Fatal(err)
			}
			h.sendSite(site1, "Active")
			h.sendSite(site2, "Active")
			h.send(fcevents.BenchStatus(bench(1, "bench-0019"), "Broken", t0))

			checkTitles(t, h.titles(), tc.want...)
			muted := 3 - len(tc.want)
			if got := counterValue(h.metrics.muted.WithLabelValues(tc.mute.Kind)); got != float64(muted) {
				t.Errorf("muted events counted = %v, want %d", got, muted)
			}
		})
	}
}

func TestMuteKeepsDocumentState(t *testing.T) {
	h := newHarness(t, `
rules:
  - name: broken
    match: {event: Site Status Update, to: Broken}
    notify: [ops]
`, nil)
	if _, err := h.st.AddMute(h.ctx, store.Mute{
		MuteTarget: store.MuteTarget{Kind: store.MuteSite, Target: site1.Name},
		Until:      t0.Add(time.Minute), Created: t0,
	}); err != nil {
		t.Fatal(err)
	}
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Broken")
	h.advance(2 * time.Minute)
	h.sendSite(site1, "Active")
	h.sendSite(site1, "Broken")

	checkTitles(t, h.titles(), "ops: 🔴 site1.example.com Active → Broken")
	doc, _, err := h.st.Document(h.ctx, "Site", site1.Name)
	if err != nil || doc.Status != "Broken" {
		t.Errorf("document state = %q, %v, want Broken", doc.Status, err)
	}
}

// TestMuteSilencesScheduledEvents checks that a trial reminder about a
// muted site sends nothing, and one about another site goes out.
func TestMuteSilencesScheduledEvents(t *testing.T) {
	h := newHarness(t, `
rules:
  - name: trials
    match: {event: Site Trial Expiry}
    notify: [ops]
`, nil)
	if _, err := h.st.AddMute(h.ctx, store.Mute{
		MuteTarget: store.MuteTarget{Kind: store.MuteSite, Target: "trial1.example.com"},
		Until:      t0.Add(time.Hour), Created: t0,
	}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"trial1.example.com", "trial2.example.com"} {
		reminder, err := inventory.TrialReminder(store.InventoryRow{
			Doctype: "Site", Name: name, Team: "team-7f3a",
			Status: "Active", Plan: "Trial", TrialEnd: "2026-08-22",
		}, 3, t0)
		if err != nil {
			t.Fatal(err)
		}
		h.sendItem(reminder)
	}

	msgs := h.outbox()
	if len(msgs) != 1 {
		t.Fatalf("messages = %d, want 1", len(msgs))
	}
	if !strings.Contains(msgs[0].Message.Title, "trial2.example.com") {
		t.Errorf("title = %q, want the reminder of trial2.example.com", msgs[0].Message.Title)
	}
	if got := counterValue(h.metrics.muted.WithLabelValues(store.MuteSite)); got != 1 {
		t.Errorf("muted events counted = %v, want 1", got)
	}
}
