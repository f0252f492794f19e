package dev.vigil.core.aggregate;

import dev.vigil.schemas.v1.ExtractedActivity;

/**
 * One member's activity in one short window, released as discarding panes: the on-time pane holds every
 * event that arrived before event time passed the window's end; each late pane holds only the events that
 * arrived after the previous pane. So every pane is additive and consumers merge all panes of a
 * member-window. The filter job keeps one of these per member and window in keyed state.
 */
public final class ShortWindowPanes {
  private final int sketchK;
  private MemberActivityAggregate pending;
  private boolean firedOnTime;
  private long panesFired;

  public ShortWindowPanes(int sketchK) {
    this.sketchK = sketchK;
    this.pending = new MemberActivityAggregate(sketchK);
  }

  /** Rebuilds stored panes. */
  public static ShortWindowPanes restore(int sketchK, MemberActivityAggregate pending, boolean firedOnTime, long panesFired) {
    ShortWindowPanes p = new ShortWindowPanes(sketchK);
    p.pending = pending;
    p.firedOnTime = firedOnTime;
    p.panesFired = panesFired;
    return p;
  }

  /** A deep copy: updating either leaves the other as it was. */
  public ShortWindowPanes copy() {
    return restore(sketchK, new MemberActivityAggregate(pending.sketchK()).merge(pending), firedOnTime, panesFired);
  }

  /**
   * Adds an event. Returns true when a late pane must now be scheduled: the on-time pane has fired and
   * this is the first event since the last pane.
   */
  public boolean add(ExtractedActivity event) {
    boolean firstPending = pending.eventCount() == 0;
    pending.add(event);
    return firedOnTime && firstPending;
  }

  /** Event time passed the window's end: the on-time pane, or null if it holds nothing. */
  public MemberActivityAggregate fireOnTime() {
    firedOnTime = true;
    return takePending();
  }

  /** The late pane: events since the previous pane, or null if there are none. */
  public MemberActivityAggregate fireLate() {
    return takePending();
  }

  private MemberActivityAggregate takePending() {
    if (pending.eventCount() == 0) {
      return null;
    }
    MemberActivityAggregate pane = pending;
    pending = new MemberActivityAggregate(sketchK);
    panesFired++;
    return pane;
  }

  /** Index the last pane returned had (0 for the first). */
  public long lastPaneIndex() {
    return panesFired - 1;
  }

  public MemberActivityAggregate pending() {
    return pending;
  }

  public boolean firedOnTime() {
    return firedOnTime;
  }

  public long panesFired() {
    return panesFired;
  }

  public int sketchK() {
    return sketchK;
  }
}
