package sampler

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

// ringLattice links every node to its k nearest neighbours on each side.
func ringLattice(t testing.TB, n, k int) *graph.Graph {
	t.Helper()
	var src, dst []int32
	for i := range n {
		for d := 1; d <= k; d++ {
			src, dst = append(src, int32(i)), append(dst, int32((i+d)%n))
		}
	}
	return mustGraph(t, n, src, dst)
}

// randomGraph is an Erdős–Rényi-like graph with m random edges; with a low
// m/n it has many small components and isolated nodes.
func randomGraph(t testing.TB, n, m int, seed uint64) *graph.Graph {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	src, dst := make([]int32, m), make([]int32, m)
	for e := range m {
		src[e], dst[e] = int32(r.IntN(n)), int32(r.IntN(n))
	}
	return mustGraph(t, n, src, dst)
}

// pairs is a graph of n/2 disjoint edges: every component has two nodes.
func pairs(t testing.TB, n int) *graph.Graph {
	t.Helper()
	var src, dst []int32
	for i := 0; i+1 < n; i += 2 {
		src, dst = append(src, int32(i)), append(dst, int32(i+1))
	}
	return mustGraph(t, n, src, dst)
}

func mustGraph(t testing.TB, n int, src, dst []int32) *graph.Graph {
	t.Helper()
	g, err := graph.New(n, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// series returns x[i·T+t] = 1000·i + t + off, exact in float32 for the sizes
// used here, so every value names its node and time.
func series(n, T int, off float32) []float32 {
	x := make([]float32, n*T)
	for i := range n {
		for t := range T {
			x[i*T+t] = float32(1000*i+t) + off
		}
	}
	return x
}

// smallOptions are reference-like options scaled down for fast tests.
func smallOptions() Options {
	o := DefaultOptions()
	o.BatchSize, o.WalkLen, o.Kappa, o.Tau, o.EtaVar = 64, 8, 6, 2, 0
	return o
}

func mustNew(t testing.TB, g *graph.Graph, x []float32, T int, o Options, seed uint64) *Sampler {
	t.Helper()
	s, err := New(g, x, T, o, seed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustTrain(t testing.TB, s *Sampler, step, cols int) *Batch {
	t.Helper()
	b, err := s.Train(step, cols)
	if err != nil {
		t.Fatalf("step %d: %v", step, err)
	}
	return b
}

// cloneBatch deep-copies a batch the sampler will overwrite.
func cloneBatch(b *Batch) *Batch {
	return &Batch{
		Nodes: slices.Clone(b.Nodes), Src: slices.Clone(b.Src), Dst: slices.Clone(b.Dst),
		Times: slices.Clone(b.Times), TimeCoords: slices.Clone(b.TimeCoords),
		Window: slices.Clone(b.Window), Target: slices.Clone(b.Target), Last: slices.Clone(b.Last),
		Kappa: b.Kappa, Tau: b.Tau,
	}
}

// sameBatch reports the first difference between two batches, or "".
func sameBatch(a, b *Batch) string {
	switch {
	case !slices.Equal(a.Nodes, b.Nodes):
		return "nodes"
	case !slices.Equal(a.Src, b.Src) || !slices.Equal(a.Dst, b.Dst):
		return "edges"
	case !slices.Equal(a.Times, b.Times) || !slices.Equal(a.TimeCoords, b.TimeCoords):
		return "times"
	case !slices.Equal(a.Window, b.Window):
		return "window"
	case !slices.Equal(a.Target, b.Target):
		return "target"
	case !slices.Equal(a.Last, b.Last):
		return "last"
	}
	return ""
}

// edgeSet is the set of undirected edges of g, keyed (min, max).
func edgeSet(g *graph.Graph) map[[2]int32]bool {
	m := make(map[[2]int32]bool, len(g.Src))
	for i := range g.Src {
		m[[2]int32{g.Src[i], g.Dst[i]}] = true
	}
	return m
}
