package sampler

import (
	"fmt"
	"math"
	"slices"

	"github.com/roma-go/roma/simulate/graph"
)

// Sampler draws training and test batches from one graph and series. It is
// not safe for concurrent use.
type Sampler struct {
	opt  Options
	n, t int       // nodes and samples per node
	x    []float32 // node-major series, shared with the caller
	seed uint64

	lo, hi int // valid times t ∈ [lo, hi]: κ−1 and T−τ−1

	isTest     []bool
	testNodes  []int32
	trainNodes []int32
	testHash   uint64 // fingerprint of the test split, checked by Restore
	testTrunc  bool   // the test split needed the truncated fallback

	train *walker // walks on the training graph
	local []int32 // global → local id while inducing edges, −1 elsewhere

	// Sampler state (see State): the adaptive root count of training draws,
	// and the current training subgraph with the step it was drawn at.
	roots   int
	cur     []int32
	curStep int
	have    bool

	batch     Batch // reused by Train
	test      Batch // built by the first Test call
	testReady bool

	draw, sample *stream
}

// New splits g into a test set and a training graph and returns a sampler over
// the series x, node-major with T samples per node (x[i·T+t] is node i at time
// t). The sampler keeps x without copying it: x must not change while the
// sampler is in use. The test split depends on seed only.
func New(g *graph.Graph, x []float32, T int, opt Options, seed uint64) (*Sampler, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	if err := checkInput(g, x, T, opt); err != nil {
		return nil, err
	}
	adj, err := adjacency(g)
	if err != nil {
		return nil, err
	}
	s := &Sampler{
		opt: opt, n: g.N, t: T, x: x, seed: seed,
		lo: opt.Kappa - 1, hi: T - opt.Tau - 1,
		draw: newStream(), sample: newStream(),
	}
	if err := s.split(adj); err != nil {
		return nil, err
	}
	return s, nil
}

// checkInput validates the graph and the series against the options.
func checkInput(g *graph.Graph, x []float32, T int, opt Options) error {
	if g == nil {
		return fmt.Errorf("sampler: graph is nil")
	}
	if g.N < 2*opt.BatchSize {
		return fmt.Errorf("sampler: graph has %d nodes, needs at least 2·BatchSize = %d so that a test set and a training set of %d nodes both fit",
			g.N, 2*opt.BatchSize, opt.BatchSize)
	}
	if g.N > math.MaxInt32 {
		return fmt.Errorf("sampler: graph has %d nodes, more than int32 ids allow", g.N)
	}
	// The range of times t is [κ−1, T−τ−1]; asking for two distinct times
	// keeps the test linspace from collapsing onto one point.
	if need := opt.Kappa + opt.Tau + 1; T < need {
		return fmt.Errorf("sampler: series has %d samples, needs at least κ+τ+1 = %d (κ = %d, τ = %d)",
			T, need, opt.Kappa, opt.Tau)
	}
	if len(x) != g.N*T {
		return fmt.Errorf("sampler: series has %d values, want N·T = %d·%d = %d", len(x), g.N, T, g.N*T)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("sampler: series value at node %d, time %d is %g", i/T, i%T, v)
		}
	}
	return nil
}

// adjacency builds the symmetric CSR of g with sorted columns. Unlike
// g.Adjacency it keeps no edge weights (the walks are unweighted), which
// saves 8 bytes per entry on multi-million-node graphs.
func adjacency(g *graph.Graph) (csr, error) {
	if len(g.Src) != len(g.Dst) {
		return csr{}, fmt.Errorf("sampler: graph has %d sources and %d destinations", len(g.Src), len(g.Dst))
	}
	deg := make([]int64, g.N+1)
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		if a < 0 || b < 0 || int(a) >= g.N || int(b) >= g.N || a >= b {
			return csr{}, fmt.Errorf("sampler: graph edge %d is (%d, %d); want 0 ≤ Src < Dst < N = %d (build the graph with graph.New)", i, a, b, g.N)
		}
		deg[a+1]++
		deg[b+1]++
	}
	for v := range g.N {
		deg[v+1] += deg[v]
	}
	a := csr{ptr: deg, col: make([]int32, deg[g.N])}
	next := slices.Clone(deg[:g.N])
	for i := range g.Src {
		u, v := g.Src[i], g.Dst[i]
		a.col[next[u]], next[u] = v, next[u]+1
		a.col[next[v]], next[v] = u, next[v]+1
	}
	for v := range g.N {
		row := a.col[a.ptr[v]:a.ptr[v+1]]
		slices.Sort(row)
		for k := 1; k < len(row); k++ {
			if row[k] == row[k-1] {
				return csr{}, fmt.Errorf("sampler: graph lists edge (%d, %d) twice (build the graph with graph.New)", min(v, int(row[k])), max(v, int(row[k])))
			}
		}
	}
	return a, nil
}

// split draws the test set on the full graph, records its induced edges, and
// turns adj into the training graph in place.
func (s *Sampler) split(adj csr) error {
	opt := s.opt
	tw := newWalker(adj, s.n, nil, opt)
	roots := opt.initialRoots()
	nodes, err := tw.draw(&roots, s.draw.at(s.seed, tagTest, 0))
	if err != nil {
		return fmt.Errorf("sampler: test split: %w", err)
	}
	s.testNodes = slices.Clone(nodes)
	s.testTrunc = tw.fallbacks > 0
	s.isTest = make([]bool, s.n)
	for _, v := range s.testNodes {
		s.isTest[v] = true
	}
	s.trainNodes = make([]int32, 0, s.n-len(s.testNodes))
	for v := range s.n {
		if !s.isTest[v] {
			s.trainNodes = append(s.trainNodes, int32(v))
		}
	}
	s.testHash = hashNodes(s.testNodes)
	s.local = make([]int32, s.n)
	for i := range s.local {
		s.local[i] = -1
	}
	s.test.Nodes = s.testNodes
	s.test.Src, s.test.Dst = s.induce(adj, s.testNodes, false, nil, nil)

	dropNodes(&adj, s.isTest)
	var pool []int32 // nil: roots over all nodes (quirk Q3)
	if !opt.LeakRoots {
		pool = s.trainNodes
	}
	s.train = newWalker(adj, s.n, pool, opt)
	s.train.mark = tw.mark // reuse the N-entry scratch together with its generation
	s.train.gen = tw.gen
	s.roots = opt.initialRoots()
	return nil
}

// dropNodes removes from a, in place, every entry touching a node with
// drop[v]: the training graph keeps only edges between training nodes.
func dropNodes(a *csr, drop []bool) {
	w, start := int64(0), a.ptr[0]
	for v := 0; v+1 < len(a.ptr); v++ {
		end := a.ptr[v+1]
		if !drop[v] {
			for _, u := range a.col[start:end] {
				if !drop[u] {
					a.col[w] = u // w never passes the read position
					w++
				}
			}
		}
		start = end
		a.ptr[v+1] = w
	}
	a.col = a.col[:w]
}

// induce appends to src, dst (truncated first) the edges of the subgraph of
// adj induced on nodes (global ids, ascending), in local ids, sorted by
// (Dst, Src). Sorted CSR rows and an ascending node list make the local ids
// of a row ascending too, so no sort is needed: the self loop is slotted in
// where it belongs. In a training batch (train) test nodes get no self loop,
// as in the reference, whose training edge index lost theirs.
func (s *Sampler) induce(adj csr, nodes []int32, train bool, src, dst []int32) ([]int32, []int32) {
	for i, g := range nodes {
		s.local[g] = int32(i)
	}
	src, dst = src[:0], dst[:0]
	for j, g := range nodes {
		me := int32(j)
		loop := s.opt.SelfLoops && !(train && s.isTest[g])
		for _, u := range adj.col[adj.ptr[g]:adj.ptr[g+1]] {
			l := s.local[u]
			if l < 0 {
				continue
			}
			if loop && l > me {
				src, dst = append(src, me), append(dst, me)
				loop = false
			}
			src, dst = append(src, l), append(dst, me)
		}
		if loop {
			src, dst = append(src, me), append(dst, me)
		}
	}
	for _, g := range nodes {
		s.local[g] = -1
	}
	return src, dst
}

// Train returns the training batch of step (≥ 0) with cols time columns. The
// subgraph is the one drawn at step − step%BatchFreq: it is redrawn when step
// reaches a multiple of BatchFreq, or when the sampler holds no subgraph for
// that step (first call, or a call after a jump). The draw's generator depends
// on (seed, drawing step) and the times and noise on (seed, step), so a
// sequence of steps gives the same batches however it is split across
// resumed samplers. The Batch is reused: it is valid until the next Train.
func (s *Sampler) Train(step, cols int) (*Batch, error) {
	if step < 0 {
		return nil, fmt.Errorf("sampler: step is %d, must be ≥ 0", step)
	}
	if cols < 1 {
		return nil, fmt.Errorf("sampler: %d columns asked for, need ≥ 1", cols)
	}
	if base := step - step%s.opt.BatchFreq; !s.have || s.curStep != base {
		if err := s.redraw(base); err != nil {
			return nil, err
		}
	}
	b := &s.batch
	b.shape(cols, s.opt.Kappa, s.opt.Tau)
	rng := s.sample.at(s.seed, tagSample, step)
	for c := range b.Times {
		t := s.lo + rng.IntN(s.hi-s.lo+1)
		b.Times[c], b.TimeCoords[c] = t, float64(t)
	}
	b.fill(s.x, s.t)
	if s.opt.EtaVar > 0 {
		// The reference draws ξ and ξ′ from the same JAX key (quirk Q11),
		// correlating the leading entries of input and target noise; here
		// they are independent draws from one stream.
		sd := math.Sqrt(s.opt.EtaVar)
		perturb(b.Window, sd, rng)
		perturb(b.Target, sd, rng)
	}
	return b, nil
}

// redraw draws the training subgraph of step base and induces its edges.
func (s *Sampler) redraw(base int) error {
	nodes, err := s.train.draw(&s.roots, s.draw.at(s.seed, tagDraw, base))
	if err != nil {
		return fmt.Errorf("sampler: training draw at step %d: %w", base, err)
	}
	s.setSubgraph(nodes, base)
	return nil
}

// setSubgraph makes nodes (ascending) the current training subgraph.
func (s *Sampler) setSubgraph(nodes []int32, step int) {
	s.cur = append(s.cur[:0], nodes...)
	s.curStep, s.have = step, true
	b := &s.batch
	b.Nodes = append(b.Nodes[:0], nodes...)
	b.Src, b.Dst = s.induce(s.train.adj, b.Nodes, true, b.Src, b.Dst)
}

// Test returns the fixed test subgraph at TestTimes times
// t_k = floor(linspace(κ−1, T−τ−1, TestTimes)), without noise. TimeCoords
// holds the unfloored linspace values (quirk Q18). The Batch is built once
// and shared by every call: it must not be modified.
func (s *Sampler) Test() *Batch {
	if s.testReady {
		return &s.test
	}
	b := &s.test
	b.shape(s.opt.TestTimes, s.opt.Kappa, s.opt.Tau)
	linspace(b.TimeCoords, float64(s.lo), float64(s.hi))
	for c, tc := range b.TimeCoords {
		b.Times[c] = int(math.Floor(tc))
	}
	b.fill(s.x, s.t)
	s.testReady = true
	return b
}

// linspace fills v as numpy.linspace(start, stop, len(v)) does: start + k·step
// with the last value exactly stop, and start alone for one value.
func linspace(v []float64, start, stop float64) {
	if len(v) == 1 {
		v[0] = start
		return
	}
	step := (stop - start) / float64(len(v)-1)
	for k := range v {
		v[k] = start + float64(k)*step
	}
	v[len(v)-1] = stop
}

// TestNodes returns a copy of the test node ids, ascending.
func (s *Sampler) TestNodes() []int32 { return slices.Clone(s.testNodes) }

// TrainNodes returns a copy of the training node ids (all nodes not in the
// test set), ascending.
func (s *Sampler) TrainNodes() []int32 { return slices.Clone(s.trainNodes) }

// Roots is the current adaptive root count of training draws.
func (s *Sampler) Roots() int { return s.roots }

// TimeRange returns the inclusive range [κ−1, T−τ−1] training times are drawn
// from.
func (s *Sampler) TimeRange() (lo, hi int) { return s.lo, s.hi }
