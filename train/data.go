package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/train/sampler"
)

// dataset is the training data: one long trajectory on one graph.
type dataset struct {
	g      *graph.Graph
	series *stages.Series
	hashes string // input hashes, part of the checkpoint fingerprint
}

// loadData reads series.parquet and edges.parquet from dir (this project's
// layout or the reference's) and checks that they agree.
func loadData(r *stages.Run, dir string) (*dataset, error) {
	sp, ep := filepath.Join(dir, "series.parquet"), filepath.Join(dir, "edges.parquet")
	for _, p := range []string{sp, ep} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("train input: %w (run simulate first, or set train.input to a folder holding series.parquet and edges.parquet)", err)
		}
		if err := r.AddInput(p); err != nil {
			return nil, err
		}
	}
	s, err := stages.ReadSeries(sp, "value")
	if err != nil {
		return nil, err
	}
	// The series fixes the node count; ReadEdges refuses ids beyond it, and
	// nodes without edges are isolated.
	g, err := graph.ReadEdges(ep, s.N)
	if err != nil {
		return nil, err
	}
	d := &dataset{g: g, series: s}
	for _, in := range r.Manifest.Inputs {
		d.hashes += in.SHA256
	}
	return d, nil
}

// samplerOptions maps the train section onto the sampler's options.
func samplerOptions(c *Config) sampler.Options {
	o := sampler.DefaultOptions()
	o.BatchSize, o.WalkLen, o.BatchFreq, o.Kappa, o.Tau = c.BatchSize, c.WalkLen, c.BatchFreq, c.Kappa, 1
	o.EtaVar, o.LeakRoots, o.TestTimes = c.EtaVar, c.LeakRoots, c.TestTimes
	return o
}

// edgeCapacity bounds the directed edges (self loops included) any induced
// subgraph of n nodes can have: the sum of the n largest degrees plus n,
// capped at n². The message-passing tensors are sized for it once, so the
// compiled graph never has to grow.
func edgeCapacity(g *graph.Graph, n int) int {
	deg := g.Degrees()
	counts := make([]int, 0, len(deg))
	for _, d := range deg {
		counts = append(counts, int(d))
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	sum := n
	for i := 0; i < n && i < len(counts); i++ {
		sum += counts[i]
	}
	return min(sum, n*n)
}
