package server

import (
	"fmt"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/deliver"
	"github.com/fcnotify/fcnotify/notifier/process"
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
