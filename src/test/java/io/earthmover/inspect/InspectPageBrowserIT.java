package io.earthmover.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.TestBundles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The inspection page in a real headless Chromium, served by a running scorer fed by the demo
 * stream: alarms listed, a key's chart and attribution, and a key made of markup shown as text.
 */
class InspectPageBrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String XSS_KEY = "<img src=x onerror=alert(1)>";

    @Test
    void theAlarmsAKeysChartAndAttributionAreShownAndMarkupInAKeyStaysText(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: no headless browser; install Debian's chromium and chromium-driver (tools/install-test-tools.sh)");
        byte[] model = TestBundles.demoBundle(DemoFeed.HOSTS, DemoFeed.TRAIN_STEPS, 42).toBytes();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "topics.partitions", "2", "metrics.host", "127.0.0.1", "metrics.port", "0",
                    "scorer.application.id", "inspect-page-it", "scorer.state.dir", tmp.resolve("state").toString(),
                    "scorer.commit.interval.ms", "200",
                    // a key's whole history (240 records) in its ring: the host alarm the page lists stays in the
                    // key's chart however far the stream has run by the time the page asks for the key (with the
                    // default 50, an alarm more than 50 records before the key's newest is listed but not charted)
                    "inspect.recent.per.key", "300"));
            try (ScorerApp scorer = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                assertThat(scorer.offer(model, "test")).isInstanceOf(ModelHolder.Swapped.class);
                scorer.start(Duration.ofSeconds(30));
                DemoFeed.send(broker.bootstrapServers(), 240, Map.of(XSS_KEY, DemoFeed.normalThenSpike(30)));
                WebDriver browser = browser(tmp.resolve("profile"));
                try {
                    check(browser, scorer.pageUrl());
                } finally {
                    browser.quit();
                }
            }
        }
    }

    private static void check(WebDriver browser, String url) throws Exception {
        browser.get(url);
        Wait wait = new Wait(browser, Duration.ofSeconds(60));
        // the page polls every 10 s; refresh until the markup key's alarm and a host's are listed. The two
        // partitions are processed independently, so the markup key (sent last) may be listed first.
        wait.until(d -> {
            d.findElement(By.id("refresh")).click();
            List<String> keys = d.findElements(By.cssSelector("#alarms button.keylink")).stream().map(WebElement::getText).toList();
            return keys.contains(XSS_KEY) && keys.stream().anyMatch(k -> k.startsWith("host-"));
        });
        List<WebElement> alarmKeys = browser.findElements(By.cssSelector("#alarms button.keylink"));
        assertThat(alarmKeys).hasSizeGreaterThan(1);
        WebElement host = alarmKeys.stream().filter(b -> b.getText().startsWith("host-")).findFirst().orElseThrow();
        String hostKey = host.getText();
        host.click();
        wait.until(d -> d.findElement(By.id("key-name")).getText().equals(hostKey)
                && !d.findElements(By.cssSelector("#score-chart path")).isEmpty()
                && !d.findElements(By.cssSelector("#value-chart path")).isEmpty()
                && !d.findElements(By.cssSelector("#attribution .bar-row")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#score-chart circle.alarm"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#score-chart line.threshold"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#outputs tbody tr"))).hasSizeGreaterThan(1);
        Path shot = Path.of("target", "inspect-page.png");
        Files.createDirectories(shot.getParent());
        File png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), shot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).isGreaterThan(10_000L);

        browser.findElements(By.cssSelector("#alarms button.keylink")).stream().filter(b -> b.getText().equals(XSS_KEY))
                .findFirst().orElseThrow().click();
        wait.until(d -> d.findElement(By.id("key-name")).getText().equals(XSS_KEY)
                && !d.findElements(By.cssSelector("#outputs tbody tr")).isEmpty());
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.findElements(By.cssSelector("img"))).as("no element made from the key's markup").isEmpty();
        assertThat(browser.findElement(By.id("alarms")).getText()).contains(XSS_KEY);

        // "false alarm" on a host's alarm: POST /api/feedback accepts it (the id is among the key's recent outputs)
        wait.until(d -> {
            WebElement row = d.findElements(By.cssSelector("#alarms tbody tr")).stream()
                    .filter(r -> r.findElements(By.cssSelector("button.keylink")).stream().anyMatch(b -> b.getText().equals(hostKey)))
                    .findFirst().orElse(null);
            if (row == null) {
                return false;
            }
            WebElement mark = row.findElement(By.cssSelector("button.feedback"));
            if (mark.getText().equals("false alarm")) {
                mark.click();
            }
            return mark.getText().equals("marked");
        });
    }

    /** Polls a condition on the page until it holds or the time is up. */
    private record Wait(WebDriver driver, Duration timeout) {
        void until(java.util.function.Predicate<WebDriver> condition) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!holds(condition)) {
                assertThat(System.nanoTime()).as("the page reached the expected state within " + timeout).isLessThan(deadline);
                Thread.sleep(300);
            }
        }

        private boolean holds(java.util.function.Predicate<WebDriver> condition) {
            try {
                return condition.test(driver);
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                return false; // the page re-rendered meanwhile
            }
        }
    }

    private static WebDriver browser(Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,1400");
        // an alert would stay open, so switchTo().alert() finds it rather than the driver dismissing it
        o.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }
}
