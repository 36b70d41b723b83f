# Entry points: make test | make build | make run | make sandbox | make deploy | make release
# The controller (root pom.xml) and the plugin (pi-cli/pom.xml) are two Maven projects; this file drives both.
MVN ?= mvn -B -ntp
# The real kube-apiserver + etcd for the e2e tiers is built once and cached outside the repo;
# targets that need it call tools/kube-api-test-dir.sh, which prints where it is.

.PHONY: build test run sandbox sandbox-tour ledger-outage

## sandbox: a one-node cluster with a real kubelet, the controller's image deployed on it with kubectl apply -k, and a
## Deployment to exec into; prints a session for `tools/cluster.sh shell` (Ctrl-C stops it). Needs root (tools/README.md)
sandbox:
	@tools/sandbox.sh

## sandbox-tour: the same, then plays the README session by itself and stops
sandbox-tour:
	@tools/sandbox.sh --tour

## build: the controller jar (target/) and the kubectl-pi plugin (pi-cli/target/), without tests
build:
	$(MVN) -q package -DskipTests
	@bin/kube-exec-controller --build-cds >/dev/null || echo "warning: no AppCDS archive (needs openssl); the controller starts without it"
	$(MVN) -q -f pi-cli/pom.xml package -DskipTests

## test: every tier of both projects: decisions, HTTPS fixtures, routes on the mock server, e2e on a real API server,
## the sandbox tour (which uses the plugin, so pi-cli is built and tested first), the image (built once, ImageIT) and
## the one-node cluster tier, the alert rules on promtool and a real Prometheus (tools/prometheus.sh installs it); then every benchmark for a few seconds (bench-smoke), with the jars just built
test:
	@export KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)"; echo "KUBE_API_TEST_DIR=$$KUBE_API_TEST_DIR"; \
	  base=$$(tools/jre-base-image.sh) && tools/prometheus.sh && \
	  $(MVN) -f pi-cli/pom.xml verify && $(MVN) verify $(IMAGE_FLAGS) && bench/smoke.sh

## ledger-outage: LedgerOutageIT, larger: LEDGER_PODS pods exec'd during an outage (10000), LEDGER_FLOOD_SECONDS of
## execs on one pod (300)
ledger-outage:
	@KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)" $(MVN) verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test=LedgerOutageIT -Dledger.pods=$${LEDGER_PODS:-10000} -Dledger.flood.seconds=$${LEDGER_FLOOD_SECONDS:-300}

## run: the controller against the current kubeconfig, with a self-signed certificate in .run/ unless ARGS gives one
## (ARGS="-ttl-seconds 60 -cert-path ... -key-path ..."; later flags win)
run:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@mkdir -p .run; [ -f .run/tls.crt ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout .run/tls.key \
	  -out .run/tls.crt -days 365 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null
	bin/kube-exec-controller -cert-path .run/tls.crt -key-path .run/tls.key $(ARGS)

## ---- Deployment (kustomize/, the image) --------------------------------------------------------------
.PHONY: image deploy undeploy
# The tag kustomize/overlays/demo runs; `make image` builds exactly this (docs/image.md).
DEMO_IMAGE := kube-exec-controller:local
IMAGE_TAR := target/jib-image.tar
# The "image" profile on the local base ($$base: tools/jre-base-image.sh), labelled with the commit it is built from.
IMAGE_FLAGS = -Pimage -Dimage=$(DEMO_IMAGE) -Dimage.base=tar://$$base \
  -Dimage.revision=$$(git rev-parse HEAD 2>/dev/null || echo unknown)

## image: the controller image as an OCI tarball, without a daemon (docs/image.md): a JRE 17 base from Debian packages
## (tools/jre-base-image.sh, cached), Jib, and the AppCDS archive of a training run inside the image. Needs root.
image:
	@base=$$(tools/jre-base-image.sh) && $(MVN) -q pre-integration-test -DskipTests $(IMAGE_FLAGS)
	@echo "$(IMAGE_TAR)"; echo "$(DEMO_IMAGE) $$(cat target/jib-image.digest)"

## deploy: the image on the local one-node cluster (tools/cluster.sh), with kubectl apply -k kustomize/overlays/demo
## (OVERLAY=dir for another); then `tools/cluster.sh shell`. For your own cluster: docs/image.md, kustomize/README.md
deploy: image
	@tools/deploy.sh

## undeploy: remove what `make deploy` applied (the webhook configuration first, so no kubectl exec waits on it)
undeploy:
	tools/cluster.sh exec kubectl delete validatingwebhookconfiguration kube-exec-controller --ignore-not-found
	tools/cluster.sh exec kubectl delete clusterrolebinding,clusterrole kube-exec-controller --ignore-not-found
	tools/cluster.sh exec kubectl delete namespace kube-exec-controller --ignore-not-found

## ---- Release (dist/) ----------------------------------------------------------------------------------
.PHONY: release
# The image's name without its tag; the tag is the pom's version (tools/release.sh version).
RELEASE_IMAGE ?= kube-exec-controller

## release: dist/ for the pom's version: install.yaml (`kubectl apply -f` of it installs the controller), install-production.yaml,
## the image RELEASE_IMAGE:VERSION as a tarball with its digest, kubectl pi's krew archive and pi.yaml, SHA256SUMS.
## Needs root (the image, as `make image`)
release:
	@rm -rf dist
	@RELEASE_IMAGE=$(RELEASE_IMAGE) tools/release.sh manifests dist
	@RELEASE_IMAGE=$(RELEASE_IMAGE) tools/release.sh image dist
	@# The plugin's krew archive and manifest (pi-cli/release.sh), before the checksums that cover them.
	@pi-cli/release.sh -o dist
	@tools/release.sh checksums dist
	@ls -l dist

## ---- Benchmarks (bench/README.md) ----------------------------------------------------------------------
.PHONY: bench bench-controller bench-admission bench-decoupling bench-scan bench-eviction-lag bench-footprint bench-all bench-smoke
## bench-smoke: every benchmark script below with --smoke (a few seconds each): each must run and print its table
bench-smoke:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@[ -f pi-cli/target/kubectl-pi.jar ] || $(MVN) -q -f pi-cli/pom.xml package -DskipTests
	@KUBE_API_TEST_DIR="$${KUBE_API_TEST_DIR:-$$(tools/kube-api-test-dir.sh)}" bench/smoke.sh
## bench-admission: webhook req/s and latency at 1/16/64 connections, against a bare Undertow HTTPS baseline (wrk)
bench-admission:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@bench/admission.sh $(BENCH_ARGS)
## bench-decoupling: admission latency while the Kubernetes API answers in 500 ms, before and after the queue fills
bench-decoupling:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@bench/decoupling.sh $(BENCH_ARGS)
## bench-scan: the eviction scan's requests, bytes and time with 500..5 000 pods on a real API server
bench-scan:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)" bench/scan-cost.sh $(BENCH_ARGS)
## bench-eviction-lag: eviction time minus due time for 200 interacted pods on a real API server
bench-eviction-lag:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)" bench/eviction-lag.sh $(BENCH_ARGS)
## bench-footprint: time to ready, RSS idle and under load: the launcher, without its archive, with the JIT's usual thresholds, and a Camel Main baseline
bench-footprint:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)" bench/footprint.sh $(BENCH_ARGS)
## bench-all: the five benchmarks of bench/README.md, one after the other
bench-all: bench-admission bench-decoupling bench-scan bench-eviction-lag bench-footprint
## bench-controller: the controller's time to readiness and its RSS, against a bare JVM start, on a real local API server
bench-controller:
	@[ -f target/kube-exec-controller.jar ] || $(MVN) -q package -DskipTests
	@KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)" bench/controller-startup.sh $(BENCH_ARGS)
## bench: start-up of `kubectl pi get` against `kubectl get pods` on a real local API server (medians, ratio)
bench:
	@[ -f pi-cli/target/kubectl-pi.jar ] || $(MVN) -q -f pi-cli/pom.xml package -DskipTests
	@KUBE_API_TEST_DIR="$$(tools/kube-api-test-dir.sh)" bench/startup.sh $(BENCH_ARGS)
