package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
)

// tick runs one scheduler tick at the clock's time, beside the ticks of
// the running scheduler, and waits until its events are delivered.
func (s *stack) tick() {
	s.t.Helper()
	if err := s.srv.scheduler.Tick(context.Background()); err != nil {
		s.t.Fatalf("Tick: %v", err)
	}
	s.settle()
}

// titles returns the titles of the Slack posts, which carry the plain
// title as their fallback text.
func titles(t *testing.T, reqs []chatfake.Request) []string {
	t.Helper()
	var out []string
	for _, r := range reqs {
		var body struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, body.Text)
	}
	return out
}

const planRules = `
rules:
  - name: plan-changes
    match: {event: Site Plan Change}
    notify: [ops]
  - name: trial-converted
    match: {event: Site Plan Change, when: site_was_trial}
    notify: [devs]
`

func TestPlanChangeCarriesInventoryContext(t *testing.T) {
	s := startStack(t, planRules, "", nil, nil)
	steps := []string{
		"site-status-active.json", "site-plan-change-upgrade.json",
		"site-status-trial-active.json", "site-plan-change-trial-upgrade.json",
	}
	for _, name := range steps {
		if status, resp := s.post(fixture(t, name)); status != 200 {
			t.Fatalf("%s: %d %s", name, status, resp)
		}
		s.settle()
	}

	slack := s.slack.Requests()
	if len(slack) != 2 {
		t.Fatalf("Slack posts = %d, want one per plan change", len(slack))
	}
	upgrade, trial := string(slack[0].Body), string(slack[1].Body)
	checks := []struct {
		name string
		body string
		text string
	}{
		{"upgrade team from the site's events", upgrade, `*Team*\nteam-7f3a`},
		{"upgrade price difference", upgrade, `+USD 15/month`},
		{"trial upgrade team", trial, `*Team*\nteam-4e9d`},
		{"trial upgrade says the trial ended", trial, `The trial is now a paid plan.`},
	}
	for _, c := range checks {
		if !strings.Contains(c.body, c.text) {
			t.Errorf("%s: Slack post lacks %q:\n%s", c.name, c.text, c.body)
		}
	}

	discord := s.discord.Requests()
	if len(discord) != 1 {
		t.Fatalf("Discord posts = %d, want only the trial conversion", len(discord))
	}
	if body := string(discord[0].Body); !strings.Contains(body, "trial1.example.com") {
		t.Errorf("Discord post is not about the trial site:\n%s", body)
	}
	for _, m := range s.sent() {
		if m.Channel == "devs" && m.Rule != "trial-converted" {
			t.Errorf("devs got a message of rule %q", m.Rule)
		}
	}
}

const trialRules = `
schedule:
  trial_reminders: [7, 3, 1, 0]
  trial_reminder_time: "09:00"
rules:
  - name: trial-ending
    match: {event: Site Trial Expiry, when: data.days_left <= 3}
    notify: [ops]
`

// TestTrialRemindersThroughServer runs reminders from a trial that ends
// three days after the stack's clock.
func TestTrialRemindersThroughServer(t *testing.T) {
	s := startStack(t, trialRules, "", nil, nil)
	trial := variant(t, "site-status-trial-active.json", "trial_end_date", "2026-09-02")
	if status, resp := s.post(trial); status != 200 {
		t.Fatalf("%d %s", status, resp)
	}
	s.settle()

	s.tick()
	s.tick()
	for range 2 {
		s.clock.Advance(24 * time.Hour)
		s.tick()
	}
	s.post(fixture(t, "site-plan-change-trial-upgrade.json"))
	s.settle()
	for range 2 {
		s.clock.Advance(24 * time.Hour)
		s.tick()
	}

	want := []string{"⏳ trial1.example.com: trial ends in 3 days", "⏳ trial1.example.com: trial ends tomorrow"}
	if got := titles(t, s.slack.Requests()); !reflect.DeepEqual(got, want) {
		t.Errorf("Slack titles = %q, want %q", got, want)
	}
	compareGolden(t, filepath.Join("testdata", "scheduled", "trial-reminder.json"), map[string]any{
		"slack": bodies(s.slack.Requests()[:1]),
	})
}

const stuckRules = `
rules:
  - name: deploy-stuck
    match: {event: Bench Deploy Status Update, to: Running}
    for: 45m
    notify: [ops, devs]
`

func TestStuckDeployThroughServer(t *testing.T) {
	tests := []struct {
		name   string
		finish bool
		posts  int
	}{
		{"still running", false, 1},
		{"success at minute 44", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startStack(t, stuckRules, "", nil, nil)
			s.post(fixture(t, "deploy-running.json"))
			s.settle()

			s.clock.Advance(44 * time.Minute)
			s.tick()
			if n := len(s.slack.Requests()); n != 0 {
				t.Fatalf("Slack posts at minute 44 = %d, want 0", n)
			}
			if tt.finish {
				s.post(variant(t, "deploy-running.json", "status", "Success"))
				s.settle()
			}
			s.clock.Advance(time.Minute)
			s.tick()
			s.clock.Advance(time.Hour)
			s.tick()

			if n := len(s.slack.Requests()); n != tt.posts {
				t.Fatalf("Slack posts = %d, want %d", n, tt.posts)
			}
			if n := len(s.discord.Requests()); n != tt.posts {
				t.Fatalf("Discord posts = %d, want %d", n, tt.posts)
			}
			if tt.posts == 0 {
				return
			}
			want := []string{"⚠️ Deploy deploy-0019-000061 still Running after 45m"}
			if got := titles(t, s.slack.Requests()); !reflect.DeepEqual(got, want) {
				t.Errorf("Slack titles = %q, want %q", got, want)
			}
			compareGolden(t, filepath.Join("testdata", "scheduled", "deploy-stuck.json"), map[string]any{
				"slack":   bodies(s.slack.Requests()),
				"discord": bodies(s.discord.Requests()),
			})
		})
	}
}
