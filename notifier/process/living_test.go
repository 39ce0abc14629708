package process

import (
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fcevents"
)

const livingRules = `
rules:
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [ops]
    update: true
`

var deploy61 = fcevents.Deploy{Name: "x7k2m7q4ra", Candidate: "deploy-0019-000061", Group: "bench-0019", Team: "team-7f3a"}

func (h *harness) sendDeploy(d fcevents.Deploy, status string) {
	h.t.Helper()
	h.send(fcevents.DeployStatus(d, status, h.clock.Now()))
}

// links returns each queued message's link as "mode:root", or "post".
func (h *harness) links() []string {
	h.t.Helper()
	var out []string
	for _, m := range h.outbox() {
		link, linked, err := h.st.MessageLink(h.ctx, m.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		if !linked {
			out = append(out, "post")
			continue
		}
		root := "?"
		for i, r := range h.outbox() {
			if r.ID == link.Root {
				root = string(rune('0' + i))
			}
		}
		out = append(out, link.Mode+":"+root)
	}
	return out
}

func TestLivingUpdateEditsFirstMessage(t *testing.T) {
	tests := []struct {
		name    string
		rules   string
		channel ChannelCalm
		links   string
	}{
		{"update", livingRules, ChannelCalm{CanEdit: true}, "post edit:0 edit:0 edit:0"},
		{"thread", strings.Replace(livingRules, "update: true", "thread: true", 1), ChannelCalm{CanReply: true}, "post reply:0 reply:0 reply:0"},
		{"update without edits", livingRules, ChannelCalm{}, "post post post post"},
		{"thread without replies", strings.Replace(livingRules, "update: true", "thread: true", 1), ChannelCalm{CanEdit: true}, "post post post post"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.rules, map[string]ChannelCalm{"ops": tc.channel})
			for _, status := range []string{"Pending", "Preparing", "Running", "Success"} {
				h.sendDeploy(deploy61, status)
				h.advance(time.Minute)
			}

			if got := strings.Join(h.links(), " "); got != tc.links {
				t.Errorf("links = %s, want %s", got, tc.links)
			}
			checkTitles(t, h.titles(),
				"ops: ⏳ bench-0019: deploy deploy-0019-000061 is Pending",
				"ops: 🔄 bench-0019: deploy deploy-0019-000061 is Preparing",
				"ops: 🔄 bench-0019: deploy deploy-0019-000061 is Running",
				"ops: ✅ bench-0019: deploy deploy-0019-000061 succeeded",
			)
		})
	}
}

func TestLivingUpdateShowsHistory(t *testing.T) {
	h := newHarness(t, livingRules, map[string]ChannelCalm{"ops": {CanEdit: true}})
	for _, status := range []string{"Pending", "Preparing", "Running", "Success"} {
		h.sendDeploy(deploy61, status)
		h.advance(time.Minute)
	}

	msgs := h.outbox()
	want := "History: Pending → Preparing → Running → Success, first change 2026-08-19 12:01 UTC"
	if text := msgs[3].Message.Text; !strings.HasSuffix(text, want) {
		t.Errorf("last edit text =\n%s\nwant it to end with\n%s", text, want)
	}
	if text := msgs[1].Message.Text; strings.Contains(text, "History:") {
		t.Errorf("first edit shows a history of one change:\n%s", text)
	}
}

func TestLivingUpdateSurvivesRestart(t *testing.T) {
	h := newHarness(t, livingRules, map[string]ChannelCalm{"ops": {CanEdit: true}})
	h.sendDeploy(deploy61, "Pending")
	h.restart()
	h.advance(time.Minute)
	h.sendDeploy(deploy61, "Running")

	if got := strings.Join(h.links(), " "); got != "post edit:0" {
		t.Errorf("links = %s, want post edit:0", got)
	}
}

func TestLivingMessageEndsAfterWindow(t *testing.T) {
	h := newHarness(t, `
rules:
  - name: sites
    match: {event: Site Status Update, to: [Broken, Active]}
    notify: [ops]
    update: true
`, map[string]ChannelCalm{"ops": {CanEdit: true}})
	h.sendSite(site1, "Broken")
	h.advance(time.Hour)
	h.sendSite(site1, "Active")
	h.advance(livingWindow + time.Minute)
	h.sendSite(site1, "Broken")

	if got := strings.Join(h.links(), " "); got != "post edit:0 post" {
		t.Errorf("links = %s, want a new post after the living window", got)
	}
	living, found, err := h.st.Living(h.ctx, "sites", "ops", "Site/site1.example.com")
	if err != nil || !found {
		t.Fatalf("living record: %v, %v", found, err)
	}
	if living.Root.ID != h.outbox()[2].ID {
		t.Errorf("living root = %d, want the new post %d", living.Root.ID, h.outbox()[2].ID)
	}
}

func TestLivingEditPassesQuietHours(t *testing.T) {
	h := newHarnessWith(t, `
channels:
  ops:
    console: {}
    quiet: {zone: UTC, from: "12:30", to: "13:00"}
  devs: {console: {}}
`, livingRules, map[string]ChannelCalm{"ops": {CanEdit: true}})
	h.sendDeploy(deploy61, "Pending")
	h.advance(40 * time.Minute)
	h.sendDeploy(deploy61, "Running")

	if got := strings.Join(h.links(), " "); got != "post edit:0" {
		t.Errorf("links = %s, want the edit queued during quiet hours", got)
	}
	if n := h.held(); n != 0 {
		t.Errorf("held rows = %d, want 0", n)
	}
	if _, found, _ := h.st.MessageLink(h.ctx, h.outbox()[0].ID); found {
		t.Error("root is linked")
	}
}
