package io.kubeexec.controller.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is where operators look a flag up: its table names every {@link Flag}, no flag that is gone,
 * and the default that application.properties really ships.
 */
class ConfigurationDocTest {

    static final Path DOC = Path.of("docs/configuration.md");
    /** A row of the flag table: {@code | `-name` | default | meaning |}. */
    private static final Pattern ROW = Pattern.compile("^\\| `-([a-z0-9-]+)` \\|([^|]*)\\|.*\\|\\s*$");

    private static Map<String, String> documentedDefaults;

    @BeforeAll
    static void readTheTable() throws IOException {
        documentedDefaults = flagTable(Files.readString(DOC));
    }

    /** Flag name to the text of its default cell, without backticks. */
    static Map<String, String> flagTable(String markdown) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : markdown.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                String previous = rows.put(row.group(1), row.group(2).replace("`", "").trim());
                assertThat(previous).as("-%s is in the table once", row.group(1)).isNull();
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "-{0} is documented with its shipped default")
    @EnumSource(Flag.class)
    void everyFlagIsDocumentedWithItsShippedDefault(Flag flag) {
        Properties shipped = CommandLineTest.shippedDefaults();
        assertThat(shipped).as("application.properties has a key for -%s", flag.flagName())
                .containsKey(flag.flagName());
        assertThat(documentedDefaults).as("%s has a row for -%s", DOC, flag.flagName()).containsKey(flag.flagName());

        String shippedDefault = shipped.getProperty(flag.flagName()).trim();
        String documented = documentedDefaults.get(flag.flagName());
        if (shippedDefault.isEmpty()) {
            // No value: the cell is empty, or says in words what stands in for it ("(required)", "$POD_NAMESPACE, ...").
            assertThat(documented).as("the default of -%s in %s", flag.flagName(), DOC)
                    .matches("|\\(.*\\)|\\$.*");
        } else {
            assertThat(documented).as("the default of -%s in %s", flag.flagName(), DOC).isEqualTo(shippedDefault);
        }
    }

    @Test
    void theTableNamesNoFlagThatIsGone() {
        assertThat(documentedDefaults.keySet()).as("flags in %s", DOC)
                .allSatisfy(name -> assertThat(Flag.byName(name)).as("-%s is a Flag", name).isPresent());
    }

    @Test
    void rowsAreReadWithTheirDefaultsWithoutBackticks() {
        Map<String, String> table = flagTable("""
                | flag | default | meaning |
                |---|---|---|
                | `-port` | 9443 | HTTPS port |
                | `-ttl-seconds` | `600` | time-to-live |
                """);
        assertThat(table).containsEntry("port", "9443").containsEntry("ttl-seconds", "600").doesNotContainKey("dry-run");
    }
}
