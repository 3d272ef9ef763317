package community

import (
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	gcomm "gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

// mustGraph builds a graph or fails the test.
func mustGraph(t testing.TB, n int, src, dst []int32, w []float64) *graph.Graph {
	t.Helper()
	g, err := graph.NewWeighted(n, src, dst, w)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomGraph draws an Erdős–Rényi graph with edge probability p and, if
// weighted, weights uniform in (0.5, 2.5).
func randomGraph(t testing.TB, n int, p float64, weighted bool, seed uint64) *graph.Graph {
	rng := rand.New(rand.NewPCG(seed, 7))
	var src, dst []int32
	var w []float64
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			if rng.Float64() < p {
				src, dst = append(src, int32(a)), append(dst, int32(b))
				w = append(w, 0.5+2*rng.Float64())
			}
		}
	}
	if !weighted {
		w = nil
	}
	return mustGraph(t, n, src, dst, w)
}

// sbm draws a stochastic block model with blocks of the given size, edge
// probability pin inside and pout between blocks; it returns the planted
// block of each node too.
func sbm(t testing.TB, blocks, size int, pin, pout float64, seed uint64) (*graph.Graph, []int32) {
	rng := rand.New(rand.NewPCG(seed, 11))
	n := blocks * size
	var src, dst []int32
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			p := pout
			if a/size == b/size {
				p = pin
			}
			if rng.Float64() < p {
				src, dst = append(src, int32(a)), append(dst, int32(b))
			}
		}
	}
	planted := make([]int32, n)
	for i := range planted {
		planted[i] = int32(i / size)
	}
	return mustGraph(t, n, src, dst, nil), planted
}

// ringOfCliques joins k cliques of m nodes in a ring by single edges.
func ringOfCliques(t testing.TB, k, m int) (*graph.Graph, []int32) {
	var src, dst []int32
	planted := make([]int32, k*m)
	for c := 0; c < k; c++ {
		for a := 0; a < m; a++ {
			planted[c*m+a] = int32(c)
			for b := a + 1; b < m; b++ {
				src, dst = append(src, int32(c*m+a)), append(dst, int32(c*m+b))
			}
		}
		src, dst = append(src, int32(c*m)), append(dst, int32(((c+1)%k)*m+1))
	}
	return mustGraph(t, k*m, src, dst, nil), planted
}

// hrgGraph is the largest component of a hyperbolic graph with α = 0.75 and
// mean degree about 3, the benchmark's graphs.
func hrgGraph(t testing.TB, n int, seed uint64) *graph.Graph {
	v := 3 / hrg.ExpectedAvgDegree(1, 0.75, hrg.FormulaStandard)
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	lcc, _ := g.LargestComponent()
	return lcc
}

// samePartition reports whether a and b group the nodes identically,
// whatever the labels.
func samePartition(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	ab, ba := map[int32]int32{}, map[int32]int32{}
	for i := range a {
		if x, ok := ab[a[i]]; ok && x != b[i] {
			return false
		}
		if y, ok := ba[b[i]]; ok && y != a[i] {
			return false
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return true
}

func numCommunities(assign []int32) int {
	seen := map[int32]bool{}
	for _, c := range assign {
		seen[c] = true
	}
	return len(seen)
}

// denseModularity evaluates (1/2m) Σ_ij [A_ij − γ k_i k_j/2m] δ(c_i, c_j) on
// the dense adjacency matrix.
func denseModularity(g *graph.Graph, assign []int32, gamma float64) float64 {
	n := g.N
	A := make([][]float64, n)
	for i := range A {
		A[i] = make([]float64, n)
	}
	for e := range g.Src {
		A[g.Src[e]][g.Dst[e]] += g.Weight(e)
		A[g.Dst[e]][g.Src[e]] += g.Weight(e)
	}
	k := make([]float64, n)
	m2 := 0.0
	for i := range A {
		for j := range A[i] {
			k[i] += A[i][j]
		}
		m2 += k[i]
	}
	q := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if assign[i] == assign[j] {
				q += A[i][j] - gamma*k[i]*k[j]/m2
			}
		}
	}
	return q / m2
}

func TestModularityMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 20; trial++ {
		n := 5 + rng.IntN(40)
		g := randomGraph(t, n, 0.05+0.4*rng.Float64(), trial%2 == 0, uint64(trial))
		if g.NumEdges() == 0 {
			continue
		}
		assign := make([]int32, n)
		nc := 1 + rng.IntN(n)
		for i := range assign {
			assign[i] = int32(rng.IntN(nc)) * 3 // labels need not be dense
		}
		for _, gamma := range []float64{0.5, 1, 2} {
			got, want := ModularityResolution(g, assign, gamma), denseModularity(g, assign, gamma)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("trial %d γ=%v: Q = %.15g, dense %.15g", trial, gamma, got, want)
			}
		}
	}
}

// karate is Zachary's karate club (J. Anthropol. Res. 33, 452, 1977), 78
// edges between members 1..34.
var karate = [][2]int32{
	{1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}, {1, 8}, {1, 9}, {1, 11}, {1, 12}, {1, 13}, {1, 14}, {1, 18}, {1, 20}, {1, 22}, {1, 32},
	{2, 3}, {2, 4}, {2, 8}, {2, 14}, {2, 18}, {2, 20}, {2, 22}, {2, 31},
	{3, 4}, {3, 8}, {3, 9}, {3, 10}, {3, 14}, {3, 28}, {3, 29}, {3, 33},
	{4, 8}, {4, 13}, {4, 14}, {5, 7}, {5, 11}, {6, 7}, {6, 11}, {6, 17}, {7, 17},
	{9, 31}, {9, 33}, {9, 34}, {10, 34}, {14, 34}, {15, 33}, {15, 34}, {16, 33}, {16, 34},
	{19, 33}, {19, 34}, {20, 34}, {21, 33}, {21, 34}, {23, 33}, {23, 34},
	{24, 26}, {24, 28}, {24, 30}, {24, 33}, {24, 34}, {25, 26}, {25, 28}, {25, 32}, {26, 32},
	{27, 30}, {27, 34}, {28, 34}, {29, 32}, {29, 34}, {30, 33}, {30, 34}, {31, 33}, {31, 34},
	{32, 33}, {32, 34}, {33, 34},
}

func karateGraph(t testing.TB) *graph.Graph {
	var src, dst []int32
	for _, e := range karate {
		src, dst = append(src, e[0]-1), append(dst, e[1]-1)
	}
	return mustGraph(t, 34, src, dst, nil)
}

// TestKarate checks the published optimum: the best partition of Zachary's
// club has Q = 0.4198 (Brandes et al., IEEE TKDE 20, 172, 2008): Louvain
// cannot exceed it, stays within the usual spread of its local optima (0.398
// for unlucky orders) and reaches it for some seeds.
func TestKarate(t *testing.T) {
	g := karateGraph(t)
	if g.NumEdges() != 78 {
		t.Fatalf("karate club has %d edges, want 78", g.NumEdges())
	}
	// The optimal partition (0-based members) must score 0.4198.
	opt := make([]int32, 34)
	for c, members := range [][]int32{
		{0, 1, 2, 3, 7, 11, 12, 13, 17, 19, 21},
		{4, 5, 6, 10, 16},
		{8, 9, 14, 15, 18, 20, 22, 26, 29, 30, 32, 33},
		{23, 24, 25, 27, 28, 31},
	} {
		for _, i := range members {
			opt[i] = int32(c)
		}
	}
	qOpt := Modularity(g, opt)
	if math.Abs(qOpt-0.4198) > 5e-5 {
		t.Fatalf("optimal partition has Q = %.5f, want 0.4198", qOpt)
	}
	best := 0.0
	for seed := uint64(0); seed < 10; seed++ {
		levels, err := Louvain(g, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		q := Modularity(g, hierarchy.Compose(levels))
		t.Logf("seed %d: Q = %.5f, %d levels, %d communities", seed, q, len(levels), levels[len(levels)-1].Coarse.N)
		if q < 0.39 || q > qOpt+1e-12 {
			t.Errorf("seed %d: Q = %.5f, want in [0.39, %.5f]", seed, q, qOpt)
		}
		best = max(best, q)
	}
	if best < qOpt-1e-9 {
		t.Errorf("best Q over 10 seeds %.5f, want the optimum %.5f", best, qOpt)
	}
}

// TestLevelsCompose checks the hierarchy's contract on random graphs: each
// level maps the previous level's nodes onto its Coarse graph, which is
// hierarchy.Coarsen of the previous graph, and modularity rises level by
// level.
func TestLevelsCompose(t *testing.T) {
	graphs := map[string]*graph.Graph{
		"er-weighted": randomGraph(t, 300, 0.02, true, 1),
		"er":          randomGraph(t, 300, 0.015, false, 2),
		"hrg":         hrgGraph(t, 3000, 1),
	}
	for name, g := range graphs {
		levels, err := Louvain(g, Options{Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		prev, prevQ := g, math.Inf(-1)
		for l, lv := range levels {
			if err := hierarchy.CheckAssign(lv.Assign, prev.N, lv.Coarse.N); err != nil {
				t.Fatalf("%s level %d: %v", name, l, err)
			}
			want, err := hierarchy.Coarsen(prev, lv.Assign, lv.Coarse.N)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want.Src, lv.Coarse.Src) || !reflect.DeepEqual(want.Dst, lv.Coarse.Dst) {
				t.Fatalf("%s level %d: coarse edges differ from hierarchy.Coarsen", name, l)
			}
			for e := range want.W {
				if math.Abs(want.W[e]-lv.Coarse.W[e]) > 1e-12*want.W[e] {
					t.Fatalf("%s level %d edge %d: weight %v, hierarchy.Coarsen %v", name, l, e, lv.Coarse.W[e], want.W[e])
				}
			}
			q := Modularity(g, hierarchy.Compose(levels[:l+1]))
			if !(q > prevQ) {
				t.Errorf("%s level %d: Q = %.6f did not rise from %.6f", name, l, q, prevQ)
			}
			t.Logf("%s level %d: %d → %d nodes, Q = %.5f", name, l, prev.N, lv.Coarse.N, q)
			prev, prevQ = lv.Coarse, q
		}
	}
}

// TestPlanted checks that clear planted partitions are recovered exactly,
// and that γ moves Louvain across the resolution limit of Fortunato and
// Barthélemy (PNAS 104, 36, 2007): a ring of k cliques K_m has the cliques
// as its best partition only when k < m(m−1)+2 at γ = 1.
func TestPlanted(t *testing.T) {
	ring10, ring10Planted := ringOfCliques(t, 10, 6)
	ring30, ring30Planted := ringOfCliques(t, 30, 4)
	sbmG, sbmPlanted := sbm(t, 5, 80, 0.25, 0.004, 1)
	sbmW, sbmWPlanted := sbm(t, 3, 150, 0.1, 0.005, 2)
	for _, c := range []struct {
		name    string
		g       *graph.Graph
		planted []int32
		gamma   float64
		exact   bool // recover planted exactly, otherwise merge some cliques
	}{
		{"ring 10×K6", ring10, ring10Planted, 1, true},
		{"ring 30×K4 γ=1", ring30, ring30Planted, 1, false},
		{"ring 30×K4 γ=3", ring30, ring30Planted, 3, true},
		{"sbm 5×80", sbmG, sbmPlanted, 1, true},
		{"sbm 3×150", sbmW, sbmWPlanted, 1, true},
	} {
		for seed := uint64(0); seed < 3; seed++ {
			levels, err := Louvain(c.g, Options{Seed: seed, Resolution: c.gamma})
			if err != nil {
				t.Fatal(err)
			}
			got := hierarchy.Compose(levels)
			same := samePartition(got, c.planted)
			if same != c.exact {
				t.Errorf("%s seed %d: found %d communities (Q = %.4f, planted %.4f), recovered planted = %v, want %v",
					c.name, seed, numCommunities(got), ModularityResolution(c.g, got, c.gamma),
					ModularityResolution(c.g, c.planted, c.gamma), same, c.exact)
			}
		}
	}
}

// toGonum copies g into a gonum weighted undirected graph.
func toGonum(g *graph.Graph) *simple.WeightedUndirectedGraph {
	h := simple.NewWeightedUndirectedGraph(0, 0)
	for i := 0; i < g.N; i++ {
		h.AddNode(simple.Node(i))
	}
	for e := range g.Src {
		h.SetWeightedEdge(h.NewWeightedEdge(simple.Node(g.Src[e]), simple.Node(g.Dst[e]), g.Weight(e)))
	}
	return h
}

// TestAgainstGonum compares with gonum's independent Louvain: over a few
// seeds our mean modularity must be at least gonum's mean minus 0.005.
func TestAgainstGonum(t *testing.T) {
	sbmG, _ := sbm(t, 8, 60, 0.08, 0.01, 3)
	for _, c := range []struct {
		name  string
		g     *graph.Graph
		gamma float64
	}{
		{"karate", karateGraph(t), 1},
		{"er-weighted", randomGraph(t, 400, 0.015, true, 4), 1},
		{"er-weighted γ=2", randomGraph(t, 400, 0.015, true, 4), 2},
		{"sbm-noisy", sbmG, 1},
		{"hrg", hrgGraph(t, 4000, 2), 1},
	} {
		const seeds = 4
		ours, theirs := 0.0, 0.0
		for seed := uint64(0); seed < seeds; seed++ {
			levels, err := Louvain(c.g, Options{Seed: seed, Resolution: c.gamma})
			if err != nil {
				t.Fatal(err)
			}
			ours += ModularityResolution(c.g, hierarchy.Compose(levels), c.gamma) / seeds
			h := toGonum(c.g)
			red := gcomm.Modularize(h, c.gamma, rand.NewPCG(seed, 99))
			theirs += gcomm.Q(h, red.Communities(), c.gamma) / seeds
		}
		t.Logf("%s: mean Q ours %.5f, gonum %.5f", c.name, ours, theirs)
		if ours < theirs-0.005 {
			t.Errorf("%s: mean Q %.5f below gonum's %.5f", c.name, ours, theirs)
		}
	}
	// gonum's Q and ours agree on the same partition.
	g := randomGraph(t, 200, 0.03, true, 8)
	h := toGonum(g)
	red := gcomm.Modularize(h, 1.5, rand.NewPCG(1, 1))
	assign := make([]int32, g.N)
	for c, members := range red.Communities() {
		for _, m := range members {
			assign[m.ID()] = int32(c)
		}
	}
	if got, want := ModularityResolution(g, assign, 1.5), gcomm.Q(h, red.Communities(), 1.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("Q of gonum's partition: ours %.15g, gonum %.15g", got, want)
	}
}

// TestDeterminism checks that a seed fixes the hierarchy whatever GOMAXPROCS.
func TestDeterminism(t *testing.T) {
	g := hrgGraph(t, 20_000, 3)
	run := func(procs int, seed uint64) []hierarchy.Level {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		levels, err := Louvain(g, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return levels
	}
	a, b := run(1, 42), run(2, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different hierarchy with GOMAXPROCS 1 and 2")
	}
	if c := run(2, 43); reflect.DeepEqual(hierarchy.Compose(a), hierarchy.Compose(c)) {
		t.Error("seeds 42 and 43 gave the same partition; is the seed used?")
	}
}

// TestIsolatedAndDisconnected covers graphs with isolated nodes, several
// components, no edges and no nodes.
func TestIsolatedAndDisconnected(t *testing.T) {
	// Two triangles (0-2, 4-6), an edge 8-9 and isolated nodes 3, 7, 10.
	g := mustGraph(t, 11, []int32{0, 1, 0, 4, 5, 4, 8}, []int32{1, 2, 2, 5, 6, 6, 9}, nil)
	levels, err := Louvain(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 5}
	if got := hierarchy.Compose(levels); !reflect.DeepEqual(got, want) {
		t.Errorf("partition %v, want %v", got, want)
	}

	empty := &graph.Graph{N: 5}
	levels, err = Louvain(empty, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(levels) != 1 || !reflect.DeepEqual(levels[0].Assign, []int32{0, 1, 2, 3, 4}) || levels[0].Coarse.N != 5 {
		t.Errorf("edgeless graph: %+v, want one identity level", levels)
	}
	if q := Modularity(empty, levels[0].Assign); q != 0 {
		t.Errorf("edgeless graph: Q = %v, want 0", q)
	}
	levels, err = Louvain(&graph.Graph{}, Options{})
	if err != nil || len(levels) != 1 || len(levels[0].Assign) != 0 {
		t.Errorf("empty graph: %v, %v", levels, err)
	}
}

func TestInvalid(t *testing.T) {
	good := mustGraph(t, 3, []int32{0, 1}, []int32{1, 2}, nil)
	for _, c := range []struct {
		name string
		g    *graph.Graph
		opt  Options
		want string
	}{
		{"nil graph", nil, Options{}, "nil graph"},
		{"negative γ", good, Options{Resolution: -1}, "Resolution"},
		{"NaN γ", good, Options{Resolution: math.NaN()}, "Resolution"},
		{"negative tolerance", good, Options{Tolerance: -1}, "Tolerance"},
		{"negative levels", good, Options{MaxLevels: -1}, "MaxLevels"},
		{"id out of range", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{2}}, Options{}, "outside"},
		{"self-loop", &graph.Graph{N: 2, Src: []int32{1}, Dst: []int32{1}}, Options{}, "self-loop"},
		{"zero weight", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{1}, W: []float64{0}}, Options{}, "weight"},
		{"NaN weight", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{1}, W: []float64{math.NaN()}}, Options{}, "weight"},
		{"short weights", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{1}, W: []float64{}}, Options{}, "weights"},
	} {
		_, err := Louvain(c.g, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

// TestMaxLevels checks the cap on the number of levels.
func TestMaxLevels(t *testing.T) {
	g := hrgGraph(t, 3000, 4)
	all, err := Louvain(g, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	one, err := Louvain(g, Options{Seed: 1, MaxLevels: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 || len(one) != 1 || !reflect.DeepEqual(one[0], all[0]) {
		t.Errorf("%d levels uncapped, %d with MaxLevels 1 (want ≥ 2 and 1, same first level)", len(all), len(one))
	}
}
