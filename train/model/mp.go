package model

import (
	"github.com/roma-go/roma/train/nn"
	G "gorgonia.org/gorgonia"
)

// encoder is the -MP models' one-layer Euclidean message-passing net on the
// raw window (no positional encodings, spec §4), with a frozen skip (res
// GraphNet); it returns z_feat (n, enc_width).
func (m *Model) encoder() *G.Node {
	c := m.Config
	m.Edges = nn.NewEdges(m.Dims.N, m.Dims.Edges)
	gn := m.B.NewGraphNet("encoder", nn.MessageConfig{In: m.Dims.Kappa, Out: c.EncWidth, EdgeConv: c.EdgeConv, Agg: c.Agg}, 1)
	z := gn.Apply(m.Window, m.Edges)
	if c.EncNorm {
		z = m.B.NewLayerNorm("encoder.ln", c.EncWidth).Apply(z)
	}
	return z
}

// transformer is the -MP models' branch: the GRF lift plus the slot-index
// embedding (dual_pos_emb 5: pos [1, 1], no level embedding, no functional
// embedding), a Transformer of Depth blocks, out (n, out).
func (m *Model) transformer(out int) *G.Node {
	b, c, n := m.B, m.Config, m.Dims.N
	in := c.NumFunc * m.Dims.Kappa
	emb := b.NewIndexEmbedding("branch.index", n, 0, in, [2]float64{1, 1}, 0)
	t := b.NewTransformer("branch", in, c.Width, c.Depth, c.Heads, out)
	return t.Apply(m.Lift, emb.Emb, m.Mask)
}
