package io.kubeexec.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules of kustomize/components/prometheus-rules: valid for Prometheus, their promtool unit tests pass
 * (series in, alerts out, firing and not firing), the Operator's PrometheusRule holds the very groups of the plain
 * rules file, and every alert says what to do in a runbook section that exists.
 */
class PrometheusRulesTest {

    private static final Path COMPONENT = Kustomize.source().resolve("components/prometheus-rules");
    private static final Path RULES = COMPONENT.resolve("kube-exec-controller.rules.yml");
    private static final YAMLMapper YAML = new YAMLMapper();

    @BeforeAll
    static void promtoolIsInstalled() {
        Kustomize.Result version = Kustomize.run(List.of(promtool(), "--version"), null);
        assertThat(version.exitCode())
                .as("promtool (Debian's prometheus package: tools/prometheus.sh installs it)")
                .isZero();
    }

    @Test
    void prometheusAcceptsTheRules() throws IOException {
        Kustomize.Result check = Kustomize.run(List.of(promtool(), "check", "rules", RULES.toString()), null);

        assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
        assertThat(check.stdout()).contains("SUCCESS: " + alerts(rulesFile()).size() + " rules found");
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsUnitTestsSay() {
        Kustomize.Result test = Kustomize.run(List.of(promtool(), "test", "rules",
                COMPONENT.resolve("kube-exec-controller.rules.test.yml").toString()), COMPONENT);

        assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
        assertThat(test.stdout()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestThatFiresIt() throws IOException {
        String tests = Files.readString(COMPONENT.resolve("kube-exec-controller.rules.test.yml"));

        for (JsonNode alert : alerts(rulesFile())) {
            String name = alert.get("alert").asText();
            assertThat(tests).as("a promtool test that expects " + name + " to fire")
                    .containsPattern("alertname: " + name + "\\n\\s+exp_alerts:\\n\\s+- exp_labels:");
        }
    }

    @Test
    void theOperatorsPrometheusRuleHoldsTheSameGroupsAsThePlainFile() throws IOException {
        JsonNode rule = YAML.readTree(COMPONENT.resolve("prometheus-rule.yaml").toFile());

        assertThat(rule.get("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rule.get("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.get("spec").get("groups")).isEqualTo(rulesFile().get("groups"));
    }

    @Test
    void everyAlertSaysWhatHappenedWhatToDoAndWhereItsRunbookIs() throws IOException {
        String operating = Files.readString(Kustomize.repoRoot().resolve("docs/operating.md"));

        for (JsonNode alert : alerts(rulesFile())) {
            String name = alert.get("alert").asText();
            JsonNode annotations = alert.get("annotations");
            assertThat(annotations.path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(annotations.path("description").asText()).as(name + " description").hasSizeGreaterThan(80);
            assertThat(alert.path("labels").path("severity").asText()).as(name + " severity")
                    .isIn("warning", "critical");
            String runbook = annotations.path("runbook").asText();
            assertThat(runbook).as(name + " runbook").startsWith("docs/operating.md#");
            String anchor = runbook.substring(runbook.indexOf('#') + 1);
            assertThat(operating.lines().filter(line -> line.startsWith("#"))
                    .map(PrometheusRulesTest::anchorOf).toList())
                    .as("a heading in docs/operating.md for " + runbook)
                    .contains(anchor);
        }
    }

    @Test
    void theComponentRendersOnTopOfTheBase() {
        String rendered = Kustomize.render(Kustomize.baseWith("prometheus-rules"));

        assertThat(rendered).contains("kind: PrometheusRule", "namespace: kube-exec-controller");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes. */
    static String anchorOf(String heading) {
        return heading.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    static JsonNode rulesFile() throws IOException {
        return YAML.readTree(RULES.toFile());
    }

    static List<JsonNode> alerts(JsonNode rulesFile) {
        List<JsonNode> alerts = new ArrayList<>();
        rulesFile.get("groups").forEach(group -> group.get("rules").forEach(alerts::add));
        return alerts;
    }

    static String promtool() {
        String fromEnv = System.getenv("PROMTOOL");
        return fromEnv == null || fromEnv.isBlank() ? "promtool" : fromEnv;
    }
}
