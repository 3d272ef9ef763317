package graph

import (
	"fmt"
	"math"

	"github.com/roma-go/roma/stages"
)

// ReadEdges reads an edge list: this project's columns src, dst and optional
// weight, or the reference's two columns "0" and "1". n > 0 fixes the node
// count; n = 0 takes the largest id + 1. Every problem is reported at once.
func ReadEdges(path string, n int) (*Graph, error) {
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
	g, err := NewWeighted(n, s32, d32, w)
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

// ReadNodes reads a nodes table (rows in node order): the node count, and
// the r and phi columns when the table has them (nil otherwise).
func ReadNodes(path string) (n int, r, phi []float64, err error) {
	t, err := stages.ReadTable(path)
	if err != nil {
		return 0, nil, nil, err
	}
	defer t.Release()
	if !t.Has("r") || !t.Has("phi") {
		return t.Rows, nil, nil, nil
	}
	var p stages.Problems
	r, err = t.Float64("r")
	p.Add(err)
	phi, err = t.Float64("phi")
	p.Add(err)
	for i := range r {
		if math.IsNaN(r[i]) || math.IsNaN(phi[i]) || math.IsInf(r[i], 0) || math.IsInf(phi[i], 0) {
			p.Addf("%s: node %d has non-finite coordinates (%g, %g)", path, i, r[i], phi[i])
			break
		}
	}
	if err := p.Err(); err != nil {
		return 0, nil, nil, err
	}
	return t.Rows, r, phi, nil
}
