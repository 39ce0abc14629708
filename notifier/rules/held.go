package rules

import (
	"fmt"

	"github.com/fcnotify/fcnotify/notifier"
)

// HeldRules returns the rules that set `for:`, in configuration order.
// Match never fires them; a scheduler calls MatchHeld for each document
// that has held one of a rule's `to:` statuses for the rule's For.
func (e *Engine) HeldRules() []RuleInfo {
	var out []RuleInfo
	for _, r := range e.rules {
		if r.info.For > 0 {
			out = append(out, r.info)
		}
	}
	return out
}

// MatchHeld reports whether the rule named name, which sets `for:`,
// fires for a document in the state that ev and tr describe. ev is the
// last event of the document and tr the transition into its current
// status, and env is the map view.Build returns for them. Every part of
// the match is checked as Match does, but not the duration, which the
// caller has checked. A rule that does not exist or does not set `for:`
// never fires. A condition that fails returns false and the error.
func (e *Engine) MatchHeld(name string, ev *notifier.Event, tr notifier.Transition, env map[string]any) (Match, bool, error) {
	var r *rule
	for _, candidate := range e.rules {
		if candidate.info.Name == name && candidate.info.For > 0 {
			r = candidate
			break
		}
	}
	if r == nil {
		return Match{}, false, fmt.Errorf("rule %q with for: not found", name)
	}
	if !r.receives(ev.Name) || !r.accepts(ev, tr) {
		return Match{}, false, nil
	}
	if r.when == nil {
		return r.match, true, nil
	}

	machine := e.machine()
	defer e.machines.Put(machine)
	ok, err := r.holds(machine, env)
	if !ok {
		return Match{}, false, err
	}
	return r.match, true, nil
}
