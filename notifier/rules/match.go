package rules

import (
	"errors"
	"fmt"
	"slices"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/fcnotify/fcnotify/notifier"
)

// Match returns the rules that fire for an event, in configuration order.
// env is the map view.Build returns for the same event and transition,
// which `when:` conditions read.
//
// A rule fires when every part of its match holds:
//   - event, doctype, team: the event's value is one of the listed ones,
//     compared exactly; an event list with "*" accepts every event;
//   - from, to: the status changed (tr.Changed, which includes the first
//     sighting, whose From is "") and tr.From and tr.To are listed;
//   - fields: each matcher accepts the field's text form (Event.Text, ""
//     when the field is absent);
//   - when: the condition returns true.
//
// Repeats and stale events fire only rules that set repeats or stale,
// and handshake events fire nothing. Rules that set `for:` never fire
// here, because they fire on how long a state lasts: see MatchHeld. A rule with continue: false that
// fires ends the evaluation. A condition that fails at run time does not
// fire its rule; its error, naming the rule, is in the returned errors.
func (e *Engine) Match(ev *notifier.Event, tr notifier.Transition, env map[string]any) ([]Match, []error) {
	if notifier.IsHandshake(ev.Name) {
		return nil, nil
	}

	candidates, ok := e.byEvent[ev.Name]
	if !ok {
		candidates = e.anyEvent
	}

	var matches []Match
	var errs []error
	var machine *vm.VM
	for _, r := range candidates {
		if r.info.For > 0 || !r.accepts(ev, tr) {
			continue
		}
		if r.when != nil {
			if machine == nil {
				machine = e.machine()
			}
			ok, err := r.holds(machine, env)
			if err != nil {
				errs = append(errs, err)
			}
			if !ok {
				continue
			}
		}

		matches = append(matches, r.match)
		if r.stop {
			break
		}
	}
	if machine != nil {
		e.machines.Put(machine)
	}
	return matches, errs
}

// receives reports whether the rule's event list accepts the name.
func (r *rule) receives(name string) bool {
	return r.info.Events == nil || slices.Contains(r.info.Events, name)
}

// accepts checks every part of the match except the event name, which
// the engine's index has already checked, and the condition. Cheap
// checks come first.
func (r *rule) accepts(ev *notifier.Event, tr notifier.Transition) bool {
	switch {
	case tr.Kind == notifier.KindRepeat && !r.repeats,
		tr.Kind == notifier.KindStale && !r.stale,
		!listed(r.info.Doctypes, ev.Doctype),
		!listed(r.teams, ev.Team):
		return false
	}

	if len(r.from) > 0 || len(r.to) > 0 {
		if !tr.Changed() || !listed(r.from, tr.From) || !listed(r.to, tr.To) {
			return false
		}
	}

	for _, f := range r.fields {
		if !f.matcher.accepts(ev, f.name) {
			return false
		}
	}
	return true
}

// holds runs the rule's condition. It returns false with an error when
// the condition fails or does not return a bool.
func (r *rule) holds(machine *vm.VM, env map[string]any) (bool, error) {
	out, err := machine.Run(r.when, env)
	if err != nil {
		return false, &ConditionError{Rule: r.info.Name, Err: runError{err}}
	}
	ok, isBool := out.(bool)
	if !isBool {
		return false, &ConditionError{Rule: r.info.Name, Err: fmt.Errorf("returned %T, expected bool", out)}
	}
	return ok, nil
}

// ConditionError is a `when:` condition that failed at run time. The rule
// does not match the event then.
type ConditionError struct {
	Rule string
	Err  error
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("rule %q: when condition failed: %v", e.Rule, e.Err)
}

func (e *ConditionError) Unwrap() error { return e.Err }

// listed reports whether value is in list. An empty list accepts any
// value.
func listed(list []string, value string) bool {
	return len(list) == 0 || slices.Contains(list, value)
}

func (m *matcher) accepts(ev *notifier.Event, field string) bool {
	switch {
	case m.present != nil:
		_, ok := ev.Fields[field]
		return ok == *m.present
	case m.not != nil:
		return !m.not.accepts(ev, field)
	}

	text := ev.Text(field)
	switch {
	case m.equals != nil:
		return text == *m.equals
	case m.oneOf != nil:
		return slices.Contains(m.oneOf, text)
	case m.re != nil:
		return m.re.MatchString(text)
	}
	return false
}

// runError shortens an expr error to its message and position. expr
// appends an excerpt of the source over two more lines, which would
// break one-line logs.
type runError struct{ err error }

func (e runError) Error() string {
	var fe *file.Error
	if !errors.As(e.err, &fe) {
		return e.err.Error()
	}
	return describe(fe)
}

func (e runError) Unwrap() error { return e.err }

// describe returns expr's message with its position when it has one.
func describe(fe *file.Error) string {
	if fe.Line == 0 {
		return fe.Message
	}
	return fmt.Sprintf("%s at line %d, column %d", fe.Message, fe.Line, fe.Column+1)
}
