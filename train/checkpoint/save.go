package checkpoint

import "fmt"

// Save writes ck to path atomically (temporary file, sync, rename), without
// the step naming and pruning of Write: for a model's final weights.
func Save(path string, ck *Checkpoint) error {
	if err := ck.check(); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return writeAtomic(path, ck)
}
