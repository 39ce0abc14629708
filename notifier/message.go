package notifier

import "time"

// Platform is the kind of chat a channel posts to.
type Platform string

// The platforms fcnotify posts to. Console prints to standard output.
const (
	PlatformSlack   Platform = "slack"
	PlatformDiscord Platform = "discord"
	PlatformConsole Platform = "console"
)

// Message is one rendered alert for one channel. Its text parts are
// already in the target platform's markup, with every payload value
// escaped, so a Sender only maps them onto the wire format.
type Message struct {
	// Title is plain text: Slack shows it in a header block, Discord as
	// the embed title. TitleURL, when set, links the Discord title.
	Title    string `json:"title"`
	TitleURL string `json:"title_url,omitempty"`

	// Text is the body in the platform's markup.
	Text   string  `json:"text,omitempty"`
	Fields []Field `json:"fields,omitempty"`

	// Color is a #rrggbb colour for the Slack bar and the Discord embed.
	Color string `json:"color,omitempty"`

	// Footer is a short context line: team, cluster, time.
	Footer    string    `json:"footer,omitempty"`
	Timestamp time.Time `json:"timestamp,omitzero"`
	Links     []Link    `json:"links,omitempty"`

	// Fallback is plain text for notifications and clients that cannot
	// show the rich layout.
	Fallback string `json:"fallback,omitempty"`

	// Mentions are the only users, groups or roles the message may ping.
	// Payload text never adds to them.
	Mentions []Mention `json:"mentions,omitempty"`
}

// Field is a name and value pair shown side by side when Inline is set.
type Field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// Link is a button or link into the Frappe Cloud dashboard.
type Link struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// MentionKind names what a mention pings.
type MentionKind string

const (
	// MentionUser is a Slack user id (U…) or a Discord user id.
	MentionUser MentionKind = "user"
	// MentionGroup is a Slack user group id (S…).
	MentionGroup MentionKind = "group"
	// MentionRole is a Discord role id.
	MentionRole MentionKind = "role"
)

// Mention is a user, group or role that a rule chose to ping.
type Mention struct {
	Kind MentionKind `json:"kind"`
	ID   string      `json:"id"`
}
