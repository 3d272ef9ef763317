package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/train/model"
	"github.com/roma-go/roma/train/trainer"
)

// plan is one model's resolved configuration and size.
type plan struct {
	kind   string
	cfg    model.Config
	dims   model.Dims
	params int
	memory int64 // estimated bytes while training
}

// planModels resolves every model's width, counts its parameters and
// estimates its memory from a graph built without values, then refuses a
// model that will not fit before anything is allocated. The edge tensors
// start at trainer.InitialEdges of the test subgraph's edge count and double
// when a batch needs more; the estimate allows one doubling, capped by the
// most edges any batch can have.
func planModels(r *stages.Run, c *Config, data *dataset, testEdges int) ([]plan, error) {
	worst := edgeCapacity(data.g, c.BatchSize)
	dims := model.Dims{N: c.BatchSize, Kappa: c.Kappa, Edges: min(worst, 2*trainer.InitialEdges(testEdges))}
	dataBytes := int64(len(data.series.Values))*4 + int64(data.g.NumEdges())*16
	limit, err := memoryLimit(c)
	if err != nil {
		return nil, err
	}
	var plans []plan
	for _, kind := range c.Models {
		p, err := resolve(kind, c, dims)
		if err != nil {
			return nil, err
		}
		need := p.memory + dataBytes
		r.Logf("%s; memory estimate %s (model %s + data %s), limit %s", p.cfg.Describe(kind, p.params),
			gib(need), gib(p.memory), gib(dataBytes), gib(limit))
		if need > limit {
			return nil, fmt.Errorf("%s needs about %s but only %s is available (train.memory_gib or the machine's MemAvailable): reduce train.model.width, train.batch_size or train.model.depth",
				kind, gib(need), gib(limit))
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// resolve sizes one model: its width from train.match_params when set.
func resolve(kind string, c *Config, dims model.Dims) (plan, error) {
	cfg := c.Model
	if c.MatchParams > 0 {
		w, err := model.MatchWidth(kind, cfg, dims, c.MatchParams)
		if err != nil {
			return plan{}, err
		}
		cfg.Width = w
	}
	m, err := model.Build(kind, cfg, dims, dtypeOf(c), 0, true)
	if err != nil {
		return plan{}, err
	}
	return plan{kind: kind, cfg: cfg, dims: dims, params: m.B.Count(), memory: m.MemoryEstimate()}, nil
}

// memoryLimit is train.memory_gib, or MemAvailable from /proc/meminfo.
func memoryLimit(c *Config) (int64, error) {
	if c.MemoryGiB > 0 {
		return int64(c.MemoryGiB * (1 << 30)), nil
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 1 << 62, nil // unknown: do not refuse
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/meminfo: %w", err)
			}
			return kb << 10, nil
		}
	}
	return 1 << 62, nil
}

func gib(b int64) string { return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30)) }
