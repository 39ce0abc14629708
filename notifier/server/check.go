package server

import (
	"errors"
	"fmt"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// CheckRendering renders each rule's template for Slack, Discord and the
// platforms of its channels. It uses a sample of each event the rule can
// receive, both as a first sighting and as a change of status, and
// returns a problem for each rule that fails. Slack and Discord are always
// checked because one template serves both, and a channel may move
// from one to the other.
func (c *Compiled) CheckRendering(now time.Time) config.Problems {
	var problems config.Problems
	for _, name := range c.Rules.Rules() {
		info, _ := c.Rules.Rule(name)
		if p := c.checkRule(info, now); p != nil {
			problems = append(problems, *p)
		}
	}
	return problems
}

// checkRule returns the first rendering failure of one rule, or nil. One
// is enough: a broken template usually fails alike on every sample.
func (c *Compiled) checkRule(info rules.RuleInfo, now time.Time) *config.Problem {
	cfg := c.Config
	path := fmt.Sprintf("rules[%d].template", info.Index)
	for _, event := range sampleEvents(info.Events) {
		ev, err := SampleEvent(event, cfg.Time.SourceLocation)
		if err != nil {
			p := cfg.Problem(path, err.Error(), "")
			return &p
		}
		tmpl := info.Template
		switch {
		case tmpl != "":
		case info.For > 0:
			tmpl = inventory.StuckTemplate
		default:
			tmpl = render.DefaultTemplateFor(event)
		}
		for _, tr := range sampleTransitions(ev.Status) {
			data := view.Build(ev, tr, ViewOptions(cfg, now))
			if p := c.checkCondition(info, ev, tr, data); p != nil {
				return p
			}
			for _, pl := range c.platformsOf(info.Channels) {
				if _, err := c.Renderer.Render(pl, tmpl, data, info.Mentions); err != nil {
					msg := fmt.Sprintf("rule %q with a sample %q event (%s): %v", info.Name, event, tr.Kind, err)
					p := cfg.Problem(path, msg, "see `fcnotify render --data` for the fields a template can use")
					return &p
				}
			}
		}
	}
	return nil
}

// checkCondition runs the rules on a sample and returns a problem when
// the `when:` condition of info fails on it, as it would at run time.
func (c *Compiled) checkCondition(info rules.RuleInfo, ev *notifier.Event, tr notifier.Transition, data map[string]any) *config.Problem {
	_, errs := c.Rules.Match(ev, tr, data)
	for _, err := range errs {
		var ce *rules.ConditionError
		if errors.As(err, &ce) && ce.Rule == info.Name {
			msg := fmt.Sprintf("when condition fails on a sample %q event (%s): %v", ev.Name, tr.Kind, ce.Err)
			p := c.Config.Problem(fmt.Sprintf("rules[%d].match.when", info.Index), msg,
				"a condition must return true or false for every event the rule can receive")
			return &p
		}
	}
	return nil
}

// sampleTransitions are the transitions a sample event is checked with.
func sampleTransitions(status string) []notifier.Transition {
	return []notifier.Transition{
		{Kind: notifier.KindFirst, To: status},
		{Kind: notifier.KindChange, From: "Active", To: status},
	}
}

// platformsOf returns Slack, Discord and the other platforms of channels.
func (c *Compiled) platformsOf(channels []string) []notifier.Platform {
	out := []notifier.Platform{notifier.PlatformSlack, notifier.PlatformDiscord}
	seen := map[notifier.Platform]bool{notifier.PlatformSlack: true, notifier.PlatformDiscord: true}
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
