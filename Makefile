# Entry points: make test | make build | make run | make sandbox | make deploy
# The controller (root pom.xml) and the plugin (pi-cli/pom.xml) are two Maven projects; this file drives both.
MVN ?= mvn -B -ntp
# The real kube-apiserver + etcd for the e2e tiers is built once and cached outside the repo;
# targets that need it call tools/kube-api-test-dir.sh, which prints where it is.

.PHONY: build test run

## build: the controller jar (target/) and the kubectl-pi plugin (pi-cli/target/), without tests
build:
	$(MVN) -q package -DskipTests
	@if [ -f pi-cli/pom.xml ]; then $(MVN) -q -f pi-cli/pom.xml package -DskipTests; fi

## test: every tier of both projects: decisions, HTTPS fixtures, routes on the mock server, e2e on a real API server
test:
	@export KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)"; echo "KUBE_API_TEST_DIR=$$KUBE_API_TEST_DIR"; \
	  $(MVN) verify && if [ -f pi-cli/pom.xml ]; then $(MVN) -f pi-cli/pom.xml verify; fi

## run: the controller against the current kubeconfig (ARGS="-ttl-seconds 60 ..." to add flags)
run:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	bin/kube-exec-controller $(ARGS)
