package io.earthmover.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class ChildBrokerIT {
    @Test
    void servesFromAnotherProcessAndStopsWhenClosed() throws Exception {
        long pid;
        try (ChildBroker broker = ChildBroker.start(0, Duration.ofMinutes(2))) {
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertEquals(1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
                // the product's topics exist: it is `earthmover broker`, not a bare Kafka
                assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("events-in"));
            }
            double rss = broker.rssMb();
            assertTrue(rss > 10, "a JVM's resident set is tens of MB at least: " + rss);
            pid = broker.pid();
            ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
            assertTrue(child.isAlive() && pid != ProcessHandle.current().pid());
            assertEquals(ProcessHandle.current().pid(), child.parent().orElseThrow().pid(), "a child of this JVM");
        }
        Optional<ProcessHandle> still = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        assertFalse(still.isPresent(), "the child broker still runs after close");
    }
}
