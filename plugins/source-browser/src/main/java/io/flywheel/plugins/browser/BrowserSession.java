package io.flywheel.plugins.browser;

import io.flywheel.api.FlywheelException;
import io.flywheel.api.http.Urls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One headless Chromium driven through Debian's chromedriver. Each session gets a fresh profile
 * folder and a temporary {@code HOME} under one temp folder, whose path marks every process the
 * session started: {@link #close} quits politely, then kills whatever still carries the mark
 * (and the driver), then deletes the folder. Selenium Manager is never consulted: the driver path
 * is given, and the driver's environment says {@code SE_OFFLINE=true}.
 */
final class BrowserSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrowserSession.class);
    static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-sync", "--mute-audio", "--window-size=1280,1600");
    private static final Duration QUIT_LIMIT = Duration.ofSeconds(5);
    /** Selenium warns through java.util.logging on every session that it has no DevTools module; this source needs none. */
    private static final java.util.logging.Logger CDP_NOISE = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_NOISE.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Path dir;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final ProcessHandle driverProcess;
    private volatile boolean closed;
    volatile Instant lastUsed;

    private BrowserSession(Path dir, ChromeDriverService service, ChromeDriver driver, ProcessHandle driverProcess) {
        this.dir = dir;
        this.service = service;
        this.driver = driver;
        this.driverProcess = driverProcess;
    }

    /** Starts Chromium; on any failure nothing is left running and the folder is gone. */
    static BrowserSession start(SessionPool.Binaries binaries, Duration pageLoadTimeout) {
        checkExecutable(binaries.chromium(), "Chromium", "chromium");
        checkExecutable(binaries.chromedriver(), "chromedriver", "chromedriver");
        Path dir;
        try {
            dir = Files.createTempDirectory("flywheel-chromium-");
            Files.createDirectories(dir.resolve("home"));
            Files.createDirectories(dir.resolve("profile"));
        } catch (IOException e) {
            throw new FlywheelException("cannot create a temporary folder for Chromium: " + e.getMessage(), e);
        }
        Path home = dir.resolve("home");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(binaries.chromedriver().toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of(
                        "HOME", home.toString(),
                        "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                        "XDG_CACHE_HOME", home.resolve(".cache").toString(),
                        "SE_OFFLINE", "true"))
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binaries.chromium().toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + dir.resolve("profile"));
        options.setPageLoadStrategy(PageLoadStrategy.NORMAL);
        options.setPageLoadTimeout(pageLoadTimeout);
        options.setScriptTimeout(Duration.ofMinutes(2));
        ChromeDriver driver = null;
        try {
            driver = new ChromeDriver(service, options);
            ProcessHandle process = findDriverProcess(service).orElse(null);
            return new BrowserSession(dir, service, driver, process);
        } catch (RuntimeException | LinkageError e) {
            ProcessHandle process = findDriverProcess(service).orElse(null);
            new BrowserSession(dir, service, driver, process).close();
            throw new FlywheelException("Chromium did not start (" + binaries.chromium() + " via " + binaries.chromedriver() + "): "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static void checkExecutable(Path p, String what, String pkg) {
        if (!Files.isExecutable(p)) {
            throw new FlywheelException(what + " not found at " + p + ": install Debian's chromium and chromium-driver packages"
                    + " (apt-get install chromium chromium-driver) or set " + (pkg.equals("chromium") ? "chromium" : "chromedriver") + ": on the source");
        }
    }

    private static Optional<ProcessHandle> findDriverProcess(ChromeDriverService service) {
        try {
            String port = "--port=" + service.getUrl().getPort();
            return ProcessHandle.current().children().filter(p -> args(p).stream().anyMatch(port::equals)).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> args(ProcessHandle p) {
        return p.info().arguments().map(Arrays::asList).orElse(List.of());
    }

    ChromeDriver driver() {
        return driver;
    }

    /** The folder whose path every Chromium process of this session carries. */
    Path folder() {
        return dir;
    }

    /** Whether the browser still answers. */
    boolean alive() {
        if (closed || driver == null) {
            return false;
        }
        try {
            driver.getWindowHandle();
            return driverProcess == null || driverProcess.isAlive();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Every process still running that belongs to this session. */
    List<ProcessHandle> processes() {
        List<ProcessHandle> out = new ArrayList<>();
        String mark = dir.toString();
        ProcessHandle.allProcesses().filter(p -> p.isAlive() && (args(p).stream().anyMatch(a -> a.contains(mark))
                || p.info().commandLine().map(c -> c.contains(mark)).orElse(false))).forEach(out::add);
        if (driverProcess != null && driverProcess.isAlive()) {
            out.add(driverProcess);
        }
        return out;
    }

    /** Kills the session at once (a hung page, a shutdown); {@link #close} afterwards tidies up. */
    void kill() {
        List<ProcessHandle> targets = new ArrayList<>();
        for (ProcessHandle p : processes()) {
            p.descendants().forEach(targets::add);
            targets.add(p);
        }
        targets.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : targets) {
            try {
                p.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("process {} did not exit yet: {}", p.pid(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (driver != null) {
            Thread quit = Thread.ofVirtual().name("chromium-quit").start(() -> {
                try {
                    driver.quit();
                } catch (RuntimeException e) {
                    log.debug("quit: {}", e.toString());
                }
            });
            try {
                if (!quit.join(QUIT_LIMIT)) {
                    log.debug("Chromium did not quit within {}; killing it", QUIT_LIMIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            service.stop();
        } catch (RuntimeException e) {
            log.debug("stopping chromedriver: {}", e.toString());
        }
        kill();
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a file Chromium still wrote while dying: the OS temp cleaner gets it
                }
            });
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", root, e.toString());
        }
    }

    static String firstLine(String s) {
        return s == null ? "no detail" : s.lines().findFirst().orElse(s);
    }

    /** The page's URL now (after redirects and history.replaceState), or {@code requested} when that is no URI even escaped. */
    URI currentUri(URI requested) {
        return pageUri(driver.getCurrentUrl(), requested);
    }

    static URI pageUri(String current, URI requested) {
        URI uri = Urls.parse(current);
        return uri == null ? requested : uri;
    }
}
