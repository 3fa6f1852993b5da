# apiconform: `make demo` runs the main job against the embedded reference
# API; `make test` runs every test with the race detector.

GO       ?= go
BIN      ?= bin/apiconform
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
DATE     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
PKG      := github.com/apiconform/apiconform/runner
LDFLAGS  := -s -w -X $(PKG).version=$(VERSION) -X $(PKG).commit=$(COMMIT) -X $(PKG).buildDate=$(DATE)

IMAGE    ?= apiconform:latest

.PHONY: all build demo test lint fuzz bench flakes clean image compose-test

all: build

## build: a static apiconform binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

## demo: the main job against the embedded reference API (honest: pass; always-200: fail)
demo: build
	$(BIN) demo

## image: a FROM scratch image (non-root, CA roots built in) of a static linux binary
image:
	rm -rf bin/image && mkdir -p bin/image/reports
	CGO_ENABLED=0 GOOS=linux $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/image/apiconform .
	docker build -q -f Dockerfile -t $(IMAGE) \
	  --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) --build-arg BUILD_DATE=$(DATE) bin/image

## compose-test: go install @latest, the image and docker-compose.yml, end to end (needs Docker)
compose-test:
	bash .ci/compose-test

## test: gofmt, go vet and every test with the race detector
test: lint
	$(GO) test -race -count=1 -timeout 15m ./...

## flakes: every test FLAKES times over, with the race detector, to hunt
## a flaky test (go test -count works; -parallel is refused by Ginkgo,
## which the judge runs in-process)
FLAKES ?= 3
flakes:
	$(GO) test -race -count=$(FLAKES) -timeout 30m ./...

## bench: the Go benchmarks (cost per case), then the end-to-end driver:
## wall time against the latency ideal, start-up, peak memory, growth in cases
BENCH_LATENCY ?= 50ms
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./suites/probe ./suites ./reports
	$(GO) run ./runner/internal/bench -bin $(BIN) -latency $(BENCH_LATENCY)

## fuzz: each fuzz target for FUZZTIME; no input may panic the runner.
## A failing input lands in the package's testdata/fuzz as a regression seed.
FUZZTIME ?= 20s
FUZZ_TARGETS := runner:FuzzConfigFile runner:FuzzRunArgs suites:FuzzObservation suites:FuzzJudge suites/auth:FuzzSecretShapeHints reports:FuzzPrintableWriter suites/httpsyntax:FuzzParseChallenges
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./$$pkg; \
	done

## lint: gofmt and go vet must be clean
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin .artifacts apiconform-demo
