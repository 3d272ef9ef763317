package main

import (
	"fmt"
	"math"

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
			g, err = readEdges(c.EdgesFile, c.N)
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

// readEdges reads an edge list: this project's columns src, dst and optional
// weight, or the reference's two columns "0" and "1". n > 0 fixes the node
// count; n = 0 takes the largest id + 1. Every problem is reported at once.
func readEdges(path string, n int) (*graph.Graph, error) {
	t, err := stages.ReadTable(path)
	if err != nil {
		return nil, err
	}
	defer t.Release()
	sc, dc := "src", "dst"
	if !t.Has("src") && t.Has("0") && t.Has("1") {
		sc, dc = "0", "1"
	}
	var p stages.Problems
	src, err := t.Int64(sc)
	p.Add(err)
	dst, err := t.Int64(dc)
	p.Add(err)
	var w []float64
	if t.Has("weight") {
		w, err = t.Float64("weight")
		p.Add(err)
		checkWeights(&p, path, w)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if n == 0 {
		for i := range src {
			n = int(max(int64(n), src[i]+1, dst[i]+1))
		}
	}
	checkIDs(&p, path, src, dst, n)
	if err := p.Err(); err != nil {
		return nil, err
	}
	s32, d32 := make([]int32, len(src)), make([]int32, len(dst))
	for i := range src {
		s32[i], d32[i] = int32(src[i]), int32(dst[i])
	}
	g, err := graph.NewWeighted(n, s32, d32, w)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// checkIDs reports ids outside [0, n), naming the first few offending rows.
func checkIDs(p *stages.Problems, path string, src, dst []int64, n int) {
	bad, first := 0, -1
	for i := range src {
		if src[i] < 0 || src[i] >= int64(n) || dst[i] < 0 || dst[i] >= int64(n) {
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		p.Addf("%s: %d edges have node ids outside [0, %d); the first is row %d (%d, %d)", path, bad, n, first, src[first], dst[first])
	}
	if n > math.MaxInt32 {
		p.Addf("%s: %d nodes exceed the supported 2^31 - 1", path, n)
	}
}

func checkWeights(p *stages.Problems, path string, w []float64) {
	bad, first := 0, -1
	for i, x := range w {
		if !(x > 0) || math.IsInf(x, 0) {
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		p.Addf("%s: %d edge weights are not finite and positive; the first is row %d (%g)", path, bad, first, w[first])
	}
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
