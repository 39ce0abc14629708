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

func TestCheckCalmRendering(t *testing.T) {
	base := `
channels:
  hook: {slack: {webhook_url: "https://hooks.slack.example/services/T0/B0/x"}}
  devs:
    discord: {webhook_url: "https://discord.example/api/webhooks/1/x"}
    quiet: {weekdays: [sun]}
  out: {console: {}}
`
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"built-in templates", base + `
rules:
  - name: benches
    match: {event: Bench Status Update}
    notify: [hook, devs, out]
    group: {by: [group, status]}
    repeat_after: 4h
    quiet: {weekdays: [sat]}
`, nil},
		{"broken group template", base + `
templates:
  grouped: {title: "{{ .count }} {{ .nouns }}"}
rules:
  - name: benches
    match: {event: Bench Status Update}
    notify: [out]
    group: {by: [group], template: grouped}
`, []string{`calm.yaml:15: rules[0].group.template: render with sample data: template "grouped" title for slack: line 1:16: at <.nouns>: map has no entry for key "nouns" (hint: docs/templates.md lists the data of grouped messages, digests and the note line)`}},
		{"broken digest template", base + `
templates:
  digest: {title: "{{ .itemz }}"}
rules:
  - name: benches
    match: {event: Bench Status Update}
    notify: [out]
`, []string{`calm.yaml:6: channels.devs.quiet: render with sample data: template "digest" title for slack: line 1:3: at <.itemz>: map has no entry for key "itemz" (hint: docs/templates.md lists the data of grouped messages, digests and the note line)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tc.yaml), "calm.yaml")
			if err != nil {
				t.Fatal(err)
			}
			compiled, err := Compile(cfg, render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range compiled.CheckCalmRendering(now) {
				got = append(got, p.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
