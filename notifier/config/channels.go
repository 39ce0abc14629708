package config

import (
	"strconv"
	"strings"
)

func (c *Config) validateChannels() Problems {
	var problems Problems
	for _, name := range c.ChannelOrder {
		problems = append(problems, c.validateChannel(name, c.Channels[name])...)
	}
	return problems
}

func (c *Config) validateChannel(name string, ch Channel) Problems {
	var problems Problems
	base := "channels." + name
	if !segmentName.MatchString(name) {
		problems = append(problems, c.Problem(base, "invalid channel name "+strconv.Quote(name), segmentHint))
	}

	var kinds []string
	if ch.Slack != nil {
		kinds = append(kinds, "slack")
		problems = append(problems, c.validateChatChannel(slackForm(base+".slack", ch.Slack))...)
	}
	if ch.Discord != nil {
		kinds = append(kinds, "discord")
		problems = append(problems, c.validateChatChannel(discordForm(base+".discord", ch.Discord))...)
	}
	if ch.Console != nil {
		kinds = append(kinds, "console")
	}
	const kindHint = "set exactly one of slack, discord, console"
	switch len(kinds) {
	case 0:
		problems = append(problems, c.Problem(base, "channel sets none of slack, discord, console", kindHint))
	case 1:
	default:
		message := "channel sets both " + kinds[0] + " and " + kinds[1]
		if len(kinds) == 3 {
			message = "channel sets slack, discord and console"
		}
		problems = append(problems, c.Problem(base, message, kindHint+", and define one channel per destination"))
	}

	if ch.MaxBacklog < 0 {
		problems = append(problems, c.Problem(base+".max_backlog", "negative max_backlog", "write a positive number of messages, or leave it out for the delivery default"))
	}
	for i, w := range ch.Pace {
		path := base + ".pace[" + strconv.Itoa(i) + "]"
		if w.Count <= 0 {
			problems = append(problems, c.Problem(path+".count", "missing or invalid count", "write the number of messages allowed per period, such as 20"))
		}
		if w.Per <= 0 {
			problems = append(problems, c.Problem(path+".per", "missing or invalid per", "write the period of the window, such as 1s or 1m"))
		}
	}
	return problems
}

// chatForm is the part that Slack and Discord channels share: a webhook
// URL, or a bot token with a channel.
type chatForm struct {
	path        string
	webhookURL  Secret
	urlFile     string
	token       Secret
	tokenFile   string
	channelKey  string
	channel     string
	apiURL      string
	channelOK   func(string) bool
	channelHint string
}

func slackForm(path string, s *SlackChannel) chatForm {
	return chatForm{
		path: path, webhookURL: s.WebhookURL, urlFile: s.WebhookURLFile,
		token: s.Token, tokenFile: s.TokenFile, channelKey: "channel", channel: s.Channel, apiURL: s.APIURL,
		channelOK:   func(id string) bool { return strings.TrimSpace(id) != "" },
		channelHint: "write a channel ID such as C0123456789, or a name such as #ops",
	}
}

func discordForm(path string, d *DiscordChannel) chatForm {
	return chatForm{
		path: path, webhookURL: d.WebhookURL, urlFile: d.WebhookURLFile,
		token: d.Token, tokenFile: d.TokenFile, channelKey: "channel_id", channel: d.ChannelID, apiURL: d.APIURL,
		channelOK:   isDigits,
		channelHint: "write the numeric channel ID, which Copy Channel ID shows in Discord's developer mode",
	}
}

// validateChatChannel checks that exactly one form is set and that its
// URLs are absolute http(s) URLs. Messages never contain the URLs, which
// are secrets for webhooks.
func (c *Config) validateChatChannel(f chatForm) Problems {
	hasURL := f.webhookURL != "" || f.urlFile != ""
	hasToken := f.token != "" || f.tokenFile != ""
	formsHint := "set webhook_url, or token and " + f.channelKey + " for a bot"
	switch {
	case hasURL && hasToken:
		return Problems{c.Problem(f.path, "both webhook_url and token are set", formsHint+", not both")}
	case hasURL && f.channel != "":
		return Problems{c.Problem(f.path+"."+f.channelKey, f.channelKey+" is set with webhook_url", "a webhook posts to the channel it was created for, so remove "+f.channelKey+", or use token and "+f.channelKey)}
	case hasURL:
		return c.validateWebhookForm(f)
	case hasToken:
		return c.validateTokenForm(f)
	case f.channel != "":
		return Problems{c.Problem(f.path+".token", "missing token for "+f.channelKey, formsHint)}
	default:
		return Problems{c.Problem(f.path, "missing webhook_url or token", formsHint)}
	}
}

func (c *Config) validateWebhookForm(f chatForm) Problems {
	var problems Problems
	if f.webhookURL != "" && !isHTTPURL(f.webhookURL.Reveal()) {
		key := "webhook_url"
		if f.urlFile != "" {
			key = "webhook_url_file"
		}
		problems = append(problems, c.Problem(f.path+"."+key, "invalid URL", "write the absolute https URL that the platform shows for the webhook"))
	}
	if f.apiURL != "" {
		problems = append(problems, c.Problem(f.path+".api_url", "api_url is set with webhook_url", "remove api_url, because a webhook posts to its own URL"))
	}
	return problems
}

func (c *Config) validateTokenForm(f chatForm) Problems {
	var problems Problems
	if !f.channelOK(f.channel) {
		message := "missing " + f.channelKey
		if f.channel != "" {
			message = "invalid " + f.channelKey + " " + strconv.Quote(f.channel)
		}
		problems = append(problems, c.Problem(f.path+"."+f.channelKey, message, f.channelHint))
	}
	if !isHTTPURL(f.apiURL) {
		problems = append(problems, c.Problem(f.path+".api_url", "invalid URL", "write an absolute http or https URL, or leave api_url out for the default"))
	}
	return problems
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
