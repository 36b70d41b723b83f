package io.kubeexec.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in the documentation leads somewhere: the file (or folder) exists inside the repository, and an
 * {@code #anchor} into a Markdown file names one of its headings as GitHub spells them. External links are not
 * followed. Also keeps the README short enough to read, with the depth in the documents it links to.
 */
class DocsLinksTest {

    static final Path REPO = Path.of("").toAbsolutePath();
    /** The documents people read, besides every docs/*.md. */
    static final List<String> DOCUMENTS = List.of("README.md", "kustomize/README.md", "routes/README.md",
            "tools/README.md", "bench/README.md", "pi-cli/README.md");
    static final int README_MAX_LINES = 250;

    private static final Pattern LINK = Pattern.compile("\\]\\(<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");

    static List<Path> documents() {
        List<Path> documents = new ArrayList<>();
        for (String document : DOCUMENTS) {
            documents.add(REPO.resolve(document));
        }
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    @Test
    void everyDocumentExists() {
        assertThat(documents()).allSatisfy(document -> assertThat(document).isRegularFile());
    }

    @Test
    void everyRelativeLinkResolves() {
        List<String> broken = new ArrayList<>();
        for (Path document : documents()) {
            broken.addAll(brokenLinks(REPO, document));
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void theReadmeFitsOnAFewScreens() throws IOException {
        assertThat(Files.readAllLines(REPO.resolve("README.md"))).as("README.md lines: the depth goes to docs/")
                .hasSizeLessThanOrEqualTo(README_MAX_LINES);
    }

    @Test
    void aMissingFileAWrongAnchorAndALinkOutOfTheRepositoryAreCaught(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/guide.md"), """
                # Guide
                ## The plugin's own `transport`
                """);
        Files.writeString(repo.resolve("README.md"), """
                # Title
                [ok](docs/guide.md) [ok](docs/guide.md#the-plugins-own-transport) [ok](#title) [ok](docs/)
                [ok](https://example.com/x.md) `[code](nowhere.md)`
                ```
                [fenced](nowhere-either.md)
                ```
                [missing](docs/nope.md) [anchor](docs/guide.md#transport) [here](#nothing) [out](../outside.md)
                """);

        assertThat(brokenLinks(repo, repo.resolve("README.md"))).containsExactly(
                "README.md: docs/nope.md: no such file",
                "README.md: docs/guide.md#transport: no such heading",
                "README.md: #nothing: no such heading",
                "README.md: ../outside.md: outside the repository");
    }

    @Test
    void headingsAreSpelledAsGitHubSpellsTheirAnchors() {
        assertThat(anchors("""
                # Operating kube-exec-controller
                ### `-on-unrecordable=allow|deny`
                ## Try it: `make sandbox`
                ## Kubernetes 1.20
                ## Kubernetes 1.20
                """)).containsExactly("operating-kube-exec-controller", "-on-unrecordableallowdeny",
                "try-it-make-sandbox", "kubernetes-120", "kubernetes-120-1");
    }

    static List<String> brokenLinks(Path repo, Path document) {
        String text;
        try {
            text = Files.readString(document);
        } catch (IOException e) {
            return List.of(repo.relativize(document) + ": cannot be read: " + e.getMessage());
        }
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        for (String line : prose(text)) {
            Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (SCHEME.matcher(target).find()) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
                String problem = null;
                if (!resolved.startsWith(repo)) {
                    problem = "outside the repository";
                } else if (!Files.exists(resolved)) {
                    problem = "no such file";
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !anchorsByFile.computeIfAbsent(resolved, DocsLinksTest::anchorsOf).contains(anchor)) {
                    problem = "no such heading";
                }
                if (problem != null) {
                    broken.add(repo.relativize(document) + ": " + target + ": " + problem);
                }
            }
        }
        return broken;
    }

    /** The lines outside fenced code blocks, where a link is a link. */
    static List<String> prose(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
            } else if (!fenced) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static Set<String> anchorsOf(Path markdown) {
        try {
            return new LinkedHashSet<>(anchors(Files.readString(markdown)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GitHub's anchors: the heading's text, lower case, without punctuation, spaces as '-', repeats numbered. */
    static List<String> anchors(String markdown) {
        List<String> anchors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(markdown)) {
            Matcher heading = HEADING.matcher(line);
            if (!heading.matches()) {
                continue;
            }
            String text = heading.group(2)
                    .replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                    .replaceAll("<[^>]+>", "")
                    .toLowerCase(Locale.ROOT);
            String slug = text.replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
            int repeat = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
        }
        return anchors;
    }
}
