package config

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// mentionPattern is the form of a Rule.Mention entry.
var mentionPattern = regexp.MustCompile(`^(user|group|role):[A-Za-z0-9]+$`)

func (c *Config) validateRules() Problems {
	var problems Problems
	first := map[string]int{}
	for i, r := range c.Rules {
		base := indexPath("rules", i)
		switch j, dup := first[r.Name]; {
		case strings.TrimSpace(r.Name) == "":
			problems = append(problems, c.Problem(base+".name", "missing rule name", "give each rule a unique name, which logs and metrics show"))
		case dup:
			problems = append(problems, c.Problem(base+".name", "duplicate rule name "+strconv.Quote(r.Name)+" (first defined "+c.where(indexPath("rules", j)+".name")+")", "give each rule a unique name"))
		default:
			first[r.Name] = i
		}
		problems = append(problems, c.validateNotify(base, r.Notify)...)
		if r.Template != "" && !c.isTemplate(r.Template) {
			problems = append(problems, c.Problem(base+".template", "unknown template "+strconv.Quote(r.Template), "known templates are "+strings.Join(c.templateNames(), ", ")))
		}
		for j, m := range r.Mention {
			if !mentionPattern.MatchString(m) {
				problems = append(problems, c.Problem(indexPath(base+".mention", j), "invalid mention "+strconv.Quote(m), "write user:ID, group:ID or role:ID, such as user:U0123ABCD"))
			}
		}
	}
	return problems
}

func (c *Config) validateNotify(base string, notify []string) Problems {
	if len(notify) == 0 {
		return Problems{c.Problem(base+".notify", "missing notify", "list the channels to send to, such as [ops]")}
	}
	var problems Problems
	for j, name := range notify {
		if _, ok := c.Channels[name]; ok {
			continue
		}
		hint := "no channels are defined; define them under channels"
		if len(c.ChannelOrder) > 0 {
			hint = "defined channels are " + strings.Join(c.ChannelOrder, ", ")
		}
		problems = append(problems, c.Problem(indexPath(base+".notify", j), "unknown channel "+strconv.Quote(name), hint))
	}
	return problems
}

// where returns the position of path for messages: "on line 5", or
// "at rules[0]" when its line is unknown.
func (c *Config) where(path string) string {
	if line := c.Line(path); line > 0 {
		return "on line " + strconv.Itoa(line)
	}
	return "at " + path
}

func (c *Config) isTemplate(name string) bool {
	_, ok := c.Templates[name]
	return ok || slices.Contains(BuiltinTemplates, name)
}

// templateNames lists the defined templates, sorted, then the built-in
// ones that no defined template replaces.
func (c *Config) templateNames() []string {
	var names []string
	for name := range c.Templates {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range BuiltinTemplates {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

func (c *Config) validateTemplates() Problems {
	var problems Problems
	names := make([]string, 0, len(c.Templates))
	for name := range c.Templates {
		names = append(names, name)
	}
	slices.Sort(names)

	for _, name := range names {
		t, base := c.Templates[name], "templates."+name
		if _, loaded := c.included[base]; t.File != "" && !loaded {
			// Either the file was not read, which is already a problem, or
			// inline parts sit beside it.
			if parts := t.inlineParts(); len(parts) > 0 {
				problems = append(problems, c.Problem(base+".file", "file is set with inline parts ("+strings.Join(parts, ", ")+")", "move the parts into the file, or remove file"))
			}
			continue
		}
		problems = append(problems, c.validateTemplate(base, t)...)
	}
	return problems
}

func (c *Config) validateTemplate(base string, t Template) Problems {
	var problems Problems
	missing := func(path, key string) {
		problems = append(problems, c.Problem(path, "missing "+key, ""))
	}
	if strings.TrimSpace(t.Title) == "" {
		problems = append(problems, c.Problem(base+".title", "missing title", "every template needs a title"))
	}
	for i, f := range t.Fields {
		path := indexPath(base+".fields", i)
		if f.Name == "" {
			missing(path+".name", "name")
		}
		if f.Value == "" {
			missing(path+".value", "value")
		}
	}
	for i, l := range t.Links {
		path := indexPath(base+".links", i)
		if l.Text == "" {
			missing(path+".text", "text")
		}
		if l.URL == "" {
			missing(path+".url", "url")
		}
	}
	return problems
}

// inlineParts lists the YAML keys of the parts set in the template
// itself.
func (t Template) inlineParts() []string {
	var parts []string
	for _, part := range []struct {
		key string
		set bool
	}{
		{"title", t.Title != ""},
		{"url", t.URL != ""},
		{"text", t.Text != ""},
		{"fields", len(t.Fields) > 0},
		{"color", t.Color != ""},
		{"footer", t.Footer != ""},
		{"links", len(t.Links) > 0},
	} {
		if part.set {
			parts = append(parts, part.key)
		}
	}
	return parts
}
