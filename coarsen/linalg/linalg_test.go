package linalg

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

// randomGraph returns a G(n, p)-like graph with weights in [0.5, 2) (or unit
// weights), plus isolated nodes where chance leaves them.
func randomGraph(t testing.TB, n, edges int, weighted bool, seed uint64) *graph.Graph {
	rng := rand.New(rand.NewPCG(seed, 7))
	var src, dst []int32
	var w []float64
	for len(src) < edges {
		a, b := rng.Int32N(int32(n)), rng.Int32N(int32(n))
		if a == b {
			continue
		}
		src, dst = append(src, a), append(dst, b)
		w = append(w, 0.5+1.5*rng.Float64())
	}
	if !weighted {
		w = nil
	}
	// Drop repeated pairs, keeping the first weight, so NewWeighted accepts them.
	seen := map[[2]int32]bool{}
	var s2, d2 []int32
	var w2 []float64
	for i := range src {
		key := [2]int32{min(src[i], dst[i]), max(src[i], dst[i])}
		if seen[key] {
			continue
		}
		seen[key] = true
		s2, d2 = append(s2, src[i]), append(d2, dst[i])
		if w != nil {
			w2 = append(w2, w[i])
		}
	}
	g, err := graph.NewWeighted(n, s2, d2, w2)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// denseLaplacian builds I − D^{-1/2}(A+S)D^{-1/2} entry by entry from the
// edge list, independently of the CSR code.
func denseLaplacian(g *graph.Graph, loops []float64) []float64 {
	n := g.N
	d := make([]float64, n)
	for i := range g.Src {
		d[g.Src[i]] += g.Weight(i)
		d[g.Dst[i]] += g.Weight(i)
	}
	for i, s := range loops {
		d[i] += s
	}
	l := make([]float64, n*n)
	for i := 0; i < n; i++ {
		l[i*n+i] = 1
		if loops != nil && d[i] > 0 {
			l[i*n+i] -= loops[i] / d[i]
		}
	}
	for e := range g.Src {
		a, b := int(g.Src[e]), int(g.Dst[e])
		v := g.Weight(e) / math.Sqrt(d[a]*d[b])
		l[a*n+b] -= v
		l[b*n+a] -= v
	}
	return l
}

func TestLaplacianMatchesDense(t *testing.T) {
	cases := []struct {
		name     string
		n, e     int
		weighted bool
		loops    bool
	}{
		{"unit weights", 60, 90, false, false},
		{"weighted", 80, 200, true, false},
		{"weighted with self-loops", 70, 150, true, true},
		{"sparse with isolated nodes", 100, 40, false, true},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := randomGraph(t, c.n, c.e, c.weighted, uint64(ci+1))
			var loops []float64
			if c.loops {
				loops = make([]float64, c.n)
				for i := range loops {
					if i%3 == 0 {
						loops[i] = float64(i%5) / 2
					}
				}
			}
			l, err := NewLaplacian(g, loops)
			if err != nil {
				t.Fatal(err)
			}
			want := denseLaplacian(g, loops)
			n := c.n
			const k = 5
			rng := rand.New(rand.NewPCG(9, 9))
			X := make([]float64, n*k)
			for i := range X {
				X[i] = rng.NormFloat64()
			}
			got := make([]float64, n*k)
			l.ApplyBlock(got, X, k)
			col, out := make([]float64, n), make([]float64, n)
			for j := 0; j < k; j++ {
				for i := 0; i < n; i++ {
					col[i] = X[i*k+j]
				}
				l.Apply(out, col)
				for i := 0; i < n; i++ {
					ref := 0.0
					for c := 0; c < n; c++ {
						ref += want[i*n+c] * col[c]
					}
					if math.Abs(got[i*k+j]-ref) > 1e-12 {
						t.Fatalf("(LX)[%d,%d] = %v, dense %v", i, j, got[i*k+j], ref)
					}
					// A block product is k single products, bit for bit.
					if out[i] != got[i*k+j] {
						t.Fatalf("Apply and ApplyBlock differ at (%d, %d): %v vs %v", i, j, out[i], got[i*k+j])
					}
				}
			}
			if l.Products() != 2*k || l.Passes() != k+1 {
				t.Errorf("Products, Passes = %d, %d, want %d, %d", l.Products(), l.Passes(), 2*k, k+1)
			}
			l.ResetCounters()
			if l.Products() != 0 || l.Passes() != 0 {
				t.Error("ResetCounters left non-zero counters")
			}
			// The null space: L·D^{1/2}1 = 0 on every component with an edge.
			sd := l.SqrtDegrees()
			l.Apply(out, sd)
			for i, v := range out {
				if math.Abs(v) > 1e-12 {
					t.Fatalf("(L·D^{1/2}1)[%d] = %v", i, v)
				}
			}
		})
	}
}

func TestIsolatedNodes(t *testing.T) {
	g, err := graph.New(4, []int32{0}, []int32{1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLaplacian(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 4)
	l.Apply(out, []float64{1, 2, 3, 4})
	// Nodes 2 and 3 are isolated: L_ii = 1, so (Lx)_i = x_i.
	want := []float64{1 - 2, 2 - 1, 3, 4}
	if !slices.Equal(out, want) {
		t.Errorf("L x = %v, want %v", out, want)
	}
	label, count := l.Components()
	if count != 3 || !slices.Equal(label, []int32{0, 0, 1, 2}) {
		t.Errorf("Components = %v, %d; want [0 0 1 2], 3", label, count)
	}
}

func TestLaplacianBadInput(t *testing.T) {
	g, _ := graph.New(3, []int32{0, 1}, []int32{1, 2})
	bad := func(w []float64) *graph.Graph {
		h := *g
		h.W = w
		return &h
	}
	cases := []struct {
		name  string
		g     *graph.Graph
		loops []float64
		want  string
	}{
		{"nil graph", nil, nil, "nil graph"},
		{"negative weight", bad([]float64{1, -1}), nil, "weight -1"},
		{"zero weight", bad([]float64{0, 1}), nil, "weight 0"},
		{"NaN weight", bad([]float64{1, math.NaN()}), nil, "weight NaN"},
		{"infinite weight", bad([]float64{math.Inf(1), 1}), nil, "weight +Inf"},
		{"loops length", g, []float64{1}, "1 self-loop weights for 3 nodes"},
		{"negative loop", g, []float64{0, -2, 0}, "self-loop weight -2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewLaplacian(c.g, c.loops)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func TestApplyShapePanics(t *testing.T) {
	g, _ := graph.New(3, []int32{0, 1}, []int32{1, 2})
	l, _ := NewLaplacian(g, nil)
	for name, f := range map[string]func(){
		"Apply short dst":      func() { l.Apply(make([]float64, 2), make([]float64, 3)) },
		"ApplyBlock wrong len": func() { l.ApplyBlock(make([]float64, 6), make([]float64, 5), 2) },
		"ApplyBlock k = 0":     func() { l.ApplyBlock(nil, nil, 0) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

// TestApplyBlockAllocations checks that a block product allocates only par's
// constant bookkeeping, nothing proportional to the problem.
func TestApplyBlockAllocations(t *testing.T) {
	g := randomGraph(t, 20000, 60000, true, 3)
	l, _ := NewLaplacian(g, nil)
	const k = 8
	X, dst := make([]float64, g.N*k), make([]float64, g.N*k)
	allocs := testing.AllocsPerRun(5, func() { l.ApplyBlock(dst, X, k) })
	if allocs > 4+2*float64(runtime.GOMAXPROCS(0)) {
		t.Errorf("ApplyBlock allocates %v times per call", allocs)
	}
}

// naiveAtB is Xᵀ Y by the definition.
func naiveAtB(x, y Block) []float64 {
	c := make([]float64, x.Cols*y.Cols)
	for a := 0; a < x.Cols; a++ {
		for b := 0; b < y.Cols; b++ {
			for i := 0; i < x.Rows; i++ {
				c[a*y.Cols+b] += x.Data[i*x.Stride+a] * y.Data[i*y.Stride+b]
			}
		}
	}
	return c
}

func randBlock(rows, cols int, seed uint64) Block {
	rng := rand.New(rand.NewPCG(seed, 3))
	b := NewBlock(rows, cols)
	for i := range b.Data {
		b.Data[i] = rng.NormFloat64()
	}
	return b
}

func TestDenseKernels(t *testing.T) {
	cases := []struct {
		name          string
		rows, p, q    int
		xView, yView  bool // use a column view of a wider block
		viewFrom, pad int
	}{
		{"tiny", 3, 1, 1, false, false, 0, 0},
		{"odd sizes", 137, 7, 5, false, false, 0, 0},
		{"square tiles", 500, 8, 8, false, false, 0, 0},
		{"several reduction blocks", 3*gramBlock + 17, 9, 6, false, false, 0, 0},
		{"column views", 1000, 6, 7, true, true, 3, 4},
		{"left view only", 2*gramBlock + 1, 5, 12, true, false, 1, 2},
		{"wide (gonum's parallel path)", 700, 70, 130, false, false, 0, 0},
		{"no left columns", 50, 0, 3, false, false, 0, 0},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mk := func(cols int, view bool, seed uint64) Block {
				if !view {
					return randBlock(c.rows, cols, seed)
				}
				w := randBlock(c.rows, cols+c.pad, seed)
				return w.Columns(c.viewFrom, c.viewFrom+cols)
			}
			x := mk(c.p, c.xView, uint64(10*ci+1))
			y := mk(c.q, c.yView, uint64(10*ci+2))
			var r Reducer
			got := make([]float64, c.p*c.q)
			r.AtB(got, x, y)
			want := naiveAtB(x, y)
			tol := 1e-12 * float64(c.rows)
			for i := range want {
				if math.Abs(got[i]-want[i]) > tol {
					t.Fatalf("AtB[%d] = %v, want %v", i, got[i], want[i])
				}
			}
			gs := make([]float64, c.p*c.p)
			r.AtA(gs, x)
			ws := naiveAtB(x, x)
			for a := 0; a < c.p; a++ {
				for b := 0; b < c.p; b++ {
					if math.Abs(gs[a*c.p+b]-ws[a*c.p+b]) > tol || gs[a*c.p+b] != gs[b*c.p+a] {
						t.Fatalf("AtA[%d,%d] = %v (transposed %v), want %v", a, b, gs[a*c.p+b], gs[b*c.p+a], ws[a*c.p+b])
					}
				}
			}
			// ColumnDots is the diagonal of XᵀX.
			dots := make([]float64, c.p)
			r.ColumnDots(dots, x, x)
			for a := range dots {
				if math.Abs(dots[a]-ws[a*c.p+a]) > tol {
					t.Fatalf("ColumnDots[%d] = %v, want %v", a, dots[a], ws[a*c.p+a])
				}
			}
			// MulAdd: dst = 0.5·dst + X·C.
			cm := randBlock(c.p, c.q, uint64(10*ci+3)).Data
			dst := mk(c.q, c.yView, uint64(10*ci+4))
			before := slices.Clone(dst.Data)
			MulAdd(dst, 0.5, x, cm)
			for i := 0; i < c.rows; i++ {
				for j := 0; j < c.q; j++ {
					ref := 0.5 * before[i*dst.Stride+j]
					for l := 0; l < c.p; l++ {
						ref += x.Data[i*x.Stride+l] * cm[l*c.q+j]
					}
					if math.Abs(dst.Data[i*dst.Stride+j]-ref) > 1e-12*float64(c.p) {
						t.Fatalf("MulAdd[%d,%d] = %v, want %v", i, j, dst.Data[i*dst.Stride+j], ref)
					}
				}
				// Columns outside a view are untouched.
				for j := 0; j < dst.Stride; j++ {
					if (j < 0 || j >= c.q) && i*dst.Stride+j < len(dst.Data) && dst.Data[i*dst.Stride+j] != before[i*dst.Stride+j] {
						t.Fatalf("MulAdd wrote outside the view at (%d, %d)", i, j)
					}
				}
			}
		})
	}
}

// TestDeterministicAcrossCores runs the reductions and the sparse product on
// one and on two cores and requires bit-identical results.
func TestDeterministicAcrossCores(t *testing.T) {
	g := randomGraph(t, 30000, 90000, true, 5)
	l, _ := NewLaplacian(g, nil)
	x := randBlock(g.N, 9, 1)
	y := randBlock(g.N, 6, 2)
	wide := randBlock(g.N, 130, 3) // gonum runs this one's blocks in parallel itself
	run := func() ([]float64, []float64, []float64) {
		var r Reducer
		c := make([]float64, 9*6+130*130)
		r.AtB(c[:9*6], x, y)
		r.AtA(c[9*6:], wide)
		dots := make([]float64, 9)
		r.ColumnDots(dots, x, x)
		lx := make([]float64, g.N*9)
		l.ApplyBlock(lx, x.Data, 9)
		return c, dots, lx
	}
	prev := runtime.GOMAXPROCS(1)
	c1, d1, l1 := run()
	runtime.GOMAXPROCS(2)
	c2, d2, l2 := run()
	runtime.GOMAXPROCS(prev)
	if !slices.Equal(c1, c2) || !slices.Equal(d1, d2) || !slices.Equal(l1, l2) {
		t.Error("results differ between GOMAXPROCS 1 and 2")
	}
}

// TestChebyshevStep compares the fused step with ApplyBlock followed by the
// vector updates, which must agree bit for bit.
func TestChebyshevStep(t *testing.T) {
	g := randomGraph(t, 5000, 12000, true, 6)
	l, _ := NewLaplacian(g, nil)
	const k = 11
	n := g.N
	d, r, z := randBlock(n, k, 1).Data, randBlock(n, k, 2).Data, randBlock(n, k, 3).Data
	const c1, c2 = 0.7, -1.3
	ad := make([]float64, n*k)
	l.ApplyBlock(ad, d, k)
	wantR, wantNext, wantZ := slices.Clone(r), make([]float64, n*k), slices.Clone(z)
	for i := range ad {
		wantR[i] -= ad[i]
		wantNext[i] = c1*d[i] + c2*wantR[i]
		wantZ[i] += wantNext[i]
	}
	next := make([]float64, n*k)
	l.ResetCounters()
	l.ChebyshevStep(next, d, r, z, k, c1, c2)
	if !slices.Equal(r, wantR) || !slices.Equal(next, wantNext) || !slices.Equal(z, wantZ) {
		t.Error("fused Chebyshev step differs from ApplyBlock and updates")
	}
	if l.Products() != k || l.Passes() != 1 {
		t.Errorf("counted %d products in %d passes, want %d in 1", l.Products(), l.Passes(), k)
	}
}
