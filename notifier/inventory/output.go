package inventory

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fcnotify/fcnotify/notifier/store"
)

// Entry is the JSON form of an inventory row, with times in the display
// zone. Its keys are public: scripts read them from `fcnotify sites
// --json`.
type Entry struct {
	Kind           string    `json:"kind"`
	Doctype        string    `json:"doctype"`
	Name           string    `json:"name"`
	Status         string    `json:"status"`
	PreviousStatus string    `json:"previous_status"`
	StatusSince    time.Time `json:"status_since,omitzero"`
	Team           string    `json:"team"`
	Plan           string    `json:"plan"`
	TrialEndDate   string    `json:"trial_end_date,omitempty"`
	Group          string    `json:"group"`
	Bench          string    `json:"bench"`
	Cluster        string    `json:"cluster"`
	Server         string    `json:"server"`
	Deploy         string    `json:"deploy"`
	LastEvent      string    `json:"last_event"`
	Modified       time.Time `json:"modified,omitzero"`
	LastSeen       time.Time `json:"last_seen,omitzero"`
	Archived       bool      `json:"archived"`
}

// EntryOf returns the JSON form of a row.
func EntryOf(r store.InventoryRow, zone *time.Location) Entry {
	in := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.In(zone)
	}
	return Entry{
		Kind: r.Kind, Doctype: r.Doctype, Name: r.Name, Status: r.Status,
		PreviousStatus: r.PreviousStatus, StatusSince: in(r.StatusSince), Team: r.Team, Plan: r.Plan,
		TrialEndDate: r.TrialEnd, Group: r.Group, Bench: r.Bench, Cluster: r.Cluster, Server: r.Server,
		Deploy: r.Deploy, LastEvent: r.Event, Modified: in(r.Modified), LastSeen: in(r.LastSeen),
		Archived: r.Archived,
	}
}

// WriteJSON writes rows as an indented JSON array of Entry, "[]" when
// there are none.
func WriteJSON(w io.Writer, rows []store.InventoryRow, zone *time.Location) error {
	entries := make([]Entry, 0, len(rows))
	for _, r := range rows {
		entries = append(entries, EntryOf(r, zone))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(entries)
}

// TableOptions chooses the optional columns of WriteTable.
type TableOptions struct {
	// Kind adds a KIND column, for listings of more than one kind.
	Kind bool
	// Archived adds an ARCHIVED column, for listings that include
	// archived rows.
	Archived bool
}

// WriteTable writes rows as an aligned table with a header line. Times
// are shown to the minute in zone; empty values as "-".
func WriteTable(w io.Writer, rows []store.InventoryRow, zone *time.Location, opts TableOptions) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := []string{"NAME", "STATUS", "SINCE", "TEAM", "PLAN", "TRIAL ENDS", "GROUP", "BENCH", "CLUSTER", "LAST EVENT", "LAST SEEN"}
	if opts.Kind {
		header = append([]string{"KIND"}, header...)
	}
	if opts.Archived {
		header = append(header, "ARCHIVED")
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))

	for _, r := range rows {
		cells := []string{
			r.Name, r.Status, minute(r.StatusSince, zone), r.Team, r.Plan, r.TrialEnd,
			r.Group, r.Bench, r.Cluster, r.Event, minute(r.LastSeen, zone),
		}
		if opts.Kind {
			cells = append([]string{r.Kind}, cells...)
		}
		if opts.Archived {
			cells = append(cells, yesNo(r.Archived))
		}
		for i, c := range cells {
			if c == "" {
				cells[i] = "-"
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

func minute(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format("2006-01-02 15:04")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
