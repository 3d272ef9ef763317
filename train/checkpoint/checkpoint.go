// Package checkpoint saves and restores the training state: the config
// (fingerprint and JSON), the step, named weight and optimizer-moment
// tensors, the optimizer count and opaque blobs (RNG and sampler state).
//
// A checkpoint is one file, step-%09d.ckpt, in a small self-checking binary
// format (see format.go): written to a temporary file, synced and renamed,
// so that a crash never leaves a half-written checkpoint under a real name;
// a reader rejects any truncated or corrupted file without panicking, and
// Latest then falls back to the previous checkpoint.
package checkpoint

import (
	"fmt"
	"slices"
	"unsafe"
)

// DType is the element type of a tensor.
type DType uint8

// The element types a tensor can hold.
const (
	Float32 DType = 1
	Float64 DType = 2
)

// String returns "float32" or "float64".
func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// size returns the number of bytes of one element (0 for an unknown type).
func (d DType) size() int {
	switch d {
	case Float32:
		return 4
	case Float64:
		return 8
	}
	return 0
}

// Float is the element type of tensor data.
type Float interface{ ~float32 | ~float64 }

// Tensor is a named, shaped array. Exactly one of F32 and F64 holds the data,
// as DType says, row-major, with the product of Shape elements (1 for an
// empty shape).
type Tensor struct {
	Name  string    // unique within its group
	Shape []int     // dimensions, row-major
	DType DType     // which of F32 and F64 holds the data
	F32   []float32 // the data of a Float32 tensor
	F64   []float64 // the data of a Float64 tensor
}

// NewTensor returns a tensor of the given name and shape holding data (not
// copied when T is float32 or float64; a named float type is converted).
func NewTensor[T Float](name string, shape []int, data []T) Tensor {
	t := Tensor{Name: name, Shape: slices.Clone(shape)}
	switch d := any(data).(type) {
	case []float32:
		t.DType, t.F32 = Float32, d
	case []float64:
		t.DType, t.F64 = Float64, d
	default: // a named float type: stored as a copy
		if unsafe.Sizeof(T(0)) == 4 {
			t.DType, t.F32 = Float32, convert[T, float32](data)
		} else {
			t.DType, t.F64 = Float64, convert[T, float64](data)
		}
	}
	return t
}

// convert returns xs converted element by element.
func convert[T, U Float](xs []T) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = U(x)
	}
	return out
}

// Data returns the tensor's data as []T, converting (copying) when T is not
// the stored type.
func Data[T Float](t *Tensor) []T {
	if d, ok := any(t.F32).([]T); ok && t.DType == Float32 {
		return d
	}
	if d, ok := any(t.F64).([]T); ok && t.DType == Float64 {
		return d
	}
	if t.DType == Float32 {
		return convert[float32, T](t.F32)
	}
	return convert[float64, T](t.F64)
}

// Len returns the number of elements the shape calls for.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// check reports whether the tensor is consistent: a known dtype, a
// non-negative shape and data of the matching type and length.
func (t *Tensor) check() error {
	n, err := numel(t.Shape)
	if err != nil {
		return fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	var have int
	switch t.DType {
	case Float32:
		have = len(t.F32)
		if t.F64 != nil {
			return fmt.Errorf("tensor %q: float32 tensor with float64 data", t.Name)
		}
	case Float64:
		have = len(t.F64)
		if t.F32 != nil {
			return fmt.Errorf("tensor %q: float64 tensor with float32 data", t.Name)
		}
	default:
		return fmt.Errorf("tensor %q: unknown %v", t.Name, t.DType)
	}
	if int64(have) != n {
		return fmt.Errorf("tensor %q: shape %v holds %d elements, data has %d", t.Name, t.Shape, n, have)
	}
	return nil
}

// numel returns the product of the dimensions, failing on a negative one or
// on a product beyond 2^48 (an absurd size for a tensor).
func numel(shape []int) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || int64(d) > maxElems {
			return 0, fmt.Errorf("bad dimension %d in shape %v", d, shape)
		}
		if d != 0 && n > maxElems/int64(d) {
			return 0, fmt.Errorf("shape %v is too large", shape)
		}
		n *= int64(d)
	}
	return n, nil
}

// maxElems bounds the number of elements of one tensor.
const maxElems = 1 << 48

// Checkpoint is the state saved by the trainer.
type Checkpoint struct {
	// Fingerprint identifies the configuration the run was started with.
	Fingerprint string
	// ConfigJSON is that configuration as a JSON object, used to explain a
	// fingerprint mismatch.
	ConfigJSON string
	// Step is the number of optimisation steps done.
	Step int
	// Weights are the model parameters.
	Weights []Tensor
	// OptM and OptV are the optimizer's first and second moments.
	OptM, OptV []Tensor
	// OptCount is the optimizer's step count (bias correction, schedule).
	OptCount int
	// Blobs are opaque named byte strings (RNG and sampler state).
	Blobs map[string][]byte
}

// Find returns the tensor named name in ts, or nil.
func Find(ts []Tensor, name string) *Tensor {
	for i := range ts {
		if ts[i].Name == name {
			return &ts[i]
		}
	}
	return nil
}

// check reports whether the checkpoint can be written.
func (ck *Checkpoint) check() error {
	if ck.Step < 0 || ck.OptCount < 0 {
		return fmt.Errorf("negative step %d or optimizer count %d", ck.Step, ck.OptCount)
	}
	for _, g := range ck.groups() {
		seen := map[string]bool{}
		for i := range *g.ts {
			t := &(*g.ts)[i]
			if seen[t.Name] {
				return fmt.Errorf("%s: duplicate tensor %q", g.name, t.Name)
			}
			seen[t.Name] = true
			if err := t.check(); err != nil {
				return fmt.Errorf("%s: %w", g.name, err)
			}
		}
	}
	return nil
}

// group is a named list of tensors as stored in the file.
type group struct {
	name string
	ts   *[]Tensor
}

// groups returns the tensor groups in file order.
func (ck *Checkpoint) groups() []group {
	return []group{{"weights", &ck.Weights}, {"opt_m", &ck.OptM}, {"opt_v", &ck.OptV}}
}
