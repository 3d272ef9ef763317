// Package node2vec computes node2vec embeddings (Grover and Leskovec,
// "node2vec: Scalable feature learning for networks", KDD 2016): second-order
// biased random walks on the graph, trained as a skip-gram with negative
// sampling (Mikolov et al., "Distributed representations of words and
// phrases and their compositionality", NIPS 2013).
//
// It follows the reference's use of PyTorch Geometric's Node2Vec (reference
// spec §1.5):
//
//   - one embedding table, shared by centre and context nodes, initialised
//     N(0, 1) like torch.nn.Embedding;
//   - each batch takes BatchSize start nodes from a per-epoch shuffle, draws
//     WalksPerNode walks of WalkLength steps (WalkLength+1 nodes) from each,
//     and cuts every walk into the WalkLength+2−Context windows of Context
//     nodes; the first node of a window is paired with the other Context−1;
//   - negatives are Negatives walks per positive walk of the same start node
//     followed by WalkLength uniformly drawn nodes, windowed the same way;
//   - the loss is mean(−log σ(z_a·z_b)) over positive pairs plus
//     mean(−log(1 − σ(z_a·z_b))) over negative pairs;
//   - SparseAdam (β = 0.9, 0.999, ε = 1e-8, PyTorch's update rule) with
//     learning rate LR updates only the rows a batch touches.
//
// Where PyG departs from the paper this package follows the paper: edge
// weights, when the graph has them, scale transition probabilities (PyG
// ignores them; unweighted graphs, the reference's case, are unaffected),
// and a walk from an isolated node stops at once (it yields no positive
// pairs) instead of repeating the node.
//
// Determinism: each batch's gradient is computed from the parameters before
// the batch, as in PyTorch, so the work parallelises without Hogwild races.
// Walks are drawn in parallel, each from its own PCG stream keyed by (seed,
// batch, walk). Each walk's pairs are scored in parallel and their gradient
// contributions summed per walk position into the walk's own buffer (the
// walk's rows stay in cache). One sequential counting sort then buckets the
// positions by node in walk order, and each touched node's gradient (the
// sum of its positions' buffers, in that order) and its Adam update are
// computed in parallel. The result is bit-identical for any GOMAXPROCS. The
// costs are the sequential bucketing (a few per cent of a batch) and the
// position buffers, 4·(WalkLength+1)·Dim bytes per walk of a batch
// (BatchSize·WalksPerNode·(1+Negatives) walks: 440 MB at the reference's
// dimension 512).
package node2vec

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
	"unsafe"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages/par"
	"gonum.org/v1/gonum/blas/gonum"
)

// Adam constants of torch.optim.SparseAdam's defaults.
const (
	beta1   = 0.9
	beta2   = 0.999
	adamEps = 1e-8
)

// Options configures Embed. DefaultOptions gives the reference's values.
type Options struct {
	// Dim is the embedding dimension (the reference's pe_dim).
	Dim int
	// WalkLength is the number of steps of each walk; a walk has
	// WalkLength+1 nodes.
	WalkLength int
	// Context is the skip-gram window in nodes, 2 ≤ Context ≤ WalkLength.
	Context int
	// WalksPerNode is the number of walks started from each node per epoch.
	WalksPerNode int
	// Negatives is the number of negative walks per positive walk.
	Negatives int
	// P is the return parameter and Q the in-out parameter of the
	// second-order walk; P = Q = 1 gives first-order (uniform on
	// unweighted graphs) walks.
	P, Q float64
	// LR is SparseAdam's learning rate.
	LR float64
	// Epochs is the number of passes over all start nodes.
	Epochs int
	// Seed determines the initial embedding, the shuffles and the walks.
	Seed uint64
	// BatchSize is the number of start nodes per optimiser step; zero means
	// Dim, the reference's loader batch size (pe_dim).
	BatchSize int
}

// DefaultOptions returns the reference's settings for embedding dimension
// dim: walks of 20 steps, context 10, 10 walks per node, 1 negative,
// p = q = 1, SparseAdam with learning rate 0.005, 21 epochs, batches of dim
// start nodes.
func DefaultOptions(dim int) Options {
	return Options{Dim: dim, WalkLength: 20, Context: 10, WalksPerNode: 10, Negatives: 1,
		P: 1, Q: 1, LR: 0.005, Epochs: 21, BatchSize: dim}
}

// validate reports every problem with o at once.
func (o Options) validate() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if o.Dim < 1 {
		bad("Dim = %d, want ≥ 1", o.Dim)
	}
	if o.WalkLength < 1 {
		bad("WalkLength = %d, want ≥ 1", o.WalkLength)
	}
	if o.Context < 2 || o.Context > o.WalkLength {
		bad("Context = %d, want 2 ≤ Context ≤ WalkLength = %d", o.Context, o.WalkLength)
	}
	if o.WalksPerNode < 1 {
		bad("WalksPerNode = %d, want ≥ 1", o.WalksPerNode)
	}
	if o.Negatives < 1 {
		bad("Negatives = %d, want ≥ 1", o.Negatives)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"P", o.P}, {"Q", o.Q}, {"LR", o.LR}} {
		if !(f.v > 0) || math.IsInf(f.v, 1) {
			bad("%s = %v, want finite and > 0", f.name, f.v)
		}
	}
	if o.Epochs < 1 {
		bad("Epochs = %d, want ≥ 1", o.Epochs)
	}
	if o.BatchSize < 0 {
		bad("BatchSize = %d, want ≥ 0 (0: Dim)", o.BatchSize)
	}
	if len(errs) > 0 {
		return fmt.Errorf("node2vec: invalid options: %s", strings.Join(errs, "; "))
	}
	return nil
}

// checkGraph verifies ids, self-loops and weights.
func checkGraph(g *graph.Graph) error {
	if g == nil {
		return fmt.Errorf("node2vec: nil graph")
	}
	if g.N < 0 || g.N > math.MaxInt32 {
		return fmt.Errorf("node2vec: graph has N = %d nodes, want 0 ≤ N ≤ %d", g.N, math.MaxInt32)
	}
	if len(g.Src) != len(g.Dst) || (g.W != nil && len(g.W) != len(g.Src)) {
		return fmt.Errorf("node2vec: graph has %d sources, %d destinations and %d weights", len(g.Src), len(g.Dst), len(g.W))
	}
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		if a < 0 || int(a) >= g.N || b < 0 || int(b) >= g.N {
			return fmt.Errorf("node2vec: edge %d (%d, %d) has an id outside [0, %d)", i, a, b, g.N)
		}
		if a == b {
			return fmt.Errorf("node2vec: edge %d is a self-loop on node %d", i, a)
		}
		if w := g.Weight(i); !(w > 0) || math.IsInf(w, 1) {
			return fmt.Errorf("node2vec: edge %d (%d, %d) has weight %v, want finite and > 0", i, a, b, w)
		}
	}
	return nil
}

// Embed returns node2vec embeddings of g's nodes, node-major: node i's
// vector is out[i*Dim : (i+1)*Dim]. Normalize applies the reference's
// min–max scaling. Memory is 12·N·Dim bytes for the table and Adam's two
// moments, plus per-batch buffers. See EmbedLoss for the training loss.
func Embed(g *graph.Graph, opt Options) ([]float32, error) {
	emb, _, err := EmbedLoss(g, opt)
	return emb, err
}

// EmbedLoss is Embed that also returns each epoch's training loss: the mean
// over its batches of the positive plus negative loss, each batch's loss
// taken before its update (what PyG's training loop prints).
func EmbedLoss(g *graph.Graph, opt Options) ([]float32, []float64, error) {
	if err := opt.validate(); err != nil {
		return nil, nil, err
	}
	if err := checkGraph(g); err != nil {
		return nil, nil, err
	}
	if uint64(g.N)*uint64(opt.Dim) > math.MaxInt64/16 {
		return nil, nil, fmt.Errorf("node2vec: %d nodes × %d dimensions overflow the embedding table", g.N, opt.Dim)
	}
	if opt.BatchSize == 0 {
		opt.BatchSize = opt.Dim
	}
	t := newTrainer(g, opt)
	losses := make([]float64, opt.Epochs)
	if g.N == 0 {
		return t.emb, losses, nil
	}
	perm := make([]int32, g.N)
	batches := (g.N + opt.BatchSize - 1) / opt.BatchSize
	for e := 0; e < opt.Epochs; e++ {
		for i := range perm {
			perm[i] = int32(i)
		}
		rng := rand.New(rand.NewPCG(opt.Seed, mix(tagShuffle, uint64(e))))
		rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		sum := 0.0
		for b := 0; b < batches; b++ {
			batch := perm[b*opt.BatchSize : min((b+1)*opt.BatchSize, g.N)]
			sum += t.step(batch, uint64(e)*uint64(batches)+uint64(b))
		}
		losses[e] = sum / float64(batches)
	}
	return t.emb, losses, nil
}

// Normalize returns the reference's scaling of an embedding block, one
// global min–max over all entries: (x − min)/(max − min). A constant block
// maps to zeros (the reference would divide by zero).
func Normalize(x []float32) []float32 {
	out := make([]float32, len(x))
	if len(x) == 0 {
		return out
	}
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi == lo {
		return out
	}
	scale := 1 / (float64(hi) - float64(lo))
	for i, v := range x {
		out[i] = float32((float64(v) - float64(lo)) * scale)
	}
	return out
}

// Tags separating the PCG streams of the different random draws.
const (
	tagInit uint64 = iota + 1
	tagShuffle
	tagWalk
)

// mix hashes a tag and a counter into a PCG seed word: for a fixed tag it
// is a bijection of x (the splitmix64 finaliser of Steele, Lea and Flood,
// OOPSLA 2014, applied to tag·φ ⊕ x), so distinct counters get distinct
// streams.
func mix(tag, x uint64) uint64 {
	z := tag*0x9e3779b97f4a7c15 ^ x
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// walker draws node2vec walks on a CSR adjacency.
type walker struct {
	ptr []int64
	col []int32 // sorted within each row, for the N(t) membership test
	cum []float64
	// cum holds each row's running weight sums for weighted sampling; nil
	// when all weights are equal and sampling is uniform.
	invP, invQ, amax float64
	firstOrder       bool
}

func newWalker(g *graph.Graph, p, q float64) *walker {
	a := g.Adjacency()
	w := &walker{ptr: a.Ptr, col: a.Col, invP: 1 / p, invQ: 1 / q, firstOrder: p == 1 && q == 1}
	w.amax = max(w.invP, 1, w.invQ)
	uniform := true
	for _, v := range a.Val {
		if v != a.Val[0] {
			uniform = false
			break
		}
	}
	if !uniform {
		w.cum = make([]float64, len(a.Val))
		for i := 0; i < a.N; i++ {
			s := 0.0
			for e := a.Ptr[i]; e < a.Ptr[i+1]; e++ {
				s += a.Val[e]
				w.cum[e] = s
			}
		}
	}
	return w
}

// uintn returns a uniform integer in [0, n) (Lemire, ACM TOMACS 2019).
func uintn(r *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// float64r returns a uniform float64 in [0, 1).
func float64r(r *rand.PCG) float64 { return float64(r.Uint64()>>11) / (1 << 53) }

// neighbour draws a neighbour of v with probability proportional to the
// edge weight (the first-order walk); -1 if v has none.
func (w *walker) neighbour(r *rand.PCG, v int32) int32 {
	lo, hi := w.ptr[v], w.ptr[v+1]
	if lo == hi {
		return -1
	}
	if w.cum == nil {
		return w.col[lo+int64(uintn(r, uint64(hi-lo)))]
	}
	x := float64r(r) * w.cum[hi-1]
	// Smallest e with cum[e] > x.
	a, b := lo, hi-1
	for a < b {
		m := int64(uint64(a+b) >> 1)
		if w.cum[m] > x {
			b = m
		} else {
			a = m + 1
		}
	}
	return w.col[a]
}

// adjacent reports whether u and x are neighbours (binary search in u's
// sorted row).
func (w *walker) adjacent(u, x int32) bool {
	a, b := w.ptr[u], w.ptr[u+1]
	for a < b {
		m := int64(uint64(a+b) >> 1)
		switch c := w.col[m]; {
		case c == x:
			return true
		case c < x:
			a = m + 1
		default:
			b = m
		}
	}
	return false
}

// next draws the step after prev → v of the second-order walk: neighbour x
// of v with probability ∝ α_pq(prev, x)·w_vx, where α is 1/p if x = prev, 1
// if x is a neighbour of prev and 1/q otherwise (Grover and Leskovec §3.2.2).
// It samples by rejection from the first-order step, accepting x with
// probability α/max(1/p, 1, 1/q), which needs no per-edge alias tables.
// prev < 0 means the first step.
func (w *walker) next(r *rand.PCG, prev, v int32) int32 {
	for {
		x := w.neighbour(r, v)
		if x < 0 || prev < 0 || w.firstOrder {
			return x
		}
		alpha := 1.0
		if x == prev {
			alpha = w.invP
		} else if !w.adjacent(prev, x) {
			alpha = w.invQ
		}
		if alpha == w.amax || float64r(r)*w.amax < alpha {
			return x
		}
	}
}

// walk fills dst with a walk from start; it stops early, padding with -1,
// only if start is isolated.
func (w *walker) walk(r *rand.PCG, dst []int32, start int32) {
	dst[0] = start
	prev := int32(-1)
	for i := 1; i < len(dst); i++ {
		x := w.next(r, prev, dst[i-1])
		if x < 0 {
			for ; i < len(dst); i++ {
				dst[i] = -1
			}
			return
		}
		prev = dst[i-1]
		dst[i] = x
	}
}

// trainer holds the parameters, Adam's state and the per-batch buffers.
type trainer struct {
	opt      Options
	n, dim   int
	w        *walker
	emb      []float32 // the embedding table, node-major
	mv       []float32 // Adam's moments: node i's m then v at mv[2i·Dim:]
	step1    int       // Adam's step count
	rowLen   int       // nodes per walk
	nWin     int       // windows per walk
	perWalk  int       // pairs per walk
	walks    []int32   // this batch's walks, positive then negative
	lossWalk []float64 // each walk's summed pair loss
	// occGrad holds, for each walk position (walk k, index i), the loss
	// gradient with respect to the embedding of the node there, from the
	// pairs of walk k that use position i.
	occGrad []float32
	// Positions bucketed by node: touched nodes in order of first
	// appearance, slot[node] their index (-1 elsewhere), and bucket s holds
	// the positions occ[off[s]:off[s+1]] in walk order.
	touched   []int32
	slot      []int32
	off, fill []int32
	occ       []int32
	simdDot   bool // every row of emb is 16-byte aligned
}

// aligned returns a zeroed slice of n float32s starting on a 16-byte
// boundary.
func aligned(n int) []float32 {
	s := make([]float32, n+3)
	off := int(-uintptr(unsafe.Pointer(unsafe.SliceData(s))) % 16 / 4)
	return s[off : off+n : off+n]
}

// blas is gonum's pure-Go BLAS, whose level-1 kernels are SIMD assembly on
// amd64.
var blas gonum.Implementation

// dotRows returns a·b for two rows of the embedding table.
func (t *trainer) dotRows(a, b []float32) float32 {
	if t.simdDot {
		return blas.Sdot(len(a), a, 1, b, 1)
	}
	return dot(a, b)
}

func newTrainer(g *graph.Graph, opt Options) *trainer {
	t := &trainer{opt: opt, n: g.N, dim: opt.Dim, w: newWalker(g, opt.P, opt.Q)}
	size := g.N * opt.Dim
	t.emb = aligned(size)
	t.mv = make([]float32, 2*size)
	// gonum's SIMD dot product sums in an order that depends on the
	// alignment of its second argument; rows 16-byte aligned fix it.
	t.simdDot = opt.Dim%4 == 0
	// N(0, 1) like torch.nn.Embedding, in fixed blocks of rows so that the
	// draw is the same on any number of cores.
	const rows = 1024
	par.For(g.N, rows, func(lo, hi int) {
		r := rand.New(rand.NewPCG(opt.Seed, mix(tagInit, uint64(lo/rows))))
		for i := lo * opt.Dim; i < hi*opt.Dim; i++ {
			t.emb[i] = float32(r.NormFloat64())
		}
	})
	t.rowLen = opt.WalkLength + 1
	t.nWin = t.rowLen - opt.Context + 1
	t.perWalk = t.nWin * (opt.Context - 1)
	t.slot = make([]int32, g.N)
	for i := range t.slot {
		t.slot[i] = -1
	}
	return t
}

// grow returns s with length n, reusing its storage when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// step trains on one batch of start nodes and returns the batch's loss
// before the update. id numbers the batch within the whole run.
func (t *trainer) step(batch []int32, id uint64) float64 {
	loss := t.gradient(batch, id)
	t.update()
	return loss
}

// gradient draws the batch's walks, computes their position gradients and
// buckets the positions by node (touched, rowGradient); it returns the
// loss.
func (t *trainer) gradient(batch []int32, id uint64) float64 {
	opt := t.opt
	nb := len(batch)
	nPos := nb * opt.WalksPerNode
	nWalks := nPos * (1 + opt.Negatives)
	t.walks = grow(t.walks, nWalks*t.rowLen)
	t.lossWalk = grow(t.lossWalk, nWalks)
	t.occGrad = grow(t.occGrad, nWalks*t.rowLen*t.dim)

	// Walks: walk k starts at batch[k % nb]; walks k ≥ nPos are negatives.
	par.For(nWalks, 64, func(lo, hi int) {
		var r rand.PCG
		for k := lo; k < hi; k++ {
			r.Seed(mix(opt.Seed, id), mix(tagWalk, uint64(k)))
			row := t.walks[k*t.rowLen : (k+1)*t.rowLen]
			start := batch[k%nb]
			if k < nPos {
				t.w.walk(&r, row, start)
			} else {
				row[0] = start
				for i := 1; i < len(row); i++ {
					row[i] = int32(uintn(&r, uint64(t.n)))
				}
			}
		}
	})
	validPos := 0
	for k := 0; k < nPos; k++ {
		if t.walks[k*t.rowLen+1] >= 0 {
			validPos++
		}
	}
	posScale, negScale := 0.0, 1/float64((nWalks-nPos)*t.perWalk)
	if validPos > 0 {
		posScale = 1 / float64(validPos*t.perWalk)
	}

	// Each walk's pairs, from the parameters before the update, into the
	// walk's own position gradients: the walk's few rows stay in cache, and
	// walks write disjoint memory.
	par.For(nWalks, 16, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			t.lossWalk[k] = t.walkGradient(k, k < nPos, posScale, negScale)
		}
	})
	loss := 0.0
	for k, l := range t.lossWalk {
		if k < nPos {
			loss += l * posScale
		} else {
			loss += l * negScale
		}
	}

	t.bucket(nWalks)
	return loss
}

// rowGradient writes to dst the loss gradient of node touched[s]: the sum
// of its position gradients, in walk order.
func (t *trainer) rowGradient(s int, dst []float32) {
	q0 := int(t.occ[t.off[s]]) * t.dim
	copy(dst, t.occGrad[q0:q0+t.dim])
	for _, q := range t.occ[t.off[s]+1 : t.off[s+1]] {
		blas.Saxpy(t.dim, 1, t.occGrad[int(q)*t.dim:int(q+1)*t.dim], 1, dst, 1)
	}
}

// walkGradient fills walk k's position gradients and returns the sum of
// its pair losses. Each window's first node is paired with the next
// Context−1; a pair with score x = z_a·z_b has loss −log σ(x) if positive
// and −log(1 − σ(x)) if negative, and its derivative, times the batch mean's
// scale, multiplies z_b in a's gradient and z_a in b's.
func (t *trainer) walkGradient(k int, pos bool, posScale, negScale float64) float64 {
	dim := t.dim
	row := t.walks[k*t.rowLen : (k+1)*t.rowLen]
	og := t.occGrad[k*t.rowLen*dim : (k+1)*t.rowLen*dim]
	if row[1] < 0 {
		return 0
	}
	clear(og)
	scale, sign := negScale, 1.0
	if pos {
		scale, sign = posScale, -1
	}
	// −log σ(x) = softplus(−x) and −log(1 − σ(x)) = softplus(x), with
	// softplus(z) = max(z, 0) + log(1 + e^{−|z|}). The logs are summed as
	// one log of a product, whose factors lie in (1, 2].
	linear, prod := 0.0, 1.0
	for j := 0; j < t.nWin; j++ {
		za := t.emb[int(row[j])*dim : int(row[j]+1)*dim]
		ga := og[j*dim : (j+1)*dim]
		for c := 1; c < t.opt.Context; c++ {
			b := row[j+c]
			zb := t.emb[int(b)*dim : int(b+1)*dim]
			x := float64(t.dotRows(za, zb))
			e := expNeg(-math.Abs(x))
			sig := 1 / (1 + e) // σ(|x|)
			if x < 0 {
				sig = e * sig
			}
			linear += max(sign*x, 0)
			prod *= 1 + e
			if prod > 1e300 {
				linear += math.Log(prod)
				prod = 1
			}
			// d/dx: σ(x) − 1 for a positive pair, σ(x) for a negative.
			g := sig
			if pos {
				g = sig - 1
			}
			cg := float32(g * scale)
			blas.Saxpy(dim, cg, zb, 1, ga, 1)
			blas.Saxpy(dim, cg, za, 1, og[(j+c)*dim:(j+c+1)*dim], 1)
		}
	}
	return linear + math.Log(prod)
}

// update applies SparseAdam to the rows the last gradient touched.
func (t *trainer) update() {
	nt := len(t.touched)
	t.step1++
	bc1 := 1 - math.Pow(beta1, float64(t.step1))
	bc2 := 1 - math.Pow(beta2, float64(t.step1))
	stepSize := float32(t.opt.LR * math.Sqrt(bc2) / bc1)
	// The gradients read only the position buffers, so each row can be
	// summed and updated in one go.
	par.For(nt, 64, func(lo, hi int) {
		g := make([]float32, t.dim)
		for s := lo; s < hi; s++ {
			t.rowGradient(s, g)
			i := int(t.touched[s]) * t.dim
			mv := t.mv[2*i : 2*i+2*t.dim]
			adam(t.emb[i:i+t.dim], mv[:t.dim], mv[t.dim:], g, stepSize)
		}
	})
}

// bucket lists, for each node on the batch's valid walks, its walk
// positions in walk order. It is the one sequential pass of a step, and
// what makes the gradient sums independent of the number of cores.
func (t *trainer) bucket(nWalks int) {
	t.touched = t.touched[:0]
	t.off = t.off[:0]
	for k := 0; k < nWalks; k++ {
		row := t.walks[k*t.rowLen : (k+1)*t.rowLen]
		if row[1] < 0 {
			continue
		}
		for _, a := range row {
			s := t.slot[a]
			if s < 0 {
				s = int32(len(t.touched))
				t.slot[a] = s
				t.touched = append(t.touched, a)
				t.off = append(t.off, 0)
			}
			t.off[s]++
		}
	}
	// Exclusive prefix sums: off[s] becomes bucket s's start.
	total := int32(0)
	for s, c := range t.off {
		t.off[s] = total
		total += c
	}
	t.off = append(t.off, total)
	t.fill = append(t.fill[:0], t.off[:len(t.touched)]...)
	t.occ = grow(t.occ, int(total))
	for k := 0; k < nWalks; k++ {
		row := t.walks[k*t.rowLen : (k+1)*t.rowLen]
		if row[1] < 0 {
			continue
		}
		for i, a := range row {
			s := t.slot[a]
			t.occ[t.fill[s]] = int32(k*t.rowLen + i)
			t.fill[s]++
		}
	}
	for _, a := range t.touched {
		t.slot[a] = -1
	}
}

// dot returns a·b, summed in four interleaved partial sums.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// expNeg returns e^y for y ≤ 0 to about 1e-9 relative error, several
// times faster than math.Exp: y = k ln 2 + r with |r| ≤ ln 2/2, e^r by its
// degree-8 Taylor polynomial, and 2^k put in the exponent bits.
func expNeg(y float64) float64 {
	if y < -700 {
		return 0
	}
	const (
		log2e = 1.4426950408889634
		ln2Hi = 6.93147180369123816490e-01 // ln 2 split as in math.Exp
		ln2Lo = 1.90821492927058770002e-10
	)
	k := math.Floor(y*log2e + 0.5)
	r := (y - k*ln2Hi) - k*ln2Lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+r*(1.0/40320))))))))
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}

// adam applies torch.optim.SparseAdam's update to one row: moments
// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², and z ← z − step·m/(√v + ε) with
// step = lr·√(1−β₂ᵗ)/(1−β₁ᵗ).
func adam(z, m, v, g []float32, step float32) {
	m, v, g = m[:len(z)], v[:len(z)], g[:len(z)]
	for i := range z {
		m[i] = beta1*m[i] + (1-beta1)*g[i]
		v[i] = beta2*v[i] + (1-beta2)*g[i]*g[i]
		z[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i]))) + adamEps)
	}
}
