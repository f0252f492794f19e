package dev.vigil.core.extract;

import dev.vigil.schemas.v1.UserAgentClass;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Classifies a User-Agent header as browser, robot, hacker or unknown with Yauaa. Building the analyzer
 * takes seconds and hundreds of MB, so one instance is shared per JVM ({@link #shared()}); Yauaa's parse
 * is synchronized, so a lock-free bounded cache in front of it serves the repeated agents that make up
 * almost all real traffic. The cache is bounded in entries and in characters, and only the first
 * {@value #MAX_CLASSIFIED_CHARS} characters of an agent are classified (real ones are a few hundred), so
 * agents of a megabyte each can neither grow the heap nor stall the parser.
 */
public final class UserAgentClassifier {
  private static final int CACHE_LIMIT = 50_000;
  /** About 16 MiB of cached keys at most. */
  static final long CACHE_CHAR_LIMIT = 8L * 1024 * 1024;
  static final int MAX_CLASSIFIED_CHARS = 2_048;
  private static final Set<String> ROBOT_CLASSES =
      Set.of("Robot", "Robot Mobile", "Robot Imitator", "Spy", "Cloud Application", "Testclient");
  private static final Set<String> HACKER_CLASSES = Set.of("Hacker");
  private static final Set<String> UNKNOWN_VALUES = Set.of("Unknown", "??", "");

  private static volatile UserAgentClassifier shared;

  private final UserAgentAnalyzer analyzer;
  private final ConcurrentHashMap<String, UserAgentClass> cache = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong cachedChars = new java.util.concurrent.atomic.AtomicLong();

  private UserAgentClassifier() {
    this.analyzer = UserAgentAnalyzer.newBuilder()
        .hideMatcherLoadStats()
        .withoutCache() // the map below is the cache; Yauaa's own one would sit behind its lock
        .withField(UserAgent.DEVICE_CLASS)
        .withField(UserAgent.AGENT_CLASS)
        .immediateInitialization()
        .build();
  }

  /** The JVM-wide classifier, built on first use. */
  public static UserAgentClassifier shared() {
    UserAgentClassifier instance = shared;
    if (instance == null) {
      synchronized (UserAgentClassifier.class) {
        instance = shared;
        if (instance == null) {
          instance = new UserAgentClassifier();
          shared = instance;
        }
      }
    }
    return instance;
  }

  public UserAgentClass classify(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return UserAgentClass.UA_UNKNOWN;
    }
    String key = userAgent.length() > MAX_CLASSIFIED_CHARS ? userAgent.substring(0, MAX_CLASSIFIED_CHARS) : userAgent;
    UserAgentClass cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    UserAgentClass result = classifyUncached(key);
    if (cache.size() >= CACHE_LIMIT || cachedChars.get() + key.length() > CACHE_CHAR_LIMIT) {
      // Crude but bounded: an adversary rotating agents cannot grow memory without limit.
      cache.clear();
      cachedChars.set(0);
    }
    if (cache.putIfAbsent(key, result) == null) {
      cachedChars.addAndGet(key.length());
    }
    return result;
  }

  /** Characters held by cached keys (what bounds the cache's memory). */
  long cachedChars() {
    return cachedChars.get();
  }

  private UserAgentClass classifyUncached(String userAgent) {
    UserAgent parsed = analyzer.parse(userAgent);
    String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
    String agentClass = parsed.getValue(UserAgent.AGENT_CLASS);
    if (HACKER_CLASSES.contains(deviceClass) || HACKER_CLASSES.contains(agentClass)) {
      return UserAgentClass.UA_HACKER;
    }
    if (ROBOT_CLASSES.contains(deviceClass) || ROBOT_CLASSES.contains(agentClass)) {
      return UserAgentClass.UA_ROBOT;
    }
    if (UNKNOWN_VALUES.contains(deviceClass) && UNKNOWN_VALUES.contains(agentClass)) {
      return UserAgentClass.UA_UNKNOWN;
    }
    return UserAgentClass.UA_BROWSER;
  }
}
