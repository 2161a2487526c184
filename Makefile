# onetrip - build, run and test.
#   make        build bin/onetrip and the web front-end (installs missing packages)
#   make run    build, create var/onetrip.db with the Baihe demo data, serve
#   make test   every test: C unit (ASan+UBSan), API on SQLite and PostgreSQL, browser

CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libpq libsodium openssl cairo pangocairo zlib libdeflate libbrotlienc \
	xlsxwriter libcurl
# Libraries only the unit tests link: libqrencode is the reference the QR
# encoder (src/docs/qr.c) is compared with.
TEST_PKGS := cmocka libqrencode
DEPS_STAMP := build/.deps-ok

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	-Wshadow -Wvla -Wformat=2 -Wno-format-nonliteral
CSTD := -std=c11 -D_GNU_SOURCE
CFLAGS ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

SRC := $(sort $(wildcard src/*.c src/*/*.c src/*/*/*.c))
MAIN := src/cli/main.c
LIB_SRC := $(filter-out $(MAIN),$(SRC))
EMBED_IN := $(sort $(wildcard src/store/migrations/*.sql data/*/*.txt data/*/*.json data/*/*.csv))
GEN := build/gen/embedded.c

OBJ := $(patsubst src/%.c,build/rel/%.o,$(SRC)) build/rel/gen/embedded.o
SAN_OBJ := $(patsubst src/%.c,build/san/%.o,$(SRC)) build/san/gen/embedded.o
SAN_LIB_OBJ := $(filter-out build/san/cli/main.o,$(SAN_OBJ))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRC))

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

# `make V=1` prints the full compiler command lines.
Q := $(if $(V),,@)

.PHONY: all deps web run test unit api e2e bench clean lint install webtest lint-web
.DEFAULT_GOAL := all

all: bin/onetrip web

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p build && touch $@

$(GEN): scripts/embed.sh $(EMBED_IN) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "EMBED $(words $(EMBED_IN)) files"
	$(Q)scripts/embed.sh $(EMBED_IN) > $@.tmp && mv $@.tmp $@

build/rel/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "CC    $<"
	$(Q)$(CC) $(CSTD) $(CFLAGS) $(WARN) -DONETRIP_VERSION='"$(VERSION)"' -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@
build/rel/gen/embedded.o: $(GEN)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CSTD) $(CFLAGS) -Isrc -c $< -o $@

build/san/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "CC    $< (sanitizers)"
	$(Q)$(CC) $(CSTD) -O1 -g $(SAN) $(WARN) -DONETRIP_VERSION='"$(VERSION)"' -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@
build/san/gen/embedded.o: $(GEN)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CSTD) -O1 -g $(SAN) -Isrc -c $< -o $@

bin/onetrip: $(OBJ)
	@mkdir -p bin
	@echo "LD    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(OBJ) $(PKG_LIBS) -lpthread -lm

# The same program with AddressSanitizer and UBSan: the API tests run it.
bin/onetrip-san: $(SAN_OBJ)
	@mkdir -p bin
	@echo "LD    $@"
	$(Q)$(CC) $(SAN) -o $@ $(SAN_OBJ) $(PKG_LIBS) -lpthread -lm

build/unit/%: tests/unit/%.c tests/unit/unit.h tests/unit/unit_db.h $(SAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "LD    $@"
	$(Q)$(CC) $(CSTD) -O1 -g $(SAN) $(WARN) -Wno-missing-prototypes -Isrc -Itests/unit $(PKG_CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) \
		-o $@ $< $(SAN_LIB_OBJ) $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS)) -lpthread -lm

web: web/dist/index.html
web/node_modules/.stamp: web/package-lock.json | $(DEPS_STAMP)
	cd web && npm ci --no-audit --no-fund
	@touch $@
web/dist/index.html: web/node_modules/.stamp $(shell find web/src web/index.html web/vite.config.js -type f 2>/dev/null)
	cd web && npm run build

tests/node_modules/.stamp: tests/package-lock.json | $(DEPS_STAMP)
	cd tests && npm ci --no-audit --no-fund
	@touch $@

run: bin/onetrip web
	@mkdir -p var
	@test -f var/onetrip.db || ./bin/onetrip demo --db sqlite:var/onetrip.db
	./bin/onetrip serve --listen 127.0.0.1:8080 --db sqlite:var/onetrip.db

unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

# Test files run several at a time (each has its own servers, databases
# and ports): browser files one per core (Chromium keeps a core busy), API
# files one more, as they spend much of their time waiting on fsync and
# PostgreSQL. TEST_JOBS=N runs N at a time in both. A test that hangs fails
# after TEST_TIMEOUT ms instead of stalling the run.
NPROC := $(shell nproc 2>/dev/null || echo 2)
ifeq ($(origin TEST_JOBS),undefined)
TEST_JOBS := $(NPROC)
API_JOBS := $(shell echo $$(($(NPROC) + 1)))
else
API_JOBS := $(TEST_JOBS)
endif
TEST_TIMEOUT ?= 600000
NODE_TEST = node --test --test-timeout=$(TEST_TIMEOUT)

api: bin/onetrip-san tests/node_modules/.stamp
	cd tests && ONETRIP_BIN=../bin/onetrip-san ONETRIP_DBS="$${ONETRIP_DBS:-sqlite postgresql}" $(NODE_TEST) --test-concurrency=$(API_JOBS) api/

e2e: bin/onetrip web tests/node_modules/.stamp
	cd tests && ONETRIP_BIN=../bin/onetrip $(NODE_TEST) --test-concurrency=$(TEST_JOBS) e2e/

# Vitest unit tests of the front end's own logic (web/test/)
webtest: web/node_modules/.stamp
	cd web && npx vitest run

# Everything is built first, NPROC compilers at a time; the suites then run
# one after another.
test:
	$(MAKE) -j$(NPROC) bin/onetrip bin/onetrip-san web tests/node_modules/.stamp $(UNIT_BIN)
	$(MAKE) lint unit fuzz-replay webtest api e2e
	@echo "all test suites passed"

# Layering, SQL placement, cppcheck (scripts/lint/); long functions and files
# are listed for review, not failed.
CPPCHECK := cppcheck --quiet --enable=warning,portability --std=c11 -j2 \
	-Isrc -D_GNU_SOURCE --include=scripts/lint/cppcheck-macros.h \
	--suppress=missingIncludeSystem --inline-suppr --error-exitcode=1
# ESLint (flat config web/eslint.config.js: recommended + eslint-plugin-vue)
lint-web: web/node_modules/.stamp
	cd web && npx eslint --max-warnings 0 .

lint: lint-web | $(DEPS_STAMP)
	@node scripts/lint/lint.mjs
	@echo "cppcheck src"
	$(Q)$(CPPCHECK) src

bench: bin/onetrip
	bench/run.sh

# make install [DESTDIR=...] [PREFIX=/usr/local]: the program, the built front
# end, the settings, the systemd unit, the nginx site and logrotate
# (docs/deploy.md). The settings file is not overwritten once it exists.
PREFIX ?= /usr/local
install: bin/onetrip web
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/usr/share/onetrip \
		$(DESTDIR)/usr/share/doc/onetrip $(DESTDIR)/etc/onetrip \
		$(DESTDIR)/etc/systemd/system $(DESTDIR)/etc/nginx/sites-available \
		$(DESTDIR)/etc/logrotate.d
	install -m 0755 bin/onetrip $(DESTDIR)$(PREFIX)/bin/onetrip
	rm -rf $(DESTDIR)/usr/share/onetrip/web
	cp -R web/dist $(DESTDIR)/usr/share/onetrip/web
	test -f $(DESTDIR)/etc/onetrip/onetrip.conf || \
		install -m 0640 deploy/onetrip.conf $(DESTDIR)/etc/onetrip/onetrip.conf
	sed 's#/usr/local/bin/onetrip#$(PREFIX)/bin/onetrip#' deploy/onetrip.service \
		> $(DESTDIR)/etc/systemd/system/onetrip.service
	install -m 0644 deploy/nginx-onetrip.conf $(DESTDIR)/etc/nginx/sites-available/onetrip
	install -m 0644 deploy/logrotate-onetrip $(DESTDIR)/etc/logrotate.d/onetrip
	install -m 0644 docs/deploy.md docs/configuration.md $(DESTDIR)/usr/share/doc/onetrip/

clean:
	rm -rf build bin web/dist

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d)

# libFuzzer harnesses (fuzz/fuzz_*.c, clang, ASan + UBSan): `make fuzz` builds
# each and runs it for FUZZ_TIME seconds, starting from its committed seeds in
# fuzz/corpus/<name>/ and keeping what it finds in build/fuzz/corpus/<name>/.
# `make fuzz-replay` (part of `make test`) runs every committed input once.
# FUZZ_<name> lists what a harness links besides base/.
FUZZ_TIME ?= 60
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_BINS := $(patsubst %,build/fuzz/bin/%,$(FUZZ_NAMES))
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -std=c11 -D_GNU_SOURCE -Isrc
FUZZ_BASE_OBJ := $(patsubst src/%.c,build/fuzz/obj/%.o,$(filter-out src/base/embedded.c,$(wildcard src/base/*.c)))
FUZZ_fuzz_json := src/http/json_limits.c
FUZZ_fuzz_idno :=
FUZZ_fuzz_http := src/http/request.c src/http/router.c src/http/params.c src/http/compress.c \
	src/http/static.c src/http/response.c src/http/json_limits.c
FUZZ_fuzz_csv := src/docs/csv.c
FUZZ_fuzz_upload := src/service/records/filetype.c

build/fuzz/obj/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "CLANG $<"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c $< -o $@
build/fuzz/harness/%.o: fuzz/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "CLANG $<"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c $< -o $@
.PRECIOUS: build/fuzz/obj/%.o build/fuzz/harness/%.o
.SECONDEXPANSION:
build/fuzz/bin/%: build/fuzz/harness/%.o $(FUZZ_BASE_OBJ) $$(patsubst src/%.c,build/fuzz/obj/%.o,$$(FUZZ_$$*))
	@mkdir -p $(dir $@)
	@echo "LINK  $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(PKG_LIBS) -o $@

.PHONY: fuzz fuzz-replay
fuzz: $(FUZZ_BINS)
	$(Q)for n in $(FUZZ_NAMES); do mkdir -p build/fuzz/corpus/$$n fuzz/corpus/$$n; \
	  echo "FUZZ  $$n ($(FUZZ_TIME) s)"; \
	  build/fuzz/bin/$$n -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/ build/fuzz/corpus/$$n fuzz/corpus/$$n || exit 1; done

# Each committed input once (a crash found and fixed stays in the corpus as
# its regression test). Skipped with a note when clang is not installed.
fuzz-replay:
	$(Q)if ! command -v clang >/dev/null; then echo "fuzz-replay: clang not installed, skipped"; exit 0; fi; \
	  $(MAKE) --no-print-directory $(FUZZ_BINS) && \
	  for n in $(FUZZ_NAMES); do \
	    files=$$(find fuzz/corpus/$$n -type f 2>/dev/null | sort); \
	    test -n "$$files" || { echo "fuzz-replay: fuzz/corpus/$$n is empty"; exit 1; }; \
	    build/fuzz/bin/$$n -runs=1 $$files >build/fuzz/replay-$$n.log 2>&1 || \
	      { cat build/fuzz/replay-$$n.log; echo "fuzz-replay: $$n failed"; exit 1; }; \
	    echo "fuzz-replay: $$n $$(echo $$files | wc -w) inputs ok"; done

-include $(FUZZ_BASE_OBJ:.o=.d)
