package server

import (
	"fmt"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// CheckRendering renders each rule's template for every platform among
// its channels against a sample of each event the rule can receive, and
// returns a problem for every failure.
func (c *Compiled) CheckRendering(now time.Time) config.Problems {
	cfg := c.Config
	var problems config.Problems
	for _, name := range c.Rules.Rules() {
		info, _ := c.Rules.Rule(name)
		path := fmt.Sprintf("rules[%d].template", info.Index)
		for _, event := range sampleEvents(info.Events) {
			ev, err := SampleEvent(event, cfg.Time.SourceLocation)
			if err != nil {
				problems = append(problems, cfg.Problem(path, err.Error(), ""))
				continue
			}
			tr := notifier.Transition{Kind: notifier.KindChange, From: "Active", To: ev.Status}
			data := view.Build(ev, tr, view.Options{DashboardURL: cfg.DashboardURL, Now: now})

			tmpl := info.Template
			switch {
			case tmpl != "":
			case info.For > 0:
				tmpl = inventory.StuckTemplate
			default:
				tmpl = render.DefaultTemplateFor(event)
			}
			for _, p := range c.platformsOf(info.Channels) {
				if _, err := c.Renderer.Render(p, tmpl, data, info.Mentions); err != nil {
					msg := fmt.Sprintf("rule %q with a sample %q event: %v", name, event, err)
					problems = append(problems, cfg.Problem(path, msg, "see `fcnotify render --data` for the fields a template can use"))
				}
			}
		}
	}
	return problems
}

// platformsOf returns the distinct platforms of channels.
func (c *Compiled) platformsOf(channels []string) []notifier.Platform {
	seen := map[notifier.Platform]bool{}
	var out []notifier.Platform
	for _, name := range channels {
		p := PlatformOf(c.Config.Channels[name])
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// PlatformOf returns the platform a configured channel posts to.
func PlatformOf(ch config.Channel) notifier.Platform {
	switch {
	case ch.Slack != nil:
		return notifier.PlatformSlack
	case ch.Discord != nil:
		return notifier.PlatformDiscord
	default:
		return notifier.PlatformConsole
	}
}
