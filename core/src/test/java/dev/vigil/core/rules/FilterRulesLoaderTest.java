package dev.vigil.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterRulesLoaderTest {
  private static final String RULES = """
      relevantEventTypes: [PROFILE_VIEW, LOGIN_FAILURE]
      internalTraffic:
        ipRanges: [10.0.0.0/8, "fd00::/8", 192.0.2.7]
        userAgentContains: [VigilHealthCheck/]
      allowlistedMembers: [42]
      """;

  private static ActivityEvent event(long member, EventType type, String ip, String ua) {
    return ActivityEvent.newBuilder().setMemberId(member).setType(type).setTimestampMs(1).setIp(ip).setUserAgent(ua).build();
  }

  @Test
  void evaluatesEachRule() {
    FilterRules rules = FilterRulesLoader.parse(RULES, "test");
    assertThat(rules.evaluate(event(1, EventType.PROFILE_VIEW, "203.0.113.1", "Mozilla"))).isEqualTo(FilterDecision.KEEP);
    assertThat(rules.evaluate(event(1, EventType.PAGE_VIEW, "203.0.113.1", "Mozilla"))).isEqualTo(FilterDecision.DROP_IRRELEVANT_TYPE);
    assertThat(rules.evaluate(event(42, EventType.PROFILE_VIEW, "203.0.113.1", "Mozilla"))).isEqualTo(FilterDecision.DROP_ALLOWLISTED_MEMBER);
    assertThat(rules.evaluate(event(1, EventType.PROFILE_VIEW, "10.20.30.40", "Mozilla"))).isEqualTo(FilterDecision.DROP_INTERNAL_IP);
    assertThat(rules.evaluate(event(1, EventType.PROFILE_VIEW, "fd12::1", "Mozilla"))).isEqualTo(FilterDecision.DROP_INTERNAL_IP);
    assertThat(rules.evaluate(event(1, EventType.PROFILE_VIEW, "192.0.2.7", "Mozilla"))).isEqualTo(FilterDecision.DROP_INTERNAL_IP);
    assertThat(rules.evaluate(event(1, EventType.PROFILE_VIEW, "192.0.2.8", "Mozilla"))).isEqualTo(FilterDecision.KEEP);
    assertThat(rules.evaluate(event(1, EventType.LOGIN_FAILURE, "", "x VigilHealthCheck/1.0"))).isEqualTo(FilterDecision.DROP_INTERNAL_USER_AGENT);
  }

  @Test
  void loadsFromFileAndDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, RULES);
    assertThat(FilterRulesLoader.load(file).relevantTypes()).containsExactlyInAnyOrder(EventType.PROFILE_VIEW, EventType.LOGIN_FAILURE);
    assertThat(FilterRulesLoader.loadDefault().relevantTypes()).hasSize(8);
  }

  /** A client controls its User-Agent: the default rules must not let one opt out of scoring with it. */
  @Test
  void defaultRulesDropNothingOnFieldsTheClientSets() {
    FilterRules defaults = FilterRulesLoader.loadDefault();
    assertThat(defaults.evaluate(event(1, EventType.PROFILE_VIEW, "203.0.113.1", "VigilHealthCheck/1.0 python-requests/2.31.0")))
        .isEqualTo(FilterDecision.KEEP);
    assertThat(defaults.evaluate(event(1, EventType.PROFILE_VIEW, "10.1.2.3", "Mozilla"))).isEqualTo(FilterDecision.KEEP);
  }

  @Test
  void theShippedExampleRulesDropTheMonitoringNetworkButNoClientSetAgent() {
    FilterRules example = FilterRulesLoader.load(Path.of("..", "config", "filter-rules.yaml"));
    assertThat(example.evaluate(event(1, EventType.PAGE_VIEW, "10.255.0.1", "VigilHealthCheck/1.0"))).isEqualTo(FilterDecision.DROP_INTERNAL_IP);
    assertThat(example.evaluate(event(1, EventType.PAGE_VIEW, "203.0.113.1", "VigilHealthCheck/1.0"))).isEqualTo(FilterDecision.KEEP);
  }

  @Test
  void reportsMissingFile(@TempDir Path dir) {
    assertThatThrownBy(() -> FilterRulesLoader.load(dir.resolve("nope.yaml")))
        .isInstanceOf(FilterRulesException.class).hasMessageContaining("nope.yaml does not exist");
  }

  @Test
  void reportsUnknownKeyWithLine() {
    assertThatThrownBy(() -> FilterRulesLoader.parse("relevantEventTypes: [SEARCH]\nallowlistMembers: [1]\n", "r.yaml"))
        .isInstanceOf(FilterRulesException.class)
        .hasMessageContaining("r.yaml: unknown key 'allowlistMembers' at line 2")
        .hasMessageContaining("allowlistedMembers");
  }

  @Test
  void reportsUnknownEventType() {
    assertThatThrownBy(() -> FilterRulesLoader.parse("relevantEventTypes: [SEARCH, PROFILE_VEIW]", "r.yaml"))
        .isInstanceOf(FilterRulesException.class)
        .hasMessageContaining("unknown event type 'PROFILE_VEIW'").hasMessageContaining("PROFILE_VIEW");
  }

  @Test
  void reportsBadNetwork() {
    assertThatThrownBy(() -> FilterRulesLoader.parse("relevantEventTypes: [SEARCH]\ninternalTraffic:\n  ipRanges: [10.0.0.0/33]", "r.yaml"))
        .isInstanceOf(FilterRulesException.class).hasMessageContaining("internalTraffic.ipRanges").hasMessageContaining("10.0.0.0/33");
  }

  @Test
  void reportsWrongValueType() {
    assertThatThrownBy(() -> FilterRulesLoader.parse("relevantEventTypes: [SEARCH]\nallowlistedMembers: [abc]", "r.yaml"))
        .isInstanceOf(FilterRulesException.class).hasMessageContaining("allowlistedMembers[0]");
  }

  @Test
  void requiresRelevantTypes() {
    assertThatThrownBy(() -> FilterRulesLoader.parse("allowlistedMembers: [1]", "r.yaml"))
        .isInstanceOf(FilterRulesException.class).hasMessageContaining("'relevantEventTypes' is required");
    assertThatThrownBy(() -> FilterRulesLoader.parse("", "r.yaml"))
        .isInstanceOf(FilterRulesException.class).hasMessageContaining("relevantEventTypes");
  }

  @Test
  void reportsInvalidYaml() {
    assertThatThrownBy(() -> FilterRulesLoader.parse("relevantEventTypes: [SEARCH\n", "r.yaml"))
        .isInstanceOf(FilterRulesException.class).hasMessageStartingWith("r.yaml: ");
  }
}
