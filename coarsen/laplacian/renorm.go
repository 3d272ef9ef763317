package laplacian

import (
	"fmt"
	"slices"
	"strings"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
)

// Methods accepted in Options.Method.
const (
	// MethodAuto uses MethodDense up to Options.DenseLimit nodes and
	// MethodLocal above.
	MethodAuto = "auto"
	// MethodDense is the exact LRG from the full eigendecomposition: every
	// pair is tested, S and C come from the exact spectrum. O(N³) time and
	// O(N²) memory.
	MethodDense = "dense"
	// MethodLocal is the approximation for large graphs: S, C and τ* by
	// stochastic Lanczos quadrature, and the metagraph from columns of
	// e^{−τL} computed by Lanczos on a ball of Options.Ball nodes around each
	// node with an absorbing boundary, testing only pairs inside the ball.
	// O((N + E)·Steps·Probes + N·Ball·steps) time, O(N + E + Ball·steps)
	// memory per core.
	MethodLocal = "local"
)

// Peak rules accepted in Options.Peak.
const (
	// PeakFirst takes the specific-heat peak at the smallest τ: the finest
	// scale at which a group of modes decouples, the natural single RG step.
	PeakFirst = "first"
	// PeakMax takes the highest specific-heat peak.
	PeakMax = "max"
	// PlateauFirst takes the end of the first transition: the first local
	// minimum of C after its first peak (see Measure.PlateauAfter). At a
	// peak the modes of that scale are only half decoupled, so its blocks are
	// still forming; on the plateau after it they are complete (on a graph
	// with planted communities, exactly the communities), and a hierarchy
	// built this way needs far fewer levels.
	PlateauFirst = "plateau"
)

// Coarse-graph weights accepted in Options.Weights.
const (
	// WeightsUnit links two supernodes with weight 1 when any of their
	// members are linked: the renormalized network of Villegas et al.,
	// which is again a simple unweighted graph.
	WeightsUnit = "unit"
	// WeightsSum gives each coarse edge the summed weight of the member
	// edges it replaces (hierarchy.Coarsen).
	WeightsSum = "sum"
)

// Defaults used for zero Options fields.
const (
	DefaultDenseLimit = 2000
	DefaultBall       = 256
	DefaultProbes     = 24
	DefaultSteps      = 100
	DefaultLocalSteps = 300
	DefaultTol        = 1e-7
	DefaultPerDecade  = 25
)

// Options configures Renormalize and Hierarchy. The zero value is valid.
type Options struct {
	// Tau is the diffusion time; 0 picks τ* from the specific heat by Peak.
	Tau float64
	// Peak is the rule that picks τ when Tau is 0: PeakFirst (default),
	// PeakMax or PlateauFirst.
	Peak string
	// Method is MethodAuto (default), MethodDense or MethodLocal.
	Method string
	// DenseLimit is the largest graph MethodAuto treats densely
	// (DefaultDenseLimit; the eigendecomposition of 2000 nodes takes
	// tens of seconds).
	DenseLimit int
	// Ball is the number of nodes of each local ball (DefaultBall).
	Ball int
	// Probes and Steps are the stochastic Lanczos quadrature's Rademacher
	// probes and Lanczos steps per probe (DefaultProbes, DefaultSteps).
	Probes, Steps int
	// LocalSteps caps the Lanczos steps of one local column
	// (DefaultLocalSteps); Tol is their stopping tolerance (DefaultTol).
	LocalSteps int
	Tol        float64
	// Seed seeds the quadrature probes.
	Seed uint64
	// Weights is WeightsUnit (default) or WeightsSum.
	Weights string
	// PerDecade is the density of the τ grid on which C is scanned for
	// peaks (DefaultPerDecade).
	PerDecade int
}

func (o Options) withDefaults() (Options, error) {
	if o.Peak == "" {
		o.Peak = PeakFirst
	}
	if o.Method == "" {
		o.Method = MethodAuto
	}
	if o.Weights == "" {
		o.Weights = WeightsUnit
	}
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&o.DenseLimit, DefaultDenseLimit)
	def(&o.Ball, DefaultBall)
	def(&o.Probes, DefaultProbes)
	def(&o.Steps, DefaultSteps)
	def(&o.LocalSteps, DefaultLocalSteps)
	def(&o.PerDecade, DefaultPerDecade)
	if o.Tol == 0 {
		o.Tol = DefaultTol
	}
	var bad []string
	if !(o.Tau >= 0) || o.Tau > 1e300 {
		bad = append(bad, fmt.Sprintf("Tau = %v, want ≥ 0 (0 picks τ* from the specific heat)", o.Tau))
	}
	if o.Peak != PeakFirst && o.Peak != PeakMax && o.Peak != PlateauFirst {
		bad = append(bad, fmt.Sprintf("Peak = %q, want %q, %q or %q", o.Peak, PeakFirst, PeakMax, PlateauFirst))
	}
	if o.Method != MethodAuto && o.Method != MethodDense && o.Method != MethodLocal {
		bad = append(bad, fmt.Sprintf("Method = %q, want %q, %q or %q", o.Method, MethodAuto, MethodDense, MethodLocal))
	}
	if o.Weights != WeightsUnit && o.Weights != WeightsSum {
		bad = append(bad, fmt.Sprintf("Weights = %q, want %q or %q", o.Weights, WeightsUnit, WeightsSum))
	}
	if o.DenseLimit < 0 || o.Ball < 2 || o.Probes < 1 || o.Steps < 1 || o.LocalSteps < 1 || o.PerDecade < 2 || !(o.Tol > 0) {
		bad = append(bad, fmt.Sprintf("DenseLimit %d, Ball %d, Probes %d, Steps %d, LocalSteps %d, PerDecade %d, Tol %v: want DenseLimit ≥ 0, Ball ≥ 2, Probes, Steps, LocalSteps ≥ 1, PerDecade ≥ 2, Tol > 0",
			o.DenseLimit, o.Ball, o.Probes, o.Steps, o.LocalSteps, o.PerDecade, o.Tol))
	}
	if len(bad) > 0 {
		return o, fmt.Errorf("laplacian: invalid options: %v", bad)
	}
	return o, nil
}

// Info reports how a level was renormalized.
type Info struct {
	// Method is the method used (MethodDense or MethodLocal).
	Method string
	// Tau is the diffusion time used; Entropy and SpecificHeat are S and C
	// there (estimated by quadrature for MethodLocal).
	Tau, Entropy, SpecificHeat float64
	// Peaks are the specific-heat peaks found (nil when Options.Tau was set).
	Peaks []Peak
	// Nodes, Blocks and Components count the nodes, the blocks (supernodes)
	// and the connected components of the input graph.
	Nodes, Blocks, Components int
	// Probes, Steps, Ball, LocalSteps, Tol and Seed are the approximation's
	// settings (MethodLocal only).
	Probes, Steps, Ball, LocalSteps int
	Tol                             float64
	Seed                            uint64
	// MeanLeak and MaxLeak are the mean and largest heat lost through a
	// ball's boundary by τ. Every local entry of e^{−τL} undershoots the
	// exact one by at most its column's leak (MethodLocal only).
	MeanLeak, MaxLeak float64
	// MaxLanczosErr is the largest a posteriori Lanczos error estimate of a
	// local column (MethodLocal only).
	MaxLanczosErr float64
	// MeanLocalSteps is the mean number of Lanczos steps per column.
	MeanLocalSteps float64
	// Pairs is the number of (column, ball node) pairs tested, and Certified
	// the fraction whose decision the leak bound proves equal to the exact
	// rule's (MethodLocal only).
	Pairs     int64
	Certified float64
}

// NewMeasure returns the spectral measure of g's Laplacian by the method opt
// selects: the exact spectrum (MethodDense) or the stochastic Lanczos
// quadrature estimate (MethodLocal). Its Entropy, SpecificHeat and Peaks give
// the LRG's thermodynamics.
func NewMeasure(g *graph.Graph, opt Options) (*Measure, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	op, err := newOperator(g)
	if err != nil {
		return nil, err
	}
	comp, size := op.components()
	if opt.method(op.n) == MethodDense {
		sp, err := componentSpectra(op, comp, size)
		if err != nil {
			return nil, err
		}
		return unionMeasure(sp), nil
	}
	return slq(op, comp, len(size), opt.Probes, opt.Steps, opt.Seed)
}

func (o Options) method(n int) string {
	if o.Method == MethodAuto {
		if n <= o.DenseLimit {
			return MethodDense
		}
		return MethodLocal
	}
	return o.Method
}

// Renormalize performs one step of the Laplacian renormalization group on g
// (Villegas et al. 2023): it picks the scale τ (Options.Tau, or the
// specific-heat peak τ* chosen by Options.Peak), builds the metagraph
// ζ_ij = H(ρ_ij/min(ρ_ii, ρ_jj) − 1) of ρ(τ) = e^{−τL}/Tr e^{−τL}, takes its
// connected components as blocks, and returns the level mapping each node to
// its block together with the coarse graph whose supernodes are the blocks,
// linked when any of their members are (weights per Options.Weights).
// Blocks are numbered in order of their smallest node.
//
// A disconnected g is renormalized component by component: ρ_ij = 0 across
// components, so blocks never span two; the scale is chosen from the whole
// graph's specific heat. It is an error for the step to merge a graph of
// more than one node into a single block.
func Renormalize(g *graph.Graph, opt Options) (*hierarchy.Level, Info, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, Info{}, err
	}
	op, err := newOperator(g)
	if err != nil {
		return nil, Info{}, err
	}
	comp, size := op.components()
	info := Info{Method: opt.method(op.n), Nodes: op.n, Components: len(size)}
	var meas *Measure
	var spectra []*componentSpectrum
	if info.Method == MethodDense {
		if spectra, err = componentSpectra(op, comp, size); err != nil {
			return nil, info, err
		}
		meas = unionMeasure(spectra)
	} else {
		if meas, err = slq(op, comp, len(size), opt.Probes, opt.Steps, opt.Seed); err != nil {
			return nil, info, err
		}
		info.Probes, info.Steps, info.Seed = opt.Probes, opt.Steps, opt.Seed
		info.Ball, info.LocalSteps, info.Tol = opt.Ball, opt.LocalSteps, opt.Tol
	}
	info.Tau = opt.Tau
	if info.Tau == 0 {
		lo, hi, err := meas.Range()
		if err != nil {
			return nil, info, err
		}
		info.Peaks = meas.Peaks(lo, hi, opt.PerDecade)
		if len(info.Peaks) == 0 {
			return nil, info, fmt.Errorf("laplacian: the specific heat of the %d-node graph has no peak on τ ∈ [%.3g, %.3g]; set Options.Tau", op.n, lo, hi)
		}
		p := info.Peaks[0]
		if opt.Peak == PeakMax {
			for _, q := range info.Peaks {
				if q.C > p.C {
					p = q
				}
			}
		}
		info.Tau = p.Tau
		if opt.Peak == PlateauFirst {
			info.Tau = meas.PlateauAfter(p.Tau, hi, opt.PerDecade)
		}
	}
	info.Entropy, info.SpecificHeat = meas.thermo(info.Tau)

	var assign []int32
	var nc int
	if info.Method == MethodDense {
		assign, nc = denseAssign(spectra, op.n, info.Tau)
	} else {
		var st localStats
		assign, nc, st = localBlocks(op, info.Tau, opt.Ball, opt.LocalSteps, opt.Tol)
		info.MeanLeak = st.sumLeak / float64(op.n)
		info.MaxLeak = st.maxLeak
		info.MaxLanczosErr = st.maxLanczos
		info.MeanLocalSteps = float64(st.steps) / float64(op.n)
		info.Pairs = st.pairs
		if st.pairs > 0 {
			info.Certified = float64(st.certified) / float64(st.pairs)
		}
	}
	info.Blocks = nc
	if nc == 1 && op.n > 1 {
		return nil, info, fmt.Errorf("laplacian: τ = %.4g merges all %d nodes into one block; use a smaller τ or fewer levels", info.Tau, op.n)
	}
	coarse, err := hierarchy.Coarsen(g, assign, nc)
	if err != nil {
		return nil, info, err
	}
	if opt.Weights == WeightsUnit {
		coarse.W = nil
	}
	return &hierarchy.Level{Assign: assign, Coarse: coarse}, info, nil
}

// Hierarchy applies Renormalize repeatedly, each level to the previous
// level's coarse graph, and returns the levels and their Info. With
// Options.Tau = 0 each level picks its own τ*; a fixed Tau is used at every
// level. It stops with an error naming the level when a step would merge
// everything into one node or merges nothing.
func Hierarchy(g *graph.Graph, levels int, opt Options) ([]hierarchy.Level, []Info, error) {
	if levels < 1 {
		return nil, nil, fmt.Errorf("laplacian: %d levels requested, want at least 1", levels)
	}
	var out []hierarchy.Level
	var infos []Info
	cur := g
	for l := 1; l <= levels; l++ {
		lv, info, err := Renormalize(cur, opt)
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "laplacian: ")
			return out, infos, fmt.Errorf("laplacian: level %d of %d (%d nodes): %s", l, levels, cur.N, msg)
		}
		if info.Blocks == cur.N {
			return out, infos, fmt.Errorf("laplacian: level %d of %d (%d nodes): τ = %.4g merges no nodes", l, levels, cur.N, info.Tau)
		}
		out = append(out, *lv)
		infos = append(infos, info)
		cur = lv.Coarse
	}
	return out, infos, nil
}

// componentSpectrum is the dense spectrum of one connected component, with
// the component's node ids (ascending).
type componentSpectrum struct {
	nodes []int32
	sp    *Spectrum
}

func componentSpectra(op *operator, comp []int32, size []int) ([]*componentSpectrum, error) {
	if op.n > MaxDense {
		return nil, fmt.Errorf("laplacian: the dense method handles at most MaxDense = %d nodes, the graph has %d; use %q", MaxDense, op.n, MethodLocal)
	}
	members := make([][]int32, len(size))
	for i, c := range comp {
		members[c] = append(members[c], int32(i))
	}
	out := make([]*componentSpectrum, len(size))
	for c, nodes := range members {
		sub := op.subgraph(nodes)
		sp, err := sub.spectrum()
		if err != nil {
			return nil, err
		}
		out[c] = &componentSpectrum{nodes: nodes, sp: sp}
	}
	return out, nil
}

func unionMeasure(cs []*componentSpectrum) *Measure {
	m := &Measure{}
	for _, c := range cs {
		m.Nodes = append(m.Nodes, c.sp.Values...)
	}
	slices.Sort(m.Nodes)
	m.Weights = make([]float64, len(m.Nodes))
	for i := range m.Weights {
		m.Weights[i] = 1
	}
	return m
}

// denseAssign runs the exact metagraph rule per component and numbers the
// blocks by smallest node.
func denseAssign(cs []*componentSpectrum, n int, tau float64) ([]int32, int) {
	uf := newUnionFind(n)
	for _, c := range cs {
		lab, _ := denseBlocks(c.sp, tau)
		first := make(map[int32]int32)
		for k, l := range lab {
			if f, ok := first[l]; ok {
				uf.union(f, c.nodes[k])
			} else {
				first[l] = c.nodes[k]
			}
		}
	}
	return uf.labels()
}

// subgraph returns the operator induced on nodes (ascending ids), which must
// be a union of components so that degrees are unchanged.
func (op *operator) subgraph(nodes []int32) *operator {
	loc := make(map[int32]int32, len(nodes))
	for k, v := range nodes {
		loc[v] = int32(k)
	}
	s := &operator{n: len(nodes), ptr: make([]int64, len(nodes)+1), deg: make([]float64, len(nodes))}
	for k, v := range nodes {
		for e := op.ptr[v]; e < op.ptr[v+1]; e++ {
			s.col = append(s.col, loc[op.col[e]])
			s.w = append(s.w, op.w[e])
		}
		s.ptr[k+1] = int64(len(s.col))
		s.deg[k] = op.deg[v]
	}
	return s
}
