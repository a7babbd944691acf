GO ?= go
PKGS := ./...
# staticcheck 2026.2.2; a pinned module version, so every machine runs the same checks.
STATICCHECK_VERSION := v0.8.2

.PHONY: test bench bench-http lint build run demo

## test: every test, with the race detector. Browser and PostgreSQL tests skip
## with a message when Chromium or PostgreSQL are missing, except with CI=true.
test:
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## bench: hot-path benchmarks and a report of full-stack vs bare ratios.
bench:
	$(GO) run ./internal/benchreport

## lint: go vet, gofmt and staticcheck (pinned; fetched through the module proxy).
lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

build:
	$(GO) build -o bin/mentorvault ./cmd/mentorvault

run:
	$(GO) run ./cmd/mentorvault serve --demo

## bench-http: mentorvault against a bare net/http + SQLite server over HTTP,
## 32 concurrent clients, interleaved in one run (internal/benchhttp).
bench-http:
	$(GO) run ./internal/benchhttp
