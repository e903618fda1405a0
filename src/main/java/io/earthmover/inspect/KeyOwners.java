package io.earthmover.inspect;

import java.util.List;

/** Which instance holds a key's state, and which instances there are (for the alarm list). */
public interface KeyOwners {
    /** The owner of a key: this instance, another one ({@code host:port}), or none while Streams rebalances. */
    Owner ownerOf(byte[] key);

    /** The other instances' {@code host:port}, to ask for their alarms. */
    List<String> others();

    /** This instance's {@code host:port} as the others know it. */
    String self();

    sealed interface Owner permits Local, Remote, Unavailable {
    }

    record Local() implements Owner {
    }

    record Remote(String hostPort) implements Owner {
    }

    record Unavailable(String why) implements Owner {
    }

    /** A single instance: it holds every key (the unit tests' driver). */
    static KeyOwners single(String self) {
        return new KeyOwners() {
            @Override
            public Owner ownerOf(byte[] key) {
                return new Local();
            }

            @Override
            public List<String> others() {
                return List.of();
            }

            @Override
            public String self() {
                return self;
            }
        };
    }
}
