package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.ConfigException;
import io.earthmover.config.EarthmoverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRouterTest {
    @TempDir
    Path tmp;

    private static ModelRouter router(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return ModelRouter.from(EarthmoverConfig.of(m));
    }

    private static String route(ModelRouter r, String key, String value) {
        return r.route(key == null ? null : key.getBytes(UTF_8), value == null ? null : value.getBytes(UTF_8));
    }

    @Test
    void modeNoneSendsEveryRecordToModelName() {
        ModelRouter r = router("model.name", "plant");
        assertThat(r.routed()).isFalse();
        assertThat(route(r, "db:1", "{\"model\":\"db\",\"features\":[1]}")).isEqualTo("plant");
        assertThat(route(r, null, "{}")).isEqualTo("plant");
    }

    @Test
    void fieldModeReadsTheTopLevelStringFieldWhereverItIs() {
        ModelRouter r = router("routing.mode", "field", "routing.default", "rest");
        assertThat(r.routed()).isTrue();
        assertThat(route(r, "k", "{\"features\":{\"a\":{\"model\":\"nested\"}},\"model\":\"db\"}")).isEqualTo("db");
        assertThat(route(r, "k", "{\"model\":\"web\",\"features\":[1]}")).isEqualTo("web");
        assertThat(route(r, "k", "{\"features\":[1]}")).as("absent").isEqualTo("rest");
        assertThat(route(r, "k", "{\"model\":7,\"features\":[1]}")).as("not a string").isEqualTo("rest");
        assertThat(route(r, "k", "{\"model\":\"\",\"features\":[1]}")).as("empty").isEqualTo("rest");
    }

    @Test
    void fieldModeReadsTheConfiguredField() {
        ModelRouter r = router("routing.mode", "field", "routing.field", "fleet");
        assertThat(route(r, "k", "{\"model\":\"db\",\"fleet\":\"web\",\"features\":[1]}")).isEqualTo("web");
        assertThat(route(r, "k", "{\"model\":\"db\",\"features\":[1]}")).as("no default").isNull();
    }

    @Test
    void keyPrefixModeTakesTheKeyUpToTheFirstSeparator() {
        ModelRouter r = router("routing.mode", "key-prefix");
        assertThat(route(r, "db:host-1:cpu", "{}")).isEqualTo("db");
        assertThat(route(r, "nohost", "{}")).as("no separator, no default").isNull();
        assertThat(route(r, null, "{}")).isNull();
        assertThat(route(r, ":x", "{}")).as("empty prefix").isNull();
        ModelRouter slash = router("routing.mode", "key-prefix", "routing.key.separator", "/", "routing.default", "other");
        assertThat(route(slash, "web/7", "{}")).isEqualTo("web");
        assertThat(route(slash, "db:1", "{}")).isEqualTo("other");
    }

    @Test
    void tableModeLooksTheWholeKeyUpInlineOrFromAFile() throws Exception {
        ModelRouter r = router("routing.mode", "table", "routing.table", "db-1=db, web-7 = web", "routing.default", "rest");
        assertThat(route(r, "db-1", "{}")).isEqualTo("db");
        assertThat(route(r, "web-7", "{}")).isEqualTo("web");
        assertThat(route(r, "db-2", "{}")).isEqualTo("rest");
        assertThat(route(r, null, "{}")).isEqualTo("rest");
        Path f = tmp.resolve("routes.txt");
        Files.writeString(f, "# key=model\ndb-1=db\n\nweb-7=web\n");
        ModelRouter fromFile = router("routing.mode", "table", "routing.table", "@" + f);
        assertThat(route(fromFile, "web-7", "{}")).isEqualTo("web");
        assertThat(route(fromFile, "x", "{}")).isNull();
    }

    @Test
    void badConfigurationNamesItsKey() {
        assertConfig("routing.mode", "routing.mode", "nearest");
        assertConfig("routing.table", "routing.mode", "table");
        assertConfig("routing.table", "routing.mode", "table", "routing.table", "db-1");
        assertConfig("routing.table", "routing.mode", "table", "routing.table", "db-1=db,db-1=web");
        assertConfig("routing.table", "routing.mode", "table", "routing.table", "=db");
        assertConfig("routing.table", "routing.mode", "table", "routing.table", "@" + tmp.resolve("missing"));
        assertConfig("routing.table", "routing.mode", "key-prefix", "routing.table", "a=b");
        assertConfig("routing.default", "routing.default", "db");
        assertConfig("routing.mode", "routing.mode", "field", "input.format", "avro");
        assertConfig("routing.mode", "routing.mode", "key-prefix", "scorer.model.source", "file",
                "scorer.model.file", "m.zip");
        assertConfig("routing.max.models", "routing.mode", "key-prefix", "routing.max.models", "0");
        assertConfig("routing.field", "routing.mode", "field", "routing.field", " ");
    }

    private static void assertConfig(String key, String... kv) {
        assertThatThrownBy(() -> router(kv)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }
}
