package server

import (
	"fmt"
	"maps"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/deliver"
	"github.com/fcnotify/fcnotify/notifier/process"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// calmChannels describes each channel for the noise controls: its quiet
// hours, and whether its sender can edit messages and reply in threads.
func calmChannels(cfg *config.Config, channels []deliver.Channel) map[string]process.ChannelCalm {
	out := make(map[string]process.ChannelCalm, len(channels))
	for _, ch := range channels {
		c := process.ChannelCalm{Quiet: cfg.Channels[ch.Name].Quiet}
		if e, ok := ch.Sender.(deliver.Editor); ok {
			c.CanEdit = e.CanEdit()
		}
		if r, ok := ch.Sender.(deliver.Replier); ok {
			c.CanReply = r.CanReply()
		}
		out[ch.Name] = c
	}
	return out
}

// CalmWarnings returns a problem for each rule option that cannot work
// on one of the rule's channels. Those are update on a channel that
// cannot edit messages, thread on one that cannot reply in threads, and
// a group max_wait longer than its wait on one that cannot edit. Such a
// channel gets new messages instead, so the configuration still works,
// and `check` prints these problems as warnings.
func (c *Compiled) CalmWarnings() config.Problems {
	cfg := c.Config
	var warnings config.Problems
	for i, r := range cfg.Rules {
		base := fmt.Sprintf("rules[%d]", i)
		for _, name := range r.Notify {
			edit, reply, kind := chatAbilities(cfg.Channels[name])
			if kind == "" {
				continue
			}
			switch {
			case r.Update && !edit:
				warnings = append(warnings, cfg.Problem(base+".update", fmt.Sprintf("channel %q is %s, which cannot edit messages: it gets a new message for each change", name, kind), "use a bot token and channel to edit messages"))
			case r.Thread && !reply:
				warnings = append(warnings, cfg.Problem(base+".thread", fmt.Sprintf("channel %q is %s, which cannot reply in threads: it gets a new message for each change", name, kind), "use a bot token and channel to reply in threads"))
			}
			if g := r.Group; g != nil && g.MaxWait > g.Wait && !edit {
				warnings = append(warnings, cfg.Problem(base+".group.max_wait", fmt.Sprintf("channel %q is %s, which cannot edit messages: a later group gets a new message", name, kind), "use a bot token and channel to grow group messages"))
			}
		}
	}
	return warnings
}

// chatAbilities reports whether a chat channel can edit messages and
// reply in threads, and names its kind. Console channels get kind "":
// they print every message, and editing means nothing there.
func chatAbilities(ch config.Channel) (edit, reply bool, kind string) {
	switch {
	case ch.Slack != nil && ch.Slack.Token == "" && ch.Slack.TokenFile == "":
		return false, false, "a Slack incoming webhook"
	case ch.Slack != nil:
		return true, true, "a Slack bot"
	case ch.Discord != nil && ch.Discord.Token == "" && ch.Discord.TokenFile == "":
		// A webhook can edit its own messages but cannot start a thread.
		return true, false, "a Discord webhook"
	case ch.Discord != nil:
		return true, true, "a Discord bot"
	}
	return false, false, ""
}

// CheckCalmRendering renders the templates of the noise controls with
// sample data, for every platform that needs them. These are the group
// template of each rule with group, the note line of each rule with
// repeat_after, settle, update or thread, and the digest of each channel
// or rule with quiet hours. It returns a problem for each failure,
// because at run time such a message falls back to the generic template.
func (c *Compiled) CheckCalmRendering(now time.Time) config.Problems {
	cfg := c.Config
	sample, err := c.calmSample(now)
	if err != nil {
		return config.Problems{cfg.Problem("rules", err.Error(), "")}
	}
	var problems config.Problems
	check := func(path, tmpl string, platforms []notifier.Platform, data map[string]any) {
		// The first failure is enough: the other platforms fail alike.
		for _, p := range platforms {
			if _, err := c.Renderer.Render(p, tmpl, data, nil); err != nil {
				problems = append(problems, cfg.Problem(path, "render with sample data: "+err.Error(),
					"docs/templates.md lists the data of grouped messages, digests and the note line"))
				return
			}
		}
	}

	for i, r := range cfg.Rules {
		base := fmt.Sprintf("rules[%d]", i)
		platforms := c.platformsOf(r.Notify)
		if g := r.Group; g != nil {
			tmpl := g.Template
			if tmpl == "" {
				tmpl = rules.DefaultGroupTemplate
			}
			check(base+".group.template", tmpl, platforms, sample.group(g.By, r.Name, now))
		}
		if r.RepeatAfter > 0 || r.Settle > 0 || r.Update || r.Thread {
			check(base, "note", platforms, sample.note(now))
		}
		if r.Quiet != nil {
			check(base+".quiet", "digest", platforms, sample.digest(r.Name, now))
		}
	}
	for _, name := range cfg.ChannelOrder {
		if cfg.Channels[name].Quiet != nil {
			check("channels."+name+".quiet", "digest", c.platformsOf([]string{name}), sample.digest(name, now))
		}
	}
	return problems
}

// calmSamples are the data of two sample Bench Broken events.
type calmSamples struct{ first, second map[string]any }

func (c *Compiled) calmSample(now time.Time) (calmSamples, error) {
	ev, err := SampleEvent(notifier.EventBenchStatus, c.Config.Time.SourceLocation)
	if err != nil {
		return calmSamples{}, err
	}
	ev.Received = now
	opts := ViewOptions(c.Config, now)
	tr := notifier.Transition{Kind: notifier.KindChange, From: "Active", To: ev.Status}
	first := view.Build(ev, tr, opts)
	ev.Document += "-2"
	second := view.Build(ev, tr, opts)
	return calmSamples{first: first, second: second}, nil
}

func (s calmSamples) group(by []string, rule string, now time.Time) map[string]any {
	return process.GroupData([]map[string]any{s.first, s.second}, by, rule, now)
}

func (s calmSamples) note(now time.Time) map[string]any {
	data := maps.Clone(s.first)
	data["repeats"], data["repeat_since"] = 2, now.Add(-time.Hour)
	data["history"] = []any{
		map[string]any{"status": "Active", "at": nil},
		map[string]any{"status": "Installing", "at": now.Add(-time.Minute)},
		map[string]any{"status": "Broken", "at": now},
	}
	return data
}

func (s calmSamples) digest(channel string, now time.Time) map[string]any {
	datas := []map[string]any{s.first, s.group(nil, "sample", now)}
	return process.DigestData(channel, datas, []string{"sample", "sample"}, now.Add(-time.Hour), now, 3)
}
