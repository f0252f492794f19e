package dev.vigil.core.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.v1.UserAgentClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserAgentClassifierTest {

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 | UA_BROWSER",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1 | UA_BROWSER",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) | UA_ROBOT",
      "python-requests/2.31.0 | UA_ROBOT",
      "curl/8.4.0 | UA_ROBOT",
      "Scrapy/2.11.0 (+https://scrapy.org) | UA_ROBOT",
      "sqlmap/1.7.2#stable (https://sqlmap.org) | UA_HACKER",
      "'; DROP TABLE users; -- | UA_HACKER",
      " | UA_UNKNOWN",
  })
  void classifies(String userAgent, UserAgentClass expected) {
    assertThat(UserAgentClassifier.shared().classify(userAgent)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void repeatedLookupsAgree() {
    String chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36";
    UserAgentClass first = UserAgentClassifier.shared().classify(chrome);
    assertThat(UserAgentClassifier.shared().classify(chrome)).isEqualTo(first).isEqualTo(UserAgentClass.UA_BROWSER);
  }

  @Test
  void hugeDistinctAgentsNeitherGrowTheCacheBeyondItsCharacterBoundNorEscapeClassification() {
    UserAgentClassifier classifier = UserAgentClassifier.shared();
    String padding = "x".repeat(900_000);
    for (int i = 0; i < 200; i++) {
      assertThat(classifier.classify("python-requests/2.31." + i + " " + padding)).isEqualTo(UserAgentClass.UA_ROBOT);
      assertThat(classifier.cachedChars()).isLessThanOrEqualTo(UserAgentClassifier.CACHE_CHAR_LIMIT);
    }
    // Only a bounded prefix of each agent is kept: 200 agents of 900 KB would be 180 M characters.
    assertThat(classifier.cachedChars()).isLessThanOrEqualTo(200L * UserAgentClassifier.MAX_CLASSIFIED_CHARS + 10_000);
  }
}
