package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The alert rules against promtool, and the PrometheusRule that ships them to Kubernetes. */
class AlertRulesTest {
    static final Path RULES = Path.of("prometheus/rules/earthmover.rules.yml");
    static final Path RULE_TESTS = Path.of("prometheus/tests/earthmover.rules.test.yml");
    static final Path PROMETHEUS_RULE = Path.of("k8s/base/monitoring/prometheusrule.yaml");
    private static final Set<String> REQUIRED_ALERTS = Set.of("EarthmoverScorerDown", "EarthmoverConsumerLagGrowing",
            "EarthmoverDlqRateHigh", "EarthmoverAnomalyRateSpike", "EarthmoverModelNotLoaded", "EarthmoverModelTooOld",
            "EarthmoverDriftHigh", "EarthmoverRetrainOverdue", "EarthmoverRetrainFailed");

    @Test
    void rulesPassPromtoolCheck() {
        Path promtool = OpsTools.require("promtool", "Debian package prometheus");
        OpsTools.Result r = OpsTools.run(List.of(promtool.toString(), "check", "rules", RULES.toString()));
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    @Test
    void promtoolUnitTestsPass() {
        Path promtool = OpsTools.require("promtool", "Debian package prometheus");
        OpsTools.Result r = OpsTools.run(List.of(promtool.toString(), "test", "rules", RULE_TESTS.toString()));
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    @Test
    void everyAlertFiresInSomeUnitTest() {
        Set<String> fired = new TreeSet<>();
        for (JsonNode test : PromQlExpressions.readYaml(RULE_TESTS).path("tests")) {
            for (JsonNode t : test.path("alert_rule_test")) {
                if (!t.path("exp_alerts").isEmpty()) {
                    fired.add(t.path("alertname").asText());
                }
            }
        }
        assertThat(fired).containsExactlyInAnyOrderElementsOf(alertNames(PromQlExpressions.readYaml(RULES)));
    }

    @Test
    void coversTheAlertsTheIssueAsksFor() {
        assertThat(alertNames(PromQlExpressions.readYaml(RULES))).containsAll(REQUIRED_ALERTS);
    }

    @Test
    void prometheusRuleEmbedsTheRuleFileUnchanged() {
        JsonNode crd = PromQlExpressions.readYaml(PROMETHEUS_RULE);
        assertThat(crd.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(crd.path("spec").path("groups"))
                .as("k8s/base/monitoring/prometheusrule.yaml spec.groups must equal the groups of " + RULES)
                .isEqualTo(PromQlExpressions.readYaml(RULES).path("groups"));
    }

    private static Set<String> alertNames(JsonNode ruleFile) {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : ruleFile.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    names.add(rule.get("alert").asText());
                }
            }
        }
        return names;
    }
}
