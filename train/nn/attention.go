package nn

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// MaskValue is the additive attention-mask entry for a forbidden
// (query, key) pair. The reference sets such logits to finfo.min; −1e9 plays
// the same role after exp (it underflows to exactly 0 in float32 and float64)
// while staying finite when logits of order 1 are added to it in float32.
const MaskValue = -1e9

// PaddingMask is the reference's mask (spec §2.6) as an additive (n, n)
// matrix in row-major order: entry (i, j) is 0 when tokens i and j are both
// real and MaskValue otherwise. The reference gives a fully masked (padding)
// query row uniform weights; here such a row gets the softmax of its shifted
// logits instead. Padding rows' outputs feed nothing that is trained, and the
// reference's batches have no padding in practice (spec §2.5).
func PaddingMask(valid []bool) []float64 {
	n := len(valid)
	m := make([]float64, n*n)
	for i := range n {
		for j := range n {
			if !valid[i] || !valid[j] {
				m[i*n+j] = MaskValue
			}
		}
	}
	return m
}

// MultiHeadAttention is eqx.nn.MultiheadAttention(Heads, Width) used as
// self-attention: head dimension d = ⌊Width/Heads⌋ (eqx's default qk_size and
// vo_size), q, k and v projections Width → Heads·d and an output projection
// Heads·d → Width, all without biases (orthogonal init, spec §2.10), logits
// scaled by 1/√d, an additive mask, and a softmax over keys. Head i uses
// projected columns [i·d, (i+1)·d), as eqx's reshape(n, heads, d) does. When
// Heads divides Width every projection is Width×Width; the reference's
// parameter-matched baselines (e.g. W 1326 with 8 heads) rely on the floor.
type MultiHeadAttention struct {
	Q, K, V, O   *Linear
	Heads, Width int
	// Weights is the (Heads, n, n) softmax node of the latest Apply
	// (queries × keys), kept for inspection (spec Q16); read it with
	// gorgonia.Read before compiling the machine, since a tape machine
	// reuses the memory of intermediate nodes.
	Weights *G.Node
	b       *Builder
}

// NewMultiHeadAttention builds the four projections. It panics unless
// 0 < heads ≤ width.
func (b *Builder) NewMultiHeadAttention(name string, width, heads int) *MultiHeadAttention {
	if heads <= 0 || heads > width {
		panic(fmt.Sprintf("%s: %d heads for width %d", name, heads, width))
	}
	inner := heads * (width / heads)
	return &MultiHeadAttention{Heads: heads, Width: width, b: b,
		Q: b.NewLinear(name+".q", width, inner, false),
		K: b.NewLinear(name+".k", width, inner, false),
		V: b.NewLinear(name+".v", width, inner, false),
		O: b.NewLinear(name+".o", inner, width, false)}
}

// Apply maps x (n, Width) to (n, Width). mask is an additive (n, n) node
// (0 = allowed, MaskValue = forbidden; see PaddingMask) or nil for none.
func (m *MultiHeadAttention) Apply(x, mask *G.Node) *G.Node {
	n, d := x.Shape()[0], m.Width/m.Heads
	// Scaling q (n·W values) instead of the logits (h·n² values) is cheaper
	// and equal up to rounding.
	q := G.Must(G.Mul(m.Q.Apply(x), m.b.Const(1/math.Sqrt(float64(d)))))
	qh, kh, vh := m.splitHeads(q), m.splitHeads(m.K.Apply(x)), m.splitHeads(m.V.Apply(x))
	logits := G.Must(G.BatchedMatMul(qh, kh, false, true)) // (h, n, n)
	if mask != nil {
		m3 := G.Must(G.Reshape(inGraph(x.Graph(), mask), tensor.Shape{1, n, n}))
		logits = G.Must(G.BroadcastAdd(logits, m3, nil, []byte{0}))
	}
	flat := G.Must(G.Reshape(logits, tensor.Shape{m.Heads * n, n}))
	m.Weights = G.Must(G.Reshape(softmaxRows(flat), tensor.Shape{m.Heads, n, n}))
	o := G.Must(G.BatchedMatMul(m.Weights, vh)) // (h, n, d)
	return m.O.Apply(m.mergeHeads(o))
}

// inGraph returns c bound to g. A constant made by gorgonia.NewConstant
// without gorgonia.In belongs to no graph; binary ops adopt it, but a unary
// op such as Reshape fails with "No Graph Supplied".
func inGraph(g *G.ExprGraph, c *G.Node) *G.Node {
	if c.Graph() != nil {
		return c
	}
	return G.NewConstant(c.Value(), G.In(g), G.WithName(c.Name()))
}

// splitHeads turns (n, h·d) into (h, n, d).
func (m *MultiHeadAttention) splitHeads(x *G.Node) *G.Node {
	n := x.Shape()[0]
	x = G.Must(G.Reshape(x, tensor.Shape{n, m.Heads, m.Width / m.Heads}))
	return G.Must(G.Transpose(x, 1, 0, 2))
}

// mergeHeads turns (h, n, d) back into (n, h·d).
func (m *MultiHeadAttention) mergeHeads(x *G.Node) *G.Node {
	n := x.Shape()[1]
	x = G.Must(G.Transpose(x, 1, 0, 2))
	return G.Must(G.Reshape(x, tensor.Shape{n, m.Heads * (m.Width / m.Heads)}))
}

// softmaxRows is the softmax of every row of a matrix, composed as
// exp(x − max)/Σ exp(x − max) from ops whose gradients are right.
// Gorgonia's own SoftMax (v0.9.18 with tensor v0.9.24) starts each row's
// running max at the first element of the whole tensor instead of the row's
// first element and never compares the row's own first element, so a row far
// below element 0 underflows to 0/0 = NaN (every fully masked padding row
// does) and a row far above it overflows; TestGorgoniaSoftMaxBug shows it.
// It also spawns a goroutine per row. Its backward formula is right
// (checked in TestAttentionGradients). The max here is not held constant,
// but softmax is shift-invariant, so the gradient through it is zero up to
// rounding.
func softmaxRows(x *G.Node) *G.Node {
	mx := G.Must(G.Max(x, 1))
	e := G.Must(G.Exp(G.Must(G.BroadcastSub(x, mx, nil, []byte{1}))))
	s := G.Must(G.Sum(e, 1))
	return G.Must(G.BroadcastHadamardDiv(e, s, nil, []byte{1}))
}

// AttentionBlock is the reference's pre-LN transformer block (spec §2.6):
// x += MHA(LN1(x); mask); x += Down(gelu(Up(LN2(x)))) with Up W → 4W and
// Down 4W → W (both with bias). The reference's dropouts are omitted: their
// rate is 0 in every reference run (spec §2.1 item 1).
type AttentionBlock struct {
	LN1, LN2 *LayerNorm
	Attn     *MultiHeadAttention
	Up, Down *Linear
	b        *Builder
}

// NewAttentionBlock builds one block of the given width and head count.
func (b *Builder) NewAttentionBlock(name string, width, heads int) *AttentionBlock {
	return &AttentionBlock{b: b,
		LN1:  b.NewLayerNorm(name+".ln1", width),
		Attn: b.NewMultiHeadAttention(name+".attn", width, heads),
		LN2:  b.NewLayerNorm(name+".ln2", width),
		Up:   b.NewLinear(name+".up", width, 4*width, true),
		Down: b.NewLinear(name+".down", 4*width, width, true)}
}

// Apply maps x (n, W) to (n, W); mask as in MultiHeadAttention.Apply.
func (a *AttentionBlock) Apply(x, mask *G.Node) *G.Node {
	x = G.Must(G.Add(x, a.Attn.Apply(a.LN1.Apply(x), mask)))
	h := a.Down.Apply(a.b.GELU(a.Up.Apply(a.LN2.Apply(x))))
	return G.Must(G.Add(x, h))
}

// Transformer is the reference's branch net (spec §2.6): an input Linear
// In → Width (with bias), Depth pre-LN AttentionBlocks, a final LayerNorm and
// an output Linear Width → Out (with bias).
type Transformer struct {
	Lin    *Linear
	Blocks []*AttentionBlock
	Norm   *LayerNorm
	Out    *Linear
}

// NewTransformer builds in → width → depth blocks → out with heads heads.
func (b *Builder) NewTransformer(name string, in, width, depth, heads, out int) *Transformer {
	t := &Transformer{Lin: b.NewLinear(name+".lin", in, width, true)}
	for i := range depth {
		t.Blocks = append(t.Blocks, b.NewAttentionBlock(fmt.Sprintf("%s.block%d", name, i), width, heads))
	}
	t.Norm = b.NewLayerNorm(name+".ln", width)
	t.Out = b.NewLinear(name+".out", width, out, true)
	return t
}

// Apply maps x (n, In) to (n, Out). embed, if not nil, is an (n, In) node
// added to x before the input Linear: the caller's sum of the functional
// embedding and IndexEmbedding, as the reference adds them to b_in. mask is
// an additive (n, n) node or nil.
func (t *Transformer) Apply(x, embed, mask *G.Node) *G.Node {
	if embed != nil {
		x = G.Must(G.Add(x, embed))
	}
	x = t.Lin.Apply(x)
	for _, blk := range t.Blocks {
		x = blk.Apply(x, mask)
	}
	return t.Out.Apply(t.Norm.Apply(x))
}

// Weights lists each block's (heads, n, n) attention-weight node from the
// latest Apply, first block first (see MultiHeadAttention.Weights).
func (t *Transformer) Weights() []*G.Node {
	w := make([]*G.Node, len(t.Blocks))
	for i, blk := range t.Blocks {
		w[i] = blk.Attn.Weights
	}
	return w
}

// ReadWeights attaches a gorgonia.Read to every block's attention weights and
// returns where the values will land once a machine compiled afterwards has
// run. Call it after Apply and before making the machine.
func (t *Transformer) ReadWeights() []*G.Value {
	vs := make([]*G.Value, len(t.Blocks))
	for i, w := range t.Weights() {
		vs[i] = new(G.Value)
		G.Read(w, vs[i])
	}
	return vs
}

// IndexEmbedding is the reference's MS(x) term (spec §2.6, §2.1 item 4) for
// NFine fine tokens followed by NCoarse coarse tokens:
// row r gets P[r]·PosVar[level(r)] + Lvl[level(r)]·LevelVar, with level 0 for
// fine rows and 1 for coarse rows. P (NFine+NCoarse, In) and Lvl (2, In) are
// trainable and start N(0, 1). Lvl has len(pool_size)+1 = 2 rows in the
// reference for every config (pool_steps 0 gives pool_size [0]).
type IndexEmbedding struct {
	// P is nil when both PosVar entries are 0; Lvl is nil when LevelVar is 0.
	// The reference's ROMA-B branch count (spec §2.2) includes both tables;
	// a zero-scaled table cannot change the output, so it is left out here
	// and counts then differ by its size.
	P, Lvl         *G.Node
	NFine, NCoarse int
	PosVar         [2]float64
	LevelVar       float64
	// Emb is the (NFine+NCoarse, In) embedding, nil when neither table exists.
	Emb *G.Node
}

// NewIndexEmbedding creates the tables and builds Emb.
func (b *Builder) NewIndexEmbedding(name string, nFine, nCoarse, in int, posVar [2]float64, levelVar float64) *IndexEmbedding {
	e := &IndexEmbedding{NFine: nFine, NCoarse: nCoarse, PosVar: posVar, LevelVar: levelVar}
	nTok := nFine + nCoarse
	if posVar != [2]float64{} {
		e.P = b.Weight(name+".pos", []int{nTok, in}, b.Normal(nTok*in, 1))
		// The per-row factor is a constant vector broadcast along the
		// columns, so no custom op is needed.
		col := G.NewConstant(b.Tensor([]int{nTok}, e.rowValues(posVar[0], posVar[1])), G.In(b.G), G.WithName(name+".posvar"))
		e.Emb = G.Must(G.BroadcastHadamardProd(e.P, col, nil, []byte{1}))
	}
	if levelVar != 0 {
		e.Lvl = b.Weight(name+".level", []int{2, in}, b.Normal(2*in, 1))
		// A constant (nTok, 2) one-hot matrix scaled by LevelVar selects the
		// row's level; its matmul costs 4·nTok·In flops, nothing next to the
		// Transformer.
		onehot := make([]float64, 2*nTok)
		for r := range nTok {
			onehot[2*r+e.level(r)] = levelVar
		}
		sel := G.NewConstant(b.Tensor([]int{nTok, 2}, onehot), G.In(b.G), G.WithName(name+".levelsel"))
		lv := G.Must(G.Mul(sel, e.Lvl))
		if e.Emb == nil {
			e.Emb = lv
		} else {
			e.Emb = G.Must(G.Add(e.Emb, lv))
		}
	}
	return e
}

// level is 0 for a fine row and 1 for a coarse one.
func (e *IndexEmbedding) level(r int) int {
	if r < e.NFine {
		return 0
	}
	return 1
}

// rowValues is fine for the fine rows and coarse for the coarse rows.
func (e *IndexEmbedding) rowValues(fine, coarse float64) []float64 {
	v := make([]float64, e.NFine+e.NCoarse)
	for r := range v {
		v[r] = fine
		if e.level(r) == 1 {
			v[r] = coarse
		}
	}
	return v
}
