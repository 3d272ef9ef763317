package checkpoint

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// MinKeep is the least number of checkpoints Write keeps, so that a corrupt
// newest one always has a fallback.
const MinKeep = 2

var (
	nameRE = regexp.MustCompile(`^step-([0-9]{9,})\.ckpt$`)
	tempRE = regexp.MustCompile(`^\.step-[0-9]+\.ckpt\.tmp-`)
)

// FileName returns the file name of the checkpoint of a step.
func FileName(step int) string { return fmt.Sprintf("step-%09d.ckpt", step) }

// Read reads and verifies the checkpoint file at path.
func Read(path string) (*Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	ck, err := decode(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return ck, nil
}

// Write saves ck as dir/step-%09d.ckpt (creating dir): it writes a temporary
// file in dir, syncs it, renames it into place and syncs dir, so that the
// file is either complete or absent after a crash. It then deletes all but
// the newest keep checkpoints in dir (by step; the one just written is always
// kept). keep must be at least MinKeep. A non-empty path with a non-nil error
// means the checkpoint was saved but pruning old ones failed.
func Write(dir string, ck *Checkpoint, keep int) (path string, err error) {
	if keep < MinKeep {
		return "", fmt.Errorf("checkpoint: keep %d < %d would leave no fallback", keep, MinKeep)
	}
	if err := ck.check(); err != nil {
		return "", fmt.Errorf("checkpoint step %d: %w", ck.Step, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path = filepath.Join(dir, FileName(ck.Step))
	if err := writeAtomic(path, ck); err != nil {
		return "", err
	}
	if err := prune(dir, keep, path); err != nil {
		return path, err
	}
	return path, nil
}

// writeAtomic writes ck to a temporary file next to path, syncs it, renames
// it to path and syncs the directory.
func writeAtomic(path string, ck *Checkpoint) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file private; checkpoints are shared like the
	// stage's other outputs.
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = encode(f, ck); err != nil {
		return fmt.Errorf("writing checkpoint %s: %w", f.Name(), err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("syncing checkpoint %s: %w", f.Name(), err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("closing checkpoint %s: %w", f.Name(), err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}

// entry is a checkpoint file of a directory.
type entry struct {
	step int
	path string
}

// list returns the checkpoint files of dir, newest (highest step) first, and
// the temporary files of interrupted writes.
func list(dir string) (cks []entry, temps []string, err error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, de := range des {
		name := de.Name()
		if tempRE.MatchString(name) {
			temps = append(temps, filepath.Join(dir, name))
			continue
		}
		m := nameRE.FindStringSubmatch(name)
		if m == nil || !de.Type().IsRegular() {
			continue
		}
		if step, err := strconv.Atoi(m[1]); err == nil {
			cks = append(cks, entry{step, filepath.Join(dir, name)})
		}
	}
	slices.SortFunc(cks, func(a, b entry) int { return cmp.Compare(b.step, a.step) })
	return cks, temps, nil
}

// prune deletes all but the newest keep checkpoints of dir, never keepPath.
func prune(dir string, keep int, keepPath string) error {
	cks, _, err := list(dir)
	if err != nil {
		return err
	}
	kept := 1 // keepPath
	var errs []error
	for _, e := range cks {
		if e.path == keepPath {
			continue
		}
		if kept < keep {
			kept++
			continue
		}
		if err := os.Remove(e.path); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Latest returns the newest readable checkpoint of dir and its path. A
// corrupt or truncated newer file is reported through warn ("checkpoint X is
// corrupt (reason); falling back to Y") and skipped; temporary files left by
// an interrupted Write are removed. It returns (nil, "", nil) when dir does
// not exist or holds no checkpoint, and an error naming every file and its
// problem when checkpoints exist but none is readable. warn may be nil.
func Latest(dir string, warn func(string)) (*Checkpoint, string, error) {
	if warn == nil {
		warn = func(string) {}
	}
	cks, temps, err := list(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	for _, t := range temps {
		if err := os.Remove(t); err != nil {
			warn(fmt.Sprintf("cannot remove leftover temporary file %s: %v", t, err))
		}
	}
	var problems []string
	for i, e := range cks {
		ck, err := Read(e.path)
		if err == nil {
			return ck, e.path, nil
		}
		reason := strings.TrimPrefix(err.Error(), "checkpoint "+e.path+": ")
		problems = append(problems, fmt.Sprintf("%s: %s", e.path, reason))
		if i+1 < len(cks) {
			warn(fmt.Sprintf("checkpoint %s is corrupt (%s); falling back to %s", e.path, reason, cks[i+1].path))
		}
	}
	if len(problems) == 0 {
		return nil, "", nil
	}
	return nil, "", fmt.Errorf("no readable checkpoint in %s:\n  %s", dir, strings.Join(problems, "\n  "))
}
