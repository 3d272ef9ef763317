package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"time"

	"github.com/roma-go/roma/coarsen/community"
	"github.com/roma-go/roma/coarsen/geometric"
	"github.com/roma-go/roma/coarsen/hierarchy"
	"github.com/roma-go/roma/coarsen/node2vec"
	"github.com/roma-go/roma/coarsen/spectral"
	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/stages"
)

// run is the coarsen stage: hierarchy, its tables, positional encodings.
func run(r *stages.Run, c *Config) error {
	dir := c.Input
	if dir == "" {
		dir = r.StageDir("simulate")
	}
	g, err := loadGraph(r, dir)
	if err != nil {
		return err
	}
	r.Logf("graph: %d nodes, %d edges, coordinates: %v", g.N, g.NumEdges(), g.R != nil)
	if err := checkPE(c, g); err != nil {
		return err
	}
	start := time.Now()
	levels, err := buildLevels(r, c, g)
	if err != nil {
		return err
	}
	r.Manifest.Throughput["renormalize_seconds"] = time.Since(start).Seconds()
	for k, l := range levels {
		r.Logf("level %d: %d supernodes, %d edges", k+1, l.Coarse.N, l.Coarse.NumEdges())
	}
	if err := writeLevels(r, levels); err != nil {
		return err
	}
	if c.Series {
		if err := coarseSeries(r, c, dir, g, levels); err != nil {
			return err
		}
	}
	return positionalEncodings(r, c, g, levels)
}

// checkPE refuses encodings the graph cannot have before any work is done.
func checkPE(c *Config, g *graph.Graph) error {
	if c.PE.K > 0 && c.PE.K >= g.N-1 {
		return fmt.Errorf("coarsen.pe.k = %d needs a graph of more than k + 1 nodes; this one has %d", c.PE.K, g.N)
	}
	return nil
}

// buildLevels runs the configured renormalization and checks that no level
// collapses to a single node.
func buildLevels(r *stages.Run, c *Config, g *graph.Graph) ([]hierarchy.Level, error) {
	var levels []hierarchy.Level
	var err error
	switch c.Method {
	case "geometric":
		beta := c.Geometric.Beta
		if beta == 0 {
			beta = math.Inf(1)
		}
		var opt geometric.Options
		switch {
		case c.Geometric.Angles == "coordinates" && g.R == nil:
			return nil, fmt.Errorf("coarsen.geometric.angles is coordinates but the graph has none (nodes.parquet lacks r and phi); use angles: spectral or auto")
		case c.Geometric.Angles == "spectral" || g.R == nil:
			r.Logf("geometric RG on angles from Laplacian eigenvectors 2 and 3 (LaBNE), radii from degrees")
			if opt.Angles, err = spectralAngles(c, r.Config.Seed)(g); err != nil {
				return nil, err
			}
		}
		levels, err = geometric.HierarchyWith(g, c.Geometric.BlockSize, c.Levels, beta, opt)
	case "community":
		levels, err = community.Louvain(g, community.Options{Resolution: c.Community.Resolution, Seed: r.Config.Seed, MaxLevels: c.Levels})
		if err == nil && len(levels) < c.Levels {
			r.Logf("Louvain stopped improving modularity after %d of %d levels", len(levels), c.Levels)
			r.Manifest.Notes["levels_found"] = len(levels)
		}
	case "laplacian":
		levels, err = laplacianLevels(r, c, g)
	}
	if err != nil {
		return nil, err
	}
	for k, l := range levels {
		if l.Coarse.N < 2 {
			return nil, fmt.Errorf("coarsen.levels = %d: level %d collapses the graph to %d node; ask for fewer levels", c.Levels, k+1, l.Coarse.N)
		}
	}
	return levels, nil
}

// spectralAngles gives graphs without coordinates the LaBNE angles from the
// normalised Laplacian's first two non-trivial eigenvectors.
func spectralAngles(c *Config, seed uint64) geometric.AngleFunc {
	return func(g *graph.Graph) ([]float64, error) {
		res, err := spectral.Smallest(g, spectral.Options{K: 2, Tol: c.PE.Tol, MaxIter: c.PE.MaxIter, Seed: seed, Multilevel: c.PE.Multilevel})
		if err != nil {
			return nil, fmt.Errorf("spectral angles: %w", err)
		}
		u, v := make([]float64, g.N), make([]float64, g.N)
		for i := range u {
			u[i], v[i] = res.Vectors[2*i], res.Vectors[2*i+1]
		}
		return geometric.AnglesFromEigenvectors(u, v)
	}
}

// coarseSeries aggregates the input series onto every level.
func coarseSeries(r *stages.Run, c *Config, dir string, g *graph.Graph, levels []hierarchy.Level) error {
	path := filepath.Join(dir, "series.parquet")
	if err := r.AddInput(path); err != nil {
		return err
	}
	s, err := stages.ReadSeries(path, "value")
	if err != nil {
		return err
	}
	if s.N != g.N {
		return fmt.Errorf("%s: %d series rows for a graph of %d nodes", path, s.N, g.N)
	}
	return writeCoarseSeries(r, s, levels, c.Aggregate)
}

// positionalEncodings writes pe.parquet (node, laplacian[, node2vec]) and
// pe_spectrum.parquet (index, eigenvalue, residual).
func positionalEncodings(r *stages.Run, c *Config, g *graph.Graph, levels []hierarchy.Level) error {
	if c.PE.K == 0 {
		return nil
	}
	start := time.Now()
	opt := spectral.Options{K: c.PE.K, Tol: c.PE.Tol, MaxIter: c.PE.MaxIter, Seed: r.Config.Seed, Multilevel: c.PE.Multilevel}
	if c.PE.Multilevel {
		opt.Levels = levels
	}
	res, err := spectral.Smallest(g, opt)
	if err != nil {
		return fmt.Errorf("Laplacian eigenvectors: %w", err)
	}
	r.Manifest.Throughput["pe_seconds"] = time.Since(start).Seconds()
	r.Manifest.Throughput["pe_sparse_products"] = float64(res.Products)
	maxRes := 0.0
	for _, x := range res.Residuals {
		maxRes = max(maxRes, x)
	}
	r.Logf("%d eigenpairs in %.2fs, %d sparse products, largest residual %.2g", c.PE.K, time.Since(start).Seconds(), res.Products, maxRes)
	ids := make([]int32, g.N)
	for i := range ids {
		ids[i] = int32(i)
	}
	cols := []stages.Column{{Name: "node", Data: ids}, {Name: "laplacian", Data: stages.FloatList{Len: c.PE.K, Values: spectral.Normalize(res.Vectors)}}}
	if c.PE.Node2Vec > 0 {
		opt := node2vec.DefaultOptions(c.PE.Node2Vec)
		opt.Epochs, opt.Seed = c.PE.Epochs, r.Config.Seed
		emb, err := node2vec.Embed(g, opt)
		if err != nil {
			return fmt.Errorf("node2vec: %w", err)
		}
		cols = append(cols, stages.Column{Name: "node2vec", Data: stages.FloatList{Len: c.PE.Node2Vec, Values: node2vec.Normalize(emb)}})
	}
	meta := map[string]string{"components": strconv.Itoa(res.Components), "max_residual": strconv.FormatFloat(maxRes, 'g', -1, 64)}
	if err := stages.WriteTable(r.Path("pe.parquet"), cols, meta); err != nil {
		return err
	}
	r.SetRows("pe.parquet", int64(g.N))
	idx := make([]int32, c.PE.K)
	for i := range idx {
		idx[i] = int32(i + 1)
	}
	spec := []stages.Column{{Name: "index", Data: idx}, {Name: "eigenvalue", Data: res.Values}, {Name: "residual", Data: res.Residuals}}
	if err := stages.WriteTable(r.Path("pe_spectrum.parquet"), spec, nil); err != nil {
		return err
	}
	r.SetRows("pe_spectrum.parquet", int64(c.PE.K))
	return nil
}
