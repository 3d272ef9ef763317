package main

import (
	"path/filepath"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages"
)

// loadGraph reads the simulate stage's edges and nodes tables from dir.
func loadGraph(r *stages.Run, dir string) (*graph.Graph, error) {
	edges, nodes := filepath.Join(dir, "edges.parquet"), filepath.Join(dir, "nodes.parquet")
	for _, p := range []string{edges, nodes} {
		if err := r.AddInput(p); err != nil {
			return nil, err
		}
	}
	n, rad, phi, err := graph.ReadNodes(nodes)
	if err != nil {
		return nil, err
	}
	g, err := graph.ReadEdges(edges, n)
	if err != nil {
		return nil, err
	}
	g.R, g.Phi = rad, phi
	return g, nil
}

// writeLevels writes levels.parquet (level, node, supernode: node is an id
// at the previous level, level 1 mapping the input graph),
// coarse_edges.parquet and coarse_nodes.parquet.
func writeLevels(r *stages.Run, levels []hierarchy.Level) error {
	var lv, node, super []int32
	var elv, src, dst []int32
	var w []float64
	var nlv, nid, size []int32
	var rr, phi []float64
	coords := true
	for _, l := range levels {
		coords = coords && l.Coarse.R != nil
	}
	for k, l := range levels {
		for i, a := range l.Assign {
			lv, node, super = append(lv, int32(k+1)), append(node, int32(i)), append(super, a)
		}
		c := l.Coarse
		for i := range c.Src {
			elv, src, dst = append(elv, int32(k+1)), append(src, c.Src[i]), append(dst, c.Dst[i])
			w = append(w, c.Weight(i))
		}
		for s, m := range hierarchy.Sizes(l.Assign, c.N) {
			nlv, nid, size = append(nlv, int32(k+1)), append(nid, int32(s)), append(size, m)
			if coords {
				rr, phi = append(rr, c.R[s]), append(phi, c.Phi[s])
			}
		}
	}
	tables := []struct {
		name string
		cols []stages.Column
	}{
		{"levels.parquet", []stages.Column{{Name: "level", Data: lv}, {Name: "node", Data: node}, {Name: "supernode", Data: super}}},
		{"coarse_edges.parquet", []stages.Column{{Name: "level", Data: elv}, {Name: "src", Data: src}, {Name: "dst", Data: dst}, {Name: "weight", Data: w}}},
		{"coarse_nodes.parquet", []stages.Column{{Name: "level", Data: nlv}, {Name: "node", Data: nid}, {Name: "size", Data: size}}},
	}
	if coords {
		tables[2].cols = append(tables[2].cols, stages.Column{Name: "r", Data: rr}, stages.Column{Name: "phi", Data: phi})
	}
	for _, t := range tables {
		if err := stages.WriteTable(r.Path(t.name), t.cols, nil); err != nil {
			return err
		}
		r.SetRows(t.name, int64(len(t.cols[0].Data.([]int32))))
	}
	return nil
}

// writeCoarseSeries writes coarse_series.parquet (level, node, value): each
// supernode's trajectory aggregated from its members in the input series, so
// a mean at level 2 weighs every input node alike.
func writeCoarseSeries(r *stages.Run, s *stages.Series, levels []hierarchy.Level, rule string) error {
	var lv, node []int32
	var vals []float32
	for k, l := range levels {
		agg, err := hierarchy.AggregateSeries(s.Values, s.T, hierarchy.Compose(levels[:k+1]), l.Coarse.N, rule)
		if err != nil {
			return err
		}
		for i := 0; i < l.Coarse.N; i++ {
			lv, node = append(lv, int32(k+1)), append(node, int32(i))
		}
		vals = append(vals, agg...)
	}
	cols := []stages.Column{{Name: "level", Data: lv}, {Name: "node", Data: node},
		{Name: "value", Data: stages.FloatList{Len: s.T, Values: vals}}}
	if err := stages.WriteTable(r.Path("coarse_series.parquet"), cols, map[string]string{"aggregate": rule}); err != nil {
		return err
	}
	r.SetRows("coarse_series.parquet", int64(len(lv)))
	return nil
}
