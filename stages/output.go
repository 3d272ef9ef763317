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
}

// NewOutput creates dir (if needed) and a fresh staging folder inside it.
func NewOutput(dir string) (*Output, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	}
	staging, err := os.MkdirTemp(dir, ".staging-")
	if err != nil {
		return nil, fmt.Errorf("output folder %s: %w", dir, err)
	}
	return &Output{Dir: dir, staging: staging, names: map[string]bool{}}, nil
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
func (o *Output) Abort() { os.RemoveAll(o.staging) }

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so readers see the old file or the new one, never half.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}
