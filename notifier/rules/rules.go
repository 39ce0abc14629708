// Package rules decides which configured rules an event fires.
//
// Compile turns the rules of a configuration into an Engine once, at
// load time: `when:` conditions, field regexes and mentions are checked
// and compiled there, so Match does no parsing and reports only what can
// fail at run time.
package rules

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
)

// Match is one rule that fired for an event: where to post and how.
// Channels and Mentions are shared with the Engine and must not be
// modified.
type Match struct {
	Rule     string
	Channels []string
	// Template is the rule's template name, empty for the event's default.
	Template string
	Mentions []notifier.Mention
	// Calm holds the rule's grouping, repeat, settle, living message and
	// quiet hours options, nil when it sets none. It is shared with the
	// Engine and must not be modified.
	Calm *Calm
}

// RuleInfo describes a compiled rule for tools that check a
// configuration. Its slices are shared with the Engine and must not be
// modified.
type RuleInfo struct {
	Name string
	// Index is the rule's position in the configuration's rules list.
	Index int
	// Events lists the event names the rule can receive, nil when it
	// receives every event (no event list, or one containing "*").
	Events []string
	// Doctypes lists the doctypes the rule accepts, nil for any.
	Doctypes []string
	Channels []string
	Template string
	Mentions []notifier.Mention
	// For is the rule's `for:` duration, zero when it fires on events.
	// To lists the statuses of its `to:`.
	For time.Duration
	To  []string
	// Calm is the rule's Match.Calm.
	Calm *Calm
}

// Engine holds compiled rules. It is immutable after Compile and safe
// for concurrent use. The zero value has no rules and matches nothing.
type Engine struct {
	rules []*rule

	// byEvent holds, for each event name that some rule lists, the rules
	// that can receive that event in configuration order: those listing
	// it and those receiving every event. Any other event name can reach
	// only anyEvent.
	byEvent  map[string][]*rule
	anyEvent []*rule

	// machines reuses expr virtual machines across Match calls, because a
	// fresh one allocates its stack on every run.
	machines sync.Pool
}

// Compile compiles every rule of cfg. When a rule is invalid it returns
// config.Problems listing every problem found, sorted by line, each with
// the YAML path of the offending value, such as "rules[2].match.when",
// and a hint.
//
// Compile checks only what it compiles: `when:` conditions, regexes,
// mentions and matchers that set nothing. Rule names, channels and
// templates are left to config.Load.
func Compile(cfg *config.Config) (*Engine, error) {
	env := newConditionEnv()

	var problems config.Problems
	e := &Engine{byEvent: map[string][]*rule{}}
	for i := range cfg.Rules {
		r, ps := compileRule(cfg, i, env)
		problems = append(problems, ps...)
		e.rules = append(e.rules, r)
	}
	if len(problems) > 0 {
		sortByLine(problems)
		return nil, problems
	}

	e.index()
	return e, nil
}

// sortByLine orders problems as config.Load does: by line, keeping the
// order of problems on one line, and those without a line last.
func sortByLine(problems config.Problems) {
	slices.SortStableFunc(problems, func(a, b config.Problem) int {
		switch {
		case a.Line == b.Line:
			return 0
		case a.Line == 0:
			return 1
		case b.Line == 0:
			return -1
		}
		return cmp.Compare(a.Line, b.Line)
	})
}

// index fills byEvent and anyEvent. Every list keeps configuration
// order, so a rule with continue: false still stops the later rules.
func (e *Engine) index() {
	names := map[string]bool{}
	for _, r := range e.rules {
		for _, name := range r.info.Events {
			names[name] = true
		}
	}
	for name := range names {
		var list []*rule
		for _, r := range e.rules {
			if r.receives(name) {
				list = append(list, r)
			}
		}
		e.byEvent[name] = list
	}
	for _, r := range e.rules {
		if r.info.Events == nil {
			e.anyEvent = append(e.anyEvent, r)
		}
	}
}

// Rules returns the rule names in configuration order.
func (e *Engine) Rules() []string {
	names := make([]string, len(e.rules))
	for i, r := range e.rules {
		names[i] = r.info.Name
	}
	return names
}

// Rule returns the compiled rule with the given name, the first one when
// several share it, and whether there is one.
func (e *Engine) Rule(name string) (RuleInfo, bool) {
	for _, r := range e.rules {
		if r.info.Name == name {
			return r.info, true
		}
	}
	return RuleInfo{}, false
}

func (e *Engine) machine() *vm.VM {
	if m, ok := e.machines.Get().(*vm.VM); ok {
		return m
	}
	return &vm.VM{}
}
