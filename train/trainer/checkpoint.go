package trainer

import (
	"encoding/json"
	"fmt"

	"github.com/roma-go/roma/train/checkpoint"
)

// Blob names inside a checkpoint.
const (
	blobSampler = "sampler"
	blobMetrics = "metrics"
	blobTrainer = "trainer"
)

// trainerState is the loop's own state beyond weights and moments.
type trainerState struct {
	Seed    uint64
	Elapsed float64
	SumLoss float64
	NLoss   int
	Zeroed  int
	Edges   int // edge capacity of the compiled graphs
}

// Snapshot captures everything a resumed run needs.
func (tr *Trainer[T]) Snapshot() (*checkpoint.Checkpoint, error) {
	ck := &checkpoint.Checkpoint{Fingerprint: tr.opt.Fingerprint, ConfigJSON: tr.opt.ConfigJSON, Step: tr.Step,
		OptCount: tr.adam.Count(), Blobs: map[string][]byte{blobSampler: tr.smp.State()}}
	m, v := tr.adam.Moments()
	for i, p := range tr.params {
		ck.Weights = append(ck.Weights, checkpoint.NewTensor(p.Name, p.Shape, tr.values[i]))
		ck.OptM = append(ck.OptM, checkpoint.NewTensor(p.Name, p.Shape, m[i]))
		ck.OptV = append(ck.OptV, checkpoint.NewTensor(p.Name, p.Shape, v[i]))
	}
	var err error
	if ck.Blobs[blobMetrics], err = json.Marshal(tr.Metrics); err != nil {
		return nil, err
	}
	st := trainerState{Seed: tr.opt.Seed, Elapsed: tr.elapsed, SumLoss: tr.sumLoss, NLoss: tr.nLoss, Zeroed: tr.zeroed, Edges: tr.M.Dims.Edges}
	if ck.Blobs[blobTrainer], err = json.Marshal(st); err != nil {
		return nil, err
	}
	return ck, nil
}

// ModelFile is what evaluation needs of a trained model: every parameter,
// the frozen skips included (so loading does not depend on regenerating
// them), the configuration and the metrics, without optimiser moments.
func (tr *Trainer[T]) ModelFile() (*checkpoint.Checkpoint, error) {
	ck, err := tr.Snapshot()
	if err != nil {
		return nil, err
	}
	ck.Weights, ck.OptM, ck.OptV, ck.OptCount = nil, nil, nil, 0
	delete(ck.Blobs, blobSampler)
	for _, p := range tr.M.B.Params {
		ck.Weights = append(ck.Weights, checkpoint.NewTensor(p.Name, p.Shape, p.Node.Value().Data().([]T)))
	}
	return ck, nil
}

// Checkpoint writes a snapshot atomically into opt.Dir.
func (tr *Trainer[T]) Checkpoint() (string, error) {
	ck, err := tr.Snapshot()
	if err != nil {
		return "", err
	}
	path, err := checkpoint.Write(tr.opt.Dir, ck, tr.opt.Keep)
	if err != nil {
		return "", fmt.Errorf("%s: writing checkpoint at step %d: %w", tr.M.Kind, tr.Step, err)
	}
	return path, nil
}

// Resume loads the newest readable checkpoint in opt.Dir, if any, and
// reports whether one was found. A checkpoint from another configuration is
// refused; a corrupt newest one falls back to the previous (warned through Log).
func (tr *Trainer[T]) Resume() (bool, error) {
	warn := func(msg string) {
		if tr.opt.Log != nil {
			tr.opt.Log("%s", msg)
		}
	}
	ck, path, err := checkpoint.Latest(tr.opt.Dir, warn)
	if err != nil || ck == nil {
		return false, err
	}
	if err := ck.Compatible(tr.opt.Fingerprint, tr.opt.ConfigJSON); err != nil {
		return false, fmt.Errorf("%s: %w (move the checkpoint folder away to start afresh)", path, err)
	}
	if err := tr.restore(ck); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	return true, nil
}

// restore copies a checkpoint's state into the trainer.
func (tr *Trainer[T]) restore(ck *checkpoint.Checkpoint) error {
	var st trainerState
	if err := json.Unmarshal(ck.Blobs[blobTrainer], &st); err != nil {
		return fmt.Errorf("trainer state: %w", err)
	}
	if st.Seed != tr.opt.Seed {
		return fmt.Errorf("checkpoint was written with seed %d, this run has %d", st.Seed, tr.opt.Seed)
	}
	if tr.M.Edges != nil && st.Edges != tr.M.Dims.Edges {
		if err := tr.rebuild(st.Edges); err != nil { // the capacity the run had grown to
			return err
		}
	}
	if len(ck.Weights) != len(tr.params) || len(ck.OptM) != len(tr.params) || len(ck.OptV) != len(tr.params) {
		return fmt.Errorf("checkpoint holds %d tensors, the model has %d", len(ck.Weights), len(tr.params))
	}
	m := make([][]T, len(tr.params))
	v := make([][]T, len(tr.params))
	for i, p := range tr.params {
		w := &ck.Weights[i]
		if w.Name != p.Name || w.Len() != p.Size() {
			return fmt.Errorf("tensor %d is %s of %d values, the model expects %s of %d", i, w.Name, w.Len(), p.Name, p.Size())
		}
		copy(tr.values[i], checkpoint.Data[T](w))
		m[i] = checkpoint.Data[T](&ck.OptM[i])
		v[i] = checkpoint.Data[T](&ck.OptV[i])
	}
	if err := tr.adam.SetState(m, v, ck.OptCount); err != nil {
		return err
	}
	if err := tr.smp.Restore(ck.Blobs[blobSampler]); err != nil {
		return err
	}
	tr.Metrics = nil
	if err := json.Unmarshal(ck.Blobs[blobMetrics], &tr.Metrics); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	tr.Step, tr.elapsed, tr.sumLoss, tr.nLoss, tr.zeroed = ck.Step, st.Elapsed, st.SumLoss, st.NLoss, st.Zeroed
	return nil
}
