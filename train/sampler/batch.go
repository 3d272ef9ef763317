package sampler

import (
	"math"
	"math/rand/v2"
)

// Batch is one subgraph at one or more times ("columns", the reference's
// num_col). With n = len(Nodes), the value arrays are row-major:
//
//	Window[((c·n)+i)·Kappa + k] = x[Nodes[i], Times[c] − Kappa + 1 + k]   k < Kappa
//	Target[((c·n)+i)·Tau + h]   = x[Nodes[i], Times[c] + 1 + h]           h < Tau
//	Last[c·n + i]               = x[Nodes[i], Times[c]]
//
// times noise on training batches for Window and Target (not Last). A Batch
// returned by Sampler.Train or Sampler.Test is owned by the sampler: it is
// valid until the next call of the same method and must not be modified.
type Batch struct {
	// Nodes holds the global node ids, ascending; len BatchSize.
	Nodes []int32
	// Src and Dst are the directed edges of the induced subgraph in local ids
	// (indices into Nodes): both directions of every undirected edge, plus
	// self loops when Options.SelfLoops. They are sorted by (Dst, Src), so
	// the messages a receiver gets are contiguous.
	Src, Dst []int32
	// Times holds the integer time index of each column.
	Times []int
	// TimeCoords holds the time coordinate the model sees for each column:
	// float64(Times[c]) for training batches, the unfloored linspace value
	// for the test batch (quirk Q18).
	TimeCoords []float64
	// Window holds the look-back values, cols × n × Kappa, oldest first.
	Window []float32
	// Target holds the values to forecast, cols × n × Tau.
	Target []float32
	// Last holds x at Times[c], cols × n, never noised: the persistence
	// forecast.
	Last []float32
	// Kappa and Tau are the window and horizon lengths of the layout.
	Kappa, Tau int
}

// Cols is the number of time columns.
func (b *Batch) Cols() int { return len(b.Times) }

// WindowAt is the window of local node i at column c.
func (b *Batch) WindowAt(c, i int) []float32 {
	r := c*len(b.Nodes) + i
	return b.Window[r*b.Kappa : (r+1)*b.Kappa]
}

// TargetAt is the target of local node i at column c.
func (b *Batch) TargetAt(c, i int) []float32 {
	r := c*len(b.Nodes) + i
	return b.Target[r*b.Tau : (r+1)*b.Tau]
}

// resize returns s with length n, reusing its storage when large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// shape sizes the per-column arrays for cols columns of the current Nodes.
func (b *Batch) shape(cols, kappa, tau int) {
	n := len(b.Nodes)
	b.Kappa, b.Tau = kappa, tau
	b.Times = resize(b.Times, cols)
	b.TimeCoords = resize(b.TimeCoords, cols)
	b.Window = resize(b.Window, cols*n*kappa)
	b.Target = resize(b.Target, cols*n*tau)
	b.Last = resize(b.Last, cols*n)
}

// fill copies windows, targets and last values from the node-major series x
// with T samples per node, at b.Times.
func (b *Batch) fill(x []float32, T int) {
	n, k, tau := len(b.Nodes), b.Kappa, b.Tau
	for c, t := range b.Times {
		for i, g := range b.Nodes {
			row := x[int(g)*T : (int(g)+1)*T]
			r := c*n + i
			copy(b.Window[r*k:(r+1)*k], row[t-k+1:t+1])
			copy(b.Target[r*tau:(r+1)*tau], row[t+1:t+1+tau])
			b.Last[r] = row[t]
		}
	}
}

// perturb multiplies every value by exp(sd·ξ), ξ standard normal: the
// reference's log-normal noise x·exp(√eta_var·ξ).
func perturb(v []float32, sd float64, rng *rand.Rand) {
	for i := range v {
		v[i] = float32(float64(v[i]) * math.Exp(sd*rng.NormFloat64()))
	}
}
