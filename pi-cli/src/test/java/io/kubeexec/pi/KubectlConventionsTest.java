package io.kubeexec.pi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kubectl's -l, --no-headers, -o name|jsonpath|custom-columns, -w and completion, on an in-memory cluster
 * (KubectlPiIT: through the real kubectl and API server).
 */
class KubectlConventionsTest {

    private final FakeCluster cluster = new FakeCluster();

    @BeforeEach
    void pods() {
        Map<String, String> alice = Map.of("app", "web", "box.com/podInitialInteractionTimestamp", "1634407604",
                "box.com/podInteractorUsername", "alice", "box.com/podTTLDuration", "10m0s");
        cluster.pod("default", "web-0", alice, Map.of("box.com/podTerminationTime", "2021-10-16 18:16:44 +0000 UTC"));
        cluster.pod("default", "db", Map.of("app", "db"), Map.of());
    }

    /** Arguments are separated by ';' in the tables, so that a template may hold a space. */
    @ParameterizedTest(name = "kubectl pi get {0} prints {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -o;name                                                  | pod/web-0\\npod/db\\n
            -l;app=web;-o;name                                       | pod/web-0\\n
            -o;jsonpath={.items[*].name}                             | web-0 db
            -o;jsonpath={.items[0].interactor}                       | alice
            -o;jsonpath={range .items[*]}{.name}:{.ttl}{"\\n"}{end}   | web-0:10m0s\\ndb:\\n
            -o;jsonpath={.items[1].nope}                             | ''
            -o;custom-columns=POD:.name,USER:.interactor             | POD     USER\\nweb-0   alice\\ndb      <none>\\n
            -o;custom-columns=POD:{.name};--no-headers               | web-0\\ndb\\n
            --no-headers;-l;app=db                                   | db\\t\\t\\t\\t\\t\\n
            -w;-o;name                                               | pod/web-0\\npod/db\\n
            -w;-l;app=web                                            | POD-NAME\\tINTERACTOR\\tPOD-TTL\\t\\tEXTENSION\\tEXTENSION-REQUESTER\\tEVICTION-TIME\\nweb-0\\t\\talice\\t\\t10m0s\\t\\t\\t\\t\\t\\t\\t2021-10-16 18:16:44 +0000 UTC\\n
            """)
    void kubectlsConventions(String args, String out) {
        FakeCluster.Result r = cluster.run(("get;" + args).split(";"));

        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(out.replace("\\n", "\n").replace("\\t", "\t"));
    }

    @ParameterizedTest(name = "kubectl_complete-pi {0} offers {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                       | get\\nextend\\ncompletion\\n:4\\n
            get;--no                 | --no-headers\\n:4\\n
            get;-o;j                 | json\\njsonpath=\\n:4\\n
            get;-n;d                 | default\\n:4\\n
            extend;w                 | web-0\\n:4\\n
            get;--kubeconfig;        | :0\\n
            """)
    void completionAsKubectlAsksForIt(String words, String out) {
        FakeCluster.Result r = cluster.run(("__complete;" + words).split(";", -1));

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(out.replace("\\n", "\n"));
    }

    @ParameterizedTest(name = "kubectl pi get {0} is refused: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -o;go-template={{.name}}          | unable to match a printer suitable for the output format "go-template={{.name}}", allowed formats are: custom-columns,json,jsonpath,name,table,wide,yaml
            -o;jsonpath={.items[?(@.x)]}      | error parsing jsonpath {.items[?(@.x)]}: unsupported expression ".items[?(@.x)]"
            -o;jsonpath=                      | template format specified but no template given
            -o;custom-columns=NAME            | unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>
            -l;app=web;web-0                  | name cannot be provided when a selector is specified
            """)
    void whatIsNotSupportedIsRefusedBeforeAnyRequest(String args, String message) {
        FakeCluster.Result r = cluster.run(("get;" + args).split(";"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: " + message);
        assertThat(cluster.calls).isEmpty();
    }
}
