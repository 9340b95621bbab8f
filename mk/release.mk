# Release and riscv64 end-to-end targets, included by the top-level Makefile.
#
#   make release-check   validate .goreleaser.yaml
#   make snapshot        build archives, .deb and .rpm packages into dist/
#   make elfcheck        check the ELF headers of the four cross builds
#   make sizes           print the stripped binary size per architecture
#   make e2e-riscv64     boot nlctl in a riscv64 QEMU guest and check it
#
# Tools and the riscv64 kernel are cached outside the checkout, under
# NLCTL_CACHE, so that later runs reuse them.

# Keep the including Makefile's default goal: the targets below must not
# become the goal of a bare `make`. The last line of this file restores it.
release_mk_default_goal := $(.DEFAULT_GOAL)

NLCTL_CACHE ?= /var/cache/nlctl
GORELEASER_VERSION ?= v2.17.0
GORELEASER_BIN_DIR := $(NLCTL_CACHE)/goreleaser/$(GORELEASER_VERSION)
GORELEASER := $(GORELEASER_BIN_DIR)/goreleaser
E2E_RISCV64_TIMEOUT ?= 30m

export NLCTL_CACHE

.PHONY: goreleaser release-check snapshot elfcheck sizes e2e-riscv64 e2e-riscv64-kernel

# Compiling GoReleaser takes several minutes the first time. Later runs reuse
# the binary from the cache.
goreleaser: $(GORELEASER) ## install the pinned GoReleaser version into NLCTL_CACHE

$(GORELEASER):
	mkdir -p $(GORELEASER_BIN_DIR)
	GOBIN=$(GORELEASER_BIN_DIR) nice -n 19 go install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

release-check: $(GORELEASER) ## validate .goreleaser.yaml
	$(GORELEASER) check

# A snapshot needs at least one commit. Without a git remote, GoReleaser
# ignores the git state and the binaries report commit "none".
snapshot: $(GORELEASER) ## build release archives, .deb and .rpm packages into dist/ (needs a commit)
	nice -n 19 $(GORELEASER) release --snapshot --clean
	scripts/release/elfcheck.sh dist

elfcheck: ## check the ELF headers of the four static cross builds
	scripts/release/elfcheck.sh

sizes: ## print the stripped binary size per architecture as a Markdown table
	@scripts/release/sizes.sh

# The first run builds the kernel (about half an hour on 2 CPUs), before the
# test's own time limit starts.
e2e-riscv64-kernel: ## build or reuse the cached riscv64 guest kernel
	scripts/e2e-riscv64/build-kernel.sh

e2e-riscv64: e2e-riscv64-kernel ## boot nlctl in a riscv64 QEMU guest and check its output
	go test -tags e2e -count=1 -timeout $(E2E_RISCV64_TIMEOUT) -v ./test/e2e/riscv64/

.DEFAULT_GOAL := $(release_mk_default_goal)
