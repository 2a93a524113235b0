package io.stratoflow.view;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.engine.RunPhase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.stratoflow.view.ViewFixtures.WIDE_FLOW;
import static io.stratoflow.view.ViewFixtures.WIDE_RUN;
import static org.assertj.core.api.Assertions.assertThat;

/** The views in a real browser: Debian's chromium, driven by chromedriver, against the server the flow CLI starts. */
class BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path root;

    private static Datastore datastore;
    private static ViewServer server;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run installs them)");
        }
        datastore = new Datastore(root);
        ViewFixtures.write(datastore);
        server = ViewServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source(), Access.anyone("ada"));
        browser = chromium();
    }

    private static DatastoreRunSource source() {
        return new DatastoreRunSource(datastore, flow -> flow.equals(WIDE_FLOW) ? ViewFixtures.wideShapes() : List.of(), "ada");
    }

    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Waits, looking again when the page replaced what it looked at (it refreshes every 2 s). */
    private static FluentWait<WebDriver> waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15), Duration.ofMillis(50)).ignoring(StaleElementReferenceException.class);
    }

    private static void click(String css) {
        waiting().until(b -> {
            b.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static String text(String css) {
        return waiting().until(b -> b.findElement(By.cssSelector(css)).getText());
    }

    private static List<WebElement> rows(String table) {
        return browser.findElements(By.cssSelector(table + " tbody tr"));
    }

    @Test
    void theRunsViewFiltersAndShowsANewRunWithoutReloading() {
        browser.get(server.uri() + "#/runs");
        waiting().until(b -> rows("#runs").size() == 2);
        assertThat(text("#runs tbody tr:nth-child(1)")).contains(WIDE_FLOW).contains("Running").contains("60001 / 100001").contains("ada");

        new Select(browser.findElement(By.cssSelector("[data-filter=phase]"))).selectByVisibleText("Succeeded");
        waiting().until(b -> rows("#runs").size() == 1 && text("#runs tbody tr:nth-child(1)").contains("SmallFlow"));
        new Select(browser.findElement(By.cssSelector("[data-filter=phase]"))).selectByVisibleText("all");
        waiting().until(b -> rows("#runs").size() == 2);

        long now = System.currentTimeMillis();
        datastore.runs().writeRun(new RunRecord("LateFlow", "3000", "com.example.LateFlow", RunPhase.RUNNING, now, null, null, Map.of(),
                null, null));
        waiting().until(b -> rows("#runs").size() == 3 && text("#runs tbody tr:nth-child(1)").contains("LateFlow"));
    }

    @Test
    void aRunOf100000TasksOpensWithItsGraphAndPagesItsTasks() {
        browser.get(server.uri() + "#/runs");
        waiting().until(b -> rows("#runs").size() >= 2);
        long opening = System.nanoTime();
        browser.get(server.uri() + "#/run/local/" + WIDE_FLOW + "/" + WIDE_RUN);
        waiting().until(b -> rows("#steps").size() == 4 && text("#steps tr[data-step=work]").contains("60000"));
        double openedMs = (System.nanoTime() - opening) / 1e6;
        assertThat(browser.findElements(By.cssSelector("#graph canvas"))).as("the graph, drawn by ECharts").isNotEmpty();
        assertThat(text("#steps tr[data-step=work]")).contains("work").contains("2").contains("8000M").contains("99").contains("100000");

        click("#steps tr[data-step=work]");
        waiting().until(b -> rows("#task-table").size() == 100);
        assertThat(text("#tasks .pager")).contains("1–100 of 100000");
        waiting().until(b -> {
            WebElement jump = b.findElement(By.id("jump"));
            ((JavascriptExecutor) b).executeScript("arguments[0].value = '99999'; arguments[0].dispatchEvent(new Event('change'))", jump);
            return true;
        });
        waiting().until(b -> b.findElement(By.cssSelector("#tasks .pager")).getText().contains("99901–100000 of 100000"));
        assertThat(text("#task-table tr[data-task='99999']")).startsWith("99999").contains("waiting");

        long elements = (Long) ((JavascriptExecutor) browser).executeScript("return document.getElementsByTagName('*').length");
        System.out.printf("Run of 100,000 tasks: steps and graph shown %.0f ms after navigating; %d elements in the page%n", openedMs, elements);
        assertThat(elements).as("nothing grows one element per task").isLessThan(3000);
    }

    @Test
    void aTasksLogAndArtifactsAreShown() {
        browser.get(server.uri() + "#/run/local/" + ViewFixtures.SMALL_FLOW + "/" + ViewFixtures.SMALL_RUN);
        waiting().until(b -> rows("#steps").size() == 2);
        click("#steps tr[data-step=start]");
        waiting().until(b -> rows("#task-table").size() == 1);
        click("#task-table tr[data-task='0']");
        waiting().until(b -> b.findElement(By.id("log")).getText().contains("starting the small flow"));
        waiting().until(b -> rows("#artifact-table").size() == 2);
        assertThat(text("#artifact-table tbody tr:nth-child(1)")).contains("greeting").contains("java.lang.String").contains("hello from start");
        assertThat(text("#artifact-table tbody tr:nth-child(2)")).contains("numbers").endsWith("…");
    }

    @Test
    void theStatusViewChartsEachPoolsDemandAndNodesAndThePoolsTabListsThem() throws Exception {
        long now = System.currentTimeMillis();
        List<PoolSample> history = java.util.stream.IntStream.range(0, 240)
                .mapToObj(i -> new PoolSample(now - (240 - i) * 15_000L, 40.0 + i, 20.0, null, 2 + i / 60)).toList();
        PoolView azure = new PoolView("azure", Map.of("outerbounds.co/provider", "azure"), List.of("nvidia.com/gpu:NoSchedule"),
                "8 CPU, 64Gi", "32 CPU", "NodePool azure: instances up to 15900m CPU, 131062Mi", 4, new PoolView.Resources(32, 128, 0), new PoolView.Resources(24, 96, 0),
                new PoolView.Resources(40, 160, 0), 17, history);
        RunSource withPools = new ForwardingRunSource(source()) {
            @Override
            public List<PoolView> pools() {
                return List.of(azure);
            }
        };
        try (ViewServer cluster = ViewServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), withPools, Access.anyone("ada"))) {
            browser.get(cluster.uri() + "#/status");
            waiting().until(b -> b.findElements(By.cssSelector("#pools canvas")).size() >= 2);
            assertThat(text("#pools h2")).isEqualTo("azure");
            Object demandSeries = ((JavascriptExecutor) browser).executeScript(
                    "const chart = echarts.getInstanceByDom(document.querySelector('[data-demand=azure]'));"
                            + "return chart.getOption().series.map(s => s.name + ':' + s.data.length + ':' + (s.markLine ? s.markLine.data[0].yAxis : ''))");
            assertThat(demandSeries.toString()).contains("CPU:240:").contains("memory:240:").contains(":0:100");

            browser.get(cluster.uri() + "#/pools");
            waiting().until(b -> rows("#pool-table").size() == 1);
            assertThat(text("#pool-table tbody tr")).contains("azure").contains("outerbounds.co/provider=azure")
                    .contains("nvidia.com/gpu:NoSchedule").contains("8 CPU, 64Gi").contains("32 CPU").contains("17")
                    .contains("NodePool azure: instances up to 15900m CPU, 131062Mi");
        }
    }

    @Test
    void withoutATokenThePageSaysHowToGetOneAndAcceptsIt() throws Exception {
        Access tokenOnly = authorization -> "Bearer let-me-in".equals(authorization) ? Access.anyone("ada").viewer(null) : Optional.empty();
        try (ViewServer guarded = ViewServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source(), tokenOnly)) {
            browser.get(guarded.uri() + "#/runs");
            waiting().until(b -> b.findElement(By.tagName("h1")).getText().equals("Sign in"));
            assertThat(browser.findElement(By.id("view")).getText()).contains("kubectl create token");
            browser.findElement(By.id("token")).sendKeys("let-me-in");
            browser.findElement(By.id("sign-in")).click();
            waiting().until(b -> rows("#runs").size() >= 2);
        } finally {
            ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        }
    }
    @Test
    void aRunWhoseRunObjectIsDeletedIsMarkedSoInTheRunsAndTheRunView() throws Exception {
        try (ViewServer cluster = ViewServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new AllDeleted(source()),
                Access.anyone("ada"))) {
            browser.get(cluster.uri() + "#/runs");
            waiting().until(b -> rows("#runs").size() >= 2);
            assertThat(text("#runs tbody tr:nth-child(1) .run-deleted")).isEqualTo("Run deleted");

            browser.get(cluster.uri() + "#/run/local/" + ViewFixtures.SMALL_FLOW + "/" + ViewFixtures.SMALL_RUN);
            waiting().until(b -> b.findElement(By.id("run-phase")).getText().contains("Run deleted"));
        }
    }

    /** The runs of a source, shown as the cluster shows runs whose Run objects are gone. */
    private static final class AllDeleted extends ForwardingRunSource {

        AllDeleted(RunSource source) {
            super(source);
        }

        private static RunSummary deleted(RunSummary run) {
            return new RunSummary(run.key(), run.phase(), run.finished(), run.total(), run.user(), run.startedAt(), run.finishedAt(),
                    run.message(), true);
        }

        @Override
        public List<RunSummary> runs() {
            return super.runs().stream().map(AllDeleted::deleted).toList();
        }

        @Override
        public Optional<RunDetail> run(RunKey key) {
            return super.run(key).map(run -> new RunDetail(deleted(run.summary()), run.steps()));
        }
    }
}
