package server

import (
	"fmt"
	"os"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/console"
	"github.com/fcnotify/fcnotify/notifier/deliver"
	"github.com/fcnotify/fcnotify/notifier/discord"
	"github.com/fcnotify/fcnotify/notifier/slack"
)

// buildChannels creates a sender for every configured channel, in file
// order, and reports each channel's platform.
func buildChannels(cfg *config.Config, opts Options) ([]deliver.Channel, map[string]notifier.Platform, error) {
	out := os.Stdout
	var channels []deliver.Channel
	platforms := map[string]notifier.Platform{}
	for _, name := range cfg.ChannelOrder {
		ch := cfg.Channels[name]
		dc := deliver.Channel{
			Name:       name,
			Policy:     deliver.Policy{MaxAge: time.Duration(ch.MaxAge)},
			MaxBacklog: cfg.Delivery.MaxBacklog,
		}
		if ch.MaxBacklog > 0 {
			dc.MaxBacklog = ch.MaxBacklog
		}

		var err error
		switch {
		case ch.Slack != nil:
			dc.Platform, dc.Pace = notifier.PlatformSlack, deliver.SlackPace
			dc.Sender, err = slack.New(slack.Config{
				WebhookURL: ch.Slack.WebhookURL.Reveal(), Token: ch.Slack.Token.Reveal(),
				Channel: ch.Slack.Channel, APIURL: ch.Slack.APIURL, HTTPClient: opts.HTTPClient,
			})
		case ch.Discord != nil:
			dc.Platform, dc.Pace = notifier.PlatformDiscord, deliver.DiscordPace
			dc.Sender, err = discord.New(discord.Config{
				WebhookURL: ch.Discord.WebhookURL.Reveal(), Token: ch.Discord.Token.Reveal(),
				ChannelID: ch.Discord.ChannelID, APIURL: ch.Discord.APIURL, HTTPClient: opts.HTTPClient,
			})
		default:
			w := opts.Console
			if w == nil {
				w = out
			}
			dc.Platform, dc.Sender = notifier.PlatformConsole, console.New(w)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("channel %q: %w", name, err)
		}
		if len(ch.Pace) > 0 {
			dc.Pace = paceWindows(ch.Pace)
		}
		channels = append(channels, dc)
		platforms[name] = dc.Platform
	}
	return channels, platforms, nil
}

// paceWindows converts a channel's configured pace, which replaces the
// platform's default one.
func paceWindows(pace []config.PaceWindow) []deliver.Window {
	windows := make([]deliver.Window, len(pace))
	for i, w := range pace {
		windows[i] = deliver.Window{Count: w.Count, Per: time.Duration(w.Per)}
	}
	return windows
}
