# The ROMA pipeline: each stage is a binary reading and writing Parquet files
# under runs/<run.name>/<stage>/, configured by $(CONFIG).
GO     ?= go
CONFIG ?= pipeline.yaml
BIN    ?= bin
# Extra flags for a stage, e.g. make simulate ARGS="--kuramoto.k 3"
ARGS   ?=
STAGES := simulate coarsen train
# The train stage uses OpenBLAS through cgo when libopenblas is installed.
TAGS   ?= $(shell ldconfig -p 2>/dev/null | grep -q libopenblas && echo openblas)

.PHONY: all build test bench $(STAGES) clean FORCE

all: $(STAGES)

build: $(addprefix $(BIN)/,$(STAGES))

$(BIN)/%: FORCE
	@mkdir -p $(BIN)
	$(GO) build -trimpath -tags '$(TAGS)' -o $@ ./$*

simulate: $(BIN)/simulate
	$(BIN)/simulate --config $(CONFIG) $(ARGS)

coarsen: $(BIN)/coarsen
	$(BIN)/coarsen --config $(CONFIG) $(ARGS)

train: $(BIN)/train
	$(BIN)/train --config $(CONFIG) $(ARGS)

test:
	$(GO) vet -tags '$(TAGS)' ./...
	$(GO) test -tags '$(TAGS)' -timeout 30m ./...

# Benchmarks print each figure beside its reference measured in the same run.
BENCH     ?= .
BENCHTIME ?= 1x
bench:
	$(GO) test -tags '$(TAGS)' -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -timeout 60m ./...

clean:
	rm -rf $(BIN)
