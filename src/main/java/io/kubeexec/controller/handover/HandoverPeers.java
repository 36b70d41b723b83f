package io.kubeexec.controller.handover;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code -handover-peers}: the other replicas that can take over this one's unrecorded work at shutdown. Each
 * comma-separated entry is an {@code https://host:port} URL, used as it is, or a DNS name ({@code name} or
 * {@code name:port}, the port being {@code -port} by default), typically a headless Service, looked up when the
 * work is handed over and replaced by every address it has then. An entry that is this process (a local address
 * on {@code -port}) is left out, so every replica can be given the same list.
 */
public final class HandoverPeers {

    private sealed interface Entry permits Url, Name {
    }

    private record Url(URI uri) implements Entry {
    }

    private record Name(String host, int port) implements Entry {
    }

    private final List<Entry> entries;
    private final int ownPort;

    private HandoverPeers(List<Entry> entries, int ownPort) {
        this.entries = entries;
        this.ownPort = ownPort;
    }

    /** Checks the syntax only; names are looked up when the work is handed over, so they may not exist yet. */
    public static HandoverPeers parse(String value, int ownPort) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            entries.add(entry.contains("://") ? url(entry) : name(entry, ownPort));
        }
        return new HandoverPeers(List.copyOf(entries), ownPort);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The peers' base URLs now: names looked up, this process left out. A name that does not resolve is skipped. */
    public List<URI> resolve() {
        Set<URI> peers = new LinkedHashSet<>();
        for (Entry entry : entries) {
            if (entry instanceof Url url) {
                if (!isSelf(url.uri().getHost(), port(url.uri()))) {
                    peers.add(url.uri());
                }
            } else if (entry instanceof Name name) {
                for (InetAddress address : lookUp(name.host())) {
                    if (!(isLocal(address) && name.port() == ownPort)) {
                        peers.add(URI.create("https://" + literal(address) + ":" + name.port()));
                    }
                }
            }
        }
        return List.copyOf(peers);
    }

    @Override
    public String toString() {
        return entries.stream().map(e -> e instanceof Url u ? u.uri().toString()
                : ((Name) e).host() + ":" + ((Name) e).port()).toList().toString();
    }

    private static Url url(String entry) {
        URI uri;
        try {
            uri = new URI(entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + entry + "\" is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("\"" + entry + "\" is not an https://host:port URL");
        }
        if ((uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null
                || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("\"" + entry + "\" must be https://host:port only: the webhook paths"
                    + " are the peer's own");
        }
        return new Url(uri);
    }

    private static Name name(String entry, int ownPort) {
        String host = entry;
        int port = ownPort;
        int colon = entry.lastIndexOf(':');
        if (colon >= 0) {
            host = entry.substring(0, colon);
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("\"" + entry + "\" has no valid port (name:port)");
            }
        }
        if (!host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("\"" + entry + "\" is neither an https:// URL nor a DNS name");
        }
        return new Name(host, port);
    }

    private static int port(URI uri) {
        return uri.getPort() == -1 ? 443 : uri.getPort();
    }

    private boolean isSelf(String host, int port) {
        return port == ownPort && Arrays.stream(lookUp(host)).anyMatch(HandoverPeers::isLocal);
    }

    private static InetAddress[] lookUp(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        return text.contains(":") ? "[" + text + "]" : text;
    }
}
