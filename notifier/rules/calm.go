package rules

import (
	"strconv"
	"strings"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
)

// Living is the effect of later messages about a document on its first
// message: none, an edit, or a reply in its thread.
type Living string

const (
	// LivingNone posts every message.
	LivingNone Living = ""
	// LivingUpdate edits the first message in place.
	LivingUpdate Living = "update"
	// LivingThread replies in the first message's thread.
	LivingThread Living = "thread"
)

// Calm holds the options of a rule that make its channels calmer. A rule
// that sets none of them has a nil *Calm.
type Calm struct {
	// Group, when set, gathers messages into one per group.
	Group *Grouping
	// RepeatAfter, when positive, drops a message about a document that
	// reaches the same status again within this time of the last
	// announcement.
	RepeatAfter time.Duration
	// Settle, when positive, holds a status change of a known document
	// this long and drops it when the document returns to the status it
	// left.
	Settle time.Duration
	Living Living
	// Quiet is the rule's own quiet hours, nil when it has none.
	Quiet *config.QuietHours
	// Urgent messages go out during quiet hours.
	Urgent bool
}

// Grouping is a compiled config.Group.
type Grouping struct {
	// By lists template data paths, such as "group" or "names.group".
	By      []string
	Wait    time.Duration
	MaxWait time.Duration
	// Template renders groups of two or more events.
	Template string
}

// DefaultGroupTemplate is the template of groups whose rule names none.
const DefaultGroupTemplate = "group"

// compileCalm returns the rule's calm options, or nil when it sets none,
// and a problem for each group key that no event's data can have.
func compileCalm(cfg *config.Config, path string, src config.Rule, env conditionEnv) (*Calm, config.Problems) {
	c := &Calm{
		RepeatAfter: src.RepeatAfter.Duration(),
		Settle:      src.Settle.Duration(),
		Quiet:       src.Quiet,
		Urgent:      src.Urgent,
	}
	switch {
	case src.Update:
		c.Living = LivingUpdate
	case src.Thread:
		c.Living = LivingThread
	}

	var problems config.Problems
	if g := src.Group; g != nil {
		c.Group = &Grouping{By: g.By, Wait: g.Wait.Duration(), MaxWait: g.MaxWait.Duration(), Template: g.Template}
		if c.Group.Template == "" {
			c.Group.Template = DefaultGroupTemplate
		}
		for j, key := range g.By {
			if key != "" && !env.hasPath(key) {
				at := path + ".group.by[" + strconv.Itoa(j) + "]"
				hint := "name a template data key: " + env.names + ", or a payload field under data, such as data.cluster"
				problems = append(problems, cfg.Problem(at, "unknown group key "+strconv.Quote(key), hint))
			}
		}
	}

	if *c == (Calm{}) {
		return nil, problems
	}
	return c, problems
}

// hasPath reports whether template data can have a value at a dotted
// path: a top-level key, a key of the names or links maps, or any field
// under data, whose keys depend on the payload.
func (env conditionEnv) hasPath(path string) bool {
	head, rest, nested := strings.Cut(path, ".")
	value, ok := env.sample[head]
	if !ok {
		return false
	}
	if !nested {
		return true
	}
	if head == "data" {
		return rest != ""
	}
	m, isMap := value.(map[string]any)
	if !isMap {
		return false
	}
	_, ok = m[rest]
	return ok
}
