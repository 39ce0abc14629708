// Package templates holds the default message templates, embedded in
// the binary. Each YAML file is one template, named after the file
// without ".yaml", with the keys of a configured template: title, url,
// text, fields, color, footer and links.
package templates

import "embed"

// FS contains the default templates at its root.
//
//go:embed *.yaml
var FS embed.FS
