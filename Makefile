# The README's commands. `make run` and `make test` install what a fresh
# Debian machine lacks first (scripts/install-deps), then build.
PREFIX ?= /usr/local
SWIFT ?= swift
ARGS ?=
# What make install installs: the release build, or the debug one with
# CONFIGURATION=debug (scripts/check-install: a release build takes minutes).
CONFIGURATION ?= release
BINARY = .build/$(CONFIGURATION)/sluice
# Where swift-argument-parser's generate-manual plugin writes the page.
MANUAL = .build/plugins/GenerateManual/outputs/sluice/sluice.1
COMPLETIONS = .build/completions

.PHONY: deps build release run test sanitize bench demo screenshots man completions install check-install clean

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
# Last, make install into a temporary folder from the debug build
# (scripts/check-install).
test: deps
	$(SWIFT) build --build-tests
	@servers=$$(mktemp /tmp/sluice-test-servers.XXXXXX); status=0; \
	  SLUICE_TEST_PID_FILE=$$servers $(SWIFT) test --skip-build || status=$$?; \
	  scripts/stop-servers "$$servers"; rm -f "$$servers"; \
	  SWIFT=$(SWIFT) scripts/check-install || status=$$?; \
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

# The man page, from the same command definitions as --help, by
# swift-argument-parser's plugin (it builds the package first).
man: deps
	$(SWIFT) package generate-manual --configuration $(CONFIGURATION)

# Each shell's script, as the binary being installed writes it.
completions:
	mkdir -p $(COMPLETIONS)
	$(BINARY) --generate-completion-script bash > $(COMPLETIONS)/sluice.bash
	$(BINARY) --generate-completion-script zsh > $(COMPLETIONS)/_sluice
	$(BINARY) --generate-completion-script fish > $(COMPLETIONS)/sluice.fish

# The binary, its man page, and completion scripts where bash-completion,
# zsh and fish look for them under PREFIX; DESTDIR for packaging.
install: $(if $(filter debug,$(CONFIGURATION)),build,release) man
	@$(MAKE) --no-print-directory completions
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/sluice
	install -m 0644 $(MANUAL) $(DESTDIR)$(PREFIX)/share/man/man1/sluice.1
	install -m 0644 $(COMPLETIONS)/sluice.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sluice
	install -m 0644 $(COMPLETIONS)/_sluice $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sluice
	install -m 0644 $(COMPLETIONS)/sluice.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/sluice.fish

# make install into a temporary folder, from the debug build, and check
# what it placed.
check-install: build
	@SWIFT=$(SWIFT) scripts/check-install

clean:
	rm -rf .build .build-tsan .build-asan
