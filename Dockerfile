# syntax=docker/dockerfile:1
# The kube-exec-controller image: a Maven build stage on a JDK 17, then a JRE 17 runtime that runs the
# thin jar + lib/ as a non-root user. Needs BuildKit (Docker 23+ default, or buildah/podman) for the
# Maven cache mount. Build: docker build -t kube-exec-controller:latest .
#
# Expected base images (override with --build-arg):
#   BUILD_IMAGE   maven:3.9-eclipse-temurin-17   (Maven 3.9 + Eclipse Temurin JDK 17)
#   RUNTIME_IMAGE eclipse-temurin:17-jre         (Eclipse Temurin JRE 17 on Ubuntu; has useradd)
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# Only what the controller's build reads (see .dockerignore); pi-cli/ is a separate project.
COPY pom.xml ./
COPY contract/ contract/
COPY src/main/ src/main/
# The built-in routes (the jar carries them; the Deployment mounts its own copy with -routes-dir).
COPY routes/ routes/
# Tests run in CI (make test), not in the image build: they need kubectl and a real API server.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -Dmaven.test.skip=true package

FROM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kube-exec-controller" \
      org.opencontainers.image.description="Evicts pods after kubectl exec/attach/debug, once their TTL expires" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"

# A fixed numeric non-root user, matching runAsUser/runAsGroup/fsGroup 10001 in kustomize/base, so
# runAsNonRoot can be verified by the kubelet. No home directory, no login shell.
RUN groupadd --system --gid 10001 kec \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin kec

WORKDIR /opt/kube-exec-controller
# Dependencies first: they change less often than the controller's own jar.
COPY --from=build /build/target/lib/ /opt/kube-exec-controller/lib/
COPY --from=build /build/target/kube-exec-controller.jar /opt/kube-exec-controller/kube-exec-controller.jar

# AppCDS (bench/README.md, "Footprint"): a training run at build time records the classes the controller loads;
# every start then maps them instead of finding them in ~100 jars and verifying them (about half the CPU to ready).
# The archive belongs to this JRE and these jars; should it not match, the JVM ignores it and starts normally.
# openssl comes with the image's ca-certificates; the run needs no API server (the routes start without one).
# Not built on this machine (no registry access): checked by reading, and the same steps run in bin/kube-exec-controller --build-cds.
RUN set -e; cd /tmp; \
    openssl req -x509 -newkey rsa:2048 -nodes -keyout cds.key -out cds.crt -days 1 -subj /CN=cds 2>/dev/null; \
    java -XX:+UseSerialGC -Xms64m -Xmx160m -XX:ArchiveClassesAtExit=/opt/kube-exec-controller/kube-exec-controller.jsa \
      -Xlog:cds=off -Xlog:cds+dynamic=off -jar /opt/kube-exec-controller/kube-exec-controller.jar \
      -cert-path cds.crt -key-path cds.key -port 8443 -api-server http://127.0.0.1:1 -shutdown-delay 0s >/dev/null 2>&1 & \
    pid=$!; timeout 120 bash -c 'until (exec 3<>/dev/tcp/127.0.0.1/8443) 2>/dev/null; do sleep 0.2; done'; sleep 2; \
    kill $pid; wait $pid || true; rm -f cds.key cds.crt; test -s /opt/kube-exec-controller/kube-exec-controller.jsa

# Root-owned and read-only for the runtime user; the root filesystem is read-only in the cluster too.
USER 10001:10001
EXPOSE 8443
# JVM flags as in bin/kube-exec-controller (bench/README.md explains them): SerialGC (one GC thread, smallest
# footprint, right for a 1-2 CPU pod), a fixed 160 MiB heap ceiling (RSS stays under 256 MiB under load, well inside
# the Deployment's 512Mi limit), smaller thread stacks, the AppCDS archive above; an OutOfMemoryError restarts the pod
# instead of limping on. The JVM writes only to /tmp (hsperfdata), an emptyDir in the Deployment. Add JVM flags with
# JAVA_TOOL_OPTIONS; controller flags follow the image name (e.g. -ttl-seconds=120) or use KEC_* env.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms64m", "-Xmx160m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", \
            "-XX:SharedArchiveFile=/opt/kube-exec-controller/kube-exec-controller.jsa", "-Xlog:cds=off", \
            "-Xlog:cds+dynamic=off", "-jar", "/opt/kube-exec-controller/kube-exec-controller.jar"]
