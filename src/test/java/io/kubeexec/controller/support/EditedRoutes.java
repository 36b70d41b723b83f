package io.kubeexec.controller.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A copy of the built-in routes (routes/) in a new directory, for -routes-dir, with one file edited. */
public final class EditedRoutes {

    private EditedRoutes() {
    }

    /** Copies routes/*.camel.yaml into a new directory and replaces {@code from} by {@code to} in {@code file}. */
    public static Path copyWithEdit(String file, String from, String to) {
        try {
            Path dir = Files.createTempDirectory("edited-routes");
            try (Stream<Path> routes = Files.list(Path.of("routes"))) {
                for (Path route : routes.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                    Files.copy(route, dir.resolve(route.getFileName()));
                }
            }
            Path edited = dir.resolve(file);
            String yaml = Files.readString(edited);
            if (!yaml.contains(from)) {
                throw new IllegalArgumentException(file + " has no \"" + from + "\" to edit");
            }
            Files.writeString(edited, yaml.replace(from, to));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
