package io.earthmover.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every PromQL expression of a Grafana dashboard and of Prometheus rule files, ready to send to
 * Prometheus' query API: dashboard variables are replaced by the values a user sees by default.
 */
final class PromQlExpressions {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Grafana's built-in interval variables, replaced by a window several scrapes long. */
    private static final Map<String, String> BUILT_INS = Map.of(
            "$__rate_interval", "1m", "${__rate_interval}", "1m",
            "$__interval", "1m", "${__interval}", "1m",
            "$__range", "1h", "${__range}", "1h");

    /** One expression, where it came from (for failure messages), and its panel's title and legend (empty for rules). */
    record Expression(String source, String promql, String panel, String legend) {
    }

    private PromQlExpressions() {
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Panel targets of a dashboard (including panels nested in collapsed rows), variables substituted. */
    static List<Expression> fromDashboard(Path dashboardFile) {
        return fromDashboard(dashboardFile, Map.of());
    }

    /** As {@link #fromDashboard(Path)}, with some variables (e.g. {@code $__rate_interval}) given other values. */
    static List<Expression> fromDashboard(Path dashboardFile, Map<String, String> overrides) {
        JsonNode dashboard = readJson(dashboardFile);
        Map<String, String> variables = variableValues(dashboard);
        variables.putAll(overrides);
        List<Expression> out = new ArrayList<>();
        collectPanels(dashboard.path("panels"), variables, out);
        return out;
    }

    /** Alerting and recording rule expressions of a Prometheus rule file. */
    static List<Expression> fromRuleFile(Path ruleFile) {
        List<Expression> out = new ArrayList<>();
        for (JsonNode group : readYaml(ruleFile).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.get("alert").asText() : rule.path("record").asText();
                out.add(new Expression(ruleFile.getFileName() + " " + name, rule.path("expr").asText(), "", ""));
            }
        }
        return out;
    }

    private static void collectPanels(JsonNode panels, Map<String, String> variables, List<Expression> out) {
        for (JsonNode panel : panels) {
            collectPanels(panel.path("panels"), variables, out);
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    String title = panel.path("title").asText();
                    out.add(new Expression("panel '" + title + "' " + target.path("refId").asText(),
                            substitute(target.get("expr").asText(), variables), title, target.path("legendFormat").asText("")));
                }
            }
        }
    }

    /** Default value of each dashboard variable: "All" becomes its allValue, else the current value. */
    static Map<String, String> variableValues(JsonNode dashboard) {
        Map<String, String> values = new LinkedHashMap<>(BUILT_INS);
        for (JsonNode v : dashboard.path("templating").path("list")) {
            String name = v.path("name").asText();
            String value = v.path("current").path("value").asText("");
            if (v.path("includeAll").asBoolean(false) && (value.isEmpty() || value.equals("$__all"))) {
                value = v.path("allValue").asText(".*");
            }
            values.put("${" + name + "}", value);
            values.put("$" + name, value);
        }
        return values;
    }

    static String substitute(String expr, Map<String, String> variables) {
        String result = expr;
        // longest names first so that $job does not eat the start of $job_name
        List<String> names = new ArrayList<>(variables.keySet());
        names.sort((a, b) -> Integer.compare(b.length(), a.length()));
        for (String name : names) {
            result = result.replace(name, variables.get(name));
        }
        return result;
    }
}
