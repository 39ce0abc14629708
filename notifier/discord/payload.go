package discord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/textcut"
)

// Discord's message size limits, in characters. Payload cuts or drops
// what exceeds them, because Discord rejects the whole message otherwise.
const (
	// MaxContent is the length of a message's content.
	// https://discord.com/developers/docs/resources/webhook#execute-webhook
	MaxContent = 2000

	// MaxTitle is the length of an embed title.
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
	MaxTitle = 256

	// MaxDescription is the length of an embed description.
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
	MaxDescription = 4096

	// MaxFields is the number of fields an embed may hold.
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
	MaxFields = 25

	// MaxFieldName is the length of a field name.
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
	MaxFieldName = 256

	// MaxFieldValue is the length of a field value.
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
	MaxFieldValue = 1024

	// MaxFooter is the length of an embed footer's text.
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
	MaxFooter = 2048

	// MaxEmbedsTotal is the length of the title, description, field names
	// and values and footer text of all embeds of a message together.
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
	MaxEmbedsTotal = 6000

	// MaxMentionIDs is the number of user ids, and of role ids, that
	// allowed_mentions may list.
	// https://discord.com/developers/docs/resources/message#allowed-mentions-object
	MaxMentionIDs = 100
)

// maxLinksLine bounds the line of links at the end of the description,
// so that links cannot crowd out the text.
const maxLinksLine = 1024

// emptyField replaces an empty field name or value, which Discord
// rejects. It is a zero-width space.
const emptyField = "\u200b"

// Payload builds the Discord message for msg: one embed with the title
// (linked to TitleURL), the text as description, the fields, the colour,
// the footer and the timestamp. Links are appended to the description as
// a last line of [text](url) links separated by " · ".
//
// Mentions inside embeds never notify, so the content holds the mentions
// (<@id> for users, <@&id> for roles) and nothing else. allowed_mentions
// is always sent with parse [] and exactly the mentioned ids, so neither
// @everyone nor a mention in payload text can ping. Ids that are not
// numeric are left out, so an id cannot inject markup.
//
// Text over a limit above is cut with textcut. When the embed is over
// MaxEmbedsTotal, the description shrinks first, then fields are dropped
// from the end. Payload never fails and does not change msg.
func Payload(msg *notifier.Message) *discordgo.WebhookParams {
	content, users, roles := mentions(msg.Mentions)
	return &discordgo.WebhookParams{
		Content: content,
		Embeds:  []*discordgo.MessageEmbed{embed(msg)},
		AllowedMentions: &discordgo.MessageAllowedMentions{
			// An empty, non-nil Parse is sent as [], which suppresses every
			// ping not listed in Users or Roles. A nil one is sent as null.
			Parse: []discordgo.AllowedMentionType{},
			Users: users,
			Roles: roles,
		},
	}
}

// PayloadJSON returns Payload(msg) encoded as the JSON body of a webhook
// request. <, > and & are written as they are, not as \u003c and the
// like, so the body reads as the text Discord shows. (discordgo itself
// sends them escaped, which decodes to the same value.)
func PayloadJSON(msg *notifier.Message) ([]byte, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Payload(msg)); err != nil {
		return nil, fmt.Errorf("encode discord payload: %w", err)
	}
	return bytes.TrimSuffix(body.Bytes(), []byte("\n")), nil
}

// mentions returns the content that pings the mentioned users and roles,
// and the ids that made it into the content within MaxContent.
func mentions(list []notifier.Mention) (content string, users, roles []string) {
	var tokens []string
	length := 0
	seen := make(map[string]bool)
	for _, m := range list {
		if !isSnowflake(m.ID) {
			continue
		}

		var token string
		switch m.Kind {
		case notifier.MentionUser:
			token = "<@" + m.ID + ">"
		case notifier.MentionRole:
			token = "<@&" + m.ID + ">"
		default:
			continue
		}
		if seen[token] {
			continue
		}

		added := textcut.Len(token)
		if len(tokens) > 0 {
			added++
		}
		if length+added > MaxContent {
			break
		}
		switch {
		case m.Kind == notifier.MentionUser && len(users) < MaxMentionIDs:
			users = append(users, m.ID)
		case m.Kind == notifier.MentionRole && len(roles) < MaxMentionIDs:
			roles = append(roles, m.ID)
		default:
			continue
		}
		seen[token] = true
		tokens = append(tokens, token)
		length += added
	}
	return strings.Join(tokens, " "), users, roles
}

func isSnowflake(id string) bool {
	if id == "" || len(id) > 20 {
		return false
	}
	_, err := strconv.ParseUint(id, 10, 64)
	return err == nil
}

// embed builds the one embed of a message within Discord's limits.
func embed(msg *notifier.Message) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: textcut.Cut(msg.Title, MaxTitle, textcut.Discord),
		URL:   msg.TitleURL,
		Color: color(msg.Color),
	}
	if !msg.Timestamp.IsZero() {
		e.Timestamp = msg.Timestamp.UTC().Format(time.RFC3339)
	}
	if msg.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: textcut.Cut(msg.Footer, MaxFooter, textcut.Discord)}
	}
	e.Fields = fields(msg.Fields)

	// The description gets what the other parts leave of the total, and
	// fields are dropped from the end only when they alone exceed it.
	for fixedLength(e) > MaxEmbedsTotal && len(e.Fields) > 0 {
		e.Fields = e.Fields[:len(e.Fields)-1]
	}
	budget := min(MaxDescription, MaxEmbedsTotal-fixedLength(e))
	e.Description = description(msg.Text, msg.Links, budget)
	return e
}

// fixedLength returns the characters of an embed that count towards
// MaxEmbedsTotal, except the description.
func fixedLength(e *discordgo.MessageEmbed) int {
	n := textcut.Len(e.Title)
	if e.Footer != nil {
		n += textcut.Len(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += textcut.Len(f.Name) + textcut.Len(f.Value)
	}
	return n
}

func fields(list []notifier.Field) []*discordgo.MessageEmbedField {
	var out []*discordgo.MessageEmbedField
	for _, f := range list {
		if len(out) == MaxFields {
			break
		}
		if f.Name == "" && f.Value == "" {
			continue
		}
		out = append(out, &discordgo.MessageEmbedField{
			Name:   orEmptyField(textcut.Cut(f.Name, MaxFieldName, textcut.Discord)),
			Value:  orEmptyField(textcut.Cut(f.Value, MaxFieldValue, textcut.Discord)),
			Inline: f.Inline,
		})
	}
	return out
}

func orEmptyField(s string) string {
	if s == "" {
		return emptyField
	}
	return s
}

// description returns the text followed by a line of links, within budget
// characters. The links line is kept whole and the text is cut. A links
// line that does not fit the budget is left out.
func description(text string, links []notifier.Link, budget int) string {
	line := linksLine(links)
	if line == "" || textcut.Len(line) > budget {
		return textcut.Cut(text, budget, textcut.Discord)
	}
	if text == "" {
		return line
	}

	const separator = "\n\n"
	room := budget - textcut.Len(line) - len(separator)
	if room <= 0 {
		return line
	}
	return textcut.Cut(text, room, textcut.Discord) + separator + line
}

// linksLine returns the links as [text](url) separated by " · ", stopping
// before the line would exceed maxLinksLine. Links without an http or
// https URL are left out.
func linksLine(links []notifier.Link) string {
	var parts []string
	length := 0
	for _, link := range links {
		if !strings.HasPrefix(link.URL, "https://") && !strings.HasPrefix(link.URL, "http://") {
			continue
		}

		label := link.Text
		if label == "" {
			label = "link"
		}
		part := "[" + label + "](" + linkTarget(link.URL) + ")"
		added := textcut.Len(part)
		if len(parts) > 0 {
			added += textcut.Len(" · ")
		}
		if length+added > maxLinksLine {
			break
		}
		parts = append(parts, part)
		length += added
	}
	return strings.Join(parts, " · ")
}

// linkTarget percent-encodes the characters that would end a markdown
// link target early.
func linkTarget(url string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29").Replace(url)
}

// color converts #rrggbb to the integer Discord expects, 0 (no colour)
// when it is empty or invalid.
func color(hex string) int {
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) != 6 {
		return 0
	}
	n, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return 0
	}
	return int(n)
}
