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

# Root-owned and read-only for the runtime user; the root filesystem is read-only in the cluster too.
USER 10001:10001
EXPOSE 8443
# Heap follows the container's memory limit; an OutOfMemoryError restarts the pod instead of limping on.
# The JVM writes only to /tmp (hsperfdata), an emptyDir in the Deployment. Add JVM flags with
# JAVA_TOOL_OPTIONS; controller flags follow the image name (e.g. -ttl-seconds=120) or use KEC_* env.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", \
            "-jar", "/opt/kube-exec-controller/kube-exec-controller.jar"]
