package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/textcut"
)

// Slack's message size limits, in characters. Payload cuts or drops what
// exceeds them, because Slack rejects the whole message otherwise.
const (
	// MaxMessageText is the length the top-level text is kept to. Slack
	// truncates text beyond 40,000 characters and recommends at most 4,000.
	// https://docs.slack.dev/reference/methods/chat.postMessage
	MaxMessageText = 4000

	// MaxBlocks is the number of blocks a message may carry.
	// https://docs.slack.dev/reference/block-kit/blocks
	MaxBlocks = 50

	// MaxHeaderText is the length of a header block's text.
	// https://docs.slack.dev/reference/block-kit/blocks/header-block
	MaxHeaderText = 150

	// MaxSectionText is the length of a section block's text.
	// https://docs.slack.dev/reference/block-kit/blocks/section-block
	MaxSectionText = 3000

	// MaxFieldText is the length of one section field.
	// https://docs.slack.dev/reference/block-kit/blocks/section-block
	MaxFieldText = 2000

	// MaxSectionFields is the number of fields one section block may hold.
	// https://docs.slack.dev/reference/block-kit/blocks/section-block
	MaxSectionFields = 10

	// MaxActionElements is the number of elements an actions block may hold.
	// https://docs.slack.dev/tools/node-slack-sdk/reference/types/interfaces/ActionsBlock
	MaxActionElements = 25

	// MaxButtonText is the length of a button's label.
	// https://docs.slack.dev/reference/block-kit/block-elements/button-element
	MaxButtonText = 75

	// MaxButtonURL is the length of a button's URL.
	// https://docs.slack.dev/reference/block-kit/block-elements/button-element
	MaxButtonURL = 3000

	// MaxContextElements is the number of elements a context block may hold.
	// https://docs.slack.dev/reference/block-kit/blocks/context-block
	MaxContextElements = 10
)

// maxContextText bounds the footer's text element.
// NOTE: the context block reference gives no length for its text
// elements, so this applies the 3,000 characters of a section's text.
const maxContextText = MaxSectionText

// Payload builds the Slack message for msg. The top-level text is the
// mentions followed by msg.Fallback (or the escaped title when Fallback
// is empty): it pings the mentioned users and groups and is what
// notifications show. One attachment carries the colour bar and the Block
// Kit layout: a header with the title, a section with the text, sections
// of fields, an actions block of link buttons and a context block with the
// footer. Every mrkdwn text object is verbatim, so a bare @here or #name in
// the text never becomes a mention. Text over a limit above is cut with
// textcut; a button whose URL is too long, extra buttons and extra field
// sections are dropped. Mention ids that are not letters and digits are
// left out, so an id cannot inject markup. Payload never fails and does
// not change msg.
func Payload(msg *notifier.Message) *slackgo.WebhookMessage {
	attachment := slackgo.Attachment{
		Color:  msg.Color,
		Blocks: slackgo.Blocks{BlockSet: blocks(msg)},
	}
	return &slackgo.WebhookMessage{
		Text:        topText(msg),
		Attachments: []slackgo.Attachment{attachment},
	}
}

// PayloadJSON returns Payload(msg) encoded as the JSON body of an
// incoming webhook request. <, > and & are written as they are, not as
// \u003c and the like, so the body reads as the text Slack shows.
func PayloadJSON(msg *notifier.Message) ([]byte, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Payload(msg)); err != nil {
		return nil, fmt.Errorf("encode slack payload: %w", err)
	}
	return bytes.TrimSuffix(body.Bytes(), []byte("\n")), nil
}

// topText returns the mentions and the fallback text, kept within
// MaxMessageText.
func topText(msg *notifier.Message) string {
	fallback := msg.Fallback
	if fallback == "" {
		fallback = escape(msg.Title)
	}

	parts := mentions(msg.Mentions)
	if fallback != "" {
		parts = append(parts, fallback)
	}
	return textcut.Cut(strings.Join(parts, " "), MaxMessageText, textcut.Slack)
}

// mentions returns the <@U…> and <!subteam^S…> tokens for the user and
// group mentions, without duplicates. Other kinds have no Slack form.
func mentions(list []notifier.Mention) []string {
	var tokens []string
	seen := make(map[string]bool)
	for _, m := range list {
		if !isSlackID(m.ID) {
			continue
		}

		var token string
		switch m.Kind {
		case notifier.MentionUser:
			token = "<@" + m.ID + ">"
		case notifier.MentionGroup:
			token = "<!subteam^" + m.ID + ">"
		default:
			continue
		}
		if !seen[token] {
			seen[token] = true
			tokens = append(tokens, token)
		}
	}
	return tokens
}

func isSlackID(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range id {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// escape turns plain text into mrkdwn that shows it literally.
func escape(text string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
}

// blocks returns the attachment's layout within MaxBlocks, dropping the
// field sections that do not fit.
func blocks(msg *notifier.Message) []slackgo.Block {
	var head, tail []slackgo.Block
	if msg.Title != "" {
		title := textcut.Cut(msg.Title, MaxHeaderText, textcut.Slack)
		head = append(head, slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, title, true, false)))
	}
	if msg.Text != "" {
		head = append(head, slackgo.NewSectionBlock(mrkdwn(msg.Text, MaxSectionText), nil, nil))
	}
	if buttons := buttons(msg.Links); len(buttons) > 0 {
		tail = append(tail, slackgo.NewActionBlock("", buttons...))
	}
	if msg.Footer != "" {
		tail = append(tail, contextBlock(msg.Footer))
	}

	fields := fieldBlocks(msg.Fields)
	if room := MaxBlocks - len(head) - len(tail); len(fields) > room {
		fields = fields[:room]
	}

	out := append(head, fields...)
	return append(out, tail...)
}

// mrkdwn returns a verbatim mrkdwn text object with text cut to max.
func mrkdwn(text string, max int) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, textcut.Cut(text, max, textcut.Slack), false, true)
}

// fieldBlocks puts runs of inline fields into sections of at most
// MaxSectionFields fields, and gives each other field a section of its
// own so it spans the full width.
func fieldBlocks(fields []notifier.Field) []slackgo.Block {
	var (
		out     []slackgo.Block
		pending []*slackgo.TextBlockObject
	)
	flush := func() {
		if len(pending) > 0 {
			out = append(out, slackgo.NewSectionBlock(nil, pending, nil))
			pending = nil
		}
	}

	for _, f := range fields {
		text := fieldText(f)
		if text == "" {
			continue
		}
		if !f.Inline {
			flush()
			out = append(out, slackgo.NewSectionBlock(mrkdwn(text, MaxSectionText), nil, nil))
			continue
		}

		pending = append(pending, mrkdwn(text, MaxFieldText))
		if len(pending) == MaxSectionFields {
			flush()
		}
	}
	flush()
	return out
}

// fieldText shows a field as its bold name above its value.
func fieldText(f notifier.Field) string {
	switch {
	case f.Name == "":
		return f.Value
	case f.Value == "":
		return "*" + f.Name + "*"
	}
	return "*" + f.Name + "*\n" + f.Value
}

// buttons returns a link button per link, at most MaxActionElements.
// Links without a URL or with a URL over MaxButtonURL are dropped, because
// Slack would reject the message.
func buttons(links []notifier.Link) []slackgo.BlockElement {
	var out []slackgo.BlockElement
	for _, link := range links {
		if len(out) == MaxActionElements {
			break
		}
		if link.URL == "" || textcut.Len(link.URL) > MaxButtonURL {
			continue
		}

		label := link.Text
		if label == "" {
			label = link.URL
		}
		label = textcut.Cut(label, MaxButtonText, textcut.Slack)
		button := slackgo.NewButtonBlockElement(fmt.Sprintf("link-%d", len(out)), "",
			slackgo.NewTextBlockObject(slackgo.PlainTextType, label, true, false))
		button.URL = link.URL
		out = append(out, button)
	}
	return out
}

// contextBlock shows the footer as the one element of a context block,
// well within MaxContextElements.
func contextBlock(footer string) *slackgo.ContextBlock {
	return slackgo.NewContextBlock("", mrkdwn(footer, maxContextText))
}
