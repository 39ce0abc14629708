package rules

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// rule is one compiled config.Rule.
type rule struct {
	info RuleInfo

	teams []string
	from  []string
	to    []string

	fields []fieldRule
	when   *vm.Program

	repeats bool
	stale   bool
	// stop is set by continue: false.
	stop bool

	match Match
}

type fieldRule struct {
	name    string
	matcher *matcher
}

// matcher is a compiled config.FieldMatcher. Exactly one test is set.
type matcher struct {
	present *bool
	equals  *string
	oneOf   []string
	re      *regexp.Regexp
	not     *matcher
}

const (
	mentionHint = `write "user:U123" (a user), "group:S123" (a Slack user group) or "role:123" (a Discord role)`
	matcherHint = "set exactly one of equals, one_of, regex, not, present"
)

var mentionKinds = map[string]notifier.MentionKind{
	"user":  notifier.MentionUser,
	"group": notifier.MentionGroup,
	"role":  notifier.MentionRole,
}

// conditionEnv is the environment that `when:` conditions are
// type-checked against.
type conditionEnv struct {
	// sample has every key of view.Build with a value of its type.
	sample map[string]any
	// names lists the sample's keys for hints, sorted.
	names string
}

// newConditionEnv builds the sample from an event whose times are set,
// so `modified` and `received` are typed as time.Time and conditions can
// do arithmetic on them. At run time they can still be nil.
func newConditionEnv() conditionEnv {
	t := time.Unix(0, 0).UTC()
	ev := &notifier.Event{Modified: t, Received: t, Fields: map[string]any{}}
	sample := view.Build(ev, notifier.Transition{}, view.Options{Now: t})
	keys := slices.Sorted(maps.Keys(sample))
	return conditionEnv{sample: sample, names: strings.Join(keys, ", ")}
}

func compileRule(cfg *config.Config, i int, env conditionEnv) (*rule, config.Problems) {
	src := cfg.Rules[i]
	path := "rules[" + strconv.Itoa(i) + "]"
	var problems config.Problems

	mentions, ps := compileMentions(cfg, path+".mention", src.Mention)
	problems = append(problems, ps...)
	fields, ps := compileFields(cfg, path+".match.fields", src.Match.Fields)
	problems = append(problems, ps...)
	calm, ps := compileCalm(cfg, path, src, env)
	problems = append(problems, ps...)
	when, err := compileWhen(src.Match.When, env)
	if err != nil {
		problems = append(problems, cfg.Problem(path+".match.when", "invalid when condition", conditionHint(err, env)))
	}

	r := &rule{
		info: RuleInfo{
			Name:     src.Name,
			Index:    i,
			Events:   eventNames(src.Match.Event),
			Doctypes: nilIfEmpty(src.Match.Doctype),
			Channels: src.Notify,
			Template: src.Template,
			Mentions: mentions,
			For:      src.For.Duration(),
			To:       nilIfEmpty(src.Match.To),
			Calm:     calm,
		},
		teams:   src.Match.Team,
		from:    src.Match.From,
		to:      src.Match.To,
		fields:  fields,
		when:    when,
		repeats: src.Match.Repeats,
		stale:   src.Match.Stale,
		stop:    src.Continue != nil && !*src.Continue,
	}
	r.match = Match{Rule: src.Name, Channels: src.Notify, Template: src.Template, Mentions: mentions, Calm: calm}
	return r, problems
}

// eventNames returns the listed event names, or nil when the rule
// receives every event.
func eventNames(list config.StringList) []string {
	if len(list) == 0 || slices.Contains(list, "*") {
		return nil
	}
	return list
}

func nilIfEmpty(list config.StringList) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

func compileMentions(cfg *config.Config, path string, list []string) ([]notifier.Mention, config.Problems) {
	var mentions []notifier.Mention
	var problems config.Problems
	for j, text := range list {
		m, ok := parseMention(text)
		if !ok {
			at := path + "[" + strconv.Itoa(j) + "]"
			problems = append(problems, cfg.Problem(at, fmt.Sprintf("invalid mention %q", text), mentionHint))
			continue
		}
		mentions = append(mentions, m)
	}
	return mentions, problems
}

// parseMention reads "kind:id". The id must be letters and digits, as
// Slack and Discord ids are, so a mention cannot smuggle markup into a
// message.
func parseMention(text string) (notifier.Mention, bool) {
	name, id, ok := strings.Cut(text, ":")
	kind, known := mentionKinds[name]
	if !ok || !known || id == "" {
		return notifier.Mention{}, false
	}
	for _, c := range id {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return notifier.Mention{}, false
		}
	}
	return notifier.Mention{Kind: kind, ID: id}, true
}

// compileFields compiles the field matchers in field name order, so
// Match and the problems it reports do not depend on map order.
func compileFields(cfg *config.Config, path string, fields map[string]config.FieldMatcher) ([]fieldRule, config.Problems) {
	var compiled []fieldRule
	var problems config.Problems
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		fm := fields[name]
		m, ps := compileMatcher(cfg, path+"."+name, &fm)
		problems = append(problems, ps...)
		compiled = append(compiled, fieldRule{name: name, matcher: m})
	}
	return compiled, problems
}

func compileMatcher(cfg *config.Config, path string, fm *config.FieldMatcher) (*matcher, config.Problems) {
	switch {
	case fm.Present != nil:
		return &matcher{present: fm.Present}, nil
	case fm.Not != nil:
		inner, ps := compileMatcher(cfg, path+".not", fm.Not)
		return &matcher{not: inner}, ps
	case fm.Regex != "":
		re, err := regexp.Compile(fm.Regex)
		if err != nil {
			p := cfg.Problem(path+".regex", fmt.Sprintf("invalid regex %q", fm.Regex), err.Error())
			return &matcher{}, config.Problems{p}
		}
		return &matcher{re: re}, nil
	case fm.OneOf != nil:
		return &matcher{oneOf: fm.OneOf}, nil
	case fm.Equals != nil:
		return &matcher{equals: fm.Equals}, nil
	}
	return &matcher{}, config.Problems{cfg.Problem(path, "empty matcher", matcherHint)}
}

// compileWhen returns nil for an empty condition. The program returns a
// bool, and a condition naming a top-level key that view.Build does not
// provide fails here rather than at run time.
func compileWhen(source string, env conditionEnv) (*vm.Program, error) {
	if strings.TrimSpace(source) == "" {
		return nil, nil
	}
	return expr.Compile(source, expr.Env(env.sample), expr.AsBool())
}

// conditionHint returns expr's message with its position, and for an
// unknown name the names a condition can use.
func conditionHint(err error, env conditionEnv) string {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return err.Error()
	}

	hint := describe(fe)
	if strings.HasPrefix(fe.Message, "unknown name") {
		hint += ". Conditions can use " + env.names + ", and payload fields under data, such as data.retry_count"
	}
	return hint
}
