package io.kubeexec.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.List;

/**
 * Strict typed models of the cert-manager.io/v1 fields the manifests use (fabric8 has no cert-manager models).
 * An unknown field or an invalid enum value fails deserialisation, as a typo would fail cert-manager's CRD schema.
 */
final class CertManager {

    private CertManager() {
    }

    static final String API_VERSION = "cert-manager.io/v1";

    record Certificate(String apiVersion, String kind, ObjectMeta metadata, CertificateSpec spec) {
    }

    record CertificateSpec(String secretName, Boolean isCA, String commonName, List<String> dnsNames,
                           IssuerRef issuerRef, String duration, String renewBefore, PrivateKey privateKey,
                           List<Usage> usages) {
    }

    record IssuerRef(String name, String kind, String group) {
    }

    record PrivateKey(Algorithm algorithm, Integer size, Encoding encoding, RotationPolicy rotationPolicy) {
    }

    enum Algorithm { RSA, ECDSA, Ed25519 }

    enum Encoding { PKCS1, PKCS8 }

    enum RotationPolicy { Never, Always }

    enum Usage {
        @JsonProperty("digital signature") DIGITAL_SIGNATURE,
        @JsonProperty("key encipherment") KEY_ENCIPHERMENT,
        @JsonProperty("server auth") SERVER_AUTH,
        @JsonProperty("client auth") CLIENT_AUTH
    }

    record Issuer(String apiVersion, String kind, ObjectMeta metadata, IssuerSpec spec) {
    }

    record IssuerSpec(SelfSigned selfSigned, CaIssuer ca) {
    }

    record SelfSigned(List<String> crlDistributionPoints) {
    }

    record CaIssuer(String secretName) {
    }
}
