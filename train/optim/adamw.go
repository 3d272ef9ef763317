package optim

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/stages/par"
)

// Defaults of the reference's optimiser flags (spec §3.1).
const (
	DefaultB1          = 0.9
	DefaultB2          = 0.999
	DefaultEps         = 1e-7
	DefaultWeightDecay = 5e-3
	DefaultMaxNorm     = 1.0
)

// chunkLen is the number of elements one goroutine updates at a time.
const chunkLen = 1 << 15

// AdamW is optax.chain(optax.clip(MaxNorm), optax.adamw(lr, B1, B2, Eps,
// WeightDecay)) over a fixed list of flat parameter slices. Per element, with
// t the step count after increment and g the clipped gradient:
//
//	m = (1−B1)·g + B1·m;  v = (1−B2)·g² + B2·v
//	m̂ = m/(1−B1^t);  v̂ = v/(1−B2^t)
//	p −= lr·(m̂/(√v̂ + Eps) + WeightDecay·p)
//
// Weight decay is decoupled and applies to every parameter. Arithmetic is
// float64; m, v and p are stored in T. Step runs on all cores; the result
// does not depend on their number (the update is element-wise).
type AdamW[T Float] struct {
	// B1 and B2 are the decay rates of the first and second moments.
	B1, B2 float64
	// Eps is added to √v̂ (optax eps; eps_root is 0).
	Eps float64
	// WeightDecay is the decoupled decay rate, applied to all parameters.
	WeightDecay float64
	// MaxNorm clips every gradient element to [−MaxNorm, MaxNorm] before
	// AdamW (optax.clip: element-wise, not a global norm); 0 turns it off.
	MaxNorm float64

	sizes  []int
	m, v   [][]T
	count  int
	chunks []chunk
	bad    []bool
}

// chunk is a range [lo, hi) of parameter slice s.
type chunk struct{ s, lo, hi int }

// New returns an AdamW with the reference's defaults and zero moments for
// parameter slices of the given lengths.
func New[T Float](sizes []int) *AdamW[T] {
	a := &AdamW[T]{B1: DefaultB1, B2: DefaultB2, Eps: DefaultEps,
		WeightDecay: DefaultWeightDecay, MaxNorm: DefaultMaxNorm}
	a.sizes = append([]int(nil), sizes...)
	a.m, a.v = make([][]T, len(sizes)), make([][]T, len(sizes))
	for i, n := range sizes {
		a.m[i], a.v[i] = make([]T, n), make([]T, n)
		for lo := 0; lo < n; lo += chunkLen {
			a.chunks = append(a.chunks, chunk{i, lo, min(lo+chunkLen, n)})
		}
	}
	return a
}

// Sizes returns the lengths of the parameter slices.
func (a *AdamW[T]) Sizes() []int { return append([]int(nil), a.sizes...) }

// Count returns the number of steps taken (optax's count; bias correction of
// the next step uses Count()+1, and the schedule of the next step is
// evaluated at Count()).
func (a *AdamW[T]) Count() int { return a.count }

// Moments returns the first and second moments. The slices are the
// optimiser's own: read them (e.g. to write a checkpoint) but do not modify
// them or keep them across a Step.
func (a *AdamW[T]) Moments() (m, v [][]T) { return a.m, a.v }

// SetState copies m, v and count into the optimiser (resume from a
// checkpoint). It fails, changing nothing, if a size differs or count < 0.
func (a *AdamW[T]) SetState(m, v [][]T, count int) error {
	if count < 0 {
		return fmt.Errorf("optim: negative step count %d", count)
	}
	if err := a.checkSizes("m", m); err != nil {
		return err
	}
	if err := a.checkSizes("v", v); err != nil {
		return err
	}
	for i := range m {
		copy(a.m[i], m[i])
		copy(a.v[i], v[i])
	}
	a.count = count
	return nil
}

// checkSizes returns an error unless xs has the optimiser's slice lengths.
func (a *AdamW[T]) checkSizes(what string, xs [][]T) error {
	if len(xs) != len(a.sizes) {
		return fmt.Errorf("optim: %s has %d slices, want %d", what, len(xs), len(a.sizes))
	}
	for i, x := range xs {
		if len(x) != a.sizes[i] {
			return fmt.Errorf("optim: %s[%d] has %d elements, want %d", what, i, len(x), a.sizes[i])
		}
	}
	return nil
}

// Step applies one update to params in place with learning rate lr (for the
// reference, lr = schedule.LR(a.Count())). grads is not modified.
//
// First, a gradient slice holding any NaN is treated as zero in full (quirk
// Q4: zeroed, not skipped, so momentum and weight decay still move the
// parameters). ±Inf is treated the same way; the reference tests only for
// NaN, where an Inf element would be clipped to ±MaxNorm instead. Step
// returns how many slices were zeroed. It panics if params or grads do not
// have the sizes given to New (a programming error).
func (a *AdamW[T]) Step(params, grads [][]T, lr float64) (zeroed int) {
	a.mustMatch(params, grads)
	zero := a.nonFinite(grads)
	for _, z := range zero {
		if z {
			zeroed++
		}
	}
	a.count++
	k := a.constants(lr)
	par.For(len(a.chunks), 1, func(c, _ int) {
		ch := a.chunks[c]
		p := params[ch.s][ch.lo:ch.hi]
		m, v := a.m[ch.s][ch.lo:ch.hi], a.v[ch.s][ch.lo:ch.hi]
		if zero[ch.s] {
			updateZero(p, m, v, &k)
			return
		}
		update(p, grads[ch.s][ch.lo:ch.hi], m, v, &k)
	})
	return zeroed
}

// mustMatch panics unless params and grads have the optimiser's sizes.
func (a *AdamW[T]) mustMatch(params, grads [][]T) {
	if err := a.checkSizes("params", params); err != nil {
		panic(err)
	}
	if err := a.checkSizes("grads", grads); err != nil {
		panic(err)
	}
}

// nonFinite reports, per slice, whether the gradient holds a NaN or ±Inf.
func (a *AdamW[T]) nonFinite(grads [][]T) []bool {
	if a.bad == nil {
		a.bad = make([]bool, len(a.chunks))
	}
	par.For(len(a.chunks), 1, func(c, _ int) {
		ch := a.chunks[c]
		a.bad[c] = !allFinite(grads[ch.s][ch.lo:ch.hi])
	})
	zero := make([]bool, len(a.sizes))
	for c, b := range a.bad {
		zero[a.chunks[c].s] = zero[a.chunks[c].s] || b
	}
	return zero
}

// allFinite reports whether every element of g is finite: x·0 is 0 for a
// finite x and NaN for NaN or ±Inf, and NaN propagates through the sum.
func allFinite[T Float](g []T) bool {
	var s float64
	for _, x := range g {
		s += float64(x) * 0
	}
	return s == 0
}

// consts holds the per-step scalars of the update; ibc1 and ibc2 are the
// reciprocals of the bias corrections 1−B1^t and 1−B2^t (a multiplication by
// them differs from optax's division by at most an ulp of float64).
type consts struct {
	b1, b2, eps, wd, clip, lr, ibc1, ibc2 float64
}

// constants returns the scalars for the step a.count (already incremented).
func (a *AdamW[T]) constants(lr float64) consts {
	clip := a.MaxNorm
	if clip <= 0 {
		clip = math.Inf(1)
	}
	t := float64(a.count)
	return consts{b1: a.B1, b2: a.B2, eps: a.Eps, wd: a.WeightDecay, clip: clip, lr: lr,
		ibc1: 1 / (1 - math.Pow(a.B1, t)), ibc2: 1 / (1 - math.Pow(a.B2, t))}
}

// update is the clipped AdamW update of one range of elements.
func update[T Float](p, g, m, v []T, k *consts) {
	b1, b2, c1, c2 := k.b1, k.b2, 1-k.b1, 1-k.b2
	eps, wd, clip, lr, ibc1, ibc2 := k.eps, k.wd, k.clip, k.lr, k.ibc1, k.ibc2
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		gi := float64(g[i])
		if gi > clip {
			gi = clip
		} else if gi < -clip {
			gi = -clip
		}
		mi := T(c1*gi + b1*float64(m[i]))
		vi := T(c2*gi*gi + b2*float64(v[i]))
		m[i], v[i] = mi, vi
		pi := float64(p[i])
		u := float64(mi)*ibc1/(math.Sqrt(float64(vi)*ibc2)+eps) + wd*pi
		p[i] = T(pi - lr*u)
	}
}

// updateZero is update with a zero gradient.
func updateZero[T Float](p, m, v []T, k *consts) {
	b1, b2, eps, wd, lr, ibc1, ibc2 := k.b1, k.b2, k.eps, k.wd, k.lr, k.ibc1, k.ibc2
	m, v = m[:len(p)], v[:len(p)]
	for i := range p {
		mi, vi := T(b1*float64(m[i])), T(b2*float64(v[i]))
		m[i], v[i] = mi, vi
		pi := float64(p[i])
		u := float64(mi)*ibc1/(math.Sqrt(float64(vi)*ibc2)+eps) + wd*pi
		p[i] = T(pi - lr*u)
	}
}
