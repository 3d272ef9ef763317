package model

import (
	"fmt"

	"gorgonia.org/tensor"
)

// MemoryEstimate is the bytes a training step needs: every trainable value
// four times (weight, gradient, two AdamW moments), frozen ones once, and
// every intermediate tensor of the graph three times (value, gradient and a
// temporary of the backward pass). It is an estimate from the graph's
// shapes, made before any value is allocated.
func (m *Model) MemoryEstimate() int64 {
	size := int64(m.B.Dtype.Size())
	var params, frozen int64
	for _, p := range m.B.Params {
		if p.Frozen {
			frozen += int64(p.Size())
		} else {
			params += int64(p.Size())
		}
	}
	var acts int64
	for _, n := range m.B.G.AllNodes() {
		if n.IsVar() {
			continue
		}
		acts += int64(n.Shape().TotalSize())
	}
	return size * (4*params + frozen + 3*acts)
}

// MatchWidth finds the width whose parameter count is closest to target,
// by bisection on shape-only builds: the count grows monotonically with the
// width. Widths start at the head count (eqx's head size ⌊W/heads⌋ allows
// any width, as the reference's matched widths 1326 and 1292 need).
func MatchWidth(kind string, c Config, d Dims, target int) (int, error) {
	count := func(w int) (int, error) {
		c.Width = w
		m, err := Build(kind, c, d, tensor.Float32, 0, true)
		if err != nil {
			return 0, err
		}
		return m.B.Count(), nil
	}
	lo, hi := c.Heads, c.Heads
	for {
		n, err := count(hi)
		if err != nil {
			return 0, err
		}
		if n >= target {
			break
		}
		if hi > 1<<24 {
			return 0, fmt.Errorf("%s: no width reaches %d parameters", kind, target)
		}
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		n, err := count(mid)
		if err != nil {
			return 0, err
		}
		if n >= target {
			hi = mid
		} else {
			lo = mid
		}
	}
	nlo, _ := count(lo)
	nhi, _ := count(hi)
	if target-nlo < nhi-target {
		return lo, nil
	}
	return hi, nil
}
