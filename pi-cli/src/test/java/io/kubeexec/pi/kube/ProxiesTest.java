package io.kubeexec.pi.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Proxy choice as Go's net/http makes it for kubectl: proxy-url, else HTTPS_PROXY unless NO_PROXY or loopback. */
class ProxiesTest {

    @ParameterizedTest(name = "{0} with NO_PROXY={1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            api.example.com   | -                         | http://proxy:3128
            api.example.com   | example.com               | -
            api.example.com   | .example.com              | -
            api.example.com   | *.example.com             | -
            example.com       | .example.com              | -
            api.example.org   | example.com               | http://proxy:3128
            10.1.2.3          | 10.0.0.0/8                | -
            11.1.2.3          | 10.0.0.0/8                | http://proxy:3128
            api.example.com   | *                         | -
            api.example.com   | other.com,api.example.com:6443 | -
            127.0.0.1         | -                         | -
            localhost         | -                         | -
            """)
    void environmentProxies(String host, String noProxy, String expected) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("HTTPS_PROXY", "http://proxy:3128"));
        if (noProxy != null) {
            env.put("NO_PROXY", noProxy);
        }

        URI proxy = ApiClient.Proxies.forTarget(null, true, host, env::get);

        assertThat(proxy == null ? null : proxy.toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "proxy-url {0} is used for {1}")
    @CsvSource({"http://corp:8080, 127.0.0.1", "socks5://localhost:1080, api.example.com"})
    void theKubeconfigsProxyUrlAlwaysWins(String proxyUrl, String host) {
        assertThat(ApiClient.Proxies.forTarget(URI.create(proxyUrl), true, host, k -> null))
                .isEqualTo(URI.create(proxyUrl));
    }
}
