package config

import "time"

// Config is one fcnotify configuration file, decoded. Load fills in the
// defaults, so every field below holds a usable value after Load returns
// without error.
type Config struct {
	// Listen is the HTTP address, default ":8080".
	Listen string `yaml:"listen"`

	// DashboardURL is the base of links into the Frappe Cloud dashboard,
	// default "https://frappecloud.com/dashboard", without a final slash.
	DashboardURL string `yaml:"dashboard_url"`

	Time      TimeConfig          `yaml:"time"`
	Webhook   WebhookConfig       `yaml:"webhook"`
	State     StateConfig         `yaml:"state"`
	Delivery  DeliveryConfig      `yaml:"delivery"`
	Schedule  ScheduleConfig      `yaml:"schedule"`
	Names     NamesConfig         `yaml:"names"`
	Channels  map[string]Channel  `yaml:"channels"`
	Templates map[string]Template `yaml:"templates"`
	Rules     []Rule              `yaml:"rules"`

	// File is the path the configuration was read from.
	File string `yaml:"-"`

	// ChannelOrder lists the channel names in the order of the file, so
	// output and checks are stable.
	ChannelOrder []string `yaml:"-"`

	// lines maps a YAML path such as "rules[2].match.to" to its line.
	lines map[string]int

	// included maps the path of a template read from its own file, such
	// as "templates.deploy", to that file and its lines.
	included map[string]includedFile
}

// TimeConfig sets how Frappe Cloud's zone-less times are read and shown.
type TimeConfig struct {
	// Source is the zone Frappe Cloud datetimes are in, default "UTC".
	Source string `yaml:"source_zone"`
	// Display is the zone times are shown in, default "UTC".
	Display string `yaml:"display_zone"`

	SourceLocation  *time.Location `yaml:"-"`
	DisplayLocation *time.Location `yaml:"-"`
}

// WebhookConfig sets up the receiving endpoint.
type WebhookConfig struct {
	// Path is the webhook path, default "/webhook". Named endpoints are
	// served at Path + "/" + name.
	Path string `yaml:"path"`

	// MaxBody is the largest accepted request body, default 1 MiB. It
	// reads "1MiB", "512KiB" or a number of bytes.
	MaxBody ByteSize `yaml:"max_body"`

	// Secrets are the accepted X-Webhook-Secret values. When the list is
	// empty every request is accepted, and serve logs a warning.
	Secrets []WebhookSecret `yaml:"secrets"`
}

// WebhookSecret is one accepted secret and what it may deliver.
type WebhookSecret struct {
	Value Secret `yaml:"value"`
	// ValueFile reads the secret from a file, trimmed of a final newline.
	ValueFile string `yaml:"value_file"`
	// Teams, when set, is the only teams whose events the secret may
	// deliver. A single team also becomes the team of events that carry
	// none (Bench, Site Plan Change).
	Teams []string `yaml:"teams"`
	// Endpoint, when set, binds the secret to /webhook/{endpoint}.
	Endpoint string `yaml:"endpoint"`
}

// StateConfig chooses the store.
type StateConfig struct {
	// Driver is "sqlite", the default and only driver today.
	Driver string `yaml:"driver"`
	// Path is the SQLite file, default "./data/fcnotify.db". Its
	// directory is created when missing. A relative path is relative to
	// the current directory, not to the configuration file.
	Path string `yaml:"path"`
	// Retention is how long processed webhooks, sent messages and the
	// records of expired mutes, repeats and living messages are kept,
	// default 7d. Document state and the inventory are kept for good.
	Retention Duration `yaml:"retention"`
}

// DeliveryConfig sets how the outbox retries. Channels may override it.
type DeliveryConfig struct {
	// InitialBackoff is the first retry delay, default 1s.
	InitialBackoff Duration `yaml:"initial_backoff"`
	// MaxBackoff caps the retry delay, default 5m.
	MaxBackoff Duration `yaml:"max_backoff"`
	// MaxAge is how long a message may keep failing before it is
	// dead-lettered, default 24h.
	MaxAge Duration `yaml:"max_age"`
	// Timeout bounds one send, default 10s.
	Timeout Duration `yaml:"timeout"`
	// MaxBacklog is the most pending messages a channel keeps before the
	// oldest are dead-lettered, default 100000.
	MaxBacklog int `yaml:"max_backlog"`
	// ShutdownGrace is how long sends in flight may finish on shutdown,
	// default 10s.
	ShutdownGrace Duration `yaml:"shutdown_grace"`
}

// NamesConfig maps ids to display names that templates can show.
type NamesConfig struct {
	Teams   map[string]string `yaml:"teams"`
	Groups  map[string]string `yaml:"groups"`
	Benches map[string]string `yaml:"benches"`
	Servers map[string]string `yaml:"servers"`
}

// Channel is one destination. Exactly one of Slack, Discord and Console
// is set.
type Channel struct {
	Slack   *SlackChannel   `yaml:"slack"`
	Discord *DiscordChannel `yaml:"discord"`
	Console *ConsoleChannel `yaml:"console"`

	// MaxAge and MaxBacklog override the delivery defaults when set.
	MaxAge     Duration `yaml:"max_age"`
	MaxBacklog int      `yaml:"max_backlog"`

	// Pace, when set, replaces the platform's default pace of the
	// channel (Slack 1 per second; Discord 5 per 2 seconds and 30 per
	// minute): each window allows at most Count messages in any period
	// of length Per. Raise it only where the platform allows more, since
	// the platform rejects a faster pace with 429s.
	Pace []PaceWindow `yaml:"pace"`

	// Quiet, when set, holds the channel's messages during quiet hours
	// and sends them as one digest when the quiet time ends, except those
	// of urgent rules.
	Quiet *QuietHours `yaml:"quiet,omitempty"`
}

// PaceWindow allows at most Count messages in any period of length Per.
type PaceWindow struct {
	Count int      `yaml:"count"`
	Per   Duration `yaml:"per"`
}

// SlackChannel posts through an incoming webhook (WebhookURL) or with a
// bot token (Token and Channel). Exactly one form is set.
type SlackChannel struct {
	WebhookURL     Secret `yaml:"webhook_url"`
	WebhookURLFile string `yaml:"webhook_url_file"`
	Token          Secret `yaml:"token"`
	TokenFile      string `yaml:"token_file"`
	Channel        string `yaml:"channel"`
	// APIURL is the Web API base for bot tokens, default
	// "https://slack.com/api/". Load adds a missing final slash.
	APIURL string `yaml:"api_url"`
}

// DiscordChannel posts through a webhook (WebhookURL) or with a bot
// token (Token and ChannelID). Exactly one form is set.
type DiscordChannel struct {
	WebhookURL     Secret `yaml:"webhook_url"`
	WebhookURLFile string `yaml:"webhook_url_file"`
	Token          Secret `yaml:"token"`
	TokenFile      string `yaml:"token_file"`
	ChannelID      string `yaml:"channel_id"`
	// APIURL is the REST API base for bot tokens, default
	// "https://discord.com/api/v10/". Load adds a missing final slash.
	APIURL string `yaml:"api_url"`
}

// ConsoleChannel prints messages to standard output.
type ConsoleChannel struct{}

// Template is a message template: each part is Go text/template source.
// File, when set, names a YAML file holding the same keys, read relative
// to the configuration file; it cannot be combined with inline parts.
type Template struct {
	File   string          `yaml:"file"`
	Title  string          `yaml:"title"`
	URL    string          `yaml:"url"`
	Text   string          `yaml:"text"`
	Fields []TemplateField `yaml:"fields"`
	Color  string          `yaml:"color"`
	Footer string          `yaml:"footer"`
	Links  []TemplateLink  `yaml:"links"`
}

// TemplateField is one field of a template. A field whose value renders
// empty is left out of the message.
type TemplateField struct {
	Name   string `yaml:"name"`
	Value  string `yaml:"value"`
	Inline bool   `yaml:"inline"`
}

// TemplateLink is one link button; one whose URL renders empty is left out.
type TemplateLink struct {
	Text string `yaml:"text"`
	URL  string `yaml:"url"`
}

// Rule routes matching events to channels.
type Rule struct {
	Name   string   `yaml:"name"`
	Match  Match    `yaml:"match"`
	Notify []string `yaml:"notify"`
	// Template names a template from Templates or a default one; empty
	// picks the default template of the event.
	Template string `yaml:"template"`
	// Mention lists who the message may ping: "user:U123",
	// "group:S123" (Slack user group), "role:123" (Discord role).
	Mention []string `yaml:"mention"`
	// Continue, default true, lets later rules match the same event.
	Continue *bool `yaml:"continue"`

	// Group gathers the rule's messages that share the values of
	// Group.By into one message per channel.
	Group *Group `yaml:"group,omitempty"`
	// RepeatAfter, when set, drops a message about a document reaching
	// the same status again within this time of the last announcement.
	RepeatAfter Duration `yaml:"repeat_after,omitempty"`
	// Settle, when set, holds a status change of a known document this
	// long and drops it when the document returns to its former status.
	Settle Duration `yaml:"settle,omitempty"`
	// Update makes later messages about a document edit the first one,
	// and Thread makes them replies in its thread. At most one is set.
	Update bool `yaml:"update,omitempty"`
	Thread bool `yaml:"thread,omitempty"`
	// Quiet holds the rule's messages during its own quiet hours, as
	// Channel.Quiet does for a whole channel.
	Quiet *QuietHours `yaml:"quiet,omitempty"`
	// Urgent messages go out during quiet hours.
	Urgent bool `yaml:"urgent,omitempty"`

	// For, when set, makes the rule fire only once a document has stayed
	// in the matched state this long with no further event, and never on
	// the event itself. It needs match.to.
	For Duration `yaml:"for,omitempty"`
}

// Match is the set of conditions an event must meet for its rule to
// fire. Empty parts match anything.
type Match struct {
	Event   StringList `yaml:"event"`
	Doctype StringList `yaml:"doctype"`
	Team    StringList `yaml:"team"`
	// From and To make the rule fire only when the status changed. The
	// first sighting of a document has From "", which a rule can name
	// as "".
	From StringList `yaml:"from"`
	To   StringList `yaml:"to"`
	// Fields maps a payload field name to a matcher.
	Fields map[string]FieldMatcher `yaml:"fields"`
	// When is an expr-lang condition over the template data.
	When string `yaml:"when"`
	// Repeats and Stale let the rule match events that repeat the last
	// known version or are older than it; by default those match nothing.
	Repeats bool `yaml:"repeats"`
	Stale   bool `yaml:"stale"`
}

// FieldMatcher tests one payload field, compared in its text form. In
// YAML a scalar means Equals, a list means OneOf, and a mapping sets one
// of equals, one_of, regex, or not (a nested matcher that must fail).
// Present, when set, tests only whether the field is present.
type FieldMatcher struct {
	Equals  *string       `yaml:"equals"`
	OneOf   []string      `yaml:"one_of"`
	Regex   string        `yaml:"regex"`
	Not     *FieldMatcher `yaml:"not"`
	Present *bool         `yaml:"present"`
}
