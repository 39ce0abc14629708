// Package server wires fcnotify's steps into one running service: the
// store, the webhook receiver, the processor and the delivery workers.
// The fcnotify command and the end-to-end tests both start it here.
package server

import (
	"errors"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/rules"
)

// Compiled is a configuration with its rules and templates compiled.
type Compiled struct {
	Config   *config.Config
	Rules    *rules.Engine
	Renderer *render.Renderer
}

// Compile compiles the rules and templates of cfg. Its error lists every
// problem with the file and line it comes from.
func Compile(cfg *config.Config, opts render.Options) (*Compiled, error) {
	var problems config.Problems

	engine, err := rules.Compile(cfg)
	problems = appendProblems(problems, cfg, err, "rules")

	renderer, err := render.New(cfg.Templates, opts)
	problems = appendProblems(problems, cfg, err, "templates")

	if len(problems) > 0 {
		return nil, problems
	}
	return &Compiled{Config: cfg, Rules: engine, Renderer: renderer}, nil
}

// appendProblems turns a compile error into problems that cite the
// configuration file.
func appendProblems(list config.Problems, cfg *config.Config, err error, section string) config.Problems {
	if err == nil {
		return list
	}

	var problems config.Problems
	if errors.As(err, &problems) {
		return append(list, problems...)
	}
	var tmplErrs render.TemplateErrors
	if errors.As(err, &tmplErrs) {
		for _, te := range tmplErrs {
			path := "templates." + te.Template
			if te.Part != "" {
				path += "." + te.Part
			}
			list = append(list, cfg.Problem(path, te.Err.Error(), "fix the template syntax; see docs/templates.md"))
		}
		return list
	}
	return append(list, cfg.Problem(section, err.Error(), ""))
}
