package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// Edge-message and aggregation options of MessageConfig (the reference's
// --edge_conv and --agg flags).
const (
	EdgeMLPConv    = "mlp"    // m_e = EdgeMLP([t_r ‖ t_s − t_r]) (default)
	EdgeLinearConv = "linear" // m_e = Linear([t_r ‖ t_s − t_r])
	EdgeNoConv     = "none"   // m_e = t_s (the reference's `--edge_conv 1`, Q8)

	AggMulti = "multi" // [sum ‖ mean ‖ var ‖ max] (default)
	AggSum   = "sum"
	AggMean  = "mean"
	AggMax   = "max"
)

// MessageConfig configures one message-passing layer.
type MessageConfig struct {
	In, Out  int    // input width and layer width d
	EdgeConv string // EdgeMLPConv, EdgeLinearConv or EdgeNoConv ("" = mlp, "1" = none)
	Agg      string // AggMulti, AggSum, AggMean or AggMax ("" = multi)
}

// edgeConv normalises the option; the reference treats every string other
// than mlp/linear as "no edge network", but only its documented spelling "1"
// is accepted here so that a typo cannot silently drop the edge MLP.
func (c MessageConfig) edgeConv() string {
	switch c.EdgeConv {
	case "", EdgeMLPConv:
		return EdgeMLPConv
	case EdgeLinearConv:
		return EdgeLinearConv
	case EdgeNoConv, "1":
		return EdgeNoConv
	}
	panic(fmt.Sprintf("message passing: unknown edge_conv %q", c.EdgeConv))
}

// agg normalises the aggregation option.
func (c MessageConfig) agg() string {
	switch c.Agg {
	case "", AggMulti:
		return AggMulti
	case AggSum, AggMean, AggMax:
		return c.Agg
	}
	panic(fmt.Sprintf("message passing: unknown agg %q", c.Agg))
}

// MessagePassing is the reference's HGCN layer in the Euclidean manifold
// (spec §2.4), where expmap0/logmap0/proj are identities:
//
//	h = x·W + b                       (HypLinear)
//	m_e = edge(t_r, t_s), t = h       (HypAgg messages, s → r)
//	a_r = AggMLP(stats_r(m))          (HypAgg aggregation)
//	y = gelu(a)                       (HypAct)
type MessagePassing struct {
	Cfg     MessageConfig
	Lin     *Linear // in → d
	EdgeMLP *MLP    // 2d → d, width 4d, depth 2 (EdgeConv mlp)
	EdgeLin *Linear // 2d → d (EdgeConv linear)
	AggMLP  *MLP    // 4d (multi) or d → d, width 4d, depth 2
	b       *Builder
}

// NewMessagePassing creates the layer's parameters under name.
func (b *Builder) NewMessagePassing(name string, cfg MessageConfig) *MessagePassing {
	d := cfg.Out
	l := &MessagePassing{Cfg: cfg, b: b, Lin: b.NewLinear(name+".lin", cfg.In, d, true)}
	switch cfg.edgeConv() {
	case EdgeMLPConv:
		l.EdgeMLP = b.NewMLP(name+".edge", 2*d, d, 4*d, 2)
	case EdgeLinearConv:
		l.EdgeLin = b.NewLinear(name+".edge", 2*d, d, true)
	}
	aggIn := d
	if cfg.agg() == AggMulti {
		aggIn = 4 * d
	}
	l.AggMLP = b.NewMLP(name+".agg", aggIn, d, 4*d, 2)
	return l
}

// Apply maps node features x (N, In) to (N, Out) over the edges e. The
// graph keeps the pointer e: overwrite its contents (Edges.Set) between runs.
func (l *MessagePassing) Apply(x *G.Node, e *Edges) *G.Node {
	t := l.Lin.Apply(x)
	return l.b.GELU(l.AggMLP.Apply(l.aggregate(l.messages(t, e), e)))
}

// messages is one (E, d) row per edge slot; padding rows hold whatever the
// edge network makes of zeros, and the segment ops ignore them.
func (l *MessagePassing) messages(t *G.Node, e *Edges) *G.Node {
	ts := Gather(t, e, BySrc)
	if l.EdgeMLP == nil && l.EdgeLin == nil {
		return ts
	}
	tr := Gather(t, e, ByDst)
	in := G.Must(G.Concat(1, tr, G.Must(G.Sub(ts, tr))))
	if l.EdgeMLP != nil {
		return l.EdgeMLP.Apply(in)
	}
	return l.EdgeLin.Apply(in)
}

// aggregate reduces messages per receiver; empty segments give zeros.
func (l *MessagePassing) aggregate(m *G.Node, e *Edges) *G.Node {
	switch l.Cfg.agg() {
	case AggSum:
		return SegmentSum(m, e)
	case AggMean:
		return SegmentMean(m, e)
	case AggMax:
		return SegmentMax(m, e)
	}
	return G.Must(G.Concat(1, SegmentSum(m, e), SegmentMean(m, e), SegmentVar(m, e), SegmentMax(m, e)))
}

// GraphNet is the reference's GraphNet with res = True in the Euclidean
// manifold (spec §2.4): each layer computes xT = Skip(x) + layer(x) with a
// frozen skip Linear (Q2). The encoder's cat = True output [u ‖ xT] is left
// to the caller, which concatenates the raw columns itself.
type GraphNet struct {
	Layers []*MessagePassing
	Skips  []*Linear
}

// NewGraphNet stacks depth layers: In → Out, then Out → Out (the reference
// models use depth 1).
func (b *Builder) NewGraphNet(name string, cfg MessageConfig, depth int) *GraphNet {
	if depth < 1 {
		panic(fmt.Sprintf("graph net %s: depth %d < 1", name, depth))
	}
	g := &GraphNet{}
	for i := 0; i < depth; i++ {
		c := cfg
		if i > 0 {
			c.In = cfg.Out
		}
		p := fmt.Sprintf("%s.%d", name, i)
		g.Layers = append(g.Layers, b.NewMessagePassing(p, c))
		g.Skips = append(g.Skips, b.NewSkip(p+".skip", c.In, c.Out))
	}
	return g
}

// Apply maps x (N, In) to xT (N, Out) over the edges e.
func (g *GraphNet) Apply(x *G.Node, e *Edges) *G.Node {
	for i, l := range g.Layers {
		x = G.Must(G.Add(g.Skips[i].Apply(x), l.Apply(x, e)))
	}
	return x
}
