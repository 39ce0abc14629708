package config

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Environment references are expanded in two steps. Before parsing, each
// ${VAR} in the raw text becomes a placeholder made of letters, digits
// and underscores, which YAML reads the same in every context, flow
// mappings included. After parsing, the placeholders inside scalars are
// replaced by the values. So a value with ": ", "#", quotes or line
// breaks stays one string and cannot change the structure of the file,
// and a reference inside a comment is never looked up.

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

const envHint = "write ${NAME} or ${NAME:-default}, and $$ for a literal $"

// envRef is one ${VAR} reference in the raw text. A malformed reference
// has a message instead of a value.
type envRef struct {
	name    string
	line    int
	value   string
	set     bool
	message string
}

// expansion holds the references replaced by placeholders in one text.
type expansion struct {
	prefix      string
	placeholder *regexp.Regexp
	refs        []envRef
}

// replaceReferences returns data with $$ turned into $ and each ${VAR}
// or ${VAR:-default} turned into a placeholder. The default applies when
// VAR is unset or empty. An unterminated "${" or an invalid name also
// becomes a placeholder. substitute reports these, and variables without
// a value, only where a placeholder ends up in a value, so comments may
// hold anything.
func replaceReferences(data []byte, lookup func(string) (string, bool)) ([]byte, *expansion) {
	e := &expansion{prefix: "__fcnotify_env_"}
	for bytes.Contains(data, []byte(e.prefix)) {
		e.prefix += "x_"
	}
	e.placeholder = regexp.MustCompile(regexp.QuoteMeta(e.prefix) + `([0-9]+)__`)

	var out bytes.Buffer
	line := 1
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line++
		}
		switch {
		case c != '$' || i+1 == len(data):
			out.WriteByte(c)
		case data[i+1] == '$':
			out.WriteByte('$')
			i++
		case data[i+1] == '{':
			ref, length := readReference(data[i:], line, lookup)
			out.WriteString(e.prefix + strconv.Itoa(len(e.refs)) + "__")
			e.refs = append(e.refs, ref)
			i += length - 1
		default:
			out.WriteByte(c)
		}
	}
	return out.Bytes(), e
}

// readReference reads the reference at the start of text, which begins
// with "${", and returns it with the number of bytes it takes.
func readReference(text []byte, line int, lookup func(string) (string, bool)) (envRef, int) {
	end := bytes.IndexAny(text, "}\n")
	if end < 0 || text[end] != '}' {
		return envRef{line: line, message: "unterminated environment variable reference"}, len("${")
	}

	name, fallback, hasDefault := strings.Cut(string(text[2:end]), ":-")
	ref := envRef{name: name, line: line}
	if !envName.MatchString(name) {
		ref.message = "invalid environment variable name " + strconv.Quote(name)
		return ref, end + 1
	}
	ref.value, ref.set = lookup(name)
	if hasDefault && ref.value == "" {
		ref.value, ref.set = fallback, true
	}
	return ref, end + 1
}

// substitute replaces the placeholders in every scalar under n, keys
// included, and returns a problem for each variable that has no value.
// A plain scalar that was a placeholder gets its type from the value, so
// "max_backlog: ${BACKLOG}" reads a number. A non-empty value never reads
// as null, so a secret such as "null" stays a string.
func (e *expansion) substitute(n *yaml.Node, path string) Problems {
	var problems Problems
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for i, child := range n.Content {
			childPath := path
			if n.Kind == yaml.SequenceNode {
				childPath = indexPath(path, i)
			}
			problems = append(problems, e.substitute(child, childPath)...)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			problems = append(problems, e.substitute(n.Content[i], path)...)
			problems = append(problems, e.substitute(n.Content[i+1], joinPath(path, n.Content[i].Value))...)
		}
	case yaml.ScalarNode:
		problems = e.substituteScalar(n, path)
	}
	return problems
}

func (e *expansion) substituteScalar(n *yaml.Node, path string) Problems {
	if len(e.refs) == 0 || !strings.Contains(n.Value, e.prefix) {
		return nil
	}
	var problems Problems
	n.Value = e.placeholder.ReplaceAllStringFunc(n.Value, func(match string) string {
		i, err := strconv.Atoi(e.placeholder.FindStringSubmatch(match)[1])
		if err != nil || i >= len(e.refs) {
			return match
		}
		ref := e.refs[i]
		if ref.message != "" {
			problems = append(problems, Problem{Line: ref.line, Path: path, Message: ref.message, Hint: envHint})
			return ""
		}
		if !ref.set {
			problems = append(problems, Problem{
				Line:    ref.line,
				Path:    path,
				Message: "environment variable " + strconv.Quote(ref.name) + " is not set",
				Hint:    "set it, or give a default with ${" + ref.name + ":-default}",
			})
		}
		return ref.value
	})

	const fixedStyles = yaml.TaggedStyle | yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle
	if n.Style&fixedStyles == 0 {
		n.Tag = ""
		if n.Value != "" && n.ShortTag() == "!!null" {
			n.Tag = "!!str"
		}
	}
	return problems
}
