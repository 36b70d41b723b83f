package io.kubeexec.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** An image in an OCI layout tarball (what Jib's buildTar writes with format OCI), read into memory. */
final class OciImage {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file, directory or link in a layer; path without a leading "/" or "./". */
    record Entry(String path, int mode, long uid, long gid, Instant modified, long size, boolean directory,
                 String linkTarget) {

        boolean writableBy(long userId, long groupId) {
            return (mode & 0002) != 0 || (uid == userId && (mode & 0200) != 0)
                    || (gid == groupId && (mode & 0020) != 0);
        }
    }

    /** One layer: its digest and entries in archive order; file contents on request. */
    record Layer(String digest, List<Entry> entries, byte[] gzip) {

        Optional<byte[]> content(String path) {
            try (TarArchiveInputStream tar = tar(gzip)) {
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    if (normalize(e.getName()).equals(path) && e.isFile()) {
                        return Optional.of(tar.readAllBytes());
                    }
                }
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final String digest;
    private final JsonNode manifest;
    private final JsonNode config;
    private final List<Layer> layers;

    private OciImage(String digest, JsonNode manifest, JsonNode config, List<Layer> layers) {
        this.digest = digest;
        this.manifest = manifest;
        this.config = config;
        this.layers = layers;
    }

    static OciImage read(Path tarball) throws IOException {
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException(tarball + " is missing: build the image with `make image` "
                    + "(or mvn -Pimage verify), which runs this test too");
        }
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(tarball))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    files.put(normalize(e.getName()), tar.readAllBytes());
                }
            }
        }
        JsonNode index = JSON.readTree(require(files, "index.json", tarball));
        if (index.path("manifests").size() != 1) {
            throw new IllegalStateException(tarball + ": expected one image in index.json, found " + index);
        }
        String digest = index.path("manifests").get(0).path("digest").asText();
        JsonNode manifest = JSON.readTree(require(files, blob(digest), tarball));
        JsonNode config = JSON.readTree(require(files, blob(manifest.path("config").path("digest").asText()), tarball));
        List<Layer> layers = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            String layerDigest = layer.path("digest").asText();
            byte[] gzip = require(files, blob(layerDigest), tarball);
            layers.add(new Layer(layerDigest, entries(gzip), gzip));
        }
        return new OciImage(digest, manifest, config, layers);
    }

    String digest() {
        return digest;
    }

    JsonNode manifest() {
        return manifest;
    }

    /** The image configuration (config, rootfs, history). */
    JsonNode config() {
        return config;
    }

    List<Layer> layers() {
        return layers;
    }

    List<String> entrypoint() {
        List<String> words = new ArrayList<>();
        config.path("config").path("Entrypoint").forEach(w -> words.add(w.asText()));
        return words;
    }

    Optional<String> env(String name) {
        for (JsonNode e : config.path("config").path("Env")) {
            if (e.asText().startsWith(name + "=")) {
                return Optional.of(e.asText().substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** The file system a container sees: every path with the entry of the last layer that has it. */
    Map<String, Entry> fileSystem() {
        Map<String, Entry> merged = new LinkedHashMap<>();
        for (Layer layer : layers) {
            for (Entry e : layer.entries()) {
                if (e.path().contains(".wh.")) {
                    throw new IllegalStateException("whiteouts are not expected in this image: " + e.path());
                }
                merged.put(e.path(), e);
            }
        }
        return merged;
    }

    /** A file's bytes as the container sees them (the last layer that has it). */
    byte[] file(String path) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            Optional<byte[]> content = layers.get(i).content(path);
            if (content.isPresent()) {
                return content.get();
            }
        }
        throw new AssertionError("no file " + path + " in the image");
    }

    String text(String path) {
        return new String(file(path), StandardCharsets.UTF_8);
    }

    private static List<Entry> entries(byte[] gzip) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (TarArchiveInputStream tar = tar(gzip)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                String path = normalize(e.getName());
                if (!path.isEmpty()) {
                    entries.add(new Entry(path, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(),
                            e.getModTime().toInstant(), e.getSize(), e.isDirectory(),
                            e.isSymbolicLink() || e.isLink() ? e.getLinkName() : null));
                }
            }
        }
        return entries;
    }

    private static TarArchiveInputStream tar(byte[] gzip) throws IOException {
        InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 1 << 16);
        return new TarArchiveInputStream(in);
    }

    private static String normalize(String name) {
        String path = name.replaceFirst("^\\./", "").replaceFirst("^/+", "");
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String blob(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    private static byte[] require(Map<String, byte[]> files, String name, Path tarball) {
        byte[] content = files.get(name);
        if (content == null) {
            throw new IllegalStateException(tarball + " has no " + name);
        }
        return content;
    }
}
