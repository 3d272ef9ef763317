package main

import (
	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/coarsen/laplacian"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages"
)

// laplacianLevels runs the Laplacian renormalization group and records, per
// level, the τ it used and the approximation's quality in the manifest.
func laplacianLevels(r *stages.Run, c *Config, g *graph.Graph) ([]hierarchy.Level, error) {
	levels, infos, err := laplacian.Hierarchy(g, c.Levels, c.laplacianOptions(r.Config.Seed))
	if err != nil {
		return nil, err
	}
	for k, in := range infos {
		r.Logf("Laplacian RG level %d (%s): τ = %.4g, S = %.4f, C = %.4f, %d blocks", k+1, in.Method, in.Tau, in.Entropy, in.SpecificHeat, in.Blocks)
	}
	r.Manifest.Notes["laplacian_levels"] = infos
	return levels, nil
}
