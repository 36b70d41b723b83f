package io.kubeexec.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A Kubernetes client that is built on a thread of its own while Camel sets up and starts the routes, instead of
 * before them: reading the kubeconfig, fabric8's model registry and its HTTP client cost about 0.7 s of CPU, which the
 * routes' start-up no longer waits for on a machine with a second CPU. The client it returns can be handed out at
 * once; its first call waits for the build, and a build that failed fails every call with the build's exception.
 */
public final class BackgroundClient {

    private BackgroundClient() {
    }

    public static KubernetesClient build(Supplier<KubernetesClient> builder) {
        CompletableFuture<KubernetesClient> client = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                client.complete(builder.get());
            } catch (RuntimeException | Error e) {
                client.completeExceptionally(e);
            }
        }, "kubernetes-client-build");
        thread.setDaemon(true);
        thread.start();
        InvocationHandler calls = (proxy, method, args) -> call(proxy, client, method, args);
        return (KubernetesClient) Proxy.newProxyInstance(KubernetesClient.class.getClassLoader(),
                new Class<?>[] {KubernetesClient.class}, calls);
    }

    private static Object call(Object proxy, CompletableFuture<KubernetesClient> client, Method method, Object[] args)
            throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            // Camel's registry and its log lines use these; they must not wait for the build.
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> client.isDone() && !client.isCompletedExceptionally()
                        ? client.join().toString() : "KubernetesClient (being built)";
            };
        }
        KubernetesClient real;
        try {
            real = client.join();
        } catch (CompletionException e) {
            throw e.getCause();
        }
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
