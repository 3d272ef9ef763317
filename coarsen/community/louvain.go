// Package community finds communities in weighted undirected graphs by
// modularity optimisation with the Louvain method of Blondel, Guillaume,
// Lambiotte and Lefebvre, "Fast unfolding of communities in large networks",
// J. Stat. Mech. (2008) P10008, generalised with the resolution parameter γ
// of Reichardt and Bornholdt, Phys. Rev. E 74, 016110 (2006).
//
// The reference implementation runs python-louvain's best_partition on its
// hyperbolic graphs for plots and analysis only (reference spec §1.1). Each
// Louvain pass here is one coarse-graining level (coarsen/hierarchy), so the
// communities double as a renormalization hierarchy.
package community

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
)

// DefaultTolerance is the smallest modularity gain that counts as progress,
// both for another sweep of local moves and for another level; it is
// python-louvain's threshold.
const DefaultTolerance = 1e-7

// pcgStream is the second PCG seed word, fixed so that Options.Seed alone
// determines the visiting order.
const pcgStream = 0x524f4d41_4c4f5556 // "ROMALOUV"

// Options configures Louvain. The zero value is usable: γ = 1, seed 0,
// DefaultTolerance and no limit on the number of levels.
type Options struct {
	// Resolution is γ in Q = (1/2m) Σ_ij [A_ij − γ k_i k_j/2m] δ(c_i, c_j);
	// larger values give smaller communities. Zero means 1 (γ = 0 would
	// merge every connected component into one community).
	Resolution float64
	// Seed seeds the PCG generator that shuffles the node visiting order
	// before every sweep: the same seed gives the same partition.
	Seed uint64
	// Tolerance is the modularity gain below which sweeps and levels stop;
	// zero means DefaultTolerance.
	Tolerance float64
	// MaxLevels caps the number of levels returned; zero means no limit.
	MaxLevels int
}

// withDefaults fills zero fields and validates the result.
func (o Options) withDefaults() (Options, error) {
	if o.Resolution == 0 {
		o.Resolution = 1
	}
	if o.Tolerance == 0 {
		o.Tolerance = DefaultTolerance
	}
	var errs []string
	if !(o.Resolution > 0) || math.IsInf(o.Resolution, 1) {
		errs = append(errs, fmt.Sprintf("Resolution = %v, want a finite γ > 0", o.Resolution))
	}
	if !(o.Tolerance > 0) || math.IsInf(o.Tolerance, 1) {
		errs = append(errs, fmt.Sprintf("Tolerance = %v, want a finite value > 0", o.Tolerance))
	}
	if o.MaxLevels < 0 {
		errs = append(errs, fmt.Sprintf("MaxLevels = %d, want ≥ 0 (0: no limit)", o.MaxLevels))
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("community: invalid options: %s", strings.Join(errs, "; "))
	}
	return o, nil
}

// checkGraph verifies what Louvain relies on: ids in range, no self-loops and
// positive finite weights.
func checkGraph(g *graph.Graph) error {
	if g == nil {
		return fmt.Errorf("community: nil graph")
	}
	if g.N < 0 || g.N > math.MaxInt32 {
		return fmt.Errorf("community: graph has N = %d nodes, want 0 ≤ N ≤ %d", g.N, math.MaxInt32)
	}
	if len(g.Src) != len(g.Dst) || (g.W != nil && len(g.W) != len(g.Src)) {
		return fmt.Errorf("community: graph has %d sources, %d destinations and %d weights", len(g.Src), len(g.Dst), len(g.W))
	}
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		if a < 0 || int(a) >= g.N || b < 0 || int(b) >= g.N {
			return fmt.Errorf("community: edge %d (%d, %d) has an id outside [0, %d)", i, a, b, g.N)
		}
		if a == b {
			return fmt.Errorf("community: edge %d is a self-loop on node %d", i, a)
		}
		if w := g.Weight(i); !(w > 0) || math.IsInf(w, 1) {
			return fmt.Errorf("community: edge %d (%d, %d) has weight %v, want finite and > 0", i, a, b, w)
		}
	}
	return nil
}

// wgraph is the weighted graph one Louvain level works on. Unlike
// graph.Graph it keeps each node's self-weight A_ii, which after aggregation
// holds the weight inside a supernode (both directions, as in the matrix
// Σ_{i,j∈c} A_ij), so that modularity is the same at every level.
type wgraph struct {
	n    int
	ptr  []int64
	col  []int32
	w    []float64
	self []float64 // A_ii
	k    []float64 // Σ_j A_ij, self-weight included
	m2   float64   // 2m = Σ_i k_i
}

// fromGraph builds the level-0 wgraph of g.
func fromGraph(g *graph.Graph) *wgraph {
	a := g.Adjacency()
	wg := &wgraph{n: g.N, ptr: a.Ptr, col: a.Col, w: a.Val, self: make([]float64, g.N), k: make([]float64, g.N)}
	for i := 0; i < g.N; i++ {
		s := 0.0
		for e := a.Ptr[i]; e < a.Ptr[i+1]; e++ {
			s += a.Val[e]
		}
		wg.k[i] = s
		wg.m2 += s
	}
	return wg
}

// quality is the modularity of the partition that puts every node of wg in
// its own community: (1/2m) Σ_i [A_ii − γ k_i²/2m].
func (wg *wgraph) quality(gamma float64) float64 {
	if wg.m2 == 0 {
		return 0
	}
	q := 0.0
	for i := 0; i < wg.n; i++ {
		q += wg.self[i] - gamma*wg.k[i]*wg.k[i]/wg.m2
	}
	return q / wg.m2
}

// Louvain partitions g into communities of high modularity Q at resolution
// γ (Options.Resolution). It returns one level per Louvain pass: level 0 maps
// g's nodes to the communities found by local moves, and each further level
// maps the previous level's communities (the nodes of its Coarse graph) to
// communities of the aggregated graph. hierarchy.Compose gives each node's
// final community. There is always at least one level; passes stop when a
// pass raises Q by less than Options.Tolerance (that pass is dropped, as in
// python-louvain) or when MaxLevels is reached.
//
// Communities are numbered by their smallest member. Coarse graphs follow
// hierarchy.Coarsen: summed weights between supernodes, no intra-supernode
// edges (the algorithm keeps that weight internally; a Coarse graph run
// through Louvain again therefore optimises a different modularity).
// Isolated nodes stay communities of their own. The run is sequential, so the
// result depends on Options.Seed only, not on the number of cores. Time is
// about linear in the number of edges per sweep; memory a few times the
// graph's CSR.
func Louvain(g *graph.Graph, opt Options) ([]hierarchy.Level, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkGraph(g); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opt.Seed, pcgStream))
	cur := fromGraph(g)
	qPrev := cur.quality(opt.Resolution)
	var levels []hierarchy.Level
	for {
		comm := cur.moveNodes(rng, opt.Resolution, opt.Tolerance)
		nc := renumber(comm)
		agg := cur.aggregate(comm, nc)
		q := agg.quality(opt.Resolution)
		if len(levels) > 0 && (nc == cur.n || q-qPrev < opt.Tolerance) {
			break
		}
		levels = append(levels, hierarchy.Level{Assign: comm, Coarse: agg.toGraph()})
		if nc == cur.n || len(levels) == opt.MaxLevels {
			break
		}
		cur, qPrev = agg, q
	}
	return levels, nil
}

// moveNodes is Louvain's first phase: starting from singletons, it visits
// the nodes in a fresh random order each sweep and moves each to the
// neighbouring community with the largest modularity gain, until a sweep
// gains less than tol. It returns each node's community (a node id).
func (wg *wgraph) moveNodes(rng *rand.Rand, gamma, tol float64) []int32 {
	n := wg.n
	comm := make([]int32, n)
	for i := range comm {
		comm[i] = int32(i)
	}
	if wg.m2 == 0 {
		return comm
	}
	tot := slices.Clone(wg.k) // Σ k over each community's members
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	// Moving i from its community (without i) to c changes Q by
	// [gain(c) − gain(old)]·2/2m with gain(c) = k_{i,c} − γ k_i Σ_c/2m
	// (Blondel et al., eq. 2, with γ).
	neigh := make([]float64, n) // k_{i,c} for the communities around i
	var touched []int32
	scale := gamma / wg.m2
	for {
		rng.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		sweepGain := 0.0
		moves := 0
		for _, i := range order {
			ki := wg.k[i]
			if ki == 0 {
				continue
			}
			ci := comm[i]
			for e := wg.ptr[i]; e < wg.ptr[i+1]; e++ {
				c := comm[wg.col[e]]
				if neigh[c] == 0 { // weights are > 0, so 0 means unseen
					touched = append(touched, c)
				}
				neigh[c] += wg.w[e]
			}
			tot[ci] -= ki
			oldGain := neigh[ci] - scale*ki*tot[ci]
			best, bestGain := ci, oldGain
			for _, c := range touched {
				if gc := neigh[c] - scale*ki*tot[c]; gc > bestGain {
					best, bestGain = c, gc
				}
			}
			tot[best] += ki
			if best != ci {
				comm[i] = best
				moves++
				sweepGain += bestGain - oldGain
			}
			for _, c := range touched {
				neigh[c] = 0
			}
			touched = touched[:0]
		}
		if moves == 0 || 2*sweepGain/wg.m2 < tol {
			return comm
		}
	}
}

// renumber relabels comm in place to 0..nc-1 in order of first appearance
// (so by smallest member) and returns nc.
func renumber(comm []int32) int {
	id := make([]int32, len(comm))
	for i := range id {
		id[i] = -1
	}
	nc := int32(0)
	for i, c := range comm {
		if id[c] < 0 {
			id[c] = nc
			nc++
		}
		comm[i] = id[c]
	}
	return int(nc)
}

// aggregate is Louvain's second phase: the graph whose nodes are the nc
// communities of assign, with A'_cd = Σ_{i∈c, j∈d} A_ij (the diagonal
// included), rows sorted by column.
func (wg *wgraph) aggregate(assign []int32, nc int) *wgraph {
	mptr := make([]int32, nc+1)
	for _, c := range assign {
		mptr[c+1]++
	}
	for c := 0; c < nc; c++ {
		mptr[c+1] += mptr[c]
	}
	members := make([]int32, wg.n)
	next := slices.Clone(mptr[:nc])
	for i, c := range assign {
		members[next[c]] = int32(i)
		next[c]++
	}
	next = nil
	agg := &wgraph{n: nc, ptr: make([]int64, nc+1), self: make([]float64, nc), k: make([]float64, nc), m2: wg.m2}
	agg.col = make([]int32, 0, len(wg.col)/2)
	agg.w = make([]float64, 0, len(wg.col)/2)
	acc := make([]float64, nc)
	seen := make([]bool, nc)
	var row []int32
	for c := 0; c < nc; c++ {
		row = row[:0]
		for _, i := range members[mptr[c]:mptr[c+1]] {
			agg.self[c] += wg.self[i]
			agg.k[c] += wg.k[i]
			for e := wg.ptr[i]; e < wg.ptr[i+1]; e++ {
				d := assign[wg.col[e]]
				if !seen[d] {
					seen[d] = true
					row = append(row, d)
				}
				acc[d] += wg.w[e]
			}
		}
		slices.Sort(row)
		for _, d := range row {
			if int(d) == c {
				agg.self[c] += acc[d]
			} else {
				agg.col = append(agg.col, d)
				agg.w = append(agg.w, acc[d])
			}
			acc[d], seen[d] = 0, false
		}
		agg.ptr[c+1] = int64(len(agg.col))
	}
	return agg
}

// toGraph returns wg without its self-weights as a graph.Graph (each edge
// once, Src < Dst, sorted), the form hierarchy.Coarsen produces.
func (wg *wgraph) toGraph() *graph.Graph {
	g := &graph.Graph{N: wg.n}
	ne := len(wg.col) / 2
	if ne == 0 {
		return g
	}
	g.Src = make([]int32, 0, ne)
	g.Dst = make([]int32, 0, ne)
	g.W = make([]float64, 0, ne)
	for a := 0; a < wg.n; a++ {
		for e := wg.ptr[a]; e < wg.ptr[a+1]; e++ {
			if b := wg.col[e]; b > int32(a) {
				g.Src = append(g.Src, int32(a))
				g.Dst = append(g.Dst, b)
				g.W = append(g.W, wg.w[e])
			}
		}
	}
	return g
}

// Modularity returns Newman's modularity (γ = 1) of the partition assign of
// g's nodes; see ModularityResolution.
func Modularity(g *graph.Graph, assign []int32) float64 {
	return ModularityResolution(g, assign, 1)
}

// ModularityResolution returns Q = (1/2m) Σ_c [In_c − γ Tot_c²/2m], where
// In_c is twice the weight of the edges inside community c, Tot_c the summed
// weighted degree of its members and m the total edge weight (Newman and
// Girvan, Phys. Rev. E 69, 026113, 2004; γ after Reichardt and Bornholdt).
// Community labels are any non-negative int32s. It returns 0 for a graph
// without edges, where Q is undefined, and panics if assign does not have one
// non-negative label per node.
func ModularityResolution(g *graph.Graph, assign []int32, gamma float64) float64 {
	if len(assign) != g.N {
		panic(fmt.Sprintf("community: %d labels for %d nodes", len(assign), g.N))
	}
	nc := int32(0)
	for i, c := range assign {
		if c < 0 {
			panic(fmt.Sprintf("community: node %d has negative label %d", i, c))
		}
		nc = max(nc, c+1)
	}
	in := make([]float64, nc)
	tot := make([]float64, nc)
	m2 := 0.0
	for e := range g.Src {
		w := g.Weight(e)
		a, b := assign[g.Src[e]], assign[g.Dst[e]]
		tot[a] += w
		tot[b] += w
		m2 += 2 * w
		if a == b {
			in[a] += 2 * w
		}
	}
	if m2 == 0 {
		return 0
	}
	q := 0.0
	for c := range in {
		q += in[c] - gamma*tot[c]*tot[c]/m2
	}
	return q / m2
}
