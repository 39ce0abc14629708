package config

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a configuration, located by file, line
// and YAML path such as "rules[2].match.to". Line is 0 when unknown, and
// Path is empty for problems with the file as a whole. Message and Hint
// never contain a secret or a webhook URL.
type Problem struct {
	File    string
	Line    int
	Path    string
	Message string
	Hint    string
}

// Error formats the problem as "file:line: path: message (hint: hint)",
// leaving out the parts that are empty. A problem without a file, as the
// value decoders return, starts with "line N:".
func (p Problem) Error() string {
	var b strings.Builder
	switch {
	case p.File != "" && p.Line > 0:
		b.WriteString(p.File + ":" + strconv.Itoa(p.Line) + ": ")
	case p.File != "":
		b.WriteString(p.File + ": ")
	case p.Line > 0:
		b.WriteString("line " + strconv.Itoa(p.Line) + ": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Message)
	if p.Hint != "" {
		b.WriteString(" (hint: " + p.Hint + ")")
	}
	return b.String()
}

// Problems is every problem found in one configuration. Parse and Load
// return it as their error, sorted by line.
type Problems []Problem

// Error returns the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as errors, so errors.As finds a Problem.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// sortProblems orders problems by file, the configuration file first,
// then by line, keeping the order of problems on the same line and
// putting those without a line last.
func sortProblems(ps Problems, file string) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.File != b.File {
			if a.File == file || b.File == file {
				return cmp.Compare(boolRank(a.File != file), boolRank(b.File != file))
			}
			return cmp.Compare(a.File, b.File)
		}
		if (a.Line == 0) != (b.Line == 0) {
			return cmp.Compare(boolRank(a.Line == 0), boolRank(b.Line == 0))
		}
		return cmp.Compare(a.Line, b.Line)
	})
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Problem returns a problem at the YAML path, with File and Line taken
// from where the path was written. When the path itself was not written,
// for example a key left to its default, the line of its nearest written
// ancestor is used. Packages that compile parts of the configuration
// (templates, when: expressions, regexes) use it to report their errors.
func (c *Config) Problem(path, message, hint string) Problem {
	file, line := c.position(path)
	return Problem{File: file, Line: line, Path: path, Message: message, Hint: hint}
}

// Line returns the line where the YAML path, or its nearest written
// ancestor, was written, or 0 when none was. For parts of a template read
// from its own file the line is in that file; Problem also names the file.
func (c *Config) Line(path string) int {
	_, line := c.position(path)
	return line
}

func (c *Config) position(path string) (file string, line int) {
	for prefix, inc := range c.included {
		if path == prefix || path == prefix+".file" || !isUnder(path, prefix) {
			continue
		}
		return inc.file, nearestLine(inc.lines, path)
	}
	return c.File, nearestLine(c.lines, path)
}

func nearestLine(lines map[string]int, path string) int {
	for {
		if line, ok := lines[path]; ok {
			return line
		}
		if path == "" {
			return 0
		}
		path = parentPath(path)
	}
}

// parentPath strips the last ".key" or "[i]" from a path; the parent of a
// top-level key is "".
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// isUnder reports whether path lies strictly inside prefix.
func isUnder(path, prefix string) bool {
	rest, ok := strings.CutPrefix(path, prefix)
	return ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "["))
}

// joinPath appends a relative path ("key", "[2]", "not.regex") to a base.
func joinPath(base, rel string) string {
	switch {
	case rel == "":
		return base
	case base == "":
		return rel
	case strings.HasPrefix(rel, "["):
		return base + rel
	default:
		return base + "." + rel
	}
}

// indexPath returns base + "[i]".
func indexPath(base string, i int) string {
	return base + "[" + strconv.Itoa(i) + "]"
}
