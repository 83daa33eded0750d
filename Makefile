# The README's commands. `make run` and `make test` install what a fresh
# Debian machine lacks first (scripts/install-deps), then build.
PREFIX ?= /usr/local
SWIFT ?= swift
ARGS ?=

.PHONY: deps build release run test sanitize bench demo screenshots install clean

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

# Test servers are stopped by the tests themselves, by pid. The harness also
# records each one it starts in a file of this run's own, so that what a
# test process that crashed left running is stopped afterwards: those
# servers only, while they still run (scripts/stop-servers).
test: deps
	$(SWIFT) build --build-tests
	@servers=$$(mktemp /tmp/sluice-test-servers.XXXXXX); status=0; \
	  SLUICE_TEST_PID_FILE=$$servers $(SWIFT) test --skip-build || status=$$?; \
	  scripts/stop-servers "$$servers"; rm -f "$$servers"; \
	  exit $$status

# The engine's tests under ThreadSanitizer, then AddressSanitizer (with
# LeakSanitizer), Sluice's process-wide tunings off; each in its own build
# folder (.build-tsan, .build-asan). Both run even if the first fails. Not
# part of make test.
sanitize: deps
	@status=0; \
	  SWIFT=$(SWIFT) scripts/sanitize thread || status=$$?; \
	  SWIFT=$(SWIFT) scripts/sanitize address || status=$$?; \
	  exit $$status

# Sluice beside OpenSSH on loopback, one table (bench/README.md). Several
# minutes; nothing of it stays running. ARGS go to the benchmark.
bench: deps
	@bench/run $(ARGS)

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/sluice $(DESTDIR)$(PREFIX)/bin/sluice

clean:
	rm -rf .build .build-tsan .build-asan
