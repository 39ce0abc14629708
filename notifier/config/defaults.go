package config

import (
	"strings"
	"time"
)

// Defaults of the fields that Load fills when the file leaves them out or
// sets them to zero.
const (
	DefaultListen         = ":8080"
	DefaultDashboardURL   = "https://frappecloud.com/dashboard"
	DefaultWebhookPath    = "/webhook"
	DefaultMaxBody        = ByteSize(1 << 20)
	DefaultStateDriver    = "sqlite"
	DefaultStatePath      = "./data/fcnotify.db"
	DefaultRetention      = Duration(7 * 24 * time.Hour)
	DefaultInitialBackoff = Duration(time.Second)
	DefaultMaxBackoff     = Duration(5 * time.Minute)
	DefaultMaxAge         = Duration(24 * time.Hour)
	DefaultTimeout        = Duration(10 * time.Second)
	DefaultMaxBacklog     = 100_000
	DefaultShutdownGrace  = Duration(10 * time.Second)
	DefaultZone           = "UTC"
	DefaultSlackAPIURL    = "https://slack.com/api/"
	DefaultDiscordAPIURL  = "https://discord.com/api/v10/"

	// ConsoleChannelName is the channel added when the file defines no
	// channels. DefaultRuleName is the rule added when it defines no
	// rules, which sends every event to the console channel.
	ConsoleChannelName = "console"
	DefaultRuleName    = "default"
)

// BuiltinTemplates names the templates that ship with fcnotify, which a
// rule may name without defining them under templates.
var BuiltinTemplates = []string{
	"site-status", "site-plan-change", "deploy-status", "bench-status", "generic",
	"site-trial-expiry", "stuck-state",
}

// applyDefaults fills every field left empty. With implicit set, a file
// without channels gets the console channel, and a file without rules
// gets a rule sending every event ("*") to the console channel, which is
// added too when missing.
func (c *Config) applyDefaults(implicit bool) {
	setDefault(&c.Listen, DefaultListen)
	setDefault(&c.DashboardURL, DefaultDashboardURL)
	c.DashboardURL = strings.TrimRight(c.DashboardURL, "/")
	setDefault(&c.Time.Source, DefaultZone)
	setDefault(&c.Time.Display, DefaultZone)
	setDefault(&c.Webhook.Path, DefaultWebhookPath)
	setDefault(&c.Webhook.MaxBody, DefaultMaxBody)
	setDefault(&c.State.Driver, DefaultStateDriver)
	setDefault(&c.State.Path, DefaultStatePath)
	setDefault(&c.State.Retention, DefaultRetention)
	c.Delivery.applyDefaults()
	c.Schedule.applyDefaults()

	if implicit && len(c.Rules) == 0 {
		c.Rules = []Rule{{
			Name:   DefaultRuleName,
			Match:  Match{Event: StringList{"*"}},
			Notify: []string{ConsoleChannelName},
		}}
		if _, ok := c.Channels[ConsoleChannelName]; !ok {
			c.addConsoleChannel()
		}
	}
	if implicit && len(c.Channels) == 0 {
		c.addConsoleChannel()
	}

	for name, ch := range c.Channels {
		setDefault(&ch.MaxAge, c.Delivery.MaxAge)
		setDefault(&ch.MaxBacklog, c.Delivery.MaxBacklog)
		if ch.Slack != nil {
			ch.Slack.APIURL = apiURL(ch.Slack.APIURL, ch.Slack.Token != "", DefaultSlackAPIURL)
		}
		if ch.Discord != nil {
			ch.Discord.APIURL = apiURL(ch.Discord.APIURL, ch.Discord.Token != "", DefaultDiscordAPIURL)
		}
		c.Channels[name] = ch
	}
	for i := range c.Rules {
		if c.Rules[i].Continue == nil {
			yes := true
			c.Rules[i].Continue = &yes
		}
	}
}

func (d *DeliveryConfig) applyDefaults() {
	setDefault(&d.InitialBackoff, DefaultInitialBackoff)
	setDefault(&d.MaxBackoff, DefaultMaxBackoff)
	setDefault(&d.MaxAge, DefaultMaxAge)
	setDefault(&d.Timeout, DefaultTimeout)
	setDefault(&d.MaxBacklog, DefaultMaxBacklog)
	setDefault(&d.ShutdownGrace, DefaultShutdownGrace)
}

func (c *Config) addConsoleChannel() {
	if c.Channels == nil {
		c.Channels = map[string]Channel{}
	}
	c.Channels[ConsoleChannelName] = Channel{Console: &ConsoleChannel{}}
	c.ChannelOrder = append(c.ChannelOrder, ConsoleChannelName)
}

// apiURL returns the API base of a bot-token channel with a final slash,
// the default when none is set. Webhook channels, which post to their
// URL, keep what was written so that validation can flag it.
func apiURL(url string, token bool, fallback string) string {
	if url == "" && token {
		return fallback
	}
	if url != "" && !strings.HasSuffix(url, "/") {
		return url + "/"
	}
	return url
}

func setDefault[T comparable](field *T, value T) {
	var zero T
	if *field == zero {
		*field = value
	}
}
