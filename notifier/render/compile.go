package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/templates"
)

// TemplateError is a template that failed to compile or to render.
type TemplateError struct {
	// Template is the template name.
	Template string
	// Part is the part's path inside the template: "title", "url",
	// "text", "color", "footer", "fields[2].value", "links[0].url".
	// It is empty when the error is about the template as a whole.
	Part string
	// Platform is set for render errors, empty for compile errors,
	// which are the same on every platform.
	Platform notifier.Platform
	Err      error
}

func (e *TemplateError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "template %q", e.Template)
	if e.Part != "" {
		b.WriteString(" " + e.Part)
	}
	if e.Platform != "" {
		b.WriteString(" for " + string(e.Platform))
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *TemplateError) Unwrap() error { return e.Err }

// newTemplateError returns a TemplateError whose Err reads without the
// "template: name:" prefix that text/template adds, because the
// TemplateError already names the template and part: "line 3:14:
// unclosed action". Err still unwraps to the text/template error.
func newTemplateError(template, part string, platform notifier.Platform, err error) *TemplateError {
	internal := template + "." + part
	if rest, ok := strings.CutPrefix(err.Error(), "template: "+internal+":"); ok {
		rest = strings.Replace(rest, `executing "`+internal+`" `, "", 1)
		err = &lineError{msg: "line " + rest, err: err}
	}
	return &TemplateError{Template: template, Part: part, Platform: platform, Err: err}
}

// lineError is a text/template error with a shorter text.
type lineError struct {
	msg string
	err error
}

func (e *lineError) Error() string { return e.msg }
func (e *lineError) Unwrap() error { return e.err }

// TemplateErrors lists every template error New found, sorted by
// template name and then in part order.
type TemplateErrors []*TemplateError

func (errs TemplateErrors) Error() string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// platforms are the platforms every template is compiled for.
var platforms = []notifier.Platform{notifier.PlatformSlack, notifier.PlatformDiscord, notifier.PlatformConsole}

// partKind is what a part becomes in the message, which decides its
// flavor on each platform.
type partKind int

const (
	kindMarkup   partKind = iota // text, field names and values
	kindTitle                    // Slack header block, Discord embed title
	kindFooter                   // Slack context line, Discord embed footer
	kindLinkText                 // Slack button label, Discord masked link text
	kindPlain                    // title URL, link URLs and colour: values, never markup
)

// flavorOf returns the markup a part is written in on a platform. Slack
// shows titles and button labels as plain_text and Discord shows embed
// footers without markdown, so those parts are plain there: escaping
// would show as stray characters.
func flavorOf(p notifier.Platform, k partKind) flavor {
	if k == kindPlain || p == notifier.PlatformConsole {
		return flavorPlain
	}
	if p == notifier.PlatformSlack {
		if k == kindTitle || k == kindLinkText {
			return flavorPlain
		}
		return flavorSlack
	}
	if k == kindFooter {
		return flavorPlain
	}
	return flavorDiscord
}

// part is one compiled template part. A nil *part renders "", and a
// part without a template renders static.
type part struct {
	path   string
	flavor flavor
	tmpl   *template.Template
	static string
}

// compiled is one template compiled for one platform.
type compiled struct {
	title, url, text, color, footer *part
	fields                          []fieldParts
	links                           []linkParts
}

type fieldParts struct {
	name, value *part
	inline      bool
}

type linkParts struct {
	text, url *part
}

// compiler compiles templates, collecting every error instead of
// stopping at the first one.
type compiler struct {
	funcs map[flavor]template.FuncMap
	// roots holds one template namespace per template and flavor. Its
	// parts are added to it, because Funcs converts the whole function
	// map, sprig included, on every call: once per part cost megabytes.
	// The parts of one template therefore share {{ define }} names.
	roots map[rootKey]*template.Template
	errs  TemplateErrors
}

type rootKey struct {
	name   string
	flavor flavor
}

func newCompiler(zone *time.Location, now func() time.Time) *compiler {
	c := &compiler{funcs: make(map[flavor]template.FuncMap, 3), roots: map[rootKey]*template.Template{}}
	for _, f := range []flavor{flavorPlain, flavorSlack, flavorDiscord} {
		c.funcs[f] = funcMap(f, zone, now)
	}
	return c
}

// compile returns the template compiled for each platform, or nil after
// recording its errors.
func (c *compiler) compile(name string, t config.Template) map[notifier.Platform]*compiled {
	before := len(c.errs)
	c.check(name, t)

	out := make(map[notifier.Platform]*compiled, len(platforms))
	for i, p := range platforms {
		// Only the first platform records errors: a template that does
		// not parse fails the same way on all of them.
		record := i == 0
		ct := &compiled{
			title:  c.part(name, "title", t.Title, p, kindTitle, record),
			url:    c.part(name, "url", t.URL, p, kindPlain, record),
			text:   c.part(name, "text", t.Text, p, kindMarkup, record),
			color:  c.part(name, "color", t.Color, p, kindPlain, record),
			footer: c.part(name, "footer", t.Footer, p, kindFooter, record),
		}
		for j, f := range t.Fields {
			ct.fields = append(ct.fields, fieldParts{
				name:   c.part(name, fmt.Sprintf("fields[%d].name", j), f.Name, p, kindMarkup, record),
				value:  c.part(name, fmt.Sprintf("fields[%d].value", j), f.Value, p, kindMarkup, record),
				inline: f.Inline,
			})
		}
		for j, l := range t.Links {
			ct.links = append(ct.links, linkParts{
				text: c.part(name, fmt.Sprintf("links[%d].text", j), l.Text, p, kindLinkText, record),
				url:  c.part(name, fmt.Sprintf("links[%d].url", j), l.URL, p, kindPlain, record),
			})
		}
		out[p] = ct
	}
	if len(c.errs) > before {
		return nil
	}
	return out
}

// check records the mistakes of a template's shape that parsing cannot
// see: a template with nothing to show, and fields or links with a
// missing half.
func (c *compiler) check(name string, t config.Template) {
	if strings.TrimSpace(t.Title+t.Text) == "" && len(t.Fields) == 0 {
		c.fail(name, "", errors.New("has no title, text or fields: set at least one"))
	}
	for i, f := range t.Fields {
		if strings.TrimSpace(f.Name) == "" {
			c.fail(name, fmt.Sprintf("fields[%d].name", i), errors.New("is empty: every field needs a name"))
		}
	}
	for i, l := range t.Links {
		if strings.TrimSpace(l.Text) == "" {
			c.fail(name, fmt.Sprintf("links[%d].text", i), errors.New("is empty: every link needs a text"))
		}
		if strings.TrimSpace(l.URL) == "" {
			c.fail(name, fmt.Sprintf("links[%d].url", i), errors.New("is empty: every link needs a url"))
		}
	}
}

func (c *compiler) part(name, path, src string, p notifier.Platform, k partKind, record bool) *part {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	f := flavorOf(p, k)
	if !strings.Contains(src, "{{") {
		// Text without actions renders as itself. The field names and
		// link texts of the default templates are all such text, so
		// skipping the template engine for them saves much of its cost.
		return &part{path: path, flavor: f, static: strings.TrimSpace(src)}
	}
	tmpl, err := c.root(name, f).New(name + "." + path).Parse(src)
	if err != nil {
		if record {
			c.fail(name, path, err)
		}
		return nil
	}
	return &part{path: path, flavor: f, tmpl: tmpl}
}

func (c *compiler) root(name string, f flavor) *template.Template {
	key := rootKey{name, f}
	if root, ok := c.roots[key]; ok {
		return root
	}
	root := template.New(name).Option("missingkey=error").Funcs(c.funcs[f])
	c.roots[key] = root
	return root
}

func (c *compiler) fail(name, path string, err error) {
	c.errs = append(c.errs, newTemplateError(name, path, "", err))
}

// builtinTemplates reads the default templates embedded in the binary,
// keyed by file name without ".yaml".
func builtinTemplates() (map[string]config.Template, error) {
	files, err := fs.Glob(templates.FS, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list built-in templates: %w", err)
	}
	out := make(map[string]config.Template, len(files))
	for _, file := range files {
		src, err := fs.ReadFile(templates.FS, file)
		if err != nil {
			return nil, fmt.Errorf("read built-in template %q: %w", file, err)
		}
		var t config.Template
		dec := yaml.NewDecoder(bytes.NewReader(src))
		dec.KnownFields(true)
		if err := dec.Decode(&t); err != nil {
			return nil, fmt.Errorf("decode built-in template %q: %w", file, err)
		}
		out[strings.TrimSuffix(path.Base(file), ".yaml")] = t
	}
	return out, nil
}

// sortedNames returns the keys of a map in order.
func sortedNames[T any](m map[string]T) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
