package stages

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Output is a stage's output folder. Files are written into a private staging
// folder beside it and moved into place only by Commit, so a stage that fails
// leaves the previous good output untouched.
type Output struct {
	Dir     string
	staging string
	names   map[string]bool
	created bool // Dir did not exist before; Abort removes it if empty
}

// NewOutput creates dir (if needed) and a fresh staging folder inside it.
func NewOutput(dir string) (*Output, error) {
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	}
	staging, err := os.MkdirTemp(dir, ".staging-")
	if err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	}
	return &Output{Dir: dir, staging: staging, names: map[string]bool{}, created: os.IsNotExist(statErr)}, nil
}

// Path returns where to write the output file name before Commit.
func (o *Output) Path(name string) string {
	o.names[name] = true
	return filepath.Join(o.staging, name)
}

// TempDir is a scratch folder on the output's file system, removed with the
// staging folder.
func (o *Output) TempDir() (string, error) { return os.MkdirTemp(o.staging, "scratch-") }

// Names lists the registered output files in sorted order.
func (o *Output) Names() []string {
	names := make([]string, 0, len(o.names))
	for n := range o.names {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Commit moves every output file into Dir, the manifest (if any) last, and
// removes the staging folder. An old manifest is removed first so that a
// crash halfway leaves no manifest vouching for mixed outputs.
func (o *Output) Commit(manifest string) error {
	if manifest != "" {
		if err := os.Remove(filepath.Join(o.Dir, manifest)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	for _, n := range o.Names() {
		if n == manifest {
			continue
		}
		if err := os.Rename(filepath.Join(o.staging, n), filepath.Join(o.Dir, n)); err != nil {
			return fmt.Errorf("moving %s into %s: %w", n, o.Dir, err)
		}
	}
	if manifest != "" && o.names[manifest] {
		if err := os.Rename(filepath.Join(o.staging, manifest), filepath.Join(o.Dir, manifest)); err != nil {
			return err
		}
	}
	return os.RemoveAll(o.staging)
}

// Abort removes the staging folder and everything written into it.
// A folder that NewOutput created is removed too when nothing else is in it.
func (o *Output) Abort() {
	os.RemoveAll(o.staging)
	if o.created {
		os.Remove(o.Dir) // fails, harmlessly, unless empty
	}
}
