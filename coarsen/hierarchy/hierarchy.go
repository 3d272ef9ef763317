// Package hierarchy holds the multilevel coarse-graining shared by every
// renormalization method: a level maps each node of a finer graph to a
// supernode of a coarser one, and the coarse graph and series follow from
// that map.
package hierarchy

import (
	"fmt"
	"slices"

	"github.com/roma-go/roma/simulate/graph"
)

// Level is one coarse-graining step: node i of the finer graph belongs to
// supernode Assign[i] of Coarse.
type Level struct {
	Assign []int32
	Coarse *graph.Graph
}

// CheckAssign verifies that assign maps n nodes onto every supernode
// 0..nc-1 at least once.
func CheckAssign(assign []int32, n, nc int) error {
	if len(assign) != n {
		return fmt.Errorf("hierarchy: assignment has %d entries for %d nodes", len(assign), n)
	}
	seen := make([]bool, nc)
	for i, a := range assign {
		if a < 0 || int(a) >= nc {
			return fmt.Errorf("hierarchy: node %d assigned to supernode %d outside [0, %d)", i, a, nc)
		}
		seen[a] = true
	}
	for s, ok := range seen {
		if !ok {
			return fmt.Errorf("hierarchy: supernode %d has no members", s)
		}
	}
	return nil
}

// Coarsen builds the coarse graph of g under assign: two supernodes are
// linked when any of their members are, with the summed weight of those
// member edges; edges inside a supernode vanish. Coordinates are not set.
func Coarsen(g *graph.Graph, assign []int32, nc int) (*graph.Graph, error) {
	if err := CheckAssign(assign, g.N, nc); err != nil {
		return nil, err
	}
	m := 0
	for i := range g.Src {
		if assign[g.Src[i]] != assign[g.Dst[i]] {
			m++
		}
	}
	// Sized exactly: appending would double the peak memory on big graphs.
	src, dst, w := make([]int32, 0, m), make([]int32, 0, m), make([]float64, 0, m)
	for i := range g.Src {
		a, b := assign[g.Src[i]], assign[g.Dst[i]]
		if a != b {
			src, dst = append(src, a), append(dst, b)
			w = append(w, g.Weight(i))
		}
	}
	return sumDuplicates(nc, src, dst, w), nil
}

// sumDuplicates merges repeated undirected edges, adding their weights.
func sumDuplicates(n int, src, dst []int32, w []float64) *graph.Graph {
	// Counting sort by the smaller endpoint, then merge within each row.
	for i := range src {
		if src[i] > dst[i] {
			src[i], dst[i] = dst[i], src[i]
		}
	}
	ptr := make([]int, n+1)
	for _, a := range src {
		ptr[a+1]++
	}
	for i := 0; i < n; i++ {
		ptr[i+1] += ptr[i]
	}
	next := append([]int(nil), ptr[:n]...)
	cols := make([]int32, len(src))
	ws := make([]float64, len(src))
	for i, a := range src {
		cols[next[a]], ws[next[a]] = dst[i], w[i]
		next[a]++
	}
	g := &graph.Graph{N: n}
	acc := make([]float64, n)
	mark := make([]bool, n)
	var row []int32
	for a := 0; a < n; a++ {
		row = row[:0]
		for k := ptr[a]; k < ptr[a+1]; k++ {
			b := cols[k]
			if !mark[b] {
				mark[b] = true
				row = append(row, b)
			}
			acc[b] += ws[k]
		}
		slices.Sort(row)
		for _, b := range row {
			g.Src = append(g.Src, int32(a))
			g.Dst = append(g.Dst, b)
			g.W = append(g.W, acc[b])
			acc[b], mark[b] = 0, false
		}
	}
	return g
}

// Sizes returns the number of members of each supernode.
func Sizes(assign []int32, nc int) []int32 {
	s := make([]int32, nc)
	for _, a := range assign {
		s[a]++
	}
	return s
}

// Aggregation rules for coarse series.
const (
	Mean = "mean"
	Sum  = "sum"
)

// AggregateSeries returns the supernode trajectories: for each supernode and
// time, the mean (or sum) of its members' values. values is node-major with t
// samples per node.
func AggregateSeries(values []float32, t int, assign []int32, nc int, rule string) ([]float32, error) {
	if rule != Mean && rule != Sum {
		return nil, fmt.Errorf("hierarchy: unknown aggregation %q (want %s or %s)", rule, Mean, Sum)
	}
	if len(values) != len(assign)*t {
		return nil, fmt.Errorf("hierarchy: %d values for %d nodes × %d samples", len(values), len(assign), t)
	}
	acc := make([]float64, nc*t)
	for i, a := range assign {
		row, dst := values[i*t:(i+1)*t], acc[int(a)*t:(int(a)+1)*t]
		for k, v := range row {
			dst[k] += float64(v)
		}
	}
	out := make([]float32, nc*t)
	sizes := Sizes(assign, nc)
	for s := 0; s < nc; s++ {
		scale := 1.0
		if rule == Mean {
			scale = 1 / float64(sizes[s])
		}
		for k := 0; k < t; k++ {
			out[s*t+k] = float32(acc[s*t+k] * scale)
		}
	}
	return out, nil
}

// Compose maps the nodes of the finest graph through several levels: the
// result gives, for each finest node, its supernode at the last level.
func Compose(levels []Level) []int32 {
	if len(levels) == 0 {
		return nil
	}
	out := append([]int32(nil), levels[0].Assign...)
	for _, l := range levels[1:] {
		for i, a := range out {
			out[i] = l.Assign[a]
		}
	}
	return out
}
