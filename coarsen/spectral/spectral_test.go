package spectral

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/coarsen/linalg"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	"gonum.org/v1/gonum/mat"
)

// hrgGraph returns the largest component of a hyperbolic random graph with
// α = 0.75 and mean degree about 3, the graphs the pipeline uses.
func hrgGraph(t testing.TB, n int, seed uint64) *graph.Graph {
	t.Helper()
	v := 3 / hrg.ExpectedAvgDegree(1, 0.75, hrg.FormulaStandard)
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	lcc, _ := g.LargestComponent()
	return lcc
}

// ring returns the cycle C_n (closed) or the path P_n.
func ring(t testing.TB, n int, closed bool) *graph.Graph {
	var src, dst []int32
	for i := 0; i+1 < n; i++ {
		src, dst = append(src, int32(i)), append(dst, int32(i+1))
	}
	if closed {
		src, dst = append(src, int32(n-1)), append(dst, 0)
	}
	g, err := graph.New(n, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomGraph returns a sparse random graph with weights in [0.5, 2): with
// few edges per node it has several components and isolated nodes.
func randomGraph(t testing.TB, n, edges int, seed uint64) *graph.Graph {
	rng := rand.New(rand.NewPCG(seed, 11))
	seen := map[[2]int32]bool{}
	var src, dst []int32
	var w []float64
	for len(src) < edges {
		a, b := rng.Int32N(int32(n)), rng.Int32N(int32(n))
		key := [2]int32{min(a, b), max(a, b)}
		if a == b || seen[key] {
			continue
		}
		seen[key] = true
		src, dst, w = append(src, a), append(dst, b), append(w, 0.5+1.5*rng.Float64())
	}
	g, err := graph.NewWeighted(n, src, dst, w)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// denseEigen returns all eigenvalues (ascending) and eigenvectors (columns)
// of the normalised Laplacian of g, built entry by entry from the edge list
// (isolated nodes: L_ii = 1), by gonum's dense symmetric solver.
func denseEigen(t testing.TB, g *graph.Graph) ([]float64, *mat.Dense) {
	n := g.N
	d := make([]float64, n)
	for i := range g.Src {
		d[g.Src[i]] += g.Weight(i)
		d[g.Dst[i]] += g.Weight(i)
	}
	a := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		a.SetSym(i, i, 1)
	}
	for i := range g.Src {
		u, v := int(g.Src[i]), int(g.Dst[i])
		a.SetSym(u, v, -g.Weight(i)/math.Sqrt(d[u]*d[v]))
	}
	var e mat.EigenSym
	if !e.Factorize(a, true) {
		t.Fatal("dense eigensolver failed")
	}
	var v mat.Dense
	e.VectorsTo(&v)
	return e.Values(nil), &v
}

// subspaceDistance returns ‖(I − V₁V₁ᵀ)V₂‖_F for two n×k node-major
// orthonormal blocks: the root sum of squared sines of the principal angles
// between their spans, which bounds ‖V₁V₁ᵀ − V₂V₂ᵀ‖₂ (the sine of the
// largest angle) from above.
func subspaceDistance(v1, v2 []float64, n, k int) float64 {
	c := make([]float64, k*k) // V₁ᵀV₂
	for i := 0; i < n; i++ {
		for a := 0; a < k; a++ {
			for b := 0; b < k; b++ {
				c[a*k+b] += v1[i*k+a] * v2[i*k+b]
			}
		}
	}
	s := 0.0
	for i := 0; i < n; i++ {
		for b := 0; b < k; b++ {
			r := v2[i*k+b]
			for a := 0; a < k; a++ {
				r -= v1[i*k+a] * c[a*k+b]
			}
			s += r * r
		}
	}
	return math.Sqrt(s)
}

// columnsOf copies columns [c0, c0+k) of the n×n matrix v, node-major.
func columnsOf(v *mat.Dense, n, c0, k int) []float64 {
	out := make([]float64, n*k)
	for i := 0; i < n; i++ {
		for j := 0; j < k; j++ {
			out[i*k+j] = v.At(i, c0+j)
		}
	}
	return out
}

// checkResult verifies residuals (recomputed by a sparse product), unit
// orthonormal vectors and ascending values.
func checkResult(t *testing.T, g *graph.Graph, r *Result, k int, tol float64) {
	t.Helper()
	n := g.N
	if len(r.Values) != k || len(r.Vectors) != n*k || len(r.Residuals) != k {
		t.Fatalf("result sizes %d, %d, %d for K = %d, N = %d", len(r.Values), len(r.Vectors), len(r.Residuals), k, n)
	}
	if !slices.IsSorted(r.Values) {
		t.Errorf("values not ascending: %v", r.Values)
	}
	l, err := linalg.NewLaplacian(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	lv := make([]float64, n*k)
	l.ApplyBlock(lv, r.Vectors, k)
	for j := 0; j < k; j++ {
		res := 0.0
		for i := 0; i < n; i++ {
			d := lv[i*k+j] - r.Values[j]*r.Vectors[i*k+j]
			res += d * d
		}
		res = math.Sqrt(res)
		if res > tol || math.Abs(res-r.Residuals[j]) > 1e-3*tol+1e-14 {
			t.Errorf("pair %d: residual %.3g, reported %.3g, tolerance %.3g", j, res, r.Residuals[j], tol)
		}
	}
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += r.Vectors[i*k+a] * r.Vectors[i*k+b]
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(s-want) > 1e-10 {
				t.Fatalf("v_%dᵀv_%d = %v, want %v", a, b, s, want)
			}
		}
	}
}

// TestAnalyticSpectra checks the cycle and the path, whose normalised
// Laplacians have eigenvalues 1 − cos(2πj/n) (each twice for 0 < j < n/2)
// and 1 − cos(πj/(n−1)), and the cycle's eigenvectors cos and sin of
// 2πji/n. K = 32 on the cycle ends on a complete pair (j = 1..16).
func TestAnalyticSpectra(t *testing.T) {
	cases := []struct {
		name   string
		n, k   int
		closed bool
		ml     bool
	}{
		{"cycle", 600, 32, true, false},
		{"cycle multilevel", 3000, 32, true, true},
		{"path", 700, 10, false, false},
		{"path multilevel", 2500, 10, false, true},
	}
	const tol = 1e-9
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := ring(t, c.n, c.closed)
			r, err := Smallest(g, Options{K: c.k, Tol: tol, Seed: 3, Multilevel: c.ml, CoarsestSize: 500})
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, g, r, c.k, tol)
			if r.Components != 1 {
				t.Errorf("Components = %d, want 1", r.Components)
			}
			for j, got := range r.Values {
				var want float64
				if c.closed {
					want = 1 - math.Cos(2*math.Pi*float64(j/2+1)/float64(c.n))
				} else {
					want = 1 - math.Cos(math.Pi*float64(j+1)/float64(c.n-1))
				}
				if math.Abs(got-want) > 1e-10 {
					t.Errorf("λ_%d = %.15g, want %.15g", j+1, got, want)
				}
			}
			if c.closed {
				ref := make([]float64, c.n*c.k)
				for i := 0; i < c.n; i++ {
					for j := 0; j < c.k/2; j++ {
						x := 2 * math.Pi * float64((j+1)*i) / float64(c.n)
						s := math.Sqrt(2 / float64(c.n))
						ref[i*c.k+2*j], ref[i*c.k+2*j+1] = s*math.Cos(x), s*math.Sin(x)
					}
				}
				if d := subspaceDistance(ref, r.Vectors, c.n, c.k); d > 1e-6 {
					t.Errorf("subspace distance to cos/sin modes %.3g > 1e-6", d)
				}
			}
			if c.ml && len(r.Levels) < 2 {
				t.Errorf("multilevel used %d levels", len(r.Levels))
			}
		})
	}
}

// gappedK returns the K in [lo, hi] with the largest relative gap
// (λ_{K+1} − λ_K)/λ_{K+1} among the non-trivial eigenvalues vals (vals[0]
// is λ_1), so that the K-dimensional eigenspace is well determined.
func gappedK(vals []float64, lo, hi int) int {
	best, bg := lo, -1.0
	for k := lo; k <= hi; k++ {
		if g := (vals[k] - vals[k-1]) / vals[k]; g > bg {
			best, bg = k, g
		}
	}
	return best
}

// TestAgainstDense compares eigenvalues and eigenspaces with gonum's dense
// solver on hyperbolic, weighted random (disconnected, with isolated nodes)
// graphs.
func TestAgainstDense(t *testing.T) {
	cases := []struct {
		name string
		g    func(t testing.TB) *graph.Graph
		ml   bool
	}{
		{"hyperbolic", func(t testing.TB) *graph.Graph { return hrgGraph(t, 2000, 1) }, false},
		{"hyperbolic multilevel", func(t testing.TB) *graph.Graph { return hrgGraph(t, 2000, 2) }, true},
		{"weighted random, disconnected", func(t testing.TB) *graph.Graph { return randomGraph(t, 900, 1200, 4) }, false},
	}
	const tol = 1e-9
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := c.g(t)
			vals, vecs := denseEigen(t, g)
			// Zero eigenvalues: one per component with an edge.
			zeros := 0
			for zeros < len(vals) && vals[zeros] < 1e-10 {
				zeros++
			}
			nontrivial := vals[zeros:]
			k := gappedK(nontrivial, 12, 28)
			r, err := Smallest(g, Options{K: k, Tol: tol, Seed: 5, Multilevel: c.ml, CoarsestSize: 300})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("N = %d, %d components with edges, K = %d, gap λ_K+1 − λ_K = %.3g, levels %v", g.N, zeros, k, nontrivial[k]-nontrivial[k-1], r.Levels)
			checkResult(t, g, r, k, tol)
			if r.Components != zeros {
				t.Errorf("Components = %d, dense solver finds %d zero eigenvalues", r.Components, zeros)
			}
			for j := 0; j < k; j++ {
				if math.Abs(r.Values[j]-nontrivial[j]) > 1e-6 {
					t.Errorf("λ_%d = %.12g, dense %.12g", j+1, r.Values[j], nontrivial[j])
				}
			}
			if d := subspaceDistance(columnsOf(vecs, g.N, zeros, k), r.Vectors, g.N, k); d > 1e-6 {
				t.Errorf("subspace distance to the dense eigenvectors %.3g > 1e-6", d)
			}
		})
	}
}

// TestMultilevelMatchesDirect solves a graph too large for the dense test
// directly and through several levels, with built-in and supplied
// coarsenings, and requires the same eigenpairs.
func TestMultilevelMatchesDirect(t *testing.T) {
	g := hrgGraph(t, 15000, 7)
	const tol = 1e-8
	probe, err := Smallest(g, Options{K: 33, Tol: tol, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	k := gappedK(probe.Values, 16, 32)
	direct, err := Smallest(g, Options{K: k, Tol: tol, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A supplied first level: consecutive ids in fours (the generator numbers
	// nodes by angle, so these are angular sectors, as a geometric
	// renormalisation would produce).
	assign := make([]int32, g.N)
	for i := range assign {
		assign[i] = int32(i / 4)
	}
	nc := (g.N + 3) / 4
	coarse, err := hierarchy.Coarsen(g, assign, nc)
	if err != nil {
		t.Fatal(err)
	}
	variants := []struct {
		name string
		opt  Options
	}{
		{"built-in matching", Options{K: k, Tol: tol, Seed: 2, Multilevel: true, CoarsestSize: 400}},
		{"supplied level", Options{K: k, Tol: tol, Seed: 2, Multilevel: true, CoarsestSize: 400,
			Levels: []hierarchy.Level{{Assign: assign, Coarse: coarse}}}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			ml, err := Smallest(g, v.opt)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("N = %d, K = %d, levels %v; direct %d iterations", g.N, k, ml.Levels, direct.Iterations)
			if len(ml.Levels) < 3 {
				t.Errorf("only %d levels", len(ml.Levels))
			}
			if v.opt.Levels != nil && ml.Levels[1].N != nc {
				t.Errorf("second level has %d nodes, want the supplied %d", ml.Levels[1].N, nc)
			}
			checkResult(t, g, ml, k, tol)
			for j := range ml.Values {
				if math.Abs(ml.Values[j]-direct.Values[j]) > 1e-6 {
					t.Errorf("λ_%d: multilevel %.12g, direct %.12g", j+1, ml.Values[j], direct.Values[j])
				}
			}
			if d := subspaceDistance(direct.Vectors, ml.Vectors, g.N, k); d > 1e-6 {
				t.Errorf("subspace distance %.3g > 1e-6", d)
			}
		})
	}
}

// TestDeterminism requires bit-identical results on one and two cores, and
// seeds that change only the signs.
func TestDeterminism(t *testing.T) {
	g := hrgGraph(t, 40000, 3)
	opt := Options{K: 8, Seed: 9, Multilevel: true}
	run := func(procs int, o Options) *Result {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		r, err := Smallest(g, o)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r1, r2 := run(1, opt), run(2, opt)
	if !slices.Equal(r1.Values, r2.Values) || !slices.Equal(r1.Vectors, r2.Vectors) || !slices.Equal(r1.Residuals, r2.Residuals) {
		t.Error("results differ between GOMAXPROCS 1 and 2")
	}
	if r1.Products != r2.Products || r1.Iterations != r2.Iterations {
		t.Errorf("work differs: %d/%d products, %d/%d iterations", r1.Products, r2.Products, r1.Iterations, r2.Iterations)
	}
	// Signs: the seeded sign times the sign of the largest-magnitude entry.
	n, k := g.N, opt.K
	for j := 0; j < k; j++ {
		at := 0
		for i := 1; i < n; i++ {
			if math.Abs(r1.Vectors[i*k+j]) > math.Abs(r1.Vectors[at*k+j]) {
				at = i
			}
		}
		seeded := rand.New(rand.NewPCG(opt.Seed, signStream))
		for range j {
			seeded.Uint64()
		}
		want := 1.0
		if seeded.Uint64()&1 == 1 {
			want = -1
		}
		if math.Signbit(r1.Vectors[at*k+j]) != (want < 0) {
			t.Errorf("vector %d: largest entry %v, seeded sign %v", j, r1.Vectors[at*k+j], want)
		}
	}
}

func TestNotConverged(t *testing.T) {
	g := hrgGraph(t, 2500, 1)
	r, err := Smallest(g, Options{K: 6, Tol: 1e-12, MaxIter: 2, Seed: 1})
	var nc *NotConvergedError
	if !errors.As(err, &nc) {
		t.Fatalf("error %v, want a *NotConvergedError", err)
	}
	if r == nil || len(r.Residuals) != 6 || nc.MaxResidual <= 1e-12 || nc.Iterations != 2 {
		t.Fatalf("result %v, error %+v", r, nc)
	}
	if !strings.Contains(err.Error(), "not converged") {
		t.Errorf("message %q", err)
	}
	if got := maxOf(r.Residuals); got != nc.MaxResidual {
		t.Errorf("error reports %v, residuals say %v", nc.MaxResidual, got)
	}
}

func TestBadInput(t *testing.T) {
	path := ring(t, 10, false)
	twoComps, _ := graph.New(6, []int32{0, 1, 3, 4}, []int32{1, 2, 4, 5})
	negW := &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{1}, W: []float64{-1}}
	cases := []struct {
		name string
		g    *graph.Graph
		opt  Options
		want string
	}{
		{"nil graph", nil, Options{K: 1}, "empty graph"},
		{"no nodes", &graph.Graph{}, Options{K: 1}, "empty graph"},
		{"K = 0", path, Options{K: 0}, "K = 0"},
		{"negative tolerance", path, Options{K: 1, Tol: -1}, "Tol = -1"},
		{"NaN tolerance", path, Options{K: 1, Tol: math.NaN()}, "Tol = NaN"},
		{"negative MaxIter", path, Options{K: 1, MaxIter: -3}, "MaxIter = -3"},
		{"negative degree", path, Options{K: 1, Degree: -1}, "Degree = -1"},
		{"K too large", path, Options{K: 10}, "only 9 non-trivial"},
		{"K too large, two components", twoComps, Options{K: 5}, "2 connected components"},
		{"negative weight", negW, Options{K: 1}, "weight -1"},
		{"bad level", ring(t, 3000, true), Options{K: 2, Multilevel: true, Levels: []hierarchy.Level{{Assign: []int32{0, 1}}}}, "Levels[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Smallest(c.g, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one mentioning %q", err, c.want)
			}
			if r != nil {
				t.Error("result returned with the error")
			}
		})
	}
	// K = N − components is the largest valid request.
	r, err := Smallest(twoComps, Options{K: 4})
	if err != nil {
		t.Fatal(err)
	}
	// Each path P_3 has non-trivial eigenvalues 1 and 2.
	if want := []float64{1, 1, 2, 2}; !floatsNear(r.Values, want, 1e-12) {
		t.Errorf("values %v, want %v", r.Values, want)
	}
}

func floatsNear(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

func TestNormalize(t *testing.T) {
	cases := []struct {
		in   []float64
		want []float32
	}{
		{nil, []float32{}},
		{[]float64{-1, 0, 3}, []float32{0, 0.25, 1}},
		{[]float64{2, 2}, []float32{0, 0}},
	}
	for _, c := range cases {
		if got := Normalize(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Normalize(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestMatchAndGalerkin checks the built-in coarsening and the variational
// property of the Galerkin coarse operator: each coarse eigenvalue bounds the
// fine one of the same rank from above (Courant–Fischer), and prolongation
// is an isometry.
func TestMatchAndGalerkin(t *testing.T) {
	g := randomGraph(t, 300, 420, 8) // several components and isolated nodes
	assign, nc := Match(g, nil)
	if err := hierarchy.CheckAssign(assign, g.N, nc); err != nil {
		t.Fatal(err)
	}
	deg := g.Degrees()
	zeroSuper := int32(-1)
	for i, d := range deg {
		if d == 0 {
			if zeroSuper >= 0 && assign[i] != zeroSuper {
				t.Fatal("isolated nodes in different supernodes")
			}
			zeroSuper = assign[i]
		}
	}
	sizes := hierarchy.Sizes(assign, nc)
	for s, size := range sizes {
		if size < 2 && int32(s) != zeroSuper {
			t.Errorf("supernode %d has %d member(s); a node with a neighbour is never alone", s, size)
		}
	}
	cg, loops, err := galerkin(g, nil, assign, nc)
	if err != nil {
		t.Fatal(err)
	}
	fine, _ := denseEigen(t, g)
	// The coarse operator has self-loops: build it densely through linalg.
	cl, err := linalg.NewLaplacian(cg, loops)
	if err != nil {
		t.Fatal(err)
	}
	lc := denseSolveAll(t, cl)
	for j := range lc {
		if lc[j] < fine[j]-1e-10 {
			t.Fatalf("coarse λ_%d = %v below fine %v", j, lc[j], fine[j])
		}
	}
	// Prolongation preserves inner products.
	fl, _ := linalg.NewLaplacian(g, nil)
	rng := rand.New(rand.NewPCG(1, 1))
	const k = 3
	xc := make([]float64, nc*k)
	for i := range xc {
		xc[i] = rng.NormFloat64()
	}
	xf := prolong(&levelResult{x: xc, cols: k}, fl, assign, nc)
	sd := cl.SqrtDegrees()
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			var sc, sf float64
			for i := 0; i < nc; i++ {
				if sd[i] > 0 { // a zero-volume supernode prolongs to zero
					sc += xc[i*k+a] * xc[i*k+b]
				}
			}
			for i := 0; i < g.N; i++ {
				sf += xf[i*k+a] * xf[i*k+b]
			}
			if math.Abs(sc-sf) > 1e-10 {
				t.Errorf("⟨x_%d, x_%d⟩: coarse %v, prolonged %v", a, b, sc, sf)
			}
		}
	}
}

// denseSolveAll returns all eigenvalues of a Laplacian, through its block
// product on the identity.
func denseSolveAll(t *testing.T, l *linalg.Laplacian) []float64 {
	n := l.N()
	id := make([]float64, n*n)
	for i := 0; i < n; i++ {
		id[i*n+i] = 1
	}
	a := make([]float64, n*n)
	l.ApplyBlock(a, id, n)
	var e mat.EigenSym
	if !e.Factorize(mat.NewSymDense(n, a), false) {
		t.Fatal("dense eigensolver failed")
	}
	return e.Values(nil)
}
