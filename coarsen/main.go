// Command coarsen renormalizes the simulate stage's graph into a multilevel
// hierarchy (geometric, Laplacian or community), writes each level's
// assignment, coarse graph and coarse series, and computes Laplacian
// (and optionally node2vec) positional encodings.
package main

import "github.com/roma-go/roma/stages"

func main() {
	cfg := DefaultConfig()
	stages.Main(newStage(&cfg))
}

func newStage(cfg *Config) stages.Stage {
	return stages.Stage{
		Name:    "coarsen",
		Summary: "renormalize the graph into coarse levels and compute positional encodings",
		Config:  cfg,
		Run:     func(r *stages.Run) error { return run(r, cfg) },
	}
}
