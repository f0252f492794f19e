package dev.vigil.loadtest.traffic;

import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.Persona;

/** An abuser that produced traffic: its kind, persona and the timestamp of its first abusive event. */
public record GroundTruth(long memberId, AbuseType kind, Persona persona, long startMs) {}
