package io.kubeexec.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The strict validator itself: each kind of mistake it exists to catch is caught. */
class StrictValidationTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              replicas: 1
              selector:
                matchLabels: {app: d}
              template:
                metadata:
                  labels: {app: d}
                spec:
                  securityContext:
                    runAsNonRoot: true
                  containers:
                    - name: c
                      image: i
                      imagePullPolicy: IfNotPresent
            """;

    @Test
    void aValidObjectHasNoProblem() {
        assertThat(Manifests.problems(DEPLOYMENT)).isEmpty();
    }

    @Test
    void aMisspelledFieldIsReported() {
        assertThat(Manifests.problems(DEPLOYMENT.replace("imagePullPolicy:", "imagePulPolicy:")))
                .singleElement().asString().contains("unknown field 'imagePulPolicy'");
    }

    @Test
    void aFieldAtTheWrongLevelIsReported() {
        // readOnlyRootFilesystem belongs to the container's securityContext, not the pod's.
        assertThat(Manifests.problems(DEPLOYMENT.replace("runAsNonRoot: true", "readOnlyRootFilesystem: true")))
                .singleElement().asString().contains("unknown field 'readOnlyRootFilesystem'");
    }

    @Test
    void aValueOfTheWrongTypeIsReported() {
        assertThat(Manifests.problems(DEPLOYMENT.replace("replicas: 1", "replicas: [1]")))
                .singleElement().asString().startsWith("Deployment d:");
    }

    @Test
    void aKindWithoutATypedModelIsReported() {
        assertThat(Manifests.problems(DEPLOYMENT.replace("kind: Deployment", "kind: Deploymnet")))
                .singleElement().asString().contains("no typed model for apiVersion 'apps/v1' kind 'Deploymnet'");
        assertThat(Manifests.problems(DEPLOYMENT.replace("apps/v1", "apps/v2")))
                .singleElement().asString().contains("no typed model");
    }

    @Test
    void aMisspelledCertManagerFieldIsReported() {
        String certificate = """
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata: {name: c}
                spec:
                  secretName: s
                  dnsNames: [a.b.svc]
                  issuerRef: {name: i, kind: Issuer}
                """;
        assertThat(Manifests.problems(certificate)).isEmpty();
        assertThat(Manifests.problems(certificate.replace("dnsNames", "dnsName")))
                .singleElement().asString().contains("dnsName");
        assertThat(Manifests.problems(certificate + "  usages: [server-auth]\n"))
                .singleElement().asString().contains("server-auth");
        assertThat(Manifests.problems(certificate.replace("metadata: {name: c}", "metadata: {name: c, label: x}")))
                .singleElement().asString().contains("unknown field 'label'");
    }
}
