package main

import (
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	"github.com/roma-go/roma/stages"
)

// built is the graph the dynamics run on, with each node's id in the
// generated graph or the input file.
type built struct {
	g      *graph.Graph
	origID []int64
}

// buildGraph generates or reads the graph and keeps its largest component
// when asked to.
func buildGraph(r *stages.Run, c GraphConfig) (*built, error) {
	var g *graph.Graph
	var err error
	switch c.Source {
	case "hyperbolic":
		v := c.AvgDegree
		if c.MatchMeanDegree {
			v /= hrg.ExpectedAvgDegree(1, c.Alpha, c.RadiusFormula)
		}
		g, err = hrg.Generate(hrg.Params{N: c.N, AvgDegree: v, Alpha: c.Alpha,
			Seed: r.Config.Seed, RadiusFormula: c.RadiusFormula})
	case "file":
		if err = r.AddInput(c.EdgesFile); err == nil {
			g, err = graph.ReadEdges(c.EdgesFile, c.N)
		}
	}
	if err != nil {
		return nil, err
	}
	b := &built{g: g, origID: make([]int64, g.N)}
	for i := range b.origID {
		b.origID[i] = int64(i)
	}
	if c.LargestComponent {
		lcc, keep := g.LargestComponent()
		b.g = lcc
		for i, old := range keep {
			b.origID[i] = int64(old)
		}
		b.origID = b.origID[:lcc.N]
	}
	r.Logf("graph: %d nodes, %d edges (mean degree %.3f)", b.g.N, b.g.NumEdges(), 2*float64(b.g.NumEdges())/float64(max(b.g.N, 1)))
	return b, nil
}

// writeGraph writes nodes.parquet and edges.parquet. extra holds further
// per-node columns (such as natural frequencies).
func writeGraph(r *stages.Run, b *built, extra ...stages.Column) error {
	g := b.g
	ids := make([]int32, g.N)
	for i := range ids {
		ids[i] = int32(i)
	}
	cols := []stages.Column{{Name: "node", Data: ids}, {Name: "orig_id", Data: b.origID}, {Name: "degree", Data: g.Degrees()}}
	if g.R != nil {
		cols = append(cols, stages.Column{Name: "r", Data: g.R}, stages.Column{Name: "phi", Data: g.Phi})
	}
	cols = append(cols, extra...)
	if err := stages.WriteTable(r.Path("nodes.parquet"), cols, nil); err != nil {
		return err
	}
	r.SetRows("nodes.parquet", int64(g.N))
	w := g.W
	if w == nil {
		w = make([]float64, g.NumEdges())
		for i := range w {
			w[i] = 1
		}
	}
	edges := []stages.Column{{Name: "src", Data: g.Src}, {Name: "dst", Data: g.Dst}, {Name: "weight", Data: w}}
	if err := stages.WriteTable(r.Path("edges.parquet"), edges, map[string]string{"directed": "false"}); err != nil {
		return err
	}
	r.SetRows("edges.parquet", int64(g.NumEdges()))
	return nil
}
