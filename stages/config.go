// Package stages is the contract every pipeline stage shares: configuration
// loading and validation, the command-line harness, Parquet tables, manifests,
// atomic output and progress reporting. It knows nothing about any model.
package stages

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/hashicorp/go-multierror"
	"go.yaml.in/yaml/v3"
)

// Sections are the top-level keys pipeline.yaml may hold: the shared run
// section and one section per stage.
var Sections = []string{"run", "simulate", "coarsen", "train", "evaluate", "analyze"}

// RunConfig is the `run` section shared by all stages.
type RunConfig struct {
	Name string `yaml:"name" help:"run name; outputs go to <root>/<name>/<stage>"`
	Seed uint64 `yaml:"seed" help:"seed of every random draw in the run"`
	Root string `yaml:"root" help:"folder holding the run folders"`
}

// DefaultRun is the run section used when pipeline.yaml has none.
func DefaultRun() RunConfig { return RunConfig{Name: "default", Seed: 1, Root: "runs"} }

// Validator is implemented by configuration sections that check their values.
// The returned error may be a *multierror.Error listing every problem.
type Validator interface{ Validate() error }

// LoadConfig reads the YAML file at path, decodes its run section into run and
// the named stage section into section (both already holding defaults),
// validates both, and reports every problem at once: YAML syntax, unknown keys
// at any depth, wrong types and failed validation, each prefixed with the file
// name.
func LoadConfig(path, stage string, run *RunConfig, section any) error {
	errs := decodeConfig(path, stage, run, section)
	errs = append(errs, validate(run, section)...)
	return prefixErrors(path, &multierror.Error{Errors: errs})
}

// decodeConfig reads path into run and section without validating values.
func decodeConfig(path, stage string, run *RunConfig, section any) []error {
	data, err := os.ReadFile(path)
	if err != nil {
		return []error{err}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return []error{fmt.Errorf("malformed YAML: %w", err)}
	}
	if len(root.Content) == 0 {
		return nil
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return []error{fmt.Errorf("line %d: the top level must be a mapping of sections (%s)", top.Line, strings.Join(Sections, ", "))}
	}
	var errs []error
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, val := top.Content[i], top.Content[i+1]
		switch key.Value {
		case "run":
			errs = append(errs, decodeStrict(val, run, "run")...)
		case stage:
			errs = append(errs, decodeStrict(val, section, stage)...)
		default:
			if !contains(Sections, key.Value) {
				errs = append(errs, fmt.Errorf("line %d: unknown section %q (known: %s)", key.Line, key.Value, strings.Join(Sections, ", ")))
			}
		}
	}
	return errs
}

func validate(run *RunConfig, section any) []error {
	var errs []error
	if run.Name == "" || strings.ContainsAny(run.Name, `/\`) {
		errs = append(errs, fmt.Errorf("run.name %q must be a non-empty name without slashes", run.Name))
	}
	if run.Root == "" {
		errs = append(errs, errors.New("run.root must not be empty"))
	}
	if v, ok := section.(Validator); ok {
		errs = append(errs, flatten(v.Validate())...)
	}
	return errs
}

// decodeStrict decodes node into dst, returning type errors and unknown keys.
func decodeStrict(node *yaml.Node, dst any, path string) []error {
	var errs []error
	errs = append(errs, unknownKeys(node, reflect.TypeOf(dst), path)...)
	if err := node.Decode(dst); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				errs = append(errs, fmt.Errorf("%s: %s", path, e))
			}
		} else {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
		}
	}
	return errs
}

// unknownKeys walks a mapping node against the struct type t and reports keys
// that match no field's yaml name.
func unknownKeys(node *yaml.Node, t reflect.Type, path string) []error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && node.Kind == yaml.MappingNode:
		var errs []error
		for i := 0; i+1 < len(node.Content); i += 2 {
			key, val := node.Content[i], node.Content[i+1]
			f, ok := fieldByKey(t, key.Value)
			if !ok {
				errs = append(errs, fmt.Errorf("line %d: unknown key %q in %s (known: %s)", key.Line, key.Value, path, strings.Join(keyNames(t), ", ")))
				continue
			}
			errs = append(errs, unknownKeys(val, f.Type, path+"."+key.Value)...)
		}
		return errs
	case t.Kind() == reflect.Slice && node.Kind == yaml.SequenceNode:
		var errs []error
		for i, item := range node.Content {
			errs = append(errs, unknownKeys(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return errs
	}
	return nil
}

// yamlName is the key a struct field is read from: its yaml tag, or the
// lower-cased field name as yaml.v3 does; "" for skipped fields.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
	switch tag {
	case "-":
		return ""
	case "":
		return strings.ToLower(f.Name)
	}
	return tag
}

// isInline reports a struct field whose keys yaml reads at the parent level.
func isInline(f reflect.StructField) bool {
	return f.Type.Kind() == reflect.Struct && strings.Contains(f.Tag.Get("yaml"), ",inline")
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if isInline(f) {
			if g, ok := fieldByKey(f.Type, key); ok {
				return g, true
			}
		} else if yamlName(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func keyNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if isInline(f) {
			names = append(names, keyNames(f.Type)...)
		} else if n := yamlName(f); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// flatten returns the errors a (possibly multi-) error holds.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	var me *multierror.Error
	if errors.As(err, &me) {
		return me.Errors
	}
	return []error{err}
}

// prefixErrors puts the file name in front of every listed problem.
func prefixErrors(file string, err error) error {
	errs := flatten(err)
	if len(errs) == 0 {
		return nil
	}
	out := &multierror.Error{ErrorFormat: listFormat}
	for _, e := range errs {
		out = multierror.Append(out, fmt.Errorf("%s: %w", file, e))
	}
	return out
}

// listFormat prints one problem per line.
func listFormat(errs []error) string {
	if len(errs) == 1 {
		return errs[0].Error()
	}
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = "  - " + e.Error()
	}
	return fmt.Sprintf("%d problems:\n%s", len(errs), strings.Join(lines, "\n"))
}

// Problems collects validation errors for a configuration section; its
// ErrorOrNil result is what Validate methods return.
type Problems struct{ errs *multierror.Error }

// Addf records one problem.
func (p *Problems) Addf(format string, args ...any) {
	p.errs = multierror.Append(p.errs, fmt.Errorf(format, args...))
}

// Add records err (and every error it lists) when it is not nil.
func (p *Problems) Add(err error) {
	for _, e := range flatten(err) {
		p.errs = multierror.Append(p.errs, e)
	}
}

// Err returns the collected problems, or nil when there are none.
func (p *Problems) Err() error {
	if p.errs == nil {
		return nil
	}
	p.errs.ErrorFormat = listFormat
	return p.errs.ErrorOrNil()
}
