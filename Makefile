# The ROMA pipeline: each stage is a binary reading and writing Parquet files
# under runs/<run.name>/<stage>/, configured by $(CONFIG).
GO     ?= go
CONFIG ?= pipeline.yaml
BIN    ?= bin
# Extra flags for a stage, e.g. make simulate ARGS="--kuramoto.k 3"
ARGS   ?=
STAGES := simulate coarsen

.PHONY: all build test bench $(STAGES) clean FORCE

all: $(STAGES)

build: $(addprefix $(BIN)/,$(STAGES))

$(BIN)/%: FORCE
	@mkdir -p $(BIN)
	$(GO) build -trimpath -o $@ ./$*

simulate: $(BIN)/simulate
	$(BIN)/simulate --config $(CONFIG) $(ARGS)

coarsen: $(BIN)/coarsen
	$(BIN)/coarsen --config $(CONFIG) $(ARGS)

test:
	$(GO) vet ./...
	$(GO) test -timeout 30m ./...

# Benchmarks print each figure beside its reference measured in the same run.
BENCH     ?= .
BENCHTIME ?= 1x
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -timeout 60m ./...

clean:
	rm -rf $(BIN)
