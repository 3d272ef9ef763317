// Package geometric coarse-grains graphs by geometric renormalization (GR):
// García-Pérez, Boguñá & Serrano, "Multiscale unfolding of real networks by
// geometric renormalization", Nature Physics 14, 583 (2018).
//
// # Model and coordinates
//
// GR works on the S¹ model (Serrano, Krioukov & Boguñá, PRL 100, 078701,
// 2008): node i has a hidden degree κ_i and an angle θ_i on a circle of
// radius R = N/2π, and i, j link with probability
//
//	p_ij = 1 / (1 + χ_ij^β),  χ_ij = R Δθ_ij / (μ κ_i κ_j),
//
// where β = 1/T is the inverse temperature (clustering) and μ sets the mean
// degree. It is isomorphic to the hyperbolic H² model (Krioukov et al., PRE
// 82, 036106, 2010) through
//
//	r_i = R̂ − 2 ln(κ_i/κ₀),  R̂ = 2 ln(N / (π μ κ₀²)),
//
// with κ₀ the smallest hidden degree: then r_i + r_j + 2 ln(Δθ_ij/2) − R̂ =
// 2 ln χ_ij, so p_ij = 1/(1 + e^{(β/2)(x_ij − R̂)}) with x_ij ≈ r_i + r_j +
// 2 ln(Δθ_ij/2) the hyperbolic distance. A power law ρ(κ) ∝ κ^{−γ} becomes the
// radial density ∝ e^{α(r − R̂)} with γ = 2α + 1; α (geometry of the disk)
// and β (temperature) are independent parameters, so there is no relation
// β = 2α. The threshold graphs of simulate/hrg (link iff d < R) are the
// T → 0 limit: R̂ is their disk radius and β = ∞ (pass math.Inf(1)).
//
// # One GR step
//
// Nodes are ordered by angle and cut into blocks of r consecutive nodes; each
// block is a supernode, and two supernodes are linked when any of their
// members are (hierarchy.Coarsen; the coarse edge weight sums the member
// links' weights, their count for an unweighted graph). Supernode i gets,
// from its members j,
//
//	κ'_i = (Σ_j κ_j^β)^{1/β},
//	θ'_i = (Σ_j (θ_j κ_j)^β / Σ_j κ_j^β)^{1/β},
//
// and the layer's parameters flow as β' = β, μ' = μ/r, with the circle
// radius rescaled to R' = R/r so that the node density stays one. To leading
// order in (block width)/(distance between supernodes), the probability that
// any member pair links, Σ_lm (μ κ_l κ_m / R Δθ)^β, is then again the S¹
// form in the primed quantities: the model is renormalizable.
//
// In H² coordinates, holding κ₀ fixed across layers keeps R̂' = 2 ln(N' /
// (π μ' κ₀²)) = R̂ (N' = N/r, μ' = μ/r), and the κ rule becomes a soft minimum
// of the members' radii, independent of κ₀ and R̂:
//
//	r'_i = −(2/β) ln Σ_j e^{−β r_j/2}      (β = ∞: min_j r_j).
//
// The κ₀ of a layer is a gauge: another choice shifts all its radii by a
// constant and R̂ by twice that, leaving every p_ij unchanged. The angle rule
// depends only on κ ratios, κ_j ∝ e^{−r_j/2}; at β = ∞ it is
// max_j(θ_j κ_j)/max_j κ_j, in practice the angle of the innermost member.
//
// # Blocks and angles
//
// The circle has no first node, so blocks start just after the largest
// angular gap between angle-consecutive nodes (on ties the gap across θ = 0,
// then the first in angle order):
// the partition is then unchanged by a rotation of all angles, and no block
// spans the emptiest arc. When N is not a multiple of r, the last block (the
// one ending at that gap) holds the N mod r remaining nodes. Supernodes are
// numbered in block order. The paper's θ' is a κ^β-weighted power mean of
// absolute angles; a block that straddles θ = 0 is unwrapped (members past
// the wrap get θ + 2π) before the mean and the result is taken mod 2π. The
// mean lies within its block's arc, so supernodes keep the angular order of
// their blocks. For blocks far from θ = 0 it equals the κ^β-weighted
// arithmetic mean of the members' angles to first order in the block's width;
// near θ = 0 it leans toward the block's larger angles.
//
// # Graphs without coordinates
//
// Real networks carry no (r, θ); the paper embeds them first (HyperMap /
// Mercator-style maximum likelihood). Here the caller supplies an angular
// order instead (Options.Angles, or Options.SpectralAngles, e.g. the
// Laplacian-eigenmap angles of AnglesFromEigenvectors), and κ is the observed
// degree, the estimator of the expected degree κ of the S¹ model (see
// RadiiFromDegrees).
package geometric

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
)

const twoPi = 2 * math.Pi

// AngleFunc derives an angle for each node of a graph without coordinates,
// for instance from Laplacian eigenvectors (see AnglesFromEigenvectors).
type AngleFunc func(g *graph.Graph) ([]float64, error)

// Options adjusts RenormalizeWith and HierarchyWith for graphs without
// hyperbolic coordinates. They apply to the input graph only: every coarse
// graph carries the (R, Phi) its step computed.
type Options struct {
	// Angles gives each node's angle (radians, any range). When set it takes
	// precedence over g.R and g.Phi, and κ is taken from the degrees.
	Angles []float64
	// SpectralAngles is called when Angles is nil and g has no coordinates;
	// the stage plugs in its Laplacian eigensolver here.
	SpectralAngles AngleFunc
}

// Renormalize is one GR step on a graph with hyperbolic coordinates (g.R,
// g.Phi): blocks of r angle-consecutive nodes become supernodes, linked when
// any members are, with coordinates from the paper's κ and θ rules (see the
// package documentation). beta is the inverse temperature of the S¹/H²
// model, > 0; math.Inf(1) for threshold graphs such as simulate/hrg's.
func Renormalize(g *graph.Graph, r int, beta float64) (*hierarchy.Level, error) {
	return RenormalizeWith(g, r, beta, Options{})
}

// RenormalizeWith is Renormalize with Options for graphs without
// coordinates: angles from opts, radii from degrees (RadiiFromDegrees, which
// needs beta > 1).
func RenormalizeWith(g *graph.Graph, r int, beta float64, opts Options) (*hierarchy.Level, error) {
	if err := checkArgs(g, r, beta); err != nil {
		return nil, err
	}
	if nc := (g.N + r - 1) / r; nc < 2 {
		return nil, fmt.Errorf("geometric: %d nodes in blocks of r = %d give %d supernode; need at least 2", g.N, r, nc)
	}
	rad, phi, err := coordinates(g, beta, opts)
	if err != nil {
		return nil, err
	}
	return step(g, r, beta, rad, phi)
}

// Hierarchy applies Renormalize levels times, each to the previous coarse
// graph: level ℓ (1-based) has ⌈N_{ℓ−1}/r⌉ supernodes. It fails before any
// work when a level would have fewer than 2 supernodes.
func Hierarchy(g *graph.Graph, r, levels int, beta float64) ([]hierarchy.Level, error) {
	return HierarchyWith(g, r, levels, beta, Options{})
}

// HierarchyWith is Hierarchy with Options for an input graph without
// coordinates; the coarse graphs carry coordinates, so opts is used at the
// first level only.
func HierarchyWith(g *graph.Graph, r, levels int, beta float64, opts Options) ([]hierarchy.Level, error) {
	if err := checkArgs(g, r, beta); err != nil {
		return nil, err
	}
	if levels < 1 {
		return nil, fmt.Errorf("geometric: levels = %d, want at least 1", levels)
	}
	n := g.N
	for l := 1; l <= levels; l++ {
		nc := (n + r - 1) / r
		if nc < 2 {
			return nil, fmt.Errorf("geometric: level %d of %d would have %d supernode (%d nodes at level %d in blocks of r = %d); "+
				"N = %d allows at most %d levels with r = %d", l, levels, nc, n, l-1, r, g.N, l-1, r)
		}
		n = nc
	}
	out := make([]hierarchy.Level, 0, levels)
	cur := g
	for l := 1; l <= levels; l++ {
		lv, err := RenormalizeWith(cur, r, beta, opts)
		if err != nil {
			return nil, fmt.Errorf("geometric: level %d (%d nodes): %w", l, cur.N, err)
		}
		out = append(out, *lv)
		cur, opts = lv.Coarse, Options{}
	}
	return out, nil
}

// checkArgs validates what every entry point needs.
func checkArgs(g *graph.Graph, r int, beta float64) error {
	if g == nil {
		return errors.New("geometric: nil graph")
	}
	if r < 2 {
		return fmt.Errorf("geometric: block size r = %d, want at least 2", r)
	}
	if !(beta > 0) {
		return fmt.Errorf("geometric: beta = %v, want the inverse temperature > 0 (math.Inf(1) for threshold graphs)", beta)
	}
	if g.N < 2 {
		return fmt.Errorf("geometric: graph has %d nodes, want at least 2", g.N)
	}
	return nil
}

// coordinates returns the radii and angles step works on: g's own, or the
// angles of opts with radii from degrees.
func coordinates(g *graph.Graph, beta float64, opts Options) (rad, phi []float64, err error) {
	phi = opts.Angles
	if phi == nil && (g.R == nil || g.Phi == nil) {
		switch {
		case g.R != nil:
			return nil, nil, errors.New("geometric: graph has radii R but no angles Phi; give both, or angles in Options")
		case g.Phi != nil:
			return nil, nil, errors.New("geometric: graph has angles Phi but no radii R; give both, or the angles in Options.Angles")
		case opts.SpectralAngles == nil:
			return nil, nil, errors.New("geometric: graph has no hyperbolic coordinates (R, Phi); give Options.Angles or Options.SpectralAngles")
		}
		if phi, err = opts.SpectralAngles(g); err != nil {
			return nil, nil, fmt.Errorf("geometric: spectral angles: %w", err)
		}
		if phi == nil {
			return nil, nil, errors.New("geometric: spectral angles: no angles returned")
		}
	}
	if phi != nil {
		if len(phi) != g.N {
			return nil, nil, fmt.Errorf("geometric: %d angles for %d nodes", len(phi), g.N)
		}
		if rad, err = RadiiFromDegrees(g.Degrees(), beta); err != nil {
			return nil, nil, err
		}
	} else {
		rad, phi = g.R, g.Phi
		if len(rad) != g.N || len(phi) != g.N {
			return nil, nil, fmt.Errorf("geometric: graph has %d nodes but %d radii and %d angles", g.N, len(rad), len(phi))
		}
		for i, x := range rad {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, fmt.Errorf("geometric: node %d has radius %v, want a finite number", i, x)
			}
		}
	}
	for i, x := range phi {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, nil, fmt.Errorf("geometric: node %d has angle %v, want a finite number", i, x)
		}
	}
	return rad, phi, nil
}

// step is one GR step on validated coordinates.
func step(g *graph.Graph, r int, beta float64, rad, phi []float64) (*hierarchy.Level, error) {
	n := g.N
	nc := (n + r - 1) / r
	theta := make([]float64, n)
	for i, x := range phi {
		theta[i] = normAngle(x)
	}
	order := blockOrder(theta)
	assign := make([]int32, n)
	for p, i := range order {
		assign[i] = int32(p / r)
	}
	coarse, err := hierarchy.Coarsen(g, assign, nc)
	if err != nil {
		return nil, err
	}
	coarse.R = make([]float64, nc)
	coarse.Phi = make([]float64, nc)
	// Blocks are independent, so the parallel loop gives the same bits on
	// any number of cores.
	par.For(nc, 1<<12, func(lo, hi int) {
		var rs, ts []float64
		for s := lo; s < hi; s++ {
			rs, ts = rs[:0], ts[:0]
			for _, i := range order[s*r : min((s+1)*r, n)] {
				rs = append(rs, rad[i])
				ts = append(ts, theta[i])
			}
			unwrap(ts)
			coarse.R[s] = SupernodeRadius(rs, beta)
			coarse.Phi[s] = normAngle(SupernodeAngle(ts, rs, beta))
		}
	})
	return &hierarchy.Level{Assign: assign, Coarse: coarse}, nil
}

// normAngle maps x to [0, 2π).
func normAngle(x float64) float64 {
	x = math.Mod(x, twoPi)
	if x < 0 {
		x += twoPi
	}
	if x >= twoPi {
		x = 0
	}
	return x
}

// unwrap makes a block's angles (in block order, each in [0, 2π))
// non-decreasing by adding 2π to those past the block's 2π → 0 wrap.
func unwrap(ts []float64) {
	for k := 1; k < len(ts); k++ {
		if ts[k] < ts[k-1] {
			for m := k; m < len(ts); m++ {
				ts[m] += twoPi
			}
			return
		}
	}
}

// blockOrder returns the nodes in partition order: by (angle, id), rotated
// to start just after the largest gap between angle-consecutive nodes,
// the gap from the last angle round to the first included.
func blockOrder(theta []float64) []int32 {
	n := len(theta)
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	// Generators (simulate/hrg) already number nodes by angle; skip the sort.
	if !slices.IsSorted(theta) {
		slices.SortFunc(idx, func(a, b int32) int {
			if c := cmp.Compare(theta[a], theta[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
	}
	best, gap := 0, theta[idx[0]]+twoPi-theta[idx[n-1]]
	for p := 0; p+1 < n; p++ {
		if d := theta[idx[p+1]] - theta[idx[p]]; d > gap {
			best, gap = p+1, d
		}
	}
	if best == 0 {
		return idx
	}
	return append(idx[best:], idx[:best]...)
}
