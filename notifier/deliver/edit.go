package deliver

import (
	"context"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// linkStore is implemented by stores that record which queued messages
// edit or reply to an earlier one, such as store.SQLite.
type linkStore interface {
	MessageLink(ctx context.Context, id int64) (store.MessageLink, bool, error)
	Relink(ctx context.Context, from, to int64) error
}

// Editor is a Sender that can change a message it sent, such as the
// Slack sender with a bot token and the Discord sender.
type Editor interface {
	CanEdit() bool
	Update(ctx context.Context, receipt notifier.Receipt, msg *notifier.Message) error
}

// Replier is a Sender that can post in the thread of a message it sent.
type Replier interface {
	CanReply() bool
	Reply(ctx context.Context, parent notifier.Receipt, msg *notifier.Message) (notifier.Receipt, error)
}

// send delivers one message: an edit of or a reply to the message it is
// linked to, or else a new message. An edit or reply is posted as a new
// message when its root message was never sent, or when the platform
// rejects it for good, as it does when the root was deleted. Later edits
// and replies of that root then change the new message. Messages are
// taken in queue order, so a root message of the same channel is always
// done before its edits are tried.
func (w *worker) send(ctx context.Context, m store.OutboxMessage) (notifier.Receipt, error) {
	links, ok := w.d.opts.Store.(linkStore)
	if !ok {
		return w.ch.Sender.Send(ctx, &m.Message)
	}
	link, linked, err := links.MessageLink(ctx, m.ID)
	if err != nil {
		// Sending it as a new message would post a duplicate of an edit,
		// so wait for the store.
		return notifier.Receipt{}, &notifier.SendError{Class: notifier.ClassTransient, Reason: err.Error()}
	}
	if !linked {
		return w.ch.Sender.Send(ctx, &m.Message)
	}

	log := w.log.With("message_id", m.ID, "root_id", link.Root, "mode", link.Mode)
	if link.RootState != store.StateSent || link.RootReceipt.MessageID == "" {
		log.Info("root message was not delivered, posting a new message", "root_state", link.RootState)
		return w.repost(ctx, links, link, m)
	}

	receipt, err := w.change(ctx, link, &m.Message)
	if err == nil {
		return receipt, nil
	}
	if notifier.ClassOf(err) != notifier.ClassFinal {
		return notifier.Receipt{}, err
	}
	log.Warn("platform rejected the change, posting a new message", "err", err)
	return w.repost(ctx, links, link, m)
}

// change edits the root message or replies to it. A sender that can do
// neither posts a new message.
func (w *worker) change(ctx context.Context, link store.MessageLink, msg *notifier.Message) (notifier.Receipt, error) {
	switch link.Mode {
	case store.LinkEdit:
		if e, ok := w.ch.Sender.(Editor); ok && e.CanEdit() {
			return link.RootReceipt, e.Update(ctx, link.RootReceipt, msg)
		}
	case store.LinkReply:
		if r, ok := w.ch.Sender.(Replier); ok && r.CanReply() {
			return r.Reply(ctx, link.RootReceipt, msg)
		}
	}
	return w.ch.Sender.Send(ctx, msg)
}

// repost posts a linked message as a new message and makes it the root
// of the messages still linked to the old root.
func (w *worker) repost(ctx context.Context, links linkStore, link store.MessageLink, m store.OutboxMessage) (notifier.Receipt, error) {
	receipt, err := w.ch.Sender.Send(ctx, &m.Message)
	if err != nil {
		return receipt, err
	}
	if err := links.Relink(context.WithoutCancel(ctx), link.Root, m.ID); err != nil {
		w.log.Error("relink messages to the new message failed", "message_id", m.ID, "root_id", link.Root, "err", err)
	}
	return receipt, nil
}
