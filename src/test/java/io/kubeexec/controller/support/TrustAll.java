package io.kubeexec.controller.support;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/** Trusts any server: for tests that look at the certificate a server presents, not at whether it is trusted. */
public final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
