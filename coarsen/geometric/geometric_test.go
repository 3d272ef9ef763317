package geometric

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
)

var inf = math.Inf(1)

// hyperbolic returns a threshold hyperbolic random graph with n nodes,
// α = 0.75 (γ = 2.5) and mean degree about k, and its disk radius.
func hyperbolic(t testing.TB, n int, k float64, seed uint64) (*graph.Graph, float64) {
	t.Helper()
	v := k / hrg.ExpectedAvgDegree(1, 0.75, hrg.FormulaStandard)
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return g, hrg.DiskRadius(n, v)
}

// shuffled relabels g's nodes by a random permutation, so that ids no longer
// follow angle.
func shuffled(t testing.TB, g *graph.Graph, seed uint64) *graph.Graph {
	t.Helper()
	perm := rand.New(rand.NewPCG(seed, 0)).Perm(g.N)
	src, dst := make([]int32, len(g.Src)), make([]int32, len(g.Dst))
	for i := range g.Src {
		src[i], dst[i] = int32(perm[g.Src[i]]), int32(perm[g.Dst[i]])
	}
	s, err := graph.New(g.N, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	s.R, s.Phi = make([]float64, g.N), make([]float64, g.N)
	for i, p := range perm {
		s.R[p], s.Phi[p] = g.R[i], g.Phi[i]
	}
	return s
}

// kappaSpace computes a supernode's κ' and θ' straight from the paper's
// formulas in (κ, θ), for comparison with the log-domain H² code.
func kappaSpace(kappa, theta []float64, beta float64) (k, th float64) {
	num, den := 0.0, 0.0
	for j := range kappa {
		num += math.Pow(theta[j]*kappa[j], beta)
		den += math.Pow(kappa[j], beta)
	}
	return math.Pow(den, 1/beta), math.Pow(num/den, 1/beta)
}

// TestSupernodeFormulas compares SupernodeRadius and SupernodeAngle with the
// κ-space formulas through r = R̂ − 2 ln(κ/κ₀), for several β, and checks
// the β = ∞ limits and the κ₀ gauge: shifting all radii shifts r' alike and
// leaves θ' unchanged.
func TestSupernodeFormulas(t *testing.T) {
	const rhat, k0 = 21.3, 1.7
	radius := func(k float64) float64 { return rhat - 2*math.Log(k/k0) }
	blocks := []struct{ kappa, theta []float64 }{
		{[]float64{2, 5}, []float64{1.0, 1.1}},
		{[]float64{1.7, 1.7, 40}, []float64{3.0, 3.01, 3.02}},
		{[]float64{300, 2, 9, 2.5}, []float64{0.2, 0.25, 0.3, 0.31}},
		{[]float64{3, 8}, []float64{0, 0.01}}, // an angle exactly 0
	}
	for _, beta := range []float64{0.5, 1, 1.5, 2, 3.7, 10} {
		for bi, b := range blocks {
			rs := make([]float64, len(b.kappa))
			for j, k := range b.kappa {
				rs[j] = radius(k)
			}
			k, th := kappaSpace(b.kappa, b.theta, beta)
			if got, want := SupernodeRadius(rs, beta), radius(k); math.Abs(got-want) > 1e-12*want {
				t.Errorf("β = %g, block %d: r' = %.15g, want %.15g", beta, bi, got, want)
			}
			if got := SupernodeAngle(b.theta, rs, beta); math.Abs(got-th) > 1e-13 {
				t.Errorf("β = %g, block %d: θ' = %.15g, want %.15g", beta, bi, got, th)
			}
			// β = 1: the κ-weighted centre of mass of the angles.
			if beta == 1 {
				num, den := 0.0, 0.0
				for j := range b.kappa {
					num += b.kappa[j] * b.theta[j]
					den += b.kappa[j]
				}
				if got := SupernodeAngle(b.theta, rs, 1); math.Abs(got-num/den) > 1e-13 {
					t.Errorf("β = 1, block %d: θ' = %.15g, want Σκθ/Σκ = %.15g", bi, got, num/den)
				}
			}
			shifted := make([]float64, len(rs))
			for j := range rs {
				shifted[j] = rs[j] + 3.25
			}
			if d := SupernodeRadius(shifted, beta) - SupernodeRadius(rs, beta); math.Abs(d-3.25) > 1e-12 {
				t.Errorf("β = %g, block %d: shifting radii by 3.25 shifts r' by %.15g", beta, bi, d)
			}
			if d := SupernodeAngle(b.theta, shifted, beta) - SupernodeAngle(b.theta, rs, beta); math.Abs(d) > 1e-14 {
				t.Errorf("β = %g, block %d: shifting radii moves θ' by %g", beta, bi, d)
			}
		}
	}
	// β = ∞: κ' = max κ, θ' = max(θκ)/max κ; and a huge finite β agrees.
	for bi, b := range blocks {
		rs := make([]float64, len(b.kappa))
		kmax, tk := 0.0, 0.0
		for j, k := range b.kappa {
			rs[j] = radius(k)
			kmax, tk = max(kmax, k), max(tk, b.theta[j]*k)
		}
		for _, beta := range []float64{inf, 1e300, 1e6} {
			if got, want := SupernodeRadius(rs, beta), radius(kmax); math.Abs(got-want) > 1e-9 {
				t.Errorf("β = %g, block %d: r' = %.15g, want min r = %.15g", beta, bi, got, want)
			}
			if got, want := SupernodeAngle(b.theta, rs, beta), tk/kmax; math.Abs(got-want) > 1e-9 {
				t.Errorf("β = %g, block %d: θ' = %.15g, want max(θκ)/max κ = %.15g", beta, bi, got, want)
			}
		}
	}
}

// TestIdenticalMembers: a block of m copies of one node (r₀, θ₀) gives back
// θ₀, and κ' = m^{1/β} κ₀, i.e. r' = r₀ − (2/β) ln m (r₀ itself at β = ∞),
// both for the formulas and through Renormalize.
func TestIdenticalMembers(t *testing.T) {
	const m = 3
	r0 := []float64{0.5, 7.25, 18}
	t0 := []float64{0.001, 2.5, 6.2}
	for _, beta := range []float64{1.2, 2, 8, inf} {
		var rad, phi []float64
		for i := range r0 {
			for k := 0; k < m; k++ {
				rad, phi = append(rad, r0[i]), append(phi, t0[i])
			}
		}
		g := &graph.Graph{N: len(rad), R: rad, Phi: phi}
		lv, err := Renormalize(g, m, beta)
		if err != nil {
			t.Fatal(err)
		}
		for i := range r0 {
			s := lv.Assign[m*i]
			want := r0[i] - 2/beta*math.Log(m)
			if got := lv.Coarse.R[s]; math.Abs(got-want) > 1e-13*max(1, want) {
				t.Errorf("β = %g, node %d: r' = %.17g, want %.17g", beta, i, got, want)
			}
			if got := lv.Coarse.Phi[s]; math.Abs(got-t0[i]) > 1e-15*t0[i] {
				t.Errorf("β = %g, node %d: θ' = %.17g, want %.17g", beta, i, got, t0[i])
			}
		}
	}
}

// checkBlocks checks that assign cuts the nodes, in angle order started after
// the largest gap, into consecutive blocks of r (the last one N mod r when
// not zero), numbered in that order.
func checkBlocks(t *testing.T, phi []float64, assign []int32, r int) {
	t.Helper()
	n := len(phi)
	nc := (n + r - 1) / r
	if err := hierarchy.CheckAssign(assign, n, nc); err != nil {
		t.Fatal(err)
	}
	sizes := hierarchy.Sizes(assign, nc)
	for s, c := range sizes {
		want := r
		if s == nc-1 && n%r != 0 {
			want = n % r
		}
		if int(c) != want {
			t.Fatalf("supernode %d of %d has %d members, want %d", s, nc, c, want)
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if phi[a] < phi[b] {
			return -1
		}
		if phi[a] > phi[b] {
			return 1
		}
		return 0
	})
	// The largest gap precedes the first member of supernode 0.
	start := -1
	for p := 0; p < n && start < 0; p++ {
		if assign[idx[p]] == 0 && assign[idx[(p+n-1)%n]] != 0 {
			start = p
		}
	}
	gap := func(p int) float64 { // gap before position p
		if p == 0 {
			return phi[idx[0]] + 2*math.Pi - phi[idx[n-1]]
		}
		return phi[idx[p]] - phi[idx[p-1]]
	}
	for p := 0; p < n; p++ {
		if gap(p) > gap(start) {
			t.Fatalf("blocks start at position %d after a gap %g, but the gap before position %d is %g", start, gap(start), p, gap(p))
		}
	}
	for q := 0; q < n; q++ {
		p := (start + q) % n
		if want := int32(q / r); assign[idx[p]] != want {
			t.Fatalf("node %d, %d-th from the start in angle order, is in supernode %d, want %d", idx[p], q, assign[idx[p]], want)
		}
	}
}

// TestBlocks checks the partition on shuffled hyperbolic graphs (ids not in
// angle order) for several r, N not a multiple of r, and that the coarse
// angles keep the block order.
func TestBlocks(t *testing.T) {
	g0, _ := hyperbolic(t, 1001, 6, 11)
	for _, r := range []int{2, 3, 4, 7} {
		g := shuffled(t, g0, uint64(r))
		lv, err := Renormalize(g, r, inf)
		if err != nil {
			t.Fatal(err)
		}
		checkBlocks(t, g.Phi, lv.Assign, r)
		// Supernode angles, from the first block on, increase once unwrapped.
		ph := lv.Coarse.Phi
		wraps := 0
		for s := 1; s < len(ph); s++ {
			if ph[s] < ph[s-1] {
				wraps++
			}
		}
		if wraps > 1 {
			t.Errorf("r = %d: coarse angles decrease %d times along the block order, want at most once (at 2π → 0)", r, wraps)
		}
	}
}

// TestWrapBlock: with the largest gap mid-circle, the blocks start after it
// and one block straddles θ = 0; its angle is the paper's mean of the
// unwrapped angles, taken mod 2π.
func TestWrapBlock(t *testing.T) {
	// Nodes 0..5 at angles placed so that the largest gap is 2.0 → 4.0 and
	// blocks of 2 are {4.0, 5.0}, {6.2, 0.05}, {1.0, 2.0}.
	phi := []float64{0.05, 1.0, 2.0, 4.0, 5.0, 6.2}
	rad := []float64{9, 8, 7, 6, 5, 3}
	g, err := graph.New(6, []int32{0, 2, 4}, []int32{5, 3, 1})
	if err != nil {
		t.Fatal(err)
	}
	g.R, g.Phi = rad, phi
	for _, beta := range []float64{1, 2.5, inf} {
		lv, err := Renormalize(g, 2, beta)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int32{1, 2, 2, 0, 0, 1}; !slices.Equal(lv.Assign, want) {
			t.Fatalf("assign = %v, want %v", lv.Assign, want)
		}
		want := SupernodeAngle([]float64{6.2, 0.05 + 2*math.Pi}, []float64{3, 9}, beta)
		if want >= 2*math.Pi {
			want -= 2 * math.Pi
		}
		got := lv.Coarse.Phi[1]
		inArc := got >= 6.2 || got <= 0.05
		if !inArc || math.Abs(got-want) > 1e-14 {
			t.Errorf("β = %g: wrapped block's θ' = %.17g, want %.17g on the arc [6.2, 2π) ∪ [0, 0.05]", beta, got, want)
		}
		if got, want := lv.Coarse.R[1], SupernodeRadius([]float64{3, 9}, beta); got != want {
			t.Errorf("β = %g: wrapped block's r' = %g, want %g", beta, got, want)
		}
		// Supernode edges: {0,5} inside block 1 vanishes; {2,3} links 2-0 and
		// {4,1} links 0-2 again, so one edge (0, 2) of weight 2.
		c := lv.Coarse
		if c.NumEdges() != 1 || c.Src[0] != 0 || c.Dst[0] != 2 || c.Weight(0) != 2 {
			t.Errorf("coarse edges %v–%v weights %v, want 0–2 with weight 2", c.Src, c.Dst, c.W)
		}
	}
	// Ties: gaps of 1.5 after 0.5, 2.5 and 4.5 (exact in binary); the first
	// in angle order wins, so blocks start at 2.
	tied := &graph.Graph{N: 6, R: rad, Phi: []float64{0.5, 2, 2.5, 4, 4.5, 6}}
	if lv, err := Renormalize(tied, 2, inf); err != nil {
		t.Error(err)
	} else if !slices.Equal(lv.Assign, []int32{2, 0, 0, 1, 1, 2}) {
		t.Errorf("tied gaps: assign %v, want [2 0 0 1 1 2]", lv.Assign)
	}
	// β = ∞ puts the supernode on its innermost member (r = 3, θ = 6.2).
	lv, _ := Renormalize(g, 2, inf)
	if lv.Coarse.Phi[1] != 6.2 || lv.Coarse.R[1] != 3 {
		t.Errorf("β = ∞: wrapped supernode at (r, θ) = (%g, %g), want (3, 6.2)", lv.Coarse.R[1], lv.Coarse.Phi[1])
	}
}

// TestCoarseEdgesBruteForce compares the coarse graph with the definition:
// supernodes A ≠ B are linked iff some a ∈ A, b ∈ B are, with weight the
// number of such member links; checked over all pairs of a small graph.
func TestCoarseEdgesBruteForce(t *testing.T) {
	g0, _ := hyperbolic(t, 600, 8, 5)
	for _, r := range []int{2, 3, 5} {
		g := shuffled(t, g0, 100+uint64(r))
		lv, err := Renormalize(g, r, 2)
		if err != nil {
			t.Fatal(err)
		}
		nc := lv.Coarse.N
		count := make([]int, nc*nc)
		for i := range g.Src {
			a, b := lv.Assign[g.Src[i]], lv.Assign[g.Dst[i]]
			if a != b {
				count[int(min(a, b))*nc+int(max(a, b))]++
			}
		}
		got := make([]float64, nc*nc)
		for e := range lv.Coarse.Src {
			a, b := lv.Coarse.Src[e], lv.Coarse.Dst[e]
			if a >= b {
				t.Fatalf("coarse edge (%d, %d) not stored with src < dst", a, b)
			}
			got[int(a)*nc+int(b)] = lv.Coarse.Weight(e)
		}
		edges := 0
		for a := 0; a < nc; a++ {
			for b := a + 1; b < nc; b++ {
				if count[a*nc+b] > 0 {
					edges++
				}
				if float64(count[a*nc+b]) != got[a*nc+b] {
					t.Fatalf("r = %d: supernodes %d, %d have %d member links, coarse weight %g", r, a, b, count[a*nc+b], got[a*nc+b])
				}
			}
		}
		if edges != lv.Coarse.NumEdges() {
			t.Fatalf("r = %d: %d linked supernode pairs, coarse graph has %d edges", r, edges, lv.Coarse.NumEdges())
		}
	}
}

// TestRotation: rotating every angle leaves the partition and the coarse
// edges unchanged (blocks start at the largest gap, not at θ = 0).
func TestRotation(t *testing.T) {
	g, _ := hyperbolic(t, 3000, 6, 21)
	base, err := Renormalize(g, 3, inf)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []float64{0.3, math.Pi, 5.9} {
		rot := *g
		rot.Phi = make([]float64, g.N)
		for i, x := range g.Phi {
			rot.Phi[i] = math.Mod(x+c, 2*math.Pi)
		}
		lv, err := Renormalize(&rot, 3, inf)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(lv.Assign, base.Assign) || !slices.Equal(lv.Coarse.Src, base.Coarse.Src) || !slices.Equal(lv.Coarse.Dst, base.Coarse.Dst) {
			t.Errorf("rotation by %g changes the partition or the coarse edges", c)
		}
	}
}

// TestDeterminism: the same input gives the same bits on 1 and several
// cores, through a whole hierarchy.
func TestDeterminism(t *testing.T) {
	g, _ := hyperbolic(t, 60000, 6, 8)
	run := func(procs int) []hierarchy.Level {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		lv, err := Hierarchy(g, 2, 3, 1.5)
		if err != nil {
			t.Fatal(err)
		}
		return lv
	}
	a, b := run(1), run(4)
	for l := range a {
		ca, cb := a[l].Coarse, b[l].Coarse
		if !slices.Equal(a[l].Assign, b[l].Assign) || !slices.Equal(ca.Src, cb.Src) || !slices.Equal(ca.Dst, cb.Dst) ||
			!slices.Equal(ca.W, cb.W) || !slices.Equal(ca.R, cb.R) || !slices.Equal(ca.Phi, cb.Phi) {
			t.Fatalf("level %d differs between 1 and 4 cores", l+1)
		}
	}
}

// TestHierarchySizes: level ℓ has ⌈N_{ℓ−1}/r⌉ supernodes, Compose maps the
// finest nodes through all levels, and every coarse graph has coordinates.
func TestHierarchySizes(t *testing.T) {
	g, _ := hyperbolic(t, 1000, 6, 4)
	lv, err := Hierarchy(g, 3, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{334, 112, 38, 13}
	n := g.N
	for l, x := range lv {
		if x.Coarse.N != want[l] || len(x.Assign) != n || len(x.Coarse.R) != want[l] || len(x.Coarse.Phi) != want[l] {
			t.Fatalf("level %d: %d assignments, %d supernodes, %d radii, %d angles; want %d, %d", l+1,
				len(x.Assign), x.Coarse.N, len(x.Coarse.R), len(x.Coarse.Phi), n, want[l])
		}
		n = x.Coarse.N
	}
	top := hierarchy.Compose(lv)
	sizes := hierarchy.Sizes(top, 13)
	for s, c := range sizes {
		if c < 1 || c > 81 {
			t.Errorf("top supernode %d holds %d finest nodes, want 1..81", s, c)
		}
	}
}

// TestAnglesOption: a graph without coordinates renormalizes with given
// angles (κ from degrees) into the same partition and edges as with its
// coordinates; the SpectralAngles hook is called for the input level only.
func TestAnglesOption(t *testing.T) {
	g, _ := hyperbolic(t, 5000, 6, 9)
	bare := *g
	bare.R, bare.Phi = nil, nil
	want, err := Hierarchy(g, 2, 3, inf)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	hook := func(h *graph.Graph) ([]float64, error) {
		calls++
		if h != &bare {
			t.Errorf("hook called with a graph of %d nodes, want the input graph", h.N)
		}
		return g.Phi, nil
	}
	for name, opts := range map[string]Options{"Angles": {Angles: g.Phi}, "SpectralAngles": {SpectralAngles: hook}} {
		got, err := HierarchyWith(&bare, 2, 3, inf, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Same first partition and coarse edges; deeper levels may differ
		// since the coarse angles weigh members by κ from degrees.
		if !slices.Equal(got[0].Assign, want[0].Assign) || !slices.Equal(got[0].Coarse.Src, want[0].Coarse.Src) || !slices.Equal(got[0].Coarse.Dst, want[0].Coarse.Dst) {
			t.Errorf("%s: level 1 differs from the one with coordinates", name)
		}
		for l, x := range got {
			if len(x.Coarse.R) != x.Coarse.N || len(x.Coarse.Phi) != x.Coarse.N {
				t.Errorf("%s: level %d coarse graph lacks coordinates", name, l+1)
			}
		}
	}
	if calls != 1 {
		t.Errorf("SpectralAngles called %d times, want once", calls)
	}
}

// TestRadiiFromDegrees checks the S¹ → H² map on a small case by hand and,
// on a hyperbolic graph, that the radii from degrees track the true radii.
func TestRadiiFromDegrees(t *testing.T) {
	// Degrees 0, 1, 2, 4: κ = ½, 1, 2, 4, κ₀ = ½, ⟨κ⟩ = 15/8.
	deg := []int32{0, 1, 2, 4}
	for _, c := range []struct{ beta, mu float64 }{
		{inf, 1 / (2 * 15.0 / 8)},
		{2, 2 * math.Sin(math.Pi/2) / (2 * math.Pi * 15.0 / 8)},
		{3, 3 * math.Sin(math.Pi/3) / (2 * math.Pi * 15.0 / 8)},
	} {
		rad, err := RadiiFromDegrees(deg, c.beta)
		if err != nil {
			t.Fatal(err)
		}
		rhat := 2 * math.Log(4/(math.Pi*c.mu*0.25))
		for i, k := range []float64{0.5, 1, 2, 4} {
			if want := rhat - 2*math.Log(k/0.5); math.Abs(rad[i]-want) > 1e-13*want {
				t.Errorf("β = %g, degree %d: r = %.15g, want %.15g", c.beta, deg[i], rad[i], want)
			}
		}
	}
	g, _ := hyperbolic(t, 20000, 6, 3)
	rad, err := RadiiFromDegrees(g.Degrees(), inf)
	if err != nil {
		t.Fatal(err)
	}
	var xs, ys []float64
	for i, k := range g.Degrees() {
		if k >= 5 {
			xs, ys = append(xs, g.R[i]), append(ys, rad[i])
		}
	}
	rho, offset := correlation(xs, ys)
	t.Logf("N = 20000: corr(true r, r from degree) = %.4f over %d nodes of degree ≥ 5, mean offset (κ₀ gauge) %.3f", rho, len(xs), offset)
	if rho < 0.85 {
		t.Errorf("radii from degrees correlate %.4f with the true radii, want ≥ 0.85 (measured 0.89)", rho)
	}
}

// correlation returns Pearson's correlation of xs and ys and mean(ys − xs).
func correlation(xs, ys []float64) (rho, offset float64) {
	n := float64(len(xs))
	mx, my := 0.0, 0.0
	for i := range xs {
		mx, my = mx+xs[i], my+ys[i]
	}
	mx, my = mx/n, my/n
	sxy, sxx, syy := 0.0, 0.0, 0.0
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy), my - mx
}

// TestAnglesFromEigenvectors: on the cycle C_n the Laplacian eigenvectors of
// the second eigenvalue are cos(2πi/n) and sin(2πi/n), giving back the ring.
func TestAnglesFromEigenvectors(t *testing.T) {
	const n = 12
	u, v := make([]float64, n), make([]float64, n)
	for i := range u {
		u[i], v[i] = math.Cos(2*math.Pi*float64(i)/n), math.Sin(2*math.Pi*float64(i)/n)
	}
	th, err := AnglesFromEigenvectors(u, v)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range th {
		if want := 2 * math.Pi * float64(i) / n; math.Abs(x-want) > 1e-14 {
			t.Errorf("node %d: θ = %g, want %g", i, x, want)
		}
	}
	if _, err := AnglesFromEigenvectors(u, v[:3]); err == nil {
		t.Error("eigenvectors of different lengths accepted")
	}
	v[4] = math.NaN()
	if _, err := AnglesFromEigenvectors(u, v); err == nil || !strings.Contains(err.Error(), "node 4") {
		t.Errorf("NaN entry: error %v, want one naming node 4", err)
	}
}

// TestBadInputs: each bad input fails with a message naming the problem.
func TestBadInputs(t *testing.T) {
	g, _ := hyperbolic(t, 100, 6, 1)
	bare := *g
	bare.R, bare.Phi = nil, nil
	onlyR, onlyPhi := bare, bare
	onlyR.R, onlyPhi.Phi = g.R, g.Phi
	short := *g
	short.R = g.R[:50]
	nanR, nanPhi := *g, *g
	nanR.R, nanPhi.Phi = slices.Clone(g.R), slices.Clone(g.Phi)
	nanR.R[7], nanPhi.Phi[9] = math.NaN(), math.Inf(1)
	fail := func(*graph.Graph) ([]float64, error) { return nil, errors.New("no convergence") }
	cases := []struct {
		name   string
		run    func() error
		reason string
	}{
		{"nil graph", func() error { _, err := Renormalize(nil, 2, inf); return err }, "nil graph"},
		{"r = 1", func() error { _, err := Renormalize(g, 1, inf); return err }, "r = 1"},
		{"beta = 0", func() error { _, err := Renormalize(g, 2, 0); return err }, "beta = 0"},
		{"beta NaN", func() error { _, err := Renormalize(g, 2, math.NaN()); return err }, "beta = NaN"},
		{"one node", func() error {
			_, err := Renormalize(&graph.Graph{N: 1, R: []float64{1}, Phi: []float64{1}}, 2, inf)
			return err
		}, "1 nodes"},
		{"one block", func() error { _, err := Renormalize(g, 100, inf); return err }, "1 supernode"},
		{"no coordinates", func() error { _, err := Renormalize(&bare, 2, inf); return err }, "no hyperbolic coordinates"},
		{"R only", func() error { _, err := Renormalize(&onlyR, 2, inf); return err }, "no angles"},
		{"Phi only", func() error { _, err := Renormalize(&onlyPhi, 2, inf); return err }, "no radii"},
		{"short R", func() error { _, err := Renormalize(&short, 2, inf); return err }, "50 radii"},
		{"NaN radius", func() error { _, err := Renormalize(&nanR, 2, inf); return err }, "node 7 has radius NaN"},
		{"Inf angle", func() error { _, err := Renormalize(&nanPhi, 2, inf); return err }, "node 9 has angle +Inf"},
		{"angles length", func() error {
			_, err := RenormalizeWith(&bare, 2, inf, Options{Angles: g.Phi[:10]})
			return err
		}, "10 angles for 100 nodes"},
		{"angles beta ≤ 1", func() error {
			_, err := RenormalizeWith(&bare, 2, 0.8, Options{Angles: g.Phi})
			return err
		}, "beta > 1"},
		{"hook error", func() error {
			_, err := RenormalizeWith(&bare, 2, inf, Options{SpectralAngles: fail})
			return err
		}, "spectral angles: no convergence"},
		{"levels = 0", func() error { _, err := Hierarchy(g, 2, 0, inf); return err }, "levels = 0"},
		{"collapse", func() error { _, err := Hierarchy(g, 3, 5, inf); return err },
			"level 5 of 5 would have 1 supernode (2 nodes at level 4 in blocks of r = 3); N = 100 allows at most 4 levels"},
		{"hierarchy r = 0", func() error { _, err := Hierarchy(g, 0, 2, inf); return err }, "r = 0"},
		{"hierarchy no coordinates", func() error { _, err := Hierarchy(&bare, 2, 2, inf); return err }, "level 1 (100 nodes): geometric: graph has no hyperbolic coordinates"},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.reason)
		}
	}
}
