package node2vec

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
)

func mustGraph(t testing.TB, n int, src, dst []int32, w []float64) *graph.Graph {
	t.Helper()
	g, err := graph.NewWeighted(n, src, dst, w)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomGraph draws an Erdős–Rényi graph, with weights uniform in
// (0.5, 3.5) if weighted.
func randomGraph(t testing.TB, n int, p float64, weighted bool, seed uint64) *graph.Graph {
	rng := rand.New(rand.NewPCG(seed, 5))
	var src, dst []int32
	var w []float64
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			if rng.Float64() < p {
				src, dst = append(src, int32(a)), append(dst, int32(b))
				w = append(w, 0.5+3*rng.Float64())
			}
		}
	}
	if !weighted {
		w = nil
	}
	return mustGraph(t, n, src, dst, w)
}

// twoBlocks is a stochastic block model with two blocks of size nodes
// (node i in block i%2, so ids do not reveal the blocks by range).
func twoBlocks(t testing.TB, size int, pin, pout float64, seed uint64) (*graph.Graph, []int) {
	rng := rand.New(rand.NewPCG(seed, 9))
	n := 2 * size
	var src, dst []int32
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			p := pout
			if a%2 == b%2 {
				p = pin
			}
			if rng.Float64() < p {
				src, dst = append(src, int32(a)), append(dst, int32(b))
			}
		}
	}
	block := make([]int, n)
	for i := range block {
		block[i] = i % 2
	}
	return mustGraph(t, n, src, dst, nil), block
}

func hrgGraph(t testing.TB, n int, seed uint64) *graph.Graph {
	v := 3 / hrg.ExpectedAvgDegree(1, 0.75, hrg.FormulaStandard)
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	lcc, _ := g.LargestComponent()
	return lcc
}

func TestDefaultOptions(t *testing.T) {
	want := Options{Dim: 512, WalkLength: 20, Context: 10, WalksPerNode: 10, Negatives: 1, P: 1, Q: 1, LR: 0.005, Epochs: 21, BatchSize: 512}
	if got := DefaultOptions(512); got != want {
		t.Errorf("DefaultOptions(512) = %+v, want the reference's %+v", got, want)
	}
}

// TestWalksRespectEdges checks that every step of a walk follows an edge
// and that a walk from an isolated node stops.
func TestWalksRespectEdges(t *testing.T) {
	g := randomGraph(t, 80, 0.06, true, 1)
	g.N++ // node 80 is isolated
	edge := map[[2]int32]bool{}
	for e := range g.Src {
		edge[[2]int32{g.Src[e], g.Dst[e]}] = true
		edge[[2]int32{g.Dst[e], g.Src[e]}] = true
	}
	for _, pq := range [][2]float64{{1, 1}, {0.5, 2}, {4, 0.25}} {
		w := newWalker(g, pq[0], pq[1])
		var r rand.PCG
		row := make([]int32, 21)
		for start := int32(0); start < int32(g.N); start++ {
			r.Seed(uint64(start), 3)
			w.walk(&r, row, start)
			if start == 80 {
				if row[0] != 80 || slices.ContainsFunc(row[1:], func(x int32) bool { return x != -1 }) {
					t.Errorf("walk from the isolated node: %v", row)
				}
				continue
			}
			for i := 1; i < len(row); i++ {
				if !edge[[2]int32{row[i-1], row[i]}] {
					t.Fatalf("p, q = %v: walk %v steps %d → %d, not an edge", pq, row, row[i-1], row[i])
				}
			}
		}
	}
}

// chiSquare returns Σ (observed − expected)²/expected.
func chiSquare(counts []int, probs []float64, total int) float64 {
	x := 0.0
	for i, c := range counts {
		e := probs[i] * float64(total)
		x += (float64(c) - e) * (float64(c) - e) / e
	}
	return x
}

// TestTransitionProbabilities compares empirical next-step frequencies from
// a fixed (previous, current) pair with the second-order walk's definition
// π(x) ∝ α_pq(t, x)·w_vx (Grover and Leskovec §3.2.2), and the first step
// with π(x) ∝ w_vx, by a chi-square test.
func TestTransitionProbabilities(t *testing.T) {
	// Current node v = 0 with neighbours 1..5; previous node t = 1, which
	// is also linked to 2 and 3 (distance 1 from t) but not to 4 and 5
	// (distance 2). Node 6 hangs off 1.
	src := []int32{0, 0, 0, 0, 0, 1, 1, 1}
	dst := []int32{1, 2, 3, 4, 5, 2, 3, 6}
	wts := []float64{1, 2, 0.5, 3, 1.5, 1, 1, 1}
	weighted := mustGraph(t, 7, src, dst, wts)
	unweighted := mustGraph(t, 7, src, dst, nil)
	const samples = 200_000
	// chi-square with 4 degrees of freedom exceeds 30 with probability 5e-6.
	const critical = 30.0
	for _, c := range []struct {
		name string
		g    *graph.Graph
		p, q float64
	}{
		{"weighted p=q=1", weighted, 1, 1},
		{"weighted p=0.25 q=4", weighted, 0.25, 4},
		{"weighted p=4 q=0.25", weighted, 4, 0.25},
		{"weighted p=2 q=0.5", weighted, 2, 0.5},
		{"unweighted p=0.5 q=2", unweighted, 0.5, 2},
	} {
		w := newWalker(c.g, c.p, c.q)
		weight := func(x int) float64 {
			if c.g.W == nil {
				return 1
			}
			return wts[x-1] // edge (0, x) is edge x−1
		}
		alpha := func(x int) float64 {
			switch x {
			case 1:
				return 1 / c.p
			case 2, 3:
				return 1
			}
			return 1 / c.q
		}
		for _, first := range []bool{true, false} {
			probs := make([]float64, 5)
			sum := 0.0
			for x := 1; x <= 5; x++ {
				probs[x-1] = weight(x)
				if !first {
					probs[x-1] *= alpha(x)
				}
				sum += probs[x-1]
			}
			for i := range probs {
				probs[i] /= sum
			}
			prev := int32(1)
			if first {
				prev = -1
			}
			counts := make([]int, 5)
			r := rand.NewPCG(7, uint64(len(c.name)))
			for s := 0; s < samples; s++ {
				x := w.next(r, prev, 0)
				if x < 1 || x > 5 {
					t.Fatalf("%s: step 0 → %d is not an edge", c.name, x)
				}
				counts[x-1]++
			}
			chi := chiSquare(counts, probs, samples)
			t.Logf("%s first=%v: χ² = %.2f, counts %v, expected %.4f", c.name, first, chi, counts, probs)
			if chi > critical {
				t.Errorf("%s first=%v: χ² = %.1f > %v", c.name, first, chi, critical)
			}
		}
	}
}

// refLoss is the batch loss computed directly in float64 from the walks:
// mean −log σ(z_a·z_b) over positive pairs plus mean −log(1 − σ) over
// negative pairs.
func refLoss(emb []float64, dim int, walks []int32, rowLen, context, nPos int) float64 {
	var pos, neg float64
	var np, nn int
	for k := 0; k*rowLen < len(walks); k++ {
		row := walks[k*rowLen : (k+1)*rowLen]
		if row[1] < 0 {
			continue
		}
		for j := 0; j+context <= rowLen; j++ {
			for c := 1; c < context; c++ {
				x := 0.0
				for d := 0; d < dim; d++ {
					x += emb[int(row[j])*dim+d] * emb[int(row[j+c])*dim+d]
				}
				s := 1 / (1 + math.Exp(-x))
				if k < nPos {
					pos -= math.Log(s)
					np++
				} else {
					neg -= math.Log(1 - s)
					nn++
				}
			}
		}
	}
	return pos/float64(np) + neg/float64(nn)
}

// TestGradient checks the loss and the bucketed gradient of one batch
// against the direct float64 loss and its central finite differences.
func TestGradient(t *testing.T) {
	g := randomGraph(t, 12, 0.3, true, 2)
	g.N++ // an isolated node, whose walks are skipped
	opt := Options{Dim: 3, WalkLength: 5, Context: 3, WalksPerNode: 2, Negatives: 2, P: 0.5, Q: 2, LR: 0.01, Epochs: 1, Seed: 4, BatchSize: 4}
	tr := newTrainer(g, opt)
	for i := range tr.emb {
		tr.emb[i] *= 0.5 // keep σ away from saturation
	}
	batch := []int32{3, 12, 0, 7}
	loss := tr.gradient(batch, 5)
	nPos := len(batch) * opt.WalksPerNode
	emb := make([]float64, len(tr.emb))
	for i, v := range tr.emb {
		emb[i] = float64(v)
	}
	walks := slices.Clone(tr.walks)
	want := refLoss(emb, opt.Dim, walks, tr.rowLen, opt.Context, nPos)
	if math.Abs(loss-want) > 1e-5*math.Abs(want) {
		t.Errorf("loss %.8g, direct %.8g", loss, want)
	}
	grad := make([]float64, len(emb))
	row := make([]float32, opt.Dim)
	for s, a := range tr.touched {
		tr.rowGradient(s, row)
		for d := 0; d < opt.Dim; d++ {
			grad[int(a)*opt.Dim+d] = float64(row[d])
		}
	}
	const h = 1e-6
	worst := 0.0
	for i := range emb {
		x := emb[i]
		emb[i] = x + h
		up := refLoss(emb, opt.Dim, walks, tr.rowLen, opt.Context, nPos)
		emb[i] = x - h
		down := refLoss(emb, opt.Dim, walks, tr.rowLen, opt.Context, nPos)
		emb[i] = x
		fd := (up - down) / (2 * h)
		err := math.Abs(fd - grad[i])
		worst = max(worst, err)
		if err > 1e-6+1e-4*math.Abs(fd) {
			t.Errorf("∂loss/∂z[%d][%d] = %.8g, finite difference %.8g", i/opt.Dim, i%opt.Dim, grad[i], fd)
		}
	}
	t.Logf("loss %.6f, %d touched rows, worst gradient error %.2g", loss, len(tr.touched), worst)
}

// TestAdamFirstStep checks SparseAdam's first step: with bias correction
// it moves every coordinate of a touched row by lr against the sign of its
// gradient, and leaves untouched rows alone.
func TestAdamFirstStep(t *testing.T) {
	g := randomGraph(t, 200, 0.03, false, 3)
	opt := DefaultOptions(8)
	opt.WalkLength, opt.Context, opt.WalksPerNode = 4, 3, 1
	tr := newTrainer(g, opt)
	before := slices.Clone(tr.emb)
	tr.gradient([]int32{5, 9}, 0)
	touched := map[int32]int{}
	grad := make([]float32, len(tr.touched)*opt.Dim)
	for s, a := range tr.touched {
		touched[a] = s
		tr.rowGradient(s, grad[s*opt.Dim:(s+1)*opt.Dim])
	}
	tr.update()
	for i := 0; i < g.N; i++ {
		s, ok := touched[int32(i)]
		for d := 0; d < opt.Dim; d++ {
			k := i*opt.Dim + d
			step := float64(tr.emb[k]) - float64(before[k])
			if !ok {
				if step != 0 {
					t.Fatalf("untouched node %d moved", i)
				}
				continue
			}
			// SparseAdam at step 1: m = (1−β₁)g, v = (1−β₂)g², step size
			// lr·√(1−β₂)/(1−β₁), so the move is ≈ −lr·sign(g).
			gr := float64(grad[s*opt.Dim+d])
			m, v := (1-beta1)*gr, (1-beta2)*gr*gr
			want := -opt.LR * math.Sqrt(1-beta2) / (1 - beta1) * m / (math.Sqrt(v) + adamEps)
			if math.Abs(step-want) > 1e-4*opt.LR+2e-7*math.Abs(float64(before[k])) {
				t.Fatalf("node %d dim %d: gradient %.3g, step %.6g, want %.6g", i, d, gr, step, want)
			}
			if math.Abs(gr) > 1e-3 && math.Abs(want+opt.LR*math.Copysign(1, gr)) > 1e-3*opt.LR {
				t.Fatalf("node %d dim %d: gradient %.3g, step %.6g, want −lr·sign(g)", i, d, gr, want)
			}
		}
	}
}

// accuracy classifies nodes i with i%4 ≥ 2 by the nearest of the block
// centroids of the nodes with i%4 < 2, and returns the share classified
// correctly.
func accuracy(emb []float32, dim int, block []int) float64 {
	cent := make([][]float64, 2)
	cnt := make([]float64, 2)
	for b := range cent {
		cent[b] = make([]float64, dim)
	}
	for i := range block {
		if i%4 < 2 {
			for d := 0; d < dim; d++ {
				cent[block[i]][d] += float64(emb[i*dim+d])
			}
			cnt[block[i]]++
		}
	}
	for b := range cent {
		for d := range cent[b] {
			cent[b][d] /= cnt[b]
		}
	}
	right, total := 0, 0
	for i := range block {
		if i%4 < 2 {
			continue
		}
		dist := make([]float64, 2)
		for b := range cent {
			for d := 0; d < dim; d++ {
				x := float64(emb[i*dim+d]) - cent[b][d]
				dist[b] += x * x
			}
		}
		guess := 0
		if dist[1] < dist[0] {
			guess = 1
		}
		if guess == block[i] {
			right++
		}
		total++
	}
	return float64(right) / float64(total)
}

// meanCosines returns the mean cosine similarity of same-block and of
// cross-block node pairs.
func meanCosines(emb []float32, dim int, block []int) (same, cross float64) {
	n := len(block)
	norm := make([]float64, n)
	for i := 0; i < n; i++ {
		for d := 0; d < dim; d++ {
			norm[i] += float64(emb[i*dim+d]) * float64(emb[i*dim+d])
		}
		norm[i] = math.Sqrt(norm[i])
	}
	var ns, nc float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			c := 0.0
			for d := 0; d < dim; d++ {
				c += float64(emb[i*dim+d]) * float64(emb[j*dim+d])
			}
			c /= norm[i] * norm[j]
			if block[i] == block[j] {
				same += c
				ns++
			} else {
				cross += c
				nc++
			}
		}
	}
	return same / ns, cross / nc
}

// TestCommunities checks that the embedding separates two planted
// communities, and that the training loss falls over the epochs. With the
// reference's settings an epoch is only N/Dim Adam steps of at most about
// LR per coordinate, against an N(0, 1) start, so a small graph needs more
// than the reference's 21 epochs (12 epochs give 81 % accuracy here).
func TestCommunities(t *testing.T) {
	g, block := twoBlocks(t, 150, 0.08, 0.004, 1)
	opt := DefaultOptions(16)
	opt.Epochs = 40
	opt.Seed = 3
	emb, losses, err := EmbedLoss(g, opt)
	if err != nil {
		t.Fatal(err)
	}
	acc := accuracy(emb, opt.Dim, block)
	accNorm := accuracy(Normalize(emb), opt.Dim, block)
	same, cross := meanCosines(emb, opt.Dim, block)
	t.Logf("nearest-centroid accuracy %.3f (normalised %.3f); mean cosine same %.3f, cross %.3f", acc, accNorm, same, cross)
	t.Logf("loss by epoch %.4f", losses)
	if acc < 0.95 || accNorm < 0.95 {
		t.Errorf("accuracy %.3f (normalised %.3f), want ≥ 0.95", acc, accNorm)
	}
	if same-cross < 0.3 {
		t.Errorf("mean cosine same-block %.3f vs cross-block %.3f: want a gap ≥ 0.3", same, cross)
	}
	// Each epoch's loss is below the previous one's, up to the noise of the
	// random walks, and the last is well below the first.
	for e := 1; e < len(losses); e++ {
		if losses[e] > losses[e-1]*1.01 {
			t.Errorf("loss rose from %.4f to %.4f at epoch %d", losses[e-1], losses[e], e)
		}
	}
	if losses[len(losses)-1] > 0.7*losses[0] {
		t.Errorf("loss fell only from %.4f to %.4f", losses[0], losses[len(losses)-1])
	}
}

// TestDeterminism checks that a seed fixes the embedding bit for bit with
// GOMAXPROCS 1 and 2, for first- and second-order walks, and with the SIMD
// (Dim a multiple of 4) and the plain dot product.
func TestDeterminism(t *testing.T) {
	g := hrgGraph(t, 4000, 2)
	wg := randomGraph(t, 300, 0.02, true, 6)
	for _, c := range []struct {
		name string
		g    *graph.Graph
		p, q float64
		dim  int
	}{{"hrg p=q=1", g, 1, 1, 8}, {"weighted p=0.5 q=2", wg, 0.5, 2, 8}, {"hrg dim 6", g, 1, 1, 6}} {
		opt := DefaultOptions(c.dim)
		opt.Epochs, opt.P, opt.Q, opt.Seed = 2, c.p, c.q, 11
		run := func(procs int, seed uint64) []float32 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			o := opt
			o.Seed = seed
			emb, err := Embed(c.g, o)
			if err != nil {
				t.Fatal(err)
			}
			return emb
		}
		a, b := run(1, 11), run(2, 11)
		if !slices.Equal(a, b) {
			t.Errorf("%s: GOMAXPROCS 1 and 2 differ", c.name)
		}
		if slices.Equal(a, run(2, 12)) {
			t.Errorf("%s: seeds 11 and 12 agree; is the seed used?", c.name)
		}
	}
}

// TestIsolatedAndEmpty covers graphs with isolated nodes, no edges and no
// nodes.
func TestIsolatedAndEmpty(t *testing.T) {
	for _, g := range []*graph.Graph{
		mustGraph(t, 6, []int32{0, 1}, []int32{1, 2}, nil),
		{N: 4},
		{N: 0},
	} {
		opt := DefaultOptions(4)
		opt.Epochs = 2
		emb, losses, err := EmbedLoss(g, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(emb) != g.N*4 || len(losses) != 2 {
			t.Fatalf("N = %d: %d values, %d losses", g.N, len(emb), len(losses))
		}
		for _, v := range append(slices.Clone(emb), Normalize(emb)...) {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("N = %d: non-finite output %v", g.N, emb)
			}
		}
	}
}

// TestExpNeg compares the fast exponential with math.Exp.
func TestExpNeg(t *testing.T) {
	worst := 0.0
	for y := 0.0; y > -700; y -= 0.0137 {
		want := math.Exp(y)
		worst = max(worst, math.Abs(expNeg(y)-want)/want)
	}
	if worst > 1e-9 {
		t.Errorf("worst relative error %.3g, want ≤ 1e-9", worst)
	}
	if expNeg(0) != 1 || expNeg(-800) != 0 {
		t.Errorf("expNeg(0) = %v, expNeg(-800) = %v", expNeg(0), expNeg(-800))
	}
}

// TestAligned checks the table's alignment, on which the SIMD dot product's
// order of summation depends.
func TestAligned(t *testing.T) {
	for n := 1; n < 40; n++ {
		s := aligned(n)
		if len(s) != n || cap(s) != n || uintptr(unsafe.Pointer(&s[0]))%16 != 0 {
			t.Fatalf("aligned(%d): len %d cap %d address %p", n, len(s), cap(s), &s[0])
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want []float32 }{
		{[]float32{3, -1, 1, 5}, []float32{4.0 / 6, 0, 2.0 / 6, 1}},
		{[]float32{2, 2, 2}, []float32{0, 0, 0}},
		{[]float32{}, []float32{}},
	} {
		got := Normalize(c.in)
		if len(got) != len(c.want) {
			t.Fatalf("Normalize(%v) = %v", c.in, got)
		}
		for i := range got {
			if math.Abs(float64(got[i]-c.want[i])) > 1e-7 {
				t.Errorf("Normalize(%v) = %v, want %v", c.in, got, c.want)
				break
			}
		}
	}
}

func TestInvalid(t *testing.T) {
	good := mustGraph(t, 3, []int32{0, 1}, []int32{1, 2}, nil)
	mod := func(f func(*Options)) Options {
		o := DefaultOptions(8)
		f(&o)
		return o
	}
	for _, c := range []struct {
		name string
		g    *graph.Graph
		opt  Options
		want string
	}{
		{"zero options", good, Options{}, "Dim"},
		{"dim", good, mod(func(o *Options) { o.Dim = 0 }), "Dim"},
		{"walk length", good, mod(func(o *Options) { o.WalkLength = 0 }), "WalkLength"},
		{"context 1", good, mod(func(o *Options) { o.Context = 1 }), "Context"},
		{"context > walk", good, mod(func(o *Options) { o.Context = 21 }), "Context"},
		{"walks", good, mod(func(o *Options) { o.WalksPerNode = 0 }), "WalksPerNode"},
		{"negatives", good, mod(func(o *Options) { o.Negatives = 0 }), "Negatives"},
		{"p", good, mod(func(o *Options) { o.P = 0 }), "P ="},
		{"q", good, mod(func(o *Options) { o.Q = math.Inf(1) }), "Q ="},
		{"lr", good, mod(func(o *Options) { o.LR = math.NaN() }), "LR"},
		{"epochs", good, mod(func(o *Options) { o.Epochs = 0 }), "Epochs"},
		{"batch", good, mod(func(o *Options) { o.BatchSize = -1 }), "BatchSize"},
		{"nil graph", nil, DefaultOptions(8), "nil graph"},
		{"id out of range", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{5}}, DefaultOptions(8), "outside"},
		{"self-loop", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{0}}, DefaultOptions(8), "self-loop"},
		{"negative weight", &graph.Graph{N: 2, Src: []int32{0}, Dst: []int32{1}, W: []float64{-1}}, DefaultOptions(8), "weight"},
	} {
		_, err := Embed(c.g, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}
