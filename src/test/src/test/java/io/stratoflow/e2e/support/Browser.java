package io.stratoflow.e2e.support;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Debian's chromium, headless, driven by chromedriver: the web view as a person sees it. */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final WebDriver driver;
    private final Duration patience;

    private Browser(WebDriver driver, Duration patience) {
        this.driver = driver;
        this.patience = patience;
    }

    /** @param patience how long a wait for the page may take (the view refreshes every 2 s) */
    public static Browser open(Duration patience) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run installs them)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), patience);
    }

    public void go(String url) {
        driver.get(url);
    }

    /** Waits until {@code condition} holds, looking again when the page replaced what it looked at. */
    public <T> T await(Function<WebDriver, T> condition) {
        FluentWait<WebDriver> wait = new WebDriverWait(driver, patience, Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class);
        return wait.until(condition);
    }

    public String text(String css) {
        return await(d -> d.findElement(By.cssSelector(css)).getText());
    }

    public void click(String css) {
        await(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public Object script(String javascript) {
        return ((JavascriptExecutor) driver).executeScript(javascript);
    }

    /** The page as it looks now, as a PNG file at {@code file}. */
    public Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        return Files.move(taken, file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
