package process

import (
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// transition compares an event with the last known version of its
// document. Only a strictly older `modified` is stale: Frappe Cloud
// often sends a new status with the `modified` of the previous change.
func transition(ev *notifier.Event, prev store.DocumentState, known bool) notifier.Transition {
	if !known {
		return notifier.Transition{Kind: notifier.KindFirst, To: ev.Status}
	}

	tr := notifier.Transition{From: prev.Status, To: ev.Status}
	switch {
	case !ev.Modified.IsZero() && ev.Modified.Before(prev.Modified):
		tr.Kind = notifier.KindStale
	case ev.Status != prev.Status:
		tr.Kind = notifier.KindChange
	case ev.Modified.Equal(prev.Modified):
		tr.Kind = notifier.KindRepeat
	default:
		tr.Kind = notifier.KindUpdate
	}
	return tr
}

// writesState reports whether the event becomes the document's last
// known version.
func writesState(k notifier.Kind) bool {
	return k == notifier.KindFirst || k == notifier.KindChange || k == notifier.KindUpdate
}
