package notifier

// Kind is the relation of an event to the last known version of its
// document.
type Kind string

const (
	// KindFirst is the first event seen for the document: From is empty.
	KindFirst Kind = "first"
	// KindChange moved the document to a new status, or to a newer
	// version with no status field.
	KindChange Kind = "change"
	// KindUpdate is a newer version of the document with the same status.
	KindUpdate Kind = "update"
	// KindRepeat has the same `modified` and status as the last version.
	KindRepeat Kind = "repeat"
	// KindStale has a strictly older `modified` than the last version and
	// changed nothing.
	KindStale Kind = "stale"
)

// Transition is the change of status an event brought to its document.
type Transition struct {
	Kind Kind
	From string
	To   string
}

// Changed reports whether the status moved, which includes the first
// sighting of a document (from "" to its status).
func (t Transition) Changed() bool {
	return (t.Kind == KindFirst || t.Kind == KindChange) && t.From != t.To
}
