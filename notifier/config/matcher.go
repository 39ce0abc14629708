package config

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// matcherKeys are the keys of a FieldMatcher mapping, in the order
// messages list them.
var matcherKeys = []string{"equals", "one_of", "regex", "not", "present"}

// maxMatcherDepth bounds how deeply "not" may nest. It also stops an
// alias that names its own anchor from recursing forever.
const maxMatcherDepth = 8

const matcherHint = "set exactly one of equals, one_of, regex, not, present"

// UnmarshalYAML reads a scalar as Equals, a list as OneOf, and a mapping
// with exactly one of equals, one_of, regex, not and present. Errors are
// Problems whose Path is relative to the matcher, such as "not.regex".
func (m *FieldMatcher) UnmarshalYAML(n *yaml.Node) error {
	return m.unmarshal(n, 0)
}

func (m *FieldMatcher) unmarshal(n *yaml.Node, depth int) error {
	n = resolveAlias(n)
	*m = FieldMatcher{}
	if depth > maxMatcherDepth {
		return Problem{Line: n.Line, Message: "matchers nest too deeply", Hint: "use at most 8 levels of not"}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if isNull(n) {
			return Problem{Line: n.Line, Message: "empty matcher", Hint: `write a value, a list, or a mapping; write "" to match an empty value`}
		}
		value := n.Value
		m.Equals = &value
		return nil
	case yaml.SequenceNode:
		return m.unmarshalOneOf(n)
	case yaml.MappingNode:
		return m.unmarshalMapping(n, depth)
	default:
		return Problem{Line: n.Line, Message: "expected a value, a list or a mapping, found " + kindName(n)}
	}
}

func (m *FieldMatcher) unmarshalOneOf(n *yaml.Node) error {
	var list StringList
	if err := list.UnmarshalYAML(n); err != nil {
		return err
	}
	if len(list) == 0 {
		return Problem{Line: n.Line, Message: "empty list matches nothing", Hint: "list at least one value"}
	}
	m.OneOf = list
	return nil
}

func (m *FieldMatcher) unmarshalMapping(n *yaml.Node, depth int) error {
	var set []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := resolveAlias(n.Content[i]), n.Content[i+1]
		if !slices.Contains(matcherKeys, key.Value) {
			return Problem{Line: key.Line, Message: unknownKeyMessage(key.Value, matcherKeys)}
		}
		if slices.Contains(set, key.Value) {
			return Problem{Line: key.Line, Message: "duplicate key " + strconv.Quote(key.Value)}
		}
		set = append(set, key.Value)
		if err := m.setKey(key.Value, value, depth); err != nil {
			return prefixProblem(err, key.Value, value)
		}
	}
	switch len(set) {
	case 0:
		return Problem{Line: n.Line, Message: "empty matcher", Hint: matcherHint}
	case 1:
		return nil
	default:
		return Problem{Line: n.Line, Message: "matcher sets " + strings.Join(set, " and "), Hint: matcherHint}
	}
}

func (m *FieldMatcher) setKey(key string, value *yaml.Node, depth int) error {
	value = resolveAlias(value)
	switch key {
	case "equals":
		if value.Kind != yaml.ScalarNode {
			return Problem{Line: value.Line, Message: "expected a value, found " + kindName(value)}
		}
		text := nullAsEmpty(value)
		m.Equals = &text
	case "one_of":
		return m.unmarshalOneOf(value)
	case "regex":
		if value.Kind != yaml.ScalarNode || nullAsEmpty(value) == "" {
			return Problem{Line: value.Line, Message: "expected a regular expression", Hint: `write one such as "^prod-"`}
		}
		m.Regex = value.Value
	case "not":
		m.Not = new(FieldMatcher)
		return m.Not.unmarshal(value, depth+1)
	case "present":
		var present bool
		if value.Kind != yaml.ScalarNode || value.Decode(&present) != nil {
			return Problem{Line: value.Line, Message: "expected true or false"}
		}
		m.Present = &present
	}
	return nil
}

// MarshalYAML writes the matcher in its shortest form: a scalar for
// Equals, a list for OneOf, else a one-key mapping.
func (m FieldMatcher) MarshalYAML() (any, error) {
	switch {
	case m.Present != nil:
		return map[string]bool{"present": *m.Present}, nil
	case m.Not != nil:
		return map[string]*FieldMatcher{"not": m.Not}, nil
	case m.Regex != "":
		return map[string]string{"regex": m.Regex}, nil
	case m.OneOf != nil:
		return []string(m.OneOf), nil
	case m.Equals != nil:
		return *m.Equals, nil
	default:
		return nil, nil
	}
}

// prefixProblem puts key in front of the relative path of a Problem from
// a nested value; other errors become a Problem at the value.
func prefixProblem(err error, key string, value *yaml.Node) error {
	var p Problem
	if !errors.As(err, &p) {
		return Problem{Line: value.Line, Path: key, Message: err.Error()}
	}
	p.Path = joinPath(key, p.Path)
	return p
}

func unknownKeyMessage(key string, known []string) string {
	return "unknown key " + strconv.Quote(key) + " (known keys: " + strings.Join(known, ", ") + ")"
}
