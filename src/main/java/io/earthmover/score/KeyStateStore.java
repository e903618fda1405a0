package io.earthmover.score;

/**
 * Where the scoring engine keeps each key's state (window and alarm state, as bytes): the Kafka
 * Streams store in the service, a map for {@code score --input}.
 */
public interface KeyStateStore {
    /** The key's stored state, or null for a key not seen yet. */
    byte[] get(byte[] key);

    void put(byte[] key, byte[] state);

    /** A store in memory, for offline scoring. */
    static KeyStateStore inMemory() {
        java.util.Map<java.nio.ByteBuffer, byte[]> m = new java.util.HashMap<>();
        return new KeyStateStore() {
            @Override
            public byte[] get(byte[] key) {
                return m.get(java.nio.ByteBuffer.wrap(key));
            }

            @Override
            public void put(byte[] key, byte[] state) {
                m.put(java.nio.ByteBuffer.wrap(key.clone()), state);
            }
        };
    }
}
