package io.earthmover.testutil;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Model bundles for scorer tests. */
public final class TestBundles {
    private TestBundles() {
    }

    /** A bundle over the given features and window whose critic falls with distance from the origin. */
    public static byte[] bundle(String version, List<String> names, boolean named, int window) {
        String n = String.join("\",\"", names);
        return ("{\"version\":\"" + version + "\",\"names\":[\"" + n + "\"],\"named\":" + named + ",\"window\":" + window
                + ",\"centre\":0.0,\"threshold\":0.99,\"createdAt\":1700000000000}").getBytes(StandardCharsets.UTF_8);
    }
}
