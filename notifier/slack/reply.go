package slack

import (
	"context"

	slackgo "github.com/slack-go/slack"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/internal/chathttp"
)

// CanReply reports whether Reply can post in a message's thread, which
// needs a bot token: an incoming webhook returns no ts to reply to.
func (s *Sender) CanReply() bool {
	return s.api != nil
}

// Reply posts msg in the thread of the message that a bot-mode Send
// returned parent for, with chat.postMessage and thread_ts, and returns
// the reply's receipt. It fails with ClassFinal in webhook mode or when
// parent lacks the ts.
func (s *Sender) Reply(ctx context.Context, parent notifier.Receipt, msg *notifier.Message) (notifier.Receipt, error) {
	if s.api == nil {
		return notifier.Receipt{}, &notifier.SendError{Class: notifier.ClassFinal, Reason: "slack incoming webhook messages have no thread to reply in: use a bot token and channel to reply in threads"}
	}
	if parent.MessageID == "" {
		return notifier.Receipt{}, &notifier.SendError{Class: notifier.ClassFinal, Reason: "receipt has no slack message ts: only messages sent with a bot token have a thread"}
	}
	channel := parent.ChannelID
	if channel == "" {
		channel = s.channel
	}

	ctx, ex := chathttp.Track(ctx)
	// thread_ts must be the parent's ts, never a reply's, which the
	// caller guarantees by passing the first message's receipt.
	options := append(messageOptions(msg), slackgo.MsgOptionTS(parent.MessageID))
	gotChannel, ts, err := s.api.PostMessageContext(ctx, channel, options...)
	if err != nil {
		return notifier.Receipt{}, s.apiError(err, ex)
	}
	return notifier.Receipt{MessageID: ts, ChannelID: gotChannel}, nil
}
