package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fcnotify/fcnotify/notifier"
)

const (
	// maxThreadName is the length of a thread name Discord accepts.
	// https://discord.com/developers/docs/resources/channel#start-thread-from-message
	maxThreadName = 100
	// codeThreadExists is Discord's error code for a message that already
	// has a thread.
	// https://discord.com/developers/docs/topics/opcodes-and-status-codes
	codeThreadExists = "160004"
)

// CanReply reports whether Reply can post in a message's thread. Only a
// bot can start a thread from a message: a webhook can post into a
// thread but cannot start one in a text channel.
func (s *Sender) CanReply() bool { return s.bot }

// Reply posts msg in the thread of the message that parent names,
// starting the thread, named after msg's title, when the message has
// none yet. A thread started from a message has the message's id, so the
// reply goes to the channel with that id. Reply returns the reply's
// receipt, or a *notifier.SendError; it fails with ClassFinal in webhook
// mode or for a parent without a message id.
func (s *Sender) Reply(ctx context.Context, parent notifier.Receipt, msg *notifier.Message) (notifier.Receipt, error) {
	if !s.bot {
		return notifier.Receipt{}, &notifier.SendError{Class: notifier.ClassFinal, Reason: "discord webhooks cannot start threads: use a bot token and channel id to reply in threads"}
	}
	if !isSnowflake(parent.MessageID) {
		return notifier.Receipt{}, &notifier.SendError{Class: notifier.ClassFinal, Reason: "receipt has no discord message id: only sent messages have a thread"}
	}

	start := map[string]string{"name": threadName(msg.Title)}
	_, err := s.request(ctx, http.MethodPost, s.editPrefix+parent.MessageID+"/threads", start)
	if err != nil && !threadExists(err) {
		return notifier.Receipt{}, err
	}

	params := Payload(msg)
	data := &discordgo.MessageSend{Content: params.Content, Embeds: params.Embeds, AllowedMentions: params.AllowedMentions}
	body, err := s.request(ctx, http.MethodPost, s.threadMessagesURL(parent.MessageID), data)
	if err != nil {
		return notifier.Receipt{}, err
	}
	return notifier.Receipt{MessageID: messageID(body), ChannelID: parent.MessageID}, nil
}

// threadExists reports whether a failed thread start failed because the
// message already has a thread.
func threadExists(err error) bool {
	var sendErr *notifier.SendError
	return errors.As(err, &sendErr) && sendErr.Code == codeThreadExists
}

// threadMessagesURL returns the messages endpoint of a thread, which is
// a channel of its own: the bot's messages URL with the thread's id in
// place of the channel id.
func (s *Sender) threadMessagesURL(thread string) string {
	base := s.postURL[:strings.LastIndex(s.postURL, "channels/")]
	return base + "channels/" + thread + "/messages"
}

// threadName returns a message title as a thread name: without the
// backslashes that escape markdown in embed titles, which thread names
// do not render, and cut to maxThreadName characters.
func threadName(title string) string {
	var b strings.Builder
	for i := 0; i < len(title); i++ {
		if title[i] == '\\' && i+1 < len(title) && isDiscordMarkup(title[i+1]) {
			continue
		}
		b.WriteByte(title[i])
	}
	name := strings.TrimSpace(b.String())
	if name == "" {
		return "fcnotify"
	}
	if utf8.RuneCountInString(name) > maxThreadName {
		runes := []rune(name)
		name = string(runes[:maxThreadName-1]) + "…"
	}
	return name
}

func isDiscordMarkup(c byte) bool {
	return strings.IndexByte("\\*_~`|[]()<>#-+.", c) >= 0
}

func messageID(body []byte) string {
	var sent discordgo.Message
	if err := json.Unmarshal(body, &sent); err != nil {
		return ""
	}
	return sent.ID
}
