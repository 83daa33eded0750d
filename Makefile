# The README's commands. `make run` and `make test` install what a fresh
# Debian machine lacks first (scripts/install-deps), then build.
PREFIX ?= /usr/local
SWIFT ?= swift
ARGS ?=

.PHONY: deps build release run test bench demo screenshots install clean

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: release
	.build/release/sluice $(ARGS)

# Sluice against a private sshd, a small web service and a demo store;
# quitting stops all of it.
demo: release
	scripts/demo .build/release/sluice

# Regenerates screenshots/*.png from the demo (Xvfb + xterm).
screenshots: release
	scripts/screenshots .build/release/sluice

# Test servers are stopped by the tests themselves; the sweep afterwards only
# catches a test process that crashed before it could clean up.
test: deps
	$(SWIFT) build --build-tests
	@status=0; $(SWIFT) test --skip-build || status=$$?; \
	  pkill -f '/tmp/sluice-sshd\.' 2>/dev/null || true; \
	  exit $$status

# Sluice beside OpenSSH on loopback, one table (bench/README.md). Several
# minutes; nothing of it stays running. ARGS go to the benchmark.
bench: deps
	@bench/run $(ARGS)

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/sluice $(DESTDIR)$(PREFIX)/bin/sluice

clean:
	rm -rf .build
