# nlctl build, test and release targets. `make help` lists them.

GO        ?= go
BIN       ?= bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE      ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
GOFLAGS_BUILD := -trimpath -ldflags "$(LDFLAGS)"
PLATFORMS := linux/amd64 linux/arm64 linux/riscv64 linux/arm/7
# Where tools installed for the build live: outside the checkout, shared
# across clones.
NLCTL_CACHE ?= /var/cache/nlctl
GOLANGCI_LINT_VERSION := v2.15.0
FUZZTIME  ?= 5s

export CGO_ENABLED := 0

.PHONY: help build run test test-deps unit fuzz fuzz-short lint cross bench docs clean

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

build: ## build bin/nlctl for this machine (static)
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN)/nlctl ./cmd/nlctl

run: build ## list this kernel's generic netlink families
	./$(BIN)/nlctl family list

test: test-deps ## run the whole test suite: vet, unit and integration tests, short fuzzing
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz-short

test-deps: ## install the tools the integration tests compare against (needs root)
	@bash scripts/install-test-deps.sh

unit: ## run the tests that need no root or kernel tools
	$(GO) test -count=1 -short ./...

FUZZ_TARGETS := $(shell grep -rl --include='*_test.go' '^func Fuzz' internal cmd 2>/dev/null)

fuzz-short: ## run every fuzz target for FUZZTIME (default 5s)
	@set -e; for f in $(FUZZ_TARGETS); do \
		dir=./$$(dirname $$f); \
		for t in $$(grep -oE '^func Fuzz[A-Za-z0-9_]+' $$f | cut -d' ' -f2); do \
			echo "fuzz $$dir $$t for $(FUZZTIME)"; \
			$(GO) test $$dir -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s -timeout 0 >/dev/null; \
		done; \
	done

fuzz: ## run every fuzz target for 10 minutes
	$(MAKE) --no-print-directory fuzz-short FUZZTIME=10m

lint: ## go vet, gofmt check and golangci-lint (installed at a pinned version)
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@if [ ! -x $(NLCTL_CACHE)/bin/golangci-lint-$(GOLANGCI_LINT_VERSION) ]; then \
		mkdir -p $(NLCTL_CACHE)/bin && \
		GOBIN=$(NLCTL_CACHE)/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) && \
		mv $(NLCTL_CACHE)/bin/golangci-lint $(NLCTL_CACHE)/bin/golangci-lint-$(GOLANGCI_LINT_VERSION); \
	fi
	$(NLCTL_CACHE)/bin/golangci-lint-$(GOLANGCI_LINT_VERSION) run ./...

cross: ## static binaries for linux/amd64, arm64, riscv64 and armv7 in bin/
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%%/*}; rest=$${p#*/}; arch=$${rest%%/*}; arm=$${rest#*/}; \
		out=$(BIN)/nlctl-$$os-$$arch; [ "$$arch" = arm ] && out=$(BIN)/nlctl-$$os-armv$$arm; \
		echo "build $$out"; \
		GOOS=$$os GOARCH=$$arch GOARM=$$( [ "$$arch" = arm ] && echo $$arm ) \
			$(GO) build $(GOFLAGS_BUILD) -o $$out ./cmd/nlctl; \
	done

bench: build ## measure nlctl against genl and a raw dump reader, write docs/benchmarks.md (needs root)
	$(GO) build -o $(BIN)/rawdump ./tools/bench/rawdump
	$(GO) test -run '^$$' -bench . -benchmem ./internal/... ./cmd/nlctl | tee $(BIN)/gobench.txt
	scripts/release/sizes.sh > $(BIN)/sizes.md
	$(GO) run ./tools/bench -nlctl $(BIN)/nlctl -rawdump $(BIN)/rawdump -gobench $(BIN)/gobench.txt -binary-sizes $(BIN)/sizes.md -out docs/benchmarks.md

docs: ## regenerate the man pages in docs/man from the command tree
	$(GO) test ./cmd/nlctl -run '^TestManPagesFresh$$' -count=1 -update-man

clean: ## remove build output
	rm -rf $(BIN) dist

-include mk/*.mk
