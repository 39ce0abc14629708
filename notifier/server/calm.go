package server

import (
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
