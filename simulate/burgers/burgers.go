// Package burgers generates the "Burgers-like" social dynamics (BD) data set
// of ROMA (arXiv 2502.15913; reference lib/burgers_coupled.py): every node
// of a graph carries the mean of a few gel series (largest-cluster
// trajectories of a coalescence–fragmentation model), smoothed by a Gaussian
// rolling sum and differenced, then coupled to its neighbours by a few
// root-mean-square message-passing sweeps, and finally integrated over time
// and scaled to a maximum of 1.
//
// The reference reads its gel series from files it does not ship;
// GenerateGels produces them here, and Run accepts any series instead.
package burgers

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
)

// mixBlock is the number of nodes whose gel indices come from one random
// stream; it is fixed so the draw does not depend on the number of cores.
const mixBlock = 4096

// Result is the BD output: node i's trajectory is
// Data[i·Steps : (i+1)·Steps].
type Result struct {
	// N is the number of nodes.
	N int
	// Steps is the number of time samples T′ = T − Window.
	Steps int
	// Data holds the node-major trajectories.
	Data []float32
	// Times[k] is the index, in the gel series, of the sample output k
	// stands for: Window + k (the pandas row label the reference keeps).
	Times []float64
	// Max is the global maximum of the cumulative sums that the output was
	// divided by.
	Max float64
}

// Row returns node i's trajectory, sharing Data.
func (r *Result) Row(i int) []float32 { return r.Data[i*r.Steps : (i+1)*r.Steps] }

// MixIndices returns the gel indices each node averages, node-major
// (idx[i·mix + j]), drawn uniformly from [0, numGels) with replacement, like
// the reference's randint(0, n, (N, mix)). Run uses the same draw.
func MixIndices(n, numGels, mix int, seed uint64) []int32 {
	idx := make([]int32, n*mix)
	par.For(n, mixBlock, func(lo, hi int) {
		rng := stream(seed, tagMix, uint64(lo/mixBlock))
		for k := lo * mix; k < hi*mix; k++ {
			idx[k] = int32(rng.IntN(numGels))
		}
	})
	return idx
}

// EstimateBytes is the memory Run needs for n nodes, e undirected edges,
// steps output samples and numGels series of steps+p.Window samples, beyond
// the graph and the gels themselves.
func EstimateBytes(n, e, steps, numGels int, p Params) int64 {
	out := int64(n) * int64(steps) * 4
	scratch := int64(n) * int64(min(p.TimeBlock, max(steps-1, 1))) * 4
	csr := int64(n+1)*8 + int64(2*e)*(4+8+8) // Ptr, Col, Val, coefficients
	smooth := int64(numGels) * int64(steps) * 8
	idx := int64(n) * int64(p.Mix) * 4
	return out + scratch + csr + smooth + idx
}

// Run computes the BD trajectories on g from the given gel series (all of
// one length T > p.Window; p.NumGels is ignored in favour of len(gels)),
// following lib/burgers_coupled.py:
//
//  1. node i averages p.Mix series chosen by MixIndices(g.N, len(gels), p.Mix, seed);
//  2. RollingGaussianDiff(·, p.Window, p.Sigma), leaving T′ = T − Window samples;
//  3. MessagePass with p.Iterations and p.Red on g.Adjacency();
//  4. Normalize: cumulative sum over time divided by its global maximum.
//
// Steps 1 and 2 are linear, so each gel series is smoothed once and the
// nodes average the smoothed series, which equals smoothing each node's
// average up to rounding and costs O(#gels·T·Window + N·T′·Mix) instead of
// O(N·T·Window). Work is in float64; the trajectories are stored as float32,
// N·T′·4 bytes plus a scratch of N·min(T′−1, p.TimeBlock)·4 bytes.
func Run(g *graph.Graph, gels [][]float64, p Params, seed uint64) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if g == nil || g.N < 1 {
		return nil, fmt.Errorf("burgers: the graph has no nodes")
	}
	if len(gels) == 0 {
		return nil, fmt.Errorf("burgers: no gel series")
	}
	T := len(gels[0])
	for i, s := range gels {
		if len(s) != T {
			return nil, fmt.Errorf("burgers: gel series %d has %d samples, series 0 has %d", i, len(s), T)
		}
		for k, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("burgers: gel series %d, sample %d is %g", i, k, v)
			}
		}
	}
	if T <= p.Window {
		return nil, fmt.Errorf("burgers: gel series have %d samples, need more than the window %d", T, p.Window)
	}
	steps := T - p.Window

	smooth := make([][]float64, len(gels))
	par.For(len(gels), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			smooth[i] = RollingGaussianDiff(gels[i], p.Window, p.Sigma)
		}
	})

	n := g.N
	idx := MixIndices(n, len(gels), p.Mix, seed)
	xb := make([]float32, n*steps)
	mix := float64(p.Mix)
	par.For(n, nodeBlock, func(lo, hi int) {
		acc := make([]float64, steps)
		for i := lo; i < hi; i++ {
			mine := idx[i*p.Mix : (i+1)*p.Mix]
			copy(acc, smooth[mine[0]])
			for _, k := range mine[1:] {
				for t, v := range smooth[k] {
					acc[t] += v
				}
			}
			row := xb[i*steps : (i+1)*steps]
			for t, v := range acc {
				row[t] = float32(v / mix)
			}
		}
	})

	if err := MessagePass(g.Adjacency(), xb, steps, p.Iterations, p.Red, p.TimeBlock); err != nil {
		return nil, err
	}
	gmax, err := Normalize(xb, steps)
	if err != nil {
		return nil, err
	}
	times := make([]float64, steps)
	for k := range times {
		times[k] = float64(p.Window + k)
	}
	return &Result{N: n, Steps: steps, Data: xb, Times: times, Max: gmax}, nil
}

// Simulate generates gel series of steps+p.Window samples with
// GenerateGels and runs the BD pipeline on g, giving steps output samples.
func Simulate(g *graph.Graph, steps int, p Params, seed uint64) (*Result, error) {
	if steps < 1 {
		return nil, fmt.Errorf("burgers: %d output steps requested, want ≥ 1", steps)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	gels, err := GenerateGels(p, steps+p.Window, seed)
	if err != nil {
		return nil, err
	}
	return Run(g, gels, p, seed)
}
