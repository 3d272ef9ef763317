package main

import (
	"errors"

	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages"
)

// laplacianLevels runs the Laplacian renormalization group.
func laplacianLevels(r *stages.Run, c *Config, g *graph.Graph) ([]hierarchy.Level, error) {
	return nil, errors.New("coarsen.method laplacian is not wired into the stage yet")
}
