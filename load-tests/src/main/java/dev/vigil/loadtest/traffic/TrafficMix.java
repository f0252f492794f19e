package dev.vigil.loadtest.traffic;

import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a {@link SyntheticActivityGenerator}'s population is made of.
 *
 * @param abusiveFraction share of members that are abusers, in [0, 1]
 * @param abuseKindWeights relative weight of each abuse kind among abusers (need not sum to 1; a kind
 *     left out or weighted 0 does not occur); {@code NONE} is not a kind of abuse
 * @param hotMembers members 1..hotMembers are hot keys: heavy but legitimate members (recruiters), never
 *     abusers, so a hot key is load, not abuse; 0 = none
 * @param hotMemberShare share of all events the hot members take together, in [0, 1); 0 when there are none
 * @param dailyRhythm whether normal members follow a day curve in their own time zone (see
 *     {@link SyntheticActivityGenerator})
 */
public record TrafficMix(double abusiveFraction, Map<AbuseType, Double> abuseKindWeights, int hotMembers, double hotMemberShare,
    boolean dailyRhythm) {

  public TrafficMix {
    if (!(abusiveFraction >= 0 && abusiveFraction <= 1)) {
      throw new IllegalArgumentException("abusive fraction must be in [0, 1], got " + abusiveFraction);
    }
    if (abuseKindWeights == null) {
      throw new IllegalArgumentException("abuse kind weights must be given (an empty map when nobody is abusive)");
    }
    double total = 0;
    for (Map.Entry<AbuseType, Double> w : abuseKindWeights.entrySet()) {
      if (w.getKey() == null || w.getKey() == AbuseType.NONE) {
        throw new IllegalArgumentException("abuse kind weights name a kind of abuse, not " + w.getKey());
      }
      if (w.getValue() == null || !(w.getValue() >= 0) || w.getValue().isInfinite()) {
        throw new IllegalArgumentException("weight of " + w.getKey().label() + " must be a finite number >= 0, got " + w.getValue());
      }
      total += w.getValue();
    }
    if (abusiveFraction > 0 && total <= 0) {
      throw new IllegalArgumentException("abusive fraction " + abusiveFraction + " needs a positive weight for at least one abuse kind");
    }
    if (hotMembers < 0) {
      throw new IllegalArgumentException("hot members must be >= 0, got " + hotMembers);
    }
    if (!(hotMemberShare >= 0 && hotMemberShare < 1)) {
      throw new IllegalArgumentException("hot member share must be in [0, 1), got " + hotMemberShare);
    }
    if (hotMembers == 0 && hotMemberShare > 0) {
      throw new IllegalArgumentException("hot member share " + hotMemberShare + " needs at least one hot member");
    }
    if (hotMembers > 0 && hotMemberShare == 0) {
      throw new IllegalArgumentException(hotMembers + " hot members need a hot member share > 0");
    }
    // A copy in declaration order: the weighted choice walks the kinds in that order (legacy order first).
    EnumMap<AbuseType, Double> inOrder = new EnumMap<>(AbuseType.class);
    inOrder.putAll(abuseKindWeights);
    abuseKindWeights = Collections.unmodifiableMap(inOrder);
  }

  /**
   * The generator as it always was: scrapers, fake accounts and spammers in equal thirds, no account
   * takeover, no hot keys, no daily rhythm. The weights are 1 each (not 1/3) so the weighted choice is the
   * same arithmetic as the old one and gives exactly the old personas.
   */
  public static TrafficMix legacy(double abusiveFraction) {
    return new TrafficMix(abusiveFraction, Map.of(AbuseType.SCRAPER, 1.0, AbuseType.FAKE_ACCOUNT, 1.0, AbuseType.SPAMMER, 1.0),
        0, 0, false);
  }

  /**
   * For load tests: all four kinds, daily rhythm on, no hot keys. Weights: scrapers 0.35 (the commonest
   * abuse of a members' directory), fake accounts 0.2, spammers 0.2, account takeover 0.25 (credential
   * stuffing touches many accounts per campaign). Chosen as a plausible world, not for any detector.
   */
  public static TrafficMix loadTest(double abusiveFraction) {
    return new TrafficMix(abusiveFraction, Map.of(AbuseType.SCRAPER, 0.35, AbuseType.FAKE_ACCOUNT, 0.2, AbuseType.SPAMMER, 0.2,
        AbuseType.ACCOUNT_TAKEOVER, 0.25), 0, 0, true);
  }

  /** This mix with {@code hotMembers} hot keys taking {@code share} of all events. */
  public TrafficMix withHotMembers(int hotMembers, double share) {
    return new TrafficMix(abusiveFraction, abuseKindWeights, hotMembers, share, dailyRhythm);
  }
}
