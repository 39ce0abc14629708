package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads the configuration file at path and parses it with Parse. An
// unreadable file is an error wrapping the fs error; anything wrong inside
// the file is a Problems error.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes, completes and validates a configuration. file names the
// configuration in problems, and its directory is the base of relative
// *_file paths and template files. The state path and other paths that
// the running service opens are relative to the current directory, not
// to file.
//
// ${VAR} and ${VAR:-default} take values from the environment, and $$ is
// a literal $. A value always stays inside one YAML scalar, so it
// cannot add keys, and references in comments are ignored. Template
// files are not expanded. Decoding is strict: unknown keys, duplicate
// keys and values of the wrong type are problems. Then the *_file forms
// and template files are read, the defaults are filled in, and everything
// is validated. A file without channels gets a console channel, and a
// file without rules gets the rule "default", which sends every event to
// the console channel.
//
// On failure the error is a Problems listing every problem found, and the
// Config is nil. The returned Config is not changed afterwards, so it may
// be read from many goroutines.
func Parse(data []byte, file string) (*Config, error) {
	return parse(data, file, os.LookupEnv)
}

func parse(data []byte, file string, lookup func(string) (string, bool)) (*Config, error) {
	c := &Config{File: file, lines: map[string]int{}, included: map[string]includedFile{}}
	root, problems := readDocument(data, lookup)
	if root == nil && len(problems) > 0 {
		return nil, finish(problems, file)
	}

	d := decoder{file: file}
	if root != nil {
		recordLines(c.lines, root, "")
		d.decode(root, "", reflect.ValueOf(c).Elem())
	}
	problems = append(problems, d.problems...)
	c.ChannelOrder = channelOrder(mappingKeys(root, "channels"), c.Channels)

	dir := filepath.Dir(file)
	problems = append(problems, c.readSecretFiles(dir)...)
	problems = append(problems, c.readTemplateFiles(dir)...)
	// A configuration that did not decode gets no implicit console channel
	// or rule, which would only add confusing problems.
	c.applyDefaults(len(problems) == 0)
	problems = append(problems, withoutFollowUps(c.validate(), problems)...)
	if len(problems) > 0 {
		return nil, finish(problems, file)
	}
	return c, nil
}

// withoutFollowUps drops the validation problems on a path that already
// has a problem, or that lies above or below it: a variable that is not
// set leaves its value empty, and "missing secret value" would only repeat
// it. A problem without a path, such as an unknown top-level key, hides
// only the validation problems on its line.
func withoutFollowUps(validation, earlier Problems) Problems {
	var kept Problems
	for _, p := range validation {
		covered := slices.ContainsFunc(earlier, func(q Problem) bool {
			if q.Path == "" {
				return q.Line > 0 && q.Line == p.Line
			}
			return q.Path == p.Path || isUnder(q.Path, p.Path) || isUnder(p.Path, q.Path)
		})
		if !covered {
			kept = append(kept, p)
		}
	}
	return kept
}

// finish names file in the problems that name none and sorts them.
func finish(problems Problems, file string) Problems {
	for i := range problems {
		if problems[i].File == "" {
			problems[i].File = file
		}
	}
	sortProblems(problems, file)
	return problems
}

// readDocument expands environment references, unless lookup is nil, and
// parses data into the top node of its single YAML document. It returns a
// nil node for an empty document, and also when a problem makes the tree
// unsafe to decode.
func readDocument(data []byte, lookup func(string) (string, bool)) (*yaml.Node, Problems) {
	var env *expansion
	if lookup != nil {
		data, env = replaceReferences(data, lookup)
	}
	root, problems := parseYAML(data)
	if root == nil {
		return nil, problems
	}
	if env != nil {
		problems = append(problems, env.substitute(root, "")...)
	}
	if p := checkSize(root); p != nil {
		return nil, append(problems, *p)
	}
	return root, problems
}

// parseYAML returns the top node of the single document in text, or nil
// for an empty text or a syntax error.
func parseYAML(text []byte) (*yaml.Node, Problems) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, Problems{syntaxProblem(err)}
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, Problems{{Line: extra.Line, Message: "the file holds more than one YAML document", Hint: "remove the --- separator and merge the documents"}}
	case !errors.Is(err, io.EOF):
		return nil, Problems{syntaxProblem(err)}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// syntaxProblem turns a yaml.v3 syntax error, such as "yaml: line 3: did
// not find expected key", into a problem at that line.
func syntaxProblem(err error) Problem {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return Problem{Message: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	return Problem{Line: line, Message: "invalid YAML: " + m[2], Hint: "check the indentation and quoting around this line"}
}

// channelOrder returns the channel names in file order, followed by
// names not written in the file itself (from merge keys or defaults),
// sorted.
func channelOrder(written []string, channels map[string]Channel) []string {
	var order []string
	for _, name := range written {
		if _, ok := channels[name]; ok && !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	var rest []string
	for name := range channels {
		if !slices.Contains(order, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	return append(order, rest...)
}

// readSecretFiles fills secrets from their *_file forms.
func (c *Config) readSecretFiles(dir string) Problems {
	var problems Problems
	read := func(value *Secret, file, base, key string) {
		if file == "" {
			return
		}
		path := joinPath(base, key+"_file")
		if *value != "" {
			problems = append(problems, c.Problem(path, "both "+key+" and "+key+"_file are set", "set only one of them"))
			return
		}
		text, err := readValueFile(dir, file)
		if err != nil {
			problems = append(problems, c.Problem(path, err.Error(), ""))
			return
		}
		*value = Secret(text)
	}

	for i := range c.Webhook.Secrets {
		s := &c.Webhook.Secrets[i]
		read(&s.Value, s.ValueFile, indexPath("webhook.secrets", i), "value")
	}
	for _, name := range c.ChannelOrder {
		ch, base := c.Channels[name], "channels."+name
		if ch.Slack != nil {
			read(&ch.Slack.WebhookURL, ch.Slack.WebhookURLFile, base+".slack", "webhook_url")
			read(&ch.Slack.Token, ch.Slack.TokenFile, base+".slack", "token")
		}
		if ch.Discord != nil {
			read(&ch.Discord.WebhookURL, ch.Discord.WebhookURLFile, base+".discord", "webhook_url")
			read(&ch.Discord.Token, ch.Discord.TokenFile, base+".discord", "token")
		}
	}
	return problems
}

// readValueFile returns the content of a secret file, relative to dir,
// without its final line break. The error never holds the content.
func readValueFile(dir, file string) (string, error) {
	path := resolvePath(dir, file)
	data, err := readSmallFile(path, maxSecretFile)
	if err != nil {
		return "", err
	}
	text := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if text == "" {
		return "", fmt.Errorf("file %q is empty", path)
	}
	return text, nil
}

// Size limits of the files that a configuration names. Real secrets and
// templates are far smaller, and the limits stop a path such as /dev/zero
// from filling the memory.
const (
	maxSecretFile   = 64 << 10
	maxTemplateFile = 1 << 20
)

// readSmallFile reads a regular file of at most limit bytes. Devices and
// pipes are rejected because reading them may never end.
func readSmallFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, readError(path, err)
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return nil, readError(path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, readError(path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file %q is larger than %d bytes", path, limit)
	}
	return data, nil
}

// readError reports a failed read of path without repeating the path
// that an fs.PathError holds.
func readError(path string, err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err
	}
	return fmt.Errorf("cannot read file %q: %w", path, err)
}

func resolvePath(dir, file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(dir, file)
}

// readTemplateFiles replaces each template that names a file with the
// parts read from that file, keeping File. The parts' problems and lines
// belong to the template file.
func (c *Config) readTemplateFiles(dir string) Problems {
	var problems Problems
	names := make([]string, 0, len(c.Templates))
	for name, t := range c.Templates {
		if t.File != "" && len(t.inlineParts()) == 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	for _, name := range names {
		file, prefix := c.Templates[name].File, "templates."+name
		path := resolvePath(dir, file)
		data, err := readSmallFile(path, maxTemplateFile)
		if err != nil {
			problems = append(problems, c.Problem(prefix+".file", err.Error(), ""))
			continue
		}
		parts, inc, more := readTemplateFile(data, path, prefix)
		problems = append(problems, more...)
		parts.File = file
		c.Templates[name] = parts
		c.included[prefix] = inc
	}
	return problems
}

func readTemplateFile(data []byte, path, prefix string) (Template, includedFile, Problems) {
	var parts Template
	inc := includedFile{file: path, lines: map[string]int{prefix: 1}}
	// Template text is Go template source, where $ names variables, so
	// template files get no environment expansion.
	root, problems := readDocument(data, nil)
	if root == nil {
		return parts, inc, finish(problems, path)
	}

	recordLines(inc.lines, root, prefix)
	d := decoder{file: path}
	d.decode(root, prefix, reflect.ValueOf(&parts).Elem())
	problems = append(problems, d.problems...)
	if parts.File != "" {
		problems = append(problems, Problem{File: path, Line: inc.lines[prefix+".file"], Path: prefix + ".file", Message: "a template file cannot name another file", Hint: "write the parts in this file"})
	}
	return parts, inc, finish(problems, path)
}
