package server

import (
	"strings"
	"testing"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
)

func TestCalmWarnings(t *testing.T) {
	cfg, err := config.Parse([]byte(`
channels:
  hook: {slack: {webhook_url: "https://hooks.slack.example/services/T0/B0/x"}}
  bot: {slack: {token: xoxb-1, channel: C1}}
  devs: {discord: {webhook_url: "https://discord.example/api/webhooks/1/x"}}
  out: {console: {}}
rules:
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [hook, bot, devs, out]
    update: true
  - name: sites
    match: {event: Site Status Update}
    notify: [hook, bot, devs]
    thread: true
  - name: benches
    match: {event: Bench Status Update}
    notify: [hook, devs]
    group: {wait: 30s, max_wait: 2m}
`), "calm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := Compile(cfg, render.Options{})
	if err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, w := range compiled.CalmWarnings() {
		got = append(got, w.Error())
	}
	want := []string{
		`calm.yaml:11: rules[0].update: channel "hook" is a Slack incoming webhook, which cannot edit messages: it gets a new message for each change (hint: use a bot token and channel to edit messages)`,
		`calm.yaml:15: rules[1].thread: channel "hook" is a Slack incoming webhook, which cannot reply in threads: it gets a new message for each change (hint: use a bot token and channel to reply in threads)`,
		`calm.yaml:15: rules[1].thread: channel "devs" is a Discord webhook, which cannot reply in threads: it gets a new message for each change (hint: use a bot token and channel to reply in threads)`,
		`calm.yaml:19: rules[2].group.max_wait: channel "hook" is a Slack incoming webhook, which cannot edit messages: a later group gets a new message (hint: use a bot token and channel to grow group messages)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
