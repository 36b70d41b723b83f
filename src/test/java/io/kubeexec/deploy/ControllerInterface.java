package io.kubeexec.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the manifests must agree with: the controller's HTTPS paths, port and mount points, and the exact API
 * access it needs. Kept in one place so the literals can be swapped for the controller's own constants.
 */
final class ControllerInterface {

    private ControllerInterface() {
    }

    // The paths live only in routes/*.camel.yaml today; ServedPathsTest checks these literals against the routes
    // the pod mounts. Replace them with the controller's constants (e.g. io.kubeexec.controller.http.Paths) if
    // it gets some.
    static final String INTERACTION_PATH = "/admit-pod-interaction";
    static final String UPDATE_PATH = "/admit-pod-update";
    static final String LIVENESS_PATH = "/health/liveness";
    static final String READINESS_PATH = "/health/readiness";
    static final String METRICS_PATH = "/metrics";
    static final int PORT = 10250;
    /** The plain-HTTP port of the probes and /metrics (-health-port): never behind the Service. */
    static final int HEALTH_PORT = 8080;
    static final int SERVICE_PORT = 443;

    static final String NAME = "kube-exec-controller";
    /** The Secret the controller keeps its own certificates in (-certificate-secret), shipped empty. */
    static final String CERTIFICATE_SECRET = "kube-exec-controller-certificate";
    /** cert-manager's Secret (components/cert-manager), mounted at TLS_DIR. */
    static final String TLS_SECRET = "kube-exec-controller-tls";
    static final String TLS_DIR = "/etc/kube-exec-controller/tls";
    static final String EXTRA_ROUTES_DIR = "/etc/kube-exec-controller/routes-extra";
    static final String EXTRA_ROUTES_CONFIGMAP = "kube-exec-controller-routes-extra";
    static final String LEASE_NAME = io.kubeexec.controller.kube.LeaderElection.LEASE_NAME;

    /** Which webhook path each admitted (operation, resource) goes to, and nothing else. */
    static final Map<String, String> WEBHOOK_ROUTING = Map.of(
            "CONNECT pods/exec", INTERACTION_PATH,
            "CONNECT pods/attach", INTERACTION_PATH,
            "CONNECT pods/portforward", INTERACTION_PATH,
            "UPDATE pods", UPDATE_PATH,
            "UPDATE pods/status", UPDATE_PATH,
            "UPDATE pods/ephemeralcontainers", UPDATE_PATH);

    /** Every (API group, resource, verb) the controller may use: this exactly, nothing more. */
    static final Set<String> CLUSTER_PERMISSIONS = Set.of(
            " pods get", " pods list", " pods watch", " pods patch",
            " pods/eviction create",
            " namespaces get", " namespaces list", " namespaces watch",
            "events.k8s.io events create",
            "admissionregistration.k8s.io validatingwebhookconfigurations get",
            "admissionregistration.k8s.io validatingwebhookconfigurations patch");

    /** Leader election and the certificate's Secret: in the controller's own namespace only. */
    static final Set<String> NAMESPACE_PERMISSIONS = Set.of(
            "coordination.k8s.io leases get", "coordination.k8s.io leases create",
            "coordination.k8s.io leases patch", " secrets get", " secrets update");

    /** The object each resource's get, patch and update are confined to. */
    static final Map<String, String> NAMED_RESOURCES = Map.of(
            "leases", LEASE_NAME,
            "secrets", CERTIFICATE_SECRET,
            "validatingwebhookconfigurations", NAME);

    static final List<String> ADMISSION_REVIEW_VERSIONS = List.of("v1", "v1beta1");
}
